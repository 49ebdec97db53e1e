import { type Kysely, sql } from 'kysely'
import { isPostgres } from './postgres/isPostgres.js'
import { PreparedQuery } from './preparedQuery.js'
import type { ConsentEvent, NewConsentEvent, Tables } from './schema.js'

const APPEND = new PreparedQuery((db, event: NewConsentEvent) => db.insertInto('consent_events').values(event))
/** The newest events a patron page shows. A literal: SQLite took twice as long with a bound LIMIT. */
const HISTORY_SHOWN = 200
const FOR_PATRON = new PreparedQuery((db, { patronId }: { patronId: number }) =>
  db.selectFrom('consent_events').selectAll().where('patron_id', '=', patronId).orderBy('id', 'desc').limit(sql.lit(HISTORY_SHOWN)),
)

const STREAM_PAGE = 1_000

// Append-only: the schema refuses UPDATE and DELETE on this table.
export class ConsentRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  async append(event: NewConsentEvent): Promise<void> {
    await APPEND.execute(this.db, event)
  }

  /** The patron's newest HISTORY_SHOWN events, newest first. */
  listForPatron(patronId: number): Promise<ConsentEvent[]> {
    return FOR_PATRON.all(this.db, { patronId })
  }

  /** By barcode, so the history of a deleted record can still be read (SPEC 4.9). */
  listForBarcode(barcode: string, limit = 200): Promise<ConsentEvent[]> {
    return this.db.selectFrom('consent_events').selectAll().where('barcode', '=', barcode).orderBy('id', 'desc').limit(limit).execute()
  }

  /** Opt-ins the patron started on the web since then (a literal, for consent_events_web_optins). */
  async countWebOptInsSince(patronId: number, sinceIso: string): Promise<number> {
    const row = await this.db
      .selectFrom('consent_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('patron_id', '=', patronId)
      .where(sql<boolean>`reason = 'web_opt_in'`)
      .where('at', '>=', sinceIso)
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }

  streamSince(sinceIso: string | null): AsyncIterableIterator<ConsentEvent> {
    if (isPostgres(this.db)) return this.pagesSince(sinceIso)
    let query = this.db.selectFrom('consent_events').selectAll().orderBy('id')
    if (sinceIso) query = query.where('at', '>=', sinceIso)
    return query.stream()
  }

  // node-postgres streams only through pg-cursor; pages by id read the same rows in the same order.
  private async *pagesSince(sinceIso: string | null): AsyncIterableIterator<ConsentEvent> {
    for (let afterId = 0; ; ) {
      let query = this.db.selectFrom('consent_events').selectAll().where('id', '>', afterId).orderBy('id').limit(STREAM_PAGE)
      if (sinceIso) query = query.where('at', '>=', sinceIso)
      const page = await query.execute()
      yield* page
      const last = page.at(-1)
      if (!last || page.length < STREAM_PAGE) return
      afterId = last.id
    }
  }
}
