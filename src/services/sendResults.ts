import type { OutboundKind } from '../domain/optIn.js'
import type { Repositories } from '../store/store.js'
import type { ServiceDeps } from './deps.js'
import type { Ledger } from './ledger.js'

/** One send as the outbox worker saw it: the row, what the gateway said, and when to try again. */
export interface SendOutcome {
  /** attempts: counted when the row was claimed, this send included. */
  row: { id: number; patron_id: number | null; e164: string; kind: OutboundKind; attempts: number }
  result: { outcome: 'sent'; messageId: string } | { outcome: 'retry' | 'throttled' | 'refused'; error: string }
  /** null: no more tries. */
  retryAtMs: number | null
}

// What the gateway said about the outbox worker's sends, recorded after the network calls and
// outside them: a batch in one transaction. A send that finally failed may change the status.
export class SendResults {
  constructor(private readonly deps: Pick<ServiceDeps, 'store' | 'clock' | 'onQueued'> & { ledger: Ledger }) {}

  async record(outcomes: readonly SendOutcome[]): Promise<void> {
    if (outcomes.length === 0) return
    await this.deps.store.transaction(async (repos) => {
      for (const outcome of outcomes) await this.recordOne(repos, outcome)
    })
    this.deps.onQueued()
  }

  private async recordOne(repos: Repositories, { row, result, retryAtMs }: SendOutcome): Promise<void> {
    const at = this.deps.clock().toISOString()
    if (result.outcome === 'sent') {
      const sent = { state: 'sent', gateway_message_id: result.messageId, sent_at: at, error: null, updated_at: at } as const
      const moved = await repos.outbox.transition(row.id, 'sending', sent)
      // A receipt may have arrived first and already settled the row.
      if (!moved) await repos.outbox.update(row.id, { gateway_message_id: result.messageId, sent_at: at })
      if (row.kind === 'optout') await this.completeOptOut(repos, row)
      return
    }
    // Throttled: the account was over its pace, so this try does not count (issue 14).
    if (result.outcome === 'throttled' && retryAtMs !== null) {
      const changes = {
        state: 'queued',
        attempts: row.attempts - 1,
        next_attempt_ms: retryAtMs,
        error: result.error,
        updated_at: at,
      } as const
      await repos.outbox.transition(row.id, 'sending', changes)
      return
    }
    if (result.outcome === 'retry' && retryAtMs !== null) {
      await repos.outbox.transition(row.id, 'sending', { state: 'queued', next_attempt_ms: retryAtMs, error: result.error, updated_at: at })
      return
    }
    await repos.outbox.transition(row.id, 'sending', { state: 'failed', error: result.error, updated_at: at })
    if (row.kind === 'optout') await this.completeOptOut(repos, row)
    else if (row.patron_id !== null && (row.kind === 'invitation' || row.kind === 'confirmation')) {
      const event = { type: 'delivery_failed', message: row.kind } as const
      await this.deps.ledger.applyToCurrentNumber(repos, row.patron_id, row.e164, event, { channel: 'system' })
    }
  }

  // SPEC 4.4: the opt-out is processed once its one confirmation text has been handed to
  // the gateway — or could not be, which must not leave the patron half opted out.
  private async completeOptOut(repos: Repositories, row: { patron_id: number | null; e164: string }): Promise<void> {
    if (row.patron_id === null) return
    await this.deps.ledger.applyToCurrentNumber(repos, row.patron_id, row.e164, { type: 'opt_out_sent' }, { channel: 'system' })
  }
}
