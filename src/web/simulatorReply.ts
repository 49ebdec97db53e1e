import { randomUUID } from 'node:crypto'
import { paths } from './paths.js'

interface PhoneReply {
  /** the simulated phone, E.164 */
  from: string
  /** the short code it texts */
  to: string
  text: string
}

function vonageTimestamp(at: Date): string {
  return at.toISOString().slice(0, 19).replace('T', ' ')
}

/** The form fields Vonage's SMS API posts for an inbound text (SPEC 5). */
export function vonageInboundFields(reply: PhoneReply, messageId: string, at: Date): Record<string, string> {
  return {
    msisdn: reply.from.replace(/^\+/, ''),
    to: reply.to,
    messageId,
    text: reply.text,
    type: 'text',
    keyword: reply.text.trim().split(/\s+/)[0]?.toUpperCase() ?? '',
    'message-timestamp': vonageTimestamp(at),
  }
}

export function newSimulatedMessageId(): string {
  return `SIMIN-${randomUUID()}`
}

// A reply typed on a simulated phone arrives exactly as Vonage would deliver it: over HTTP, at
// the same webhook, through the same parsing, signature check and inbound-texts service.
export async function postInboundWebhook(baseUrl: string, fields: Record<string, string>): Promise<{ ok: boolean; status: number }> {
  const response = await fetch(new URL(paths.webhooks.inbound, baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(fields).toString(),
    signal: AbortSignal.timeout(10_000),
  })
  await response.arrayBuffer()
  return { ok: response.ok, status: response.status }
}
