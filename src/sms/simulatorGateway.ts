import { randomUUID } from 'node:crypto'
import type { GatewayHealth, OutgoingSms, ReceiptInput, SendResult, SmsGateway } from './gateway.js'

export interface SimulatedMessage {
  direction: 'outbound' | 'inbound'
  from: string
  to: string
  text: string
  messageId: string
  at: string
}

const MAX_MESSAGES_PER_PHONE = 500

// Simulated phones for development and demos: each outbound message is "delivered" to an
// in-memory phone, and a receipt follows through the same handler Vonage's would reach.
export class SimulatorGateway implements SmsGateway {
  readonly name = 'simulator' as const
  readonly #phones = new Map<string, SimulatedMessage[]>()
  #receiptHandler: ((receipt: ReceiptInput) => Promise<unknown>) | null = null

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Where delivery receipts go; wired once the receipts service exists. */
  onReceipt(handler: (receipt: ReceiptInput) => Promise<unknown>): void {
    this.#receiptHandler = handler
  }

  async send(sms: OutgoingSms): Promise<SendResult> {
    const messageId = `SIM-${randomUUID()}`
    this.#append(sms.to, { direction: 'outbound', from: sms.from, to: sms.to, text: sms.text, messageId, at: this.now().toISOString() })
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
  recordInbound(message: Omit<SimulatedMessage, 'direction' | 'at'>): SimulatedMessage {
    const entry: SimulatedMessage = { ...message, direction: 'inbound', at: this.now().toISOString() }
    this.#append(message.from, entry)
    return entry
  }

  conversation(e164: string): SimulatedMessage[] {
    return [...(this.#phones.get(e164) ?? [])]
  }

  phones(): string[] {
    return [...this.#phones.keys()].sort()
  }

  health(): GatewayHealth {
    return { ok: true, detail: 'simulator' }
  }

  #append(phone: string, message: SimulatedMessage): void {
    const messages = this.#phones.get(phone) ?? []
    messages.push(message)
    if (messages.length > MAX_MESSAGES_PER_PHONE) messages.shift()
    this.#phones.set(phone, messages)
  }
}
