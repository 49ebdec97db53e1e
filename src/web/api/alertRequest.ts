import { isLang, LANGS } from '../../domain/language.js'
import type { Result } from '../../domain/result.js'
import { smsSegments } from '../../domain/smsLength.js'
import { ALERT_TYPES, type AlertRequest } from '../../services/alertService.js'

// Long texts are allowed (the answer says how many segments they cost), within reason: a
// runaway template should not turn into a dozen texts on a patron's phone.
const MAX_ALERT_SEGMENTS = 10
const MAX_BARCODE = 64

/** The JSON body of POST /api/v1/alerts, checked; every problem is named in one message. */
export function parseAlertRequest(body: unknown): Result<AlertRequest> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, error: 'Send a JSON object: {"barcode": "...", "type": "hold", "text": "..."}.' }
  }
  const { barcode, type, text, lang } = body as Record<string, unknown>
  const barcodeText = typeof barcode === 'string' ? barcode.trim() : ''
  const alertType = ALERT_TYPES.find((known) => known === type)
  const alertText = typeof text === 'string' ? text.trim() : ''
  const problems: string[] = []
  if (barcodeText === '') problems.push('barcode is required (a string)')
  else if (barcodeText.length > MAX_BARCODE) problems.push(`barcode is longer than ${MAX_BARCODE} characters`)
  if (!alertType) problems.push(`type must be one of ${ALERT_TYPES.join(', ')}`)
  if (alertText === '') problems.push('text is required (a non-empty string)')
  else {
    const segments = smsSegments(alertText).segments
    if (segments > MAX_ALERT_SEGMENTS) problems.push(`text would take ${segments} SMS segments; at most ${MAX_ALERT_SEGMENTS} are allowed`)
  }
  // SPEC 9: the language the ILS wrote the text in; without it, the patron's. The text is sent as given.
  if (lang !== undefined && !isLang(lang)) problems.push(`lang must be one of ${LANGS.join(', ')}, or left out for the patron's language`)
  if (problems.length > 0 || !alertType) return { ok: false, error: `${problems.join('; ')}.` }
  return { ok: true, value: { barcode: barcodeText, type: alertType, text: alertText, ...(isLang(lang) ? { lang } : {}) } }
}
