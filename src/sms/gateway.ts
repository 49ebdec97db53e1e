export interface OutgoingSms {
  /** E.164 with the leading + */
  to: string
  /** The short code the message is sent from */
  from: string
  text: string
  /** Our outbox id: it comes back in the delivery receipt (Vonage `client-ref`). */
  clientRef: string
}

export type SendResult =
  | { outcome: 'sent'; messageId: string }
  /** Worth another try later: a network fault, a 5xx, bad credentials. */
  | { outcome: 'retry'; error: string }
  /** The gateway's account is over its throughput limit (Vonage status 1): try again in a second; the message is fine. */
  | { outcome: 'throttled'; error: string }
  /** The gateway will never deliver this one: invalid or barred number. */
  | { outcome: 'refused'; error: string }

export interface GatewayHealth {
  ok: boolean
  detail: string
}

export interface SmsGateway {
  readonly name: 'simulator' | 'vonage'
  send(sms: OutgoingSms): Promise<SendResult>
  health(): GatewayHealth
}

/** A delivery receipt as the services understand it, whatever the gateway. */
export interface ReceiptInput {
  messageId: string
  clientRef: string | null
  status: string
  errCode: string | null
}

/** An inbound text as the services understand it, whatever the gateway. */
export interface InboundInput {
  messageId: string
  msisdn: string
  to: string
  text: string
  receivedAt: Date
}
