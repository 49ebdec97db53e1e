import type { ConsentEvent } from '../store/schema.js'
import type { Store } from '../store/store.js'

const CONSENT_CSV_COLUMNS = [
  'id',
  'at',
  'patron_id',
  'barcode',
  'e164',
  'from_status',
  'to_status',
  'channel',
  'reason',
  'terms_hash',
  'ip',
  'user_agent',
  'inbound_message_id',
  'actor',
] as const satisfies readonly (keyof ConsentEvent)[]

// A cell a spreadsheet would read as a formula (OWASP, CSV injection). A user agent is typed by
// whoever sent the request, so `=HYPERLINK(...)` there would run on the auditor's machine.
const FORMULA_START = /^[=+\-@\t\r]/

/**
 * RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled. Text that a
 * spreadsheet would run as a formula gets a leading single quote (OWASP): the spreadsheet shows
 * it as text and the value stays readable. Numbers are never formulas and are left alone.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return ''
  const text = typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

function csvLine(values: readonly (string | number | null)[]): string {
  return `${values.map(csvField).join(',')}\r\n`
}

/**
 * The consent history as CSV lines, oldest first, read from the database as it is written
 * out (SPEC 4.9 evidence for an audit). `sinceIso` keeps events at or after that time.
 */
export async function* consentCsv(store: Store, sinceIso: string | null): AsyncGenerator<string> {
  yield csvLine(CONSENT_CSV_COLUMNS)
  for await (const event of store.repos.consent.streamSince(sinceIso)) {
    yield csvLine(CONSENT_CSV_COLUMNS.map((column) => event[column]))
  }
}
