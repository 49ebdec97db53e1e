import { holdsNumber, type OptInEvent, type SmsStatus } from '../domain/optIn.js'
import { recordMatchesNumber } from '../domain/phone.js'
import type { ConsentEvent, Patron, Registration } from '../store/schema.js'
import type { ServiceDeps } from './deps.js'
import { NotFoundError } from './errors.js'
import type { InvitationExpiry } from './invitationExpiry.js'
import type { EventSource, Ledger } from './ledger.js'

export interface PatronSms {
  patron: Patron
  status: SmsStatus
  registeredNumber: string | null
  /** SPEC 4.5: the last change opted the patron out because the number changed or went. */
  autoOptedOut: boolean
  history: ConsentEvent[]
}

interface PatronRecord {
  patron: Patron
  registration: Registration | undefined
  history: ConsentEvent[]
}

const NUMBER_GONE_REASONS = new Set(['number_changed', 'mobile_removed'])

// The patron's SMS status and history as their pages and the staff record show it, and SPEC 4.5:
// when the record's MOBILE PH field no longer names the registered number, whoever changed it
// and through whatever door, the registration ends, silently.
export class PatronSmsView {
  constructor(private readonly deps: Pick<ServiceDeps, 'store' | 'config' | 'clock'> & { ledger: Ledger; expiry: InvitationExpiry }) {}

  async read(patronId: number): Promise<PatronSms> {
    let { patron, registration, history } = await this.record(patronId)
    // Writes only when something is due: SPEC 4.5 (the record's number changed) or SPEC 4.3
    // (an unanswered invitation is overdue, even if the periodic expiry job has not run yet,
    // so the patron never sees a stale Pending). A plain page view only reads.
    if (registration && this.numberLeftRecord(patron, registration)) {
      await this.reconcile(patronId, { channel: 'system' })
      ;({ patron, registration, history } = await this.record(patronId))
    } else if (registration?.status === 'pending_optin' && this.deps.expiry.isOverdue(registration.invited_at)) {
      await this.deps.expiry.expireIfOverdue(patronId)
      ;({ patron, registration, history } = await this.record(patronId))
    }
    const status = registration?.status ?? 'not_opted_in'
    const last = history[0]
    return {
      patron,
      status,
      registeredNumber: registration?.e164 ?? null,
      autoOptedOut: status === 'not_opted_in' && last !== undefined && NUMBER_GONE_REASONS.has(last.reason),
      history,
    }
  }

  /** SPEC 4.5 for one patron: ends the registration if the record's number no longer matches it. */
  async reconcile(patronId: number, source: EventSource): Promise<void> {
    await this.deps.store.transaction(async (repos) => {
      const registration = await repos.registrations.findByPatron(patronId)
      const patron = await repos.patrons.findById(patronId)
      if (!registration || !patron || !this.numberLeftRecord(patron, registration)) return
      const event: OptInEvent = { type: patron.mobile.trim() === '' ? 'mobile_removed' : 'number_changed' }
      await this.deps.ledger.apply(repos, patron, registration, { event, source })
    })
  }

  /** The patron, their registration and their history, read from one snapshot of the database. */
  private record(patronId: number): Promise<PatronRecord> {
    return this.deps.store.read(async (repos) => {
      const patron = await repos.patrons.findById(patronId)
      if (!patron) throw new NotFoundError('Patron')
      const registration = await repos.registrations.findByPatron(patronId)
      return { patron, registration, history: await repos.consent.listForPatron(patronId) }
    })
  }

  private numberLeftRecord(patron: Patron, registration: Registration): boolean {
    if (!holdsNumber(registration.status) || !registration.e164) return false
    return !recordMatchesNumber(patron.mobile, registration.e164, this.deps.config().webOptions.country)
  }
}
