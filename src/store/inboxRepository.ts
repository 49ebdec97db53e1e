import type { Kysely } from 'kysely'
import { PreparedQuery } from './preparedQuery.js'
import type { InboundMessage, Tables } from './schema.js'

type ReceiptRow = {
  message_id: string
  client_ref: string | null
  status: string
  err_code: string | null
  received_at: string
  outcome: string
}

const RECORD_INBOUND = new PreparedQuery((db, message: InboundMessage) =>
  db
    .insertInto('inbound_messages')
    .values(message)
    .onConflict((oc) => oc.column('message_id').doNothing()),
)
const SET_OUTCOME = new PreparedQuery((db, { messageId, outcome }: { messageId: string; outcome: string }) =>
  db.updateTable('inbound_messages').set({ outcome }).where('message_id', '=', messageId),
)
const RECORD_RECEIPT = new PreparedQuery((db, receipt: ReceiptRow) =>
  db
    .insertInto('delivery_receipts')
    .values(receipt)
    .onConflict((oc) => oc.columns(['message_id', 'status']).doNothing()),
)

// What arrived from the gateway: inbound texts (keyed by Vonage messageId, which makes a
// redelivered webhook a no-op) and delivery receipts.
export class InboxRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  async recordInbound(message: InboundMessage): Promise<boolean> {
    const result = await RECORD_INBOUND.execute(this.db, message)
    return (result.numAffectedRows ?? 0n) > 0n
  }

  async setInboundOutcome(messageId: string, outcome: string): Promise<void> {
    await SET_OUTCOME.execute(this.db, { messageId, outcome })
  }

  async recordReceipt(receipt: ReceiptRow): Promise<boolean> {
    const result = await RECORD_RECEIPT.execute(this.db, receipt)
    return (result.numAffectedRows ?? 0n) > 0n
  }
}
