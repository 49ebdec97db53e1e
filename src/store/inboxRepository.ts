import type { Kysely } from 'kysely'
import type { InboundMessage, Tables } from './schema.js'

// What arrived from the gateway: inbound texts (keyed by Vonage messageId, which makes a
// redelivered webhook a no-op) and delivery receipts.
export class InboxRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  async recordInbound(message: InboundMessage): Promise<boolean> {
    const result = await this.db
      .insertInto('inbound_messages')
      .values(message)
      .onConflict((oc) => oc.column('message_id').doNothing())
      .executeTakeFirst()
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n
  }

  async setInboundOutcome(messageId: string, outcome: string): Promise<void> {
    await this.db.updateTable('inbound_messages').set({ outcome }).where('message_id', '=', messageId).execute()
  }

  async recordReceipt(receipt: {
    message_id: string
    client_ref: string | null
    status: string
    err_code: string | null
    received_at: string
    outcome: string
  }): Promise<boolean> {
    const result = await this.db
      .insertInto('delivery_receipts')
      .values(receipt)
      .onConflict((oc) => oc.columns(['message_id', 'status']).doNothing())
      .executeTakeFirst()
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n
  }

  inboundFrom(msisdn: string, limit = 100): Promise<InboundMessage[]> {
    return this.db
      .selectFrom('inbound_messages')
      .selectAll()
      .where('msisdn', '=', msisdn)
      .orderBy('received_at', 'desc')
      .limit(limit)
      .execute()
  }
}
