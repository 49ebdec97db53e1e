import type { InboundInput, ReceiptInput } from './gateway.js'

export type WebhookParams = Readonly<Record<string, string>>
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string }

/** Vonage sends GET or POST, query string, form or JSON: merge them and keep strings. */
export function webhookParams(query: unknown, body: unknown): WebhookParams {
  const params: Record<string, string> = {}
  for (const source of [query, body]) {
    if (typeof source !== 'object' || source === null) continue
    for (const [key, value] of Object.entries(source)) {
      if (typeof value === 'string') params[key] = value
      else if (typeof value === 'number' || typeof value === 'boolean') params[key] = String(value)
    }
  }
  return params
}

// Vonage's message-timestamp is 'YYYY-MM-DD HH:MM:SS' in UTC.
function parseVonageTime(value: string | undefined, fallback: Date): Date {
  if (!value) return fallback
  const parsed = new Date(`${value.replace(' ', 'T')}Z`)
  return Number.isNaN(parsed.getTime()) ? fallback : parsed
}

function missing(params: WebhookParams, names: readonly string[]): string[] {
  return names.filter((name) => !params[name])
}

export function parseInbound(params: WebhookParams, now: Date): Parsed<InboundInput> {
  const absent = missing(params, ['msisdn', 'to', 'messageId'])
  if (absent.length > 0) return { ok: false, error: `missing ${absent.join(', ')}` }
  if (params.text === undefined) return { ok: false, error: 'missing text' }
  if (!/^\+?\d{5,15}$/.test(params.msisdn ?? '')) return { ok: false, error: 'msisdn is not a phone number' }
  return {
    ok: true,
    value: {
      messageId: params.messageId ?? '',
      msisdn: params.msisdn ?? '',
      to: params.to ?? '',
      text: params.text,
      receivedAt: parseVonageTime(params['message-timestamp'], now),
    },
  }
}

export function parseReceipt(params: WebhookParams): Parsed<ReceiptInput> {
  const absent = missing(params, ['messageId', 'status'])
  if (absent.length > 0) return { ok: false, error: `missing ${absent.join(', ')}` }
  return {
    ok: true,
    value: {
      messageId: params.messageId ?? '',
      clientRef: params['client-ref'] ?? null,
      status: params.status ?? '',
      errCode: params['err-code'] ?? null,
    },
  }
}
