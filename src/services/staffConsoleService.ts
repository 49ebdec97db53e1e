import { isActive, type SmsStatus } from '../domain/optIn.js'
import { checkMobileNumber } from '../domain/phone.js'
import type { ConsentEvent, OutboxMessage, Patron } from '../store/schema.js'
import type { ServiceDeps } from './deps.js'
import { DomainError } from './errors.js'
import type { PatronSmsView } from './patronSmsView.js'
import type { StaffActions } from './staffActions.js'

export interface StaffPatronRecord {
  patron: Patron
  status: SmsStatus
  registeredNumber: string | null
  history: ConsentEvent[]
  messages: OutboxMessage[]
}

interface NumberHolder {
  patronId: number
  barcode: string
  name: string
  status: SmsStatus
}

interface NumberLookup {
  e164: string
  /** Registrations that the opt-out will end (pending or opted in). */
  holders: NumberHolder[]
}

const MESSAGES_SHOWN = 100

// What the staff console shows of a patron and what staff may do to one (SPEC 4.8, 6). The
// status changes themselves are StaffActions, recorded as staff events.
export class StaffConsoleService {
  constructor(private readonly deps: Pick<ServiceDeps, 'store' | 'config'> & { patronSmsView: PatronSmsView; actions: StaffActions }) {}

  async patronRecord(patronId: number): Promise<StaffPatronRecord> {
    const view = await this.deps.patronSmsView.read(patronId)
    const messages = await this.deps.store.repos.outbox.listForPatron(patronId, MESSAGES_SHOWN)
    return { patron: view.patron, status: view.status, registeredNumber: view.registeredNumber, history: view.history, messages }
  }

  /** The consent history under a barcode, also after the record was deleted. */
  async historyForBarcode(barcode: string): Promise<{ patron: Patron | null; events: ConsentEvent[] }> {
    const trimmed = barcode.trim()
    const patron = (await this.deps.store.repos.patrons.findByBarcode(trimmed)) ?? null
    return { patron, events: await this.deps.store.repos.consent.listForBarcode(trimmed) }
  }

  deletePatron(patronId: number, staffUser: string): Promise<Patron> {
    return this.deps.actions.deletePatron(patronId, staffUser)
  }

  deleteMobile(patronId: number, staffUser: string): Promise<void> {
    return this.deps.actions.deleteMobile(patronId, staffUser)
  }

  /**
   * Sierra offers staff an opt-out by number only outside the US: there, the patron's own STOP
   * (or the web form) is the opt-out, and staff remove the MOBILE PH field instead.
   */
  staffOptOutOffered(): boolean {
    return !this.deps.config().webOptions.usOptIn
  }

  async lookUpNumber(typed: string): Promise<NumberLookup> {
    this.requireStaffOptOut()
    const e164 = this.e164Of(typed)
    const holders: NumberHolder[] = []
    for (const registration of await this.deps.store.repos.registrations.findAllByNumber(e164)) {
      if (!isActive(registration.status)) continue
      const patron = await this.deps.store.repos.patrons.findById(registration.patron_id)
      if (patron) holders.push({ patronId: patron.id, barcode: patron.barcode, name: patron.name, status: registration.status })
    }
    return { e164, holders }
  }

  async optOutNumber(typed: string, staffUser: string): Promise<{ e164: string; optedOut: number }> {
    this.requireStaffOptOut()
    const e164 = this.e164Of(typed)
    return { e164, optedOut: await this.deps.actions.optOutNumber(e164, staffUser) }
  }

  private requireStaffOptOut(): void {
    if (!this.staffOptOutOffered()) {
      throw new DomainError(
        null,
        'Opting out by number is for libraries outside the US (SMS_COUNTRY). ' +
          'Delete the MOBILE PH field instead, or ask the patron to text STOP.',
        403,
      )
    }
  }

  private e164Of(typed: string): string {
    const config = this.deps.config()
    const check = checkMobileNumber(typed, config.webOptions.country)
    if (!check.ok) throw new DomainError(check.error, config.messages[check.error])
    return check.value
  }
}
