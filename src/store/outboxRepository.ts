import { type Kysely, sql } from 'kysely'
import { isPostgres } from './postgres/isPostgres.js'
import { PreparedQuery } from './preparedQuery.js'
import type { NewOutboxMessage, OutboxMessage, OutboxState, Tables } from './schema.js'

// Written as SQL literals, not bound parameters: only then can the database use the partial
// indexes on queued rows (outbox_due, outbox_e164) instead of scanning the whole outbox.
const IS_QUEUED = sql<boolean>`state = 'queued'`
// The same for the partial index on opt-in texts (outbox_optin_texts, migration 6).
const IS_OPT_IN_TEXT = sql<boolean>`kind IN ('invitation', 'confirmation')`
// The same for the partial index on rows in flight (outbox_in_flight, migration 4).
const IS_IN_FLIGHT = sql<boolean>`state IN ('queued', 'sending')`

type Changes = Partial<Omit<OutboxMessage, 'id'>>

const ENQUEUE = new PreparedQuery((db, row: NewOutboxMessage) => db.insertInto('outbox').values(row).returning('id'))
const BY_ID = new PreparedQuery((db, { id }: { id: number }) => db.selectFrom('outbox').selectAll().where('id', '=', id))
// The row's own id and expected state go by names no column has, beside the columns to change.
const UPDATE = new PreparedQuery((db, { row_id, ...changes }: Changes & { row_id: number }) =>
  db.updateTable('outbox').set(changes).where('id', '=', row_id),
)
const TRANSITION = new PreparedQuery((db, { row_id, row_state, ...changes }: Changes & { row_id: number; row_state: OutboxState }) =>
  db.updateTable('outbox').set(changes).where('id', '=', row_id).where('state', '=', row_state),
)
const CANCEL_FOR_PATRON = new PreparedQuery((db, { patronId, reason, at }: { patronId: number; reason: string; at: string }) =>
  db.updateTable('outbox').set({ state: 'cancelled', error: reason, updated_at: at }).where('patron_id', '=', patronId).where(IS_QUEUED),
)
const CANCEL_FOR_NUMBER = new PreparedQuery((db, { e164, reason, at }: { e164: string; reason: string; at: string }) =>
  db.updateTable('outbox').set({ state: 'cancelled', error: reason, updated_at: at }).where('e164', '=', e164).where(IS_QUEUED),
)

type QueuedMessage = Pick<NewOutboxMessage, 'patron_id' | 'e164' | 'kind' | 'text'> &
  Partial<Pick<NewOutboxMessage, 'alert_type' | 'dedupe_key' | 'lang'>>

export class OutboxRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  /** Queues a message to go out now (the outbox worker holds alerts for the send window). */
  async enqueue(message: QueuedMessage, now: Date): Promise<number> {
    const at = now.toISOString()
    const row: NewOutboxMessage = {
      alert_type: null,
      dedupe_key: null,
      ...message,
      state: 'queued',
      attempts: 0,
      next_attempt_ms: now.getTime(),
      gateway_message_id: null,
      error: null,
      delivery_error_code: null,
      created_at: at,
      sent_at: null,
      updated_at: at,
    }
    const inserted = await ENQUEUE.first(this.db, row)
    if (!inserted) throw new Error('the outbox insert returned no id')
    return inserted.id
  }

  findById(id: number): Promise<OutboxMessage | undefined> {
    return BY_ID.first(this.db, { id })
  }

  findByDedupeKey(key: string): Promise<OutboxMessage | undefined> {
    return this.db.selectFrom('outbox').selectAll().where('dedupe_key', '=', key).executeTakeFirst()
  }

  findByGatewayMessageId(messageId: string): Promise<OutboxMessage | undefined> {
    return this.db.selectFrom('outbox').selectAll().where('gateway_message_id', '=', messageId).executeTakeFirst()
  }

  due(nowMs: number, limit: number): Promise<OutboxMessage[]> {
    const query = this.db
      .selectFrom('outbox')
      .selectAll()
      .where(IS_QUEUED)
      .where('next_attempt_ms', '<=', nowMs)
      .orderBy('next_attempt_ms')
      .limit(limit)
    // The claim (in a transaction): on PostgreSQL several workers claim at once, each takes rows
    // no other holds. SQLite's single writer needs no lock.
    if (this.db.isTransaction && isPostgres(this.db)) return query.forUpdate().skipLocked().execute()
    return query.execute()
  }

  // Moves a row from one state to another only if it is still in the expected one, so two
  // outbox workers (or a worker and a cancel) never both act on it.
  async transition(
    id: number,
    from: OutboxState,
    changes: Partial<Omit<OutboxMessage, 'id'>> & { state: OutboxState; updated_at: string },
  ): Promise<boolean> {
    const result = await TRANSITION.execute(this.db, { ...changes, row_id: id, row_state: from })
    return (result.numAffectedRows ?? 0n) > 0n
  }

  async update(id: number, changes: Partial<Omit<OutboxMessage, 'id'>>): Promise<void> {
    await UPDATE.execute(this.db, { ...changes, row_id: id })
  }

  async cancelQueuedForPatron(patronId: number, reason: string, at: string): Promise<number> {
    const result = await CANCEL_FOR_PATRON.execute(this.db, { patronId, reason, at })
    return Number(result.numAffectedRows ?? 0n)
  }

  async cancelQueuedForNumber(e164: string, reason: string, at: string): Promise<number> {
    const result = await CANCEL_FOR_NUMBER.execute(this.db, { e164, reason, at })
    return Number(result.numAffectedRows ?? 0n)
  }

  // A row caught mid-send by a stopped worker may or may not have reached the gateway. It is
  // never sent again (no double texts); a later delivery receipt settles it. `claimedBefore`:
  // only rows claimed before then (another worker may hold the newer ones); null: every row.
  async markInFlightUnknown(at: string, claimedBefore: string | null): Promise<number> {
    let query = this.db
      .updateTable('outbox')
      .set({ state: 'unknown', error: 'worker stopped while sending', updated_at: at })
      .where('state', '=', 'sending')
    // A row in 'sending' keeps the updated_at of its claim: nothing else writes it until the
    // send's outcome (or a receipt) moves it on.
    if (claimedBefore !== null) query = query.where('updated_at', '<', claimedBefore)
    const result = await query.executeTakeFirst()
    return Number(result.numUpdatedRows)
  }

  /**
   * Invitations and confirmations queued to this number since then, for any patron and in any
   * state: one cancelled before it went out still counts, so the limit does not hang on timing.
   */
  async countOptInTextsSince(e164: string, sinceIso: string): Promise<number> {
    const row = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('e164', '=', e164)
      .where(IS_OPT_IN_TEXT)
      .where('created_at', '>=', sinceIso)
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }

  listForPatron(patronId: number, limit = 50): Promise<OutboxMessage[]> {
    return this.db.selectFrom('outbox').selectAll().where('patron_id', '=', patronId).orderBy('id', 'desc').limit(limit).execute()
  }

  async depth(): Promise<number> {
    const row = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(IS_IN_FLIGHT)
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }

  /** Queued and sending rows by state: read from the partial index alone, however long the outbox. */
  countInFlightByState(): Promise<StateCount[]> {
    return this.countByState(true)
  }

  /** Every row by state: a scan of the whole outbox (no index covers the delivered and failed ones). */
  countAllByState(): Promise<StateCount[]> {
    return this.countByState(false)
  }

  private async countByState(inFlightOnly: boolean): Promise<StateCount[]> {
    const rows = await this.db
      .selectFrom('outbox')
      .select((eb) => ['state', eb.fn.countAll<number>().as('n')])
      .$if(inFlightOnly, (query) => query.where(IS_IN_FLIGHT))
      .groupBy('state')
      .execute()
    return rows.map((row) => ({ state: row.state, count: Number(row.n) }))
  }
}

export interface StateCount {
  state: OutboxState
  count: number
}
