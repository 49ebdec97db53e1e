import { createHash } from 'node:crypto'
import type { ConfigSnapshot } from '../config/configSnapshot.js'
import { type Lang, langOrDefault } from '../domain/language.js'
import type { SmsStatus } from '../domain/optIn.js'
import { recordMatchesNumber } from '../domain/phone.js'
import { nextSendTime } from '../domain/sendWindow.js'
import { type SmsEncoding, smsSegments } from '../domain/smsLength.js'
import type { OutboxMessage } from '../store/schema.js'
import type { ServiceDeps } from './deps.js'
import type { PatronSmsView } from './patronSmsView.js'

// Recall is accepted whatever SMS_COUNTRY says: the terms patrons agree to name recalls, and
// whether a recall notice is sent at all is the ILS's decision, not the portal's.
export const ALERT_TYPES = ['hold', 'overdue', 'courtesy', 'recall'] as const
export type AlertType = (typeof ALERT_TYPES)[number]
type AlertState = 'queued' | 'held' | 'sent' | 'delivered' | 'failed' | 'cancelled'

/** `lang` names the language of `text`, which is sent as given; without it, the patron's language is recorded. */
export interface AlertRequest {
  barcode: string
  type: AlertType
  text: string
  lang?: Lang
}

interface AlertView {
  id: number
  type: string
  /** The language of the text: the request's `lang`, else the patron's (SPEC 9). */
  lang: Lang
  state: AlertState
  segments: number
  encoding: SmsEncoding
  createdAt: string
  sentAt: string | null
  /** When a held alert goes out: the next opening of SMS_SEND_WINDOW. */
  sendAfter: string | null
  /** Why a failed or cancelled alert did not reach the phone. */
  error: string | null
  deliveryErrorCode: string | null
}

type AlertResult =
  | { kind: 'queued'; alert: AlertView }
  /** The same alert was accepted within the last 24 hours: its first answer, nothing queued. */
  | { kind: 'duplicate'; alert: AlertView }
  | { kind: 'unknown_patron' }
  | { kind: 'not_opted_in'; status: SmsStatus; reason: string }

const DUPLICATE_WINDOW_MS = 24 * 60 * 60 * 1000

const REFUSALS: Record<Exclude<SmsStatus, 'opted_in'>, string> = {
  not_opted_in: 'The patron is not opted in to SMS alerts.',
  pending_optin: 'The patron has not confirmed the SMS opt-in yet (status pending).',
  rejected: "The patron's SMS opt-in was rejected.",
  pending_optout: 'The patron is opting out of SMS alerts.',
}
const NUMBER_CHANGED = "The patron's mobile number changed since they opted in, so they are opted out of SMS alerts."

/** One key per patron, type and exact text: the outbox's unique dedupe_key holds at most one live one. */
export function alertDedupeKey(patronId: number, type: string, text: string): string {
  return createHash('sha256').update(`${patronId}\u0000${type}\u0000${text}`, 'utf8').digest('hex')
}

/** What the ILS sees of an outbox row; `held` is a queued alert outside the send window now. */
export function alertState(row: Pick<OutboxMessage, 'state'>, now: Date, config: ConfigSnapshot): AlertState {
  switch (row.state) {
    case 'queued': {
      const { sendWindow, timezone } = config.webOptions
      return nextSendTime(now, sendWindow, timezone).getTime() > now.getTime() ? 'held' : 'queued'
    }
    case 'sending':
      return 'queued'
    // Caught mid-send by a stop: it may have left, and it is never sent again.
    case 'unknown':
    case 'sent':
      return 'sent'
    case 'delivered':
    case 'failed':
    case 'cancelled':
      return row.state
  }
}

type Decision =
  | { kind: 'queued' | 'duplicate'; row: OutboxMessage }
  | { kind: 'unknown_patron' }
  | { kind: 'not_opted_in'; status: SmsStatus; reason: string; patronId: number | null }

// SPEC 5, Alerts: an alert is queued only for an opted-in patron whose record still names the
// registered number, in the same transaction as those checks; the outbox worker holds it until
// SMS_SEND_WINDOW opens and checks once more before it leaves.
export class AlertService {
  constructor(
    private readonly deps: Pick<ServiceDeps, 'store' | 'config' | 'clock' | 'onQueued'> & {
      patronSmsView: Pick<PatronSmsView, 'reconcile'>
    },
  ) {}

  async create(request: AlertRequest): Promise<AlertResult> {
    const { store, config, clock } = this.deps
    const now = clock()
    const decision = await store.transaction(async (repos): Promise<Decision> => {
      const patron = await repos.patrons.findByBarcode(request.barcode)
      if (!patron) return { kind: 'unknown_patron' }
      const key = alertDedupeKey(patron.id, request.type, request.text)
      const earlier = await repos.outbox.findByDedupeKey(key)
      // A cancelled alert never reached the phone, so it does not stop the same one now.
      const recent = earlier && earlier.state !== 'cancelled' && now.getTime() - Date.parse(earlier.created_at) < DUPLICATE_WINDOW_MS
      if (earlier && recent) return { kind: 'duplicate', row: earlier }

      const registration = await repos.registrations.findByPatron(patron.id)
      const status = registration?.status ?? 'not_opted_in'
      if (status !== 'opted_in' || !registration?.e164) {
        return { kind: 'not_opted_in', status, reason: status === 'opted_in' ? REFUSALS.not_opted_in : REFUSALS[status], patronId: null }
      }
      if (!recordMatchesNumber(patron.mobile, registration.e164, config().webOptions.country)) {
        return { kind: 'not_opted_in', status: 'not_opted_in', reason: NUMBER_CHANGED, patronId: patron.id }
      }
      // The rolling 24 h window: the older alert gives up the key (keeping a trace of it).
      if (earlier) await repos.outbox.update(earlier.id, { dedupe_key: `${key}:${earlier.id}` })
      const _at = now.toISOString()
      const id = await repos.outbox.enqueue(
        {
          patron_id: patron.id,
          e164: registration.e164,
          kind: 'alert',
          alert_type: request.type,
          text: request.text,
          dedupe_key: key,
          lang: request.lang ?? langOrDefault(patron.lang),
        },
        now,
      )
      const row = await repos.outbox.findById(id)
      if (!row) throw new Error(`outbox row ${id} vanished inside its own transaction`)
      return { kind: 'queued', row }
    })

    switch (decision.kind) {
      case 'queued':
        this.deps.onQueued()
        return { kind: 'queued', alert: this.view(decision.row, now) }
      case 'duplicate':
        return { kind: 'duplicate', alert: this.view(decision.row, now) }
      case 'unknown_patron':
        return decision
      case 'not_opted_in':
        // SPEC 4.5 applies the moment anyone notices the record changed.
        if (decision.patronId !== null) await this.deps.patronSmsView.reconcile(decision.patronId, { channel: 'system' })
        return { kind: 'not_opted_in', status: decision.status, reason: decision.reason }
    }
  }

  async find(id: number): Promise<AlertView | null> {
    const row = await this.deps.store.repos.outbox.findById(id)
    return row && row.kind === 'alert' ? this.view(row, this.deps.clock()) : null
  }

  private view(row: OutboxMessage, now: Date): AlertView {
    const config = this.deps.config()
    const size = smsSegments(row.text)
    const state = alertState(row, now, config)
    const { sendWindow, timezone } = config.webOptions
    return {
      id: row.id,
      type: row.alert_type ?? 'alert',
      lang: langOrDefault(row.lang),
      state,
      segments: size.segments,
      encoding: size.encoding,
      createdAt: row.created_at,
      sentAt: row.sent_at,
      sendAfter: state === 'held' ? nextSendTime(now, sendWindow, timezone).toISOString() : null,
      error: state === 'failed' || state === 'cancelled' ? row.error : null,
      deliveryErrorCode: row.delivery_error_code,
    }
  }
}
