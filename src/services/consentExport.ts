import type { ConsentEvent } from '../store/schema.js'
import type { Store } from '../store/store.js'

const CONSENT_CSV_COLUMNS = [
  'id', 'at', 'patron_id', 'barcode', 'e164', 'from_status', 'to_status', 'channel',
  'reason', 'terms_hash', 'ip', 'user_agent', 'inbound_message_id', 'actor',
] as const satisfies readonly (keyof ConsentEvent)[]

/** RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled. */
export function csvField(value: string | number | null): string {
  if (value === null) return ''
  const text = String(value)
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
