import type { Generated, Insertable, Selectable } from 'kysely'
import type { Lang } from '../domain/language.js'
import type { OutboundKind, SmsStatus } from '../domain/optIn.js'

// Times are stored as ISO-8601 UTC text (sortable, readable in an export) except where
// the outbox worker compares them on every poll, which uses epoch milliseconds.

interface PatronTable {
  id: Generated<number>
  barcode: string
  name: string
  pin_hash: string | null
  email: string
  tele1: string
  mobile: string
  /** The digits of `mobile`, kept by PatronRepository for staff search (migration 3). */
  mobile_digits: Generated<string>
  /** The language SMS go out in and pages open in; null until the patron chooses (migration 8). */
  lang: Generated<Lang | null>
  created_at: string
  updated_at: string
}

interface RegistrationTable {
  patron_id: number
  status: SmsStatus
  e164: string | null
  terms_hash: string | null
  invited_at: string | null
  status_changed_at: string
}

export type ConsentChannel = 'web' | 'sms' | 'staff' | 'system'

interface ConsentEventTable {
  id: Generated<number>
  patron_id: number
  barcode: string
  e164: string | null
  from_status: SmsStatus
  to_status: SmsStatus
  channel: ConsentChannel
  reason: string
  terms_hash: string | null
  at: string
  ip: string | null
  user_agent: string | null
  inbound_message_id: string | null
  actor: string | null
  /** The language of the terms and texts the event is about (migration 8); null before it. */
  lang: Generated<Lang | null>
}

export type OutboxState = 'queued' | 'sending' | 'sent' | 'delivered' | 'failed' | 'cancelled' | 'unknown'

interface OutboxTable {
  id: Generated<number>
  patron_id: number | null
  e164: string
  kind: OutboundKind
  alert_type: string | null
  text: string
  state: OutboxState
  attempts: number
  next_attempt_ms: number
  dedupe_key: string | null
  gateway_message_id: string | null
  error: string | null
  delivery_error_code: string | null
  created_at: string
  sent_at: string | null
  updated_at: string
  /** The language of `text` (migration 8). */
  lang: Generated<Lang | null>
}

interface InboundMessageTable {
  message_id: string
  msisdn: string
  to_number: string
  text: string
  keyword: string
  received_at: string
  outcome: string
}

interface InboundPartTable {
  message_id: string
  msisdn: string
  to_number: string
  concat_ref: string
  concat_total: number
  concat_part: number
  text: string
  received_at: string
  stored_at: string
  /** The inbound_messages id the joined text went in under; null while parts are missing. */
  joined_message_id: string | null
}

interface DeliveryReceiptTable {
  id: Generated<number>
  message_id: string
  client_ref: string | null
  status: string
  err_code: string | null
  received_at: string
  outcome: string
}

interface StaffUserTable {
  id: Generated<number>
  username: string
  password_hash: string
  created_at: string
  /** Set by `webpac staff disable`: the account cannot log in (migration 6). */
  disabled_at: Generated<string | null>
}

interface ApiKeyTable {
  id: Generated<number>
  name: string
  key_hash: string
  created_at: string
  /** Set by `webpac apikey revoke`: the key answers 401 (migration 6). */
  revoked_at: Generated<string | null>
  /** When the key last authenticated, written at most once a minute (migration 6). */
  last_used_at: Generated<string | null>
}

interface SessionTable {
  sid: string
  /** The session as express-session serializes it: its cookie, patronId, staffUser, csrfToken, flash. */
  data: string
  created_ms: number
  expires_ms: number
}

interface SimulatorMessageTable {
  id: Generated<number>
  /** The simulated phone the message is on: an outbound text's to, an inbound one's from (migration 9). */
  phone: string
  direction: 'outbound' | 'inbound'
  from_number: string
  to_number: string
  text: string
  message_id: string
  at: string
}

/** A save of a config file from the staff console (migration 10); append-only. */
interface ConfigSaveTable {
  id: Generated<number>
  /** The file's name: messages.conf, webpub.def, messages.es.conf or webpub.es.def. */
  file: string
  staff_user: string
  saved_at: string
  /** SHA-256 (hex) of the bytes on disk before the save; null when there was no file. */
  old_sha256: string | null
  new_sha256: string
}

export interface Tables {
  patrons: PatronTable
  sms_registrations: RegistrationTable
  consent_events: ConsentEventTable
  outbox: OutboxTable
  inbound_messages: InboundMessageTable
  inbound_parts: InboundPartTable
  delivery_receipts: DeliveryReceiptTable
  staff_users: StaffUserTable
  api_keys: ApiKeyTable
  sessions: SessionTable
  simulator_messages: SimulatorMessageTable
  config_saves: ConfigSaveTable
}

export type Patron = Selectable<PatronTable>
export type NewPatron = Insertable<PatronTable>
export type Registration = Selectable<RegistrationTable>
export type ConsentEvent = Selectable<ConsentEventTable>
export type NewConsentEvent = Insertable<ConsentEventTable>
export type OutboxMessage = Selectable<OutboxTable>
export type NewOutboxMessage = Insertable<OutboxTable>
export type InboundMessage = Selectable<InboundMessageTable>
export type InboundPart = Selectable<InboundPartTable>
export type ConfigSave = Selectable<ConfigSaveTable>
export type NewConfigSave = Insertable<ConfigSaveTable>
