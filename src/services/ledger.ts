import type { ConfigSnapshot } from '../config/configSnapshot.js'
import { type Lang, langOrDefault } from '../domain/language.js'
import { holdsNumber, isActive, type OptInEvent, type SmsStatus, transition } from '../domain/optIn.js'
import { isUniqueViolation } from '../store/errors.js'
import type { ConsentChannel, Patron, Registration } from '../store/schema.js'
import type { Repositories } from '../store/store.js'
import type { ServiceDeps } from './deps.js'
import { DomainError } from './errors.js'
import { smsText, termsHash } from './smsTexts.js'

/** Who or what caused a change: kept with every consent event as evidence. */
export interface EventSource {
  channel: ConsentChannel
  ip?: string | null
  userAgent?: string | null
  inboundMessageId?: string | null
  actor?: string | null
  /**
   * The language the patron used (the page's, or a Spanish keyword's): texts this change sends
   * go out in it and its consent event records it. Without it, the patron's stored language.
   */
  lang?: Lang | null
}

interface Change {
  event: OptInEvent
  source: EventSource
  /** The registration's number after the change, when the change sets it (a new number typed, or none); else kept. */
  e164?: string | null
}

interface Evidence {
  /** What happened, in the consent history's words (e.g. `staff_mobile_deleted`). */
  reason: string
  source: EventSource
  /** The registration's number afterwards, when the action sets it; else kept. */
  e164?: string | null
}

// The one place where a registration is written, and so the only code that changes an opt-in
// status (SPEC 4). Every call runs in the caller's transaction (it is handed `repos`), so the new
// status, its consent event and any SMS to send commit together or not at all. The services
// around it decide which event happened; the pure transition() decides what it does.
export class Ledger {
  constructor(private readonly deps: Pick<ServiceDeps, 'config' | 'clock'>) {}

  /** The patron's registration, or the blank one of a patron who never had one. */
  async registrationOf(repos: Repositories, patronId: number): Promise<Registration> {
    const found = await repos.registrations.findByPatron(patronId)
    if (found) return found
    return { patron_id: patronId, status: 'not_opted_in', e164: null, terms_hash: null, invited_at: null, status_changed_at: this.nowIso() }
  }

  /** Applies one event, and the number change that comes with it, in one save; returns the registration as saved. */
  async apply(repos: Repositories, patron: Patron, registration: Registration, change: Change): Promise<Registration> {
    const config = this.deps.config()
    const { event, source } = change
    const lang = source.lang ?? langOrDefault(patron.lang)
    const step = transition(registration.status, event, config.webOptions.usOptIn ? 'us' : 'intl')
    const at = this.nowIso()
    const e164 = change.e164 === undefined ? registration.e164 : change.e164
    const statusChanges = step.status !== registration.status
    const next: Registration = statusChanges
      ? {
          ...registration,
          e164,
          status: step.status,
          status_changed_at: at,
          invited_at: step.send === 'invitation' ? at : registration.invited_at,
          terms_hash: event.type === 'web_opt_in' ? termsHash(config, lang) : registration.terms_hash,
        }
      : { ...registration, e164 }
    if (statusChanges || e164 !== registration.e164) await this.save(repos, next, config)
    if (statusChanges) {
      // The event names the number its status is about: the one now held, or the one just left.
      await this.append(repos, patron, {
        e164: holdsNumber(step.status) ? e164 : registration.e164,
        from: registration.status,
        to: step.status,
        reason: reasonFor(event),
        source,
        terms: isActive(step.status) ? next.terms_hash : null,
        lang,
      })
    }
    if (step.cancelQueued) await repos.outbox.cancelQueuedForPatron(patron.id, `cancelled: ${reasonFor(event)}`, at)
    if (step.send && e164) {
      const text = step.send === 'alert' ? '' : smsText(config, step.send, patron.name, lang)
      await repos.outbox.enqueue({ patron_id: patron.id, e164, kind: step.send, text, lang }, this.deps.clock())
    }
    return next
  }

  /**
   * For news about a number (a receipt, a send result): applied only while the patron's
   * registration still holds that number, since news about one they have left says nothing about them now.
   */
  async applyToCurrentNumber(repos: Repositories, patronId: number, e164: string, event: OptInEvent, source: EventSource): Promise<void> {
    const registration = await repos.registrations.findByPatron(patronId)
    const patron = await repos.patrons.findById(patronId)
    if (!registration || !patron || registration.e164 !== e164) return
    await this.apply(repos, patron, registration, { event, source })
  }

  /** A consent event for an action that leaves the status as it was: every staff action is evidence (SPEC 4.9). */
  async recordEvidence(repos: Repositories, patron: Patron, registration: Registration | undefined, evidence: Evidence): Promise<void> {
    const status = registration?.status ?? 'not_opted_in'
    const { reason, source } = evidence
    const lang = source.lang ?? langOrDefault(patron.lang)
    await this.append(repos, patron, { e164: registration?.e164 ?? null, from: status, to: status, reason, source, terms: null, lang })
    if (registration && evidence.e164 !== undefined && evidence.e164 !== registration.e164) {
      await this.save(repos, { ...registration, e164: evidence.e164 }, this.deps.config())
    }
  }

  private async save(repos: Repositories, registration: Registration, config: ConfigSnapshot): Promise<void> {
    try {
      await repos.registrations.save(registration)
    } catch (error) {
      // SPEC 4.2: the unique index on held numbers is the last word on "one number, one patron".
      if (isUniqueViolation(error)) throw new DomainError('SMS_ERR_NUMBER_TAKEN', config.messages.SMS_ERR_NUMBER_TAKEN)
      throw error
    }
  }

  private async append(
    repos: Repositories,
    patron: Patron,
    entry: { e164: string | null; from: SmsStatus; to: SmsStatus; reason: string; source: EventSource; terms: string | null; lang: Lang },
  ): Promise<void> {
    const { source } = entry
    await repos.consent.append({
      patron_id: patron.id,
      barcode: patron.barcode,
      e164: entry.e164,
      from_status: entry.from,
      to_status: entry.to,
      channel: source.channel,
      reason: entry.reason,
      terms_hash: entry.terms,
      at: this.nowIso(),
      ip: source.ip ?? null,
      user_agent: source.userAgent ?? null,
      inbound_message_id: source.inboundMessageId ?? null,
      actor: source.actor ?? null,
      lang: entry.lang,
    })
  }

  private nowIso(): string {
    return this.deps.clock().toISOString()
  }
}

function reasonFor(event: OptInEvent): string {
  if (event.type === 'inbound') return `sms_${event.keyword}`
  if (event.type === 'delivery_failed') return `${event.message}_undeliverable`
  return event.type
}
