import type { Kysely } from 'kysely'
import type { InboundPart, Tables } from './schema.js'

interface PartGroup {
  msisdn: string
  toNumber: string
  ref: string
  total: number
}

// Parts of long inbound texts, keyed by each part's own Vonage messageId so that a
// redelivered part is a no-op.
export class InboundPartRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  /** False when this part was stored before. */
  async record(part: InboundPart): Promise<boolean> {
    const result = await this.db
      .insertInto('inbound_parts')
      .values(part)
      .onConflict((oc) => oc.column('message_id').doNothing())
      .executeTakeFirst()
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n
  }

  /** The parts of one message not yet joined, stored at or after `sinceIso`, oldest first. */
  openParts(group: PartGroup, sinceIso: string): Promise<InboundPart[]> {
    return this.db
      .selectFrom('inbound_parts')
      .selectAll()
      .where('msisdn', '=', group.msisdn)
      .where('concat_ref', '=', group.ref)
      .where('to_number', '=', group.toNumber)
      .where('concat_total', '=', group.total)
      .where('joined_message_id', 'is', null)
      .where('stored_at', '>=', sinceIso)
      .orderBy('stored_at')
      .execute()
  }

  async markJoined(messageIds: readonly string[], joinedMessageId: string): Promise<void> {
    if (messageIds.length === 0) return
    await this.db
      .updateTable('inbound_parts')
      .set({ joined_message_id: joinedMessageId })
      .where('message_id', 'in', [...messageIds])
      .execute()
  }
}
