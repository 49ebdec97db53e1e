import type { OptInEvent } from '../domain/optIn.js'
import type { ReceiptInput } from '../sms/gateway.js'
import type { OutboxMessage } from '../store/schema.js'
import type { Repositories } from '../store/store.js'
import type { ServiceDeps } from './deps.js'
import type { Ledger } from './ledger.js'

interface ReceiptResult {
  duplicate: boolean
  outcome: string
}

/** What the receipt made of its message: the state the outbox row moved to (counted for /metrics once per message, not per part). */
interface Applied {
  outcome: string
  became: 'delivered' | 'failed' | null
}

class DuplicateReceipt extends Error {}

const FAILED: readonly string[] = ['failed', 'rejected', 'expired']

// Delivery receipts from the gateway (SPEC 4.7, 5): the outbox row learns its fate, and an
// undeliverable invitation or confirmation, or a carrier's opt-out, changes the status.
export class DeliveryReceipts {
  constructor(private readonly deps: Pick<ServiceDeps, 'store' | 'clock' | 'onQueued' | 'metrics'> & { ledger: Ledger }) {}

  async handle(receipt: ReceiptInput): Promise<ReceiptResult> {
    const stored = await this.deps.store
      .transaction(async (repos) => {
        const row = await findOutboxRow(repos, receipt)
        const applied: Applied = row ? await this.apply(repos, row, receipt) : { outcome: 'ignored: unknown message', became: null }
        const fresh = await repos.inbox.recordReceipt({
          message_id: receipt.messageId,
          client_ref: receipt.clientRef,
          status: receipt.status,
          err_code: receipt.errCode,
          received_at: this.nowIso(),
          outcome: applied.outcome,
        })
        // Thrown, not returned: what a duplicate would have changed above must roll back.
        if (!fresh) throw new DuplicateReceipt()
        return { ...applied, kind: row?.kind }
      })
      .catch((error: unknown) => {
        if (error instanceof DuplicateReceipt) return null
        throw error
      })
    if (stored === null) return { duplicate: true, outcome: 'duplicate' }
    if (stored.became && stored.kind) this.deps.metrics.smsReceipt(stored.kind, stored.became)
    this.deps.onQueued()
    return { duplicate: false, outcome: stored.outcome }
  }

  private async apply(repos: Repositories, row: OutboxMessage, receipt: ReceiptInput): Promise<Applied> {
    const status = receipt.status.toLowerCase()
    const at = this.nowIso()
    const settled = ['sending', 'sent', 'unknown'].includes(row.state)
    if (status === 'delivered') {
      if (settled) await repos.outbox.update(row.id, { state: 'delivered', gateway_message_id: receipt.messageId, updated_at: at })
      return { outcome: 'delivered', became: settled ? 'delivered' : null }
    }
    if (!FAILED.includes(status)) return { outcome: `noted: ${status}`, became: null }
    const fails = settled || row.state === 'delivered'
    if (fails) {
      await repos.outbox.update(row.id, {
        state: 'failed',
        gateway_message_id: receipt.messageId,
        delivery_error_code: receipt.errCode,
        error: `delivery ${status}${receipt.errCode ? ` (err-code ${receipt.errCode})` : ''}`,
        updated_at: at,
      })
    }
    const event: OptInEvent | null =
      receipt.errCode === '9'
        ? { type: 'carrier_opt_out' }
        : row.kind === 'invitation' || row.kind === 'confirmation'
          ? { type: 'delivery_failed', message: row.kind }
          : null
    if (event && row.patron_id !== null) {
      const source = { channel: 'system', inboundMessageId: receipt.messageId } as const
      await this.deps.ledger.applyToCurrentNumber(repos, row.patron_id, row.e164, event, source)
    }
    const outcome = receipt.errCode === '9' ? 'failed: recipient opted out at the carrier' : `failed: ${status}`
    return { outcome, became: fails ? 'failed' : null }
  }

  private nowIso(): string {
    return this.deps.clock().toISOString()
  }
}

async function findOutboxRow(repos: Repositories, receipt: ReceiptInput): Promise<OutboxMessage | undefined> {
  const byRef = receipt.clientRef && /^\d+$/.test(receipt.clientRef) ? await repos.outbox.findById(Number(receipt.clientRef)) : undefined
  return byRef ?? (await repos.outbox.findByGatewayMessageId(receipt.messageId))
}
