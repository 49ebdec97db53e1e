import type { Kysely } from 'kysely'
import type { Tables } from './schema.js'

/** One text on a simulated phone, in the shape GET /simulator/messages answers (SPEC 5). */
export interface SimulatedMessage {
  direction: 'outbound' | 'inbound'
  from: string
  to: string
  text: string
  messageId: string
  at: string
}

export interface SimulatedPhone {
  e164: string
  count: number
  /** When its newest message was sent (ISO-8601). */
  lastAt: string
}

/** How many messages each simulated phone keeps: a demo's worth, not a log. */
export const MESSAGES_PER_PHONE = 200

// The simulated phones' conversations (SMS_GATEWAY=simulator), in the database so that they
// survive a restart and every portal node on it shows the same ones.
export class SimulatorMessageRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  /** Two statements: run it in a transaction, so the trim commits with the insert. */
  async record(phone: string, message: SimulatedMessage): Promise<void> {
    await this.db
      .insertInto('simulator_messages')
      .values({
        phone,
        direction: message.direction,
        from_number: message.from,
        to_number: message.to,
        text: message.text,
        message_id: message.messageId,
        at: message.at,
      })
      .execute()
    const newest = this.db
      .selectFrom('simulator_messages')
      .select('id')
      .where('phone', '=', phone)
      .orderBy('id', 'desc')
      .limit(MESSAGES_PER_PHONE)
    await this.db.deleteFrom('simulator_messages').where('phone', '=', phone).where('id', 'not in', newest).execute()
  }

  /** The phone's messages, oldest first. */
  async conversation(phone: string): Promise<SimulatedMessage[]> {
    const rows = await this.db
      .selectFrom('simulator_messages')
      .select(['direction', 'from_number', 'to_number', 'text', 'message_id', 'at'])
      .where('phone', '=', phone)
      .orderBy('id')
      .execute()
    return rows.map((row) => ({
      direction: row.direction,
      from: row.from_number,
      to: row.to_number,
      text: row.text,
      messageId: row.message_id,
      at: row.at,
    }))
  }

  /** Every phone with a message, in order of number, with how many it holds and the newest one's time. */
  async phones(): Promise<SimulatedPhone[]> {
    const rows = await this.db
      .selectFrom('simulator_messages')
      .select((eb) => ['phone', eb.fn.countAll<number>().as('count'), eb.fn.max('at').as('last_at')])
      .groupBy('phone')
      .orderBy('phone')
      .execute()
    return rows.map((row) => ({ e164: row.phone, count: Number(row.count), lastAt: row.last_at }))
  }
}
