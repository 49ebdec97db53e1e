import type { ConfigSnapshot } from '../../config/configSnapshot.js'
import { alertState } from '../../services/alertService.js'
import type { StaffPatronRecord } from '../../services/staffConsoleService.js'
import type { ConsentEvent, OutboxMessage, Patron } from '../../store/schema.js'
import { paths, staffDeleteMobilePath, staffDeletePatronPath, staffRecordPath } from '../paths.js'
import { formatDateTime, formatPhone } from './format.js'
import { type StatusView, statusView } from './smsStatus.js'

interface StaffHistoryRow {
  at: string
  when: string
  number: string
  from: string
  to: string
  channel: string
  who: string
  reason: string
  terms: string
}

interface StaffMessageRow {
  at: string
  when: string
  kind: string
  to: string
  text: string
  state: string
  attempts: number
  sent: string
  deliveryErrorCode: string
  error: string
}

interface RecordPage {
  title: string
  notice: string | null
  searchHref: string
  patron: { id: number; barcode: string; name: string }
  fields: { label: string; value: string }[]
  status: StatusView
  registeredNumber: string | null
  history: StaffHistoryRow[]
  messages: StaffMessageRow[]
  deleteHref: string
  deleteMobileHref: string | null
}

const CHANNELS: Record<ConsentEvent['channel'], string> = { web: 'Web', sms: 'SMS', staff: 'Staff', system: 'System' }

// Staff read the evidence itself: who or what made the change, from where, under which terms.
function who(event: ConsentEvent): string {
  switch (event.channel) {
    case 'staff':
      return event.actor ?? 'unknown staff user'
    case 'web':
      return ['patron', event.ip ? `IP ${event.ip}` : null, event.user_agent].filter(Boolean).join(', ')
    case 'sms':
      return `the phone, message ${event.inbound_message_id ?? 'unknown'}`
    case 'system':
      return event.actor ?? (event.inbound_message_id ? `delivery receipt ${event.inbound_message_id}` : 'the portal')
  }
}

function staffHistoryRows(events: readonly ConsentEvent[], config: ConfigSnapshot): StaffHistoryRow[] {
  const { messages, webOptions } = config
  return events.map((event) => ({
    at: event.at,
    when: formatDateTime(event.at, webOptions.timezone),
    number: event.e164 ? formatPhone(event.e164) : '—',
    from: statusView(messages, event.from_status).text,
    to: statusView(messages, event.to_status).text,
    channel: CHANNELS[event.channel],
    who: who(event),
    reason: event.reason,
    terms: event.terms_hash ? event.terms_hash.slice(0, 12) : '',
  }))
}

function messageRows(rows: readonly OutboxMessage[], config: ConfigSnapshot, now: Date): StaffMessageRow[] {
  const zone = config.webOptions.timezone
  return rows.map((row) => ({
    at: row.created_at,
    when: formatDateTime(row.created_at, zone),
    kind: row.kind === 'alert' ? `alert (${row.alert_type ?? 'unknown'})` : row.kind,
    to: formatPhone(row.e164),
    text: row.text,
    // An alert waiting for SMS_SEND_WINDOW says so, as the alerts API does.
    state: row.kind === 'alert' ? alertState(row, now, config) : row.state,
    attempts: row.attempts,
    sent: row.sent_at ? formatDateTime(row.sent_at, zone) : '',
    deliveryErrorCode: row.delivery_error_code ?? '',
    error: row.error ?? '',
  }))
}

function fields(patron: Patron, config: ConfigSnapshot): { label: string; value: string }[] {
  const zone = config.webOptions.timezone
  return [
    { label: 'Barcode', value: patron.barcode },
    { label: 'Name', value: patron.name },
    { label: 'Email', value: patron.email || '—' },
    { label: 'Telephone', value: patron.tele1 || '—' },
    { label: 'MOBILE PH', value: patron.mobile || '—' },
    // SPEC 9: the language the patron's SMS go out in; staff read it in English.
    { label: 'Language', value: patron.lang === 'es' ? 'Spanish' : patron.lang === 'en' ? 'English' : 'English (not chosen)' },
    { label: 'PIN', value: patron.pin_hash ? 'Set' : 'Not set: this patron cannot log in' },
    { label: 'Record created', value: formatDateTime(patron.created_at, zone) },
    { label: 'Record updated', value: formatDateTime(patron.updated_at, zone) },
  ]
}

export function recordPage(record: StaffPatronRecord, config: ConfigSnapshot, now: Date, notice: string | null): RecordPage {
  const { patron } = record
  return {
    title: `${patron.name} (${patron.barcode})`,
    notice,
    searchHref: paths.staff.home,
    patron: { id: patron.id, barcode: patron.barcode, name: patron.name },
    fields: fields(patron, config),
    status: statusView(config.messages, record.status),
    registeredNumber: record.registeredNumber,
    history: staffHistoryRows(record.history, config),
    messages: messageRows(record.messages, config, now),
    deleteHref: staffDeletePatronPath(patron.id),
    deleteMobileHref: patron.mobile.trim() === '' ? null : staffDeleteMobilePath(patron.id),
  }
}

interface HistoryPage {
  title: string
  notice: string | null
  searchHref: string
  barcode: string
  /** The record under this barcode, if it still exists. */
  recordHref: string | null
  history: StaffHistoryRow[]
}

/** The consent history under a barcode, which outlives a deleted record (SPEC 4.8). */
export function historyPage(
  barcode: string,
  found: { patron: Patron | null; events: readonly ConsentEvent[] },
  config: ConfigSnapshot,
  notice: string | null,
): HistoryPage {
  return {
    title: `Consent history: ${barcode}`,
    notice,
    searchHref: paths.staff.home,
    barcode,
    recordHref: found.patron ? staffRecordPath(found.patron.id) : null,
    history: staffHistoryRows(found.events, config),
  }
}
