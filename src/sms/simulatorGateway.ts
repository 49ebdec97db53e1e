import { randomUUID } from 'node:crypto'
import type { SimulatedMessage, SimulatedPhone } from '../store/simulatorMessageRepository.js'
import type { Store } from '../store/store.js'
import type { GatewayHealth, OutgoingSms, ReceiptInput, SendResult, SmsGateway } from './gateway.js'

export type { SimulatedMessage, SimulatedPhone }

// Simulated phones for development and demos: each outbound message is "delivered" to a phone
// kept in the database (so a restart or another node sees it), and a receipt follows through the
// same handler Vonage's would reach.
export class SimulatorGateway implements SmsGateway {
  readonly name = 'simulator' as const
  #receiptHandler: ((receipt: ReceiptInput) => Promise<unknown>) | null = null

  constructor(
    private readonly store: Pick<Store, 'transaction' | 'read'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Where delivery receipts go; wired once the receipts service exists. */
  onReceipt(handler: (receipt: ReceiptInput) => Promise<unknown>): void {
    this.#receiptHandler = handler
  }

  async send(sms: OutgoingSms): Promise<SendResult> {
    const messageId = `SIM-${randomUUID()}`
    // A failed write throws, and the outbox worker tries again: the text was not "delivered".
    await this.#record(sms.to, {
      direction: 'outbound',
      from: sms.from,
      to: sms.to,
      text: sms.text,
      messageId,
      at: this.now().toISOString(),
    })
    const handler = this.#receiptHandler
    if (handler) {
      // After the send returns, as a real receipt arrives after the API answer.
      setImmediate(() => {
        handler({ messageId, clientRef: sms.clientRef, status: 'delivered', errCode: '0' }).catch(() => {})
      })
    }
    return { outcome: 'sent', messageId }
  }

  /** Records a text typed on a simulated phone; the caller feeds it to the inbound webhook. */
  async recordInbound(message: Omit<SimulatedMessage, 'direction' | 'at'>): Promise<SimulatedMessage> {
    const entry: SimulatedMessage = { ...message, direction: 'inbound', at: this.now().toISOString() }
    await this.#record(message.from, entry)
    return entry
  }

  /** The phone's messages, oldest first. */
  conversation(e164: string): Promise<SimulatedMessage[]> {
    return this.store.read((repos) => repos.simulatorMessages.conversation(e164))
  }

  /** Every phone with a message, in order of number. */
  phones(): Promise<SimulatedPhone[]> {
    return this.store.read((repos) => repos.simulatorMessages.phones())
  }

  health(): GatewayHealth {
    return { ok: true, detail: 'simulator' }
  }

  #record(phone: string, message: SimulatedMessage): Promise<void> {
    return this.store.transaction((repos) => repos.simulatorMessages.record(phone, message))
  }
}
