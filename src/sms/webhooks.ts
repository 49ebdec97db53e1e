import type { Result } from '../domain/result.js'
import type { InboundInput, ReceiptInput } from './gateway.js'

export type WebhookParams = Readonly<Record<string, string>>

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

export function parseInbound(params: WebhookParams, now: Date): Result<InboundInput> {
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

export function parseReceipt(params: WebhookParams): Result<ReceiptInput> {
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

/** Where one part of a long text sits in the whole (Vonage's concat-* fields). */
export interface ConcatInfo {
  ref: string
  total: number
  part: number
}

const PART_NUMBER = /^[1-9]\d{0,2}$/

/** null for a text that arrived whole. */
export function parseConcat(params: WebhookParams): Result<ConcatInfo | null> {
  if (params.concat !== 'true') return { ok: true, value: null }
  const ref = params['concat-ref'] ?? ''
  const total = params['concat-total'] ?? ''
  const part = params['concat-part'] ?? ''
  if (ref === '' || ref.length > 64) return { ok: false, error: 'concat-ref missing or too long' }
  if (!PART_NUMBER.test(total) || !PART_NUMBER.test(part))
    return { ok: false, error: 'concat-total and concat-part must be numbers from 1' }
  if (Number(part) > Number(total)) return { ok: false, error: 'concat-part is greater than concat-total' }
  if (total === '1') return { ok: true, value: null }
  return { ok: true, value: { ref, total: Number(total), part: Number(part) } }
}
