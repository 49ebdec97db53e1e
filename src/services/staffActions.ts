import { holdsNumber } from '../domain/optIn.js'
import type { Patron } from '../store/schema.js'
import type { Repositories } from '../store/store.js'
import type { ServiceDeps } from './deps.js'
import { NotFoundError } from './errors.js'
import type { EventSource, Ledger } from './ledger.js'

// What staff may do to a patron's SMS registration (SPEC 4.8): each is a silent opt-out or
// none at all, and each is kept in the consent history under the staff user's name.
export class StaffActions {
  constructor(private readonly deps: Pick<ServiceDeps, 'store' | 'clock' | 'onQueued'> & { ledger: Ledger }) {}

  async deletePatron(patronId: number, actor: string): Promise<Patron> {
    return this.deps.store.transaction(async (repos) => {
      const patron = await requirePatron(repos, patronId)
      const registration = await repos.registrations.findByPatron(patronId)
      const source: EventSource = { channel: 'staff', actor }
      if (registration && holdsNumber(registration.status)) {
        await this.deps.ledger.apply(repos, patron, registration, { event: { type: 'record_deleted' }, source })
      } else {
        // Still evidence: the record (and any number it held) left at this moment.
        await this.deps.ledger.recordEvidence(repos, patron, registration, { reason: 'record_deleted', source })
      }
      await repos.outbox.cancelQueuedForPatron(patronId, 'patron record deleted', this.nowIso())
      await repos.patrons.delete(patronId)
      return patron
    })
  }

  /** Empties the MOBILE PH field: the registration leaves its number with it. */
  async deleteMobile(patronId: number, actor: string): Promise<void> {
    await this.deps.store.transaction(async (repos) => {
      const patron = await requirePatron(repos, patronId)
      await repos.patrons.update(patronId, { mobile: '' }, this.nowIso())
      const registration = await repos.registrations.findByPatron(patronId)
      const source: EventSource = { channel: 'staff', actor }
      if (registration && holdsNumber(registration.status)) {
        await this.deps.ledger.apply(repos, patron, registration, { event: { type: 'mobile_removed' }, source, e164: null })
      } else {
        // Every staff action is evidence, even one that leaves the SMS status as it was.
        await this.deps.ledger.recordEvidence(repos, patron, registration, { reason: 'staff_mobile_deleted', source, e164: null })
      }
    })
  }

  /** Staff opt-out by a checked E.164 number: every registration that holds it (Sierra's lookup-and-opt-out). */
  async optOutNumber(e164: string, actor: string): Promise<number> {
    const changed = await this.deps.store.transaction(async (repos) => {
      let count = 0
      for (const registration of await repos.registrations.findAllByNumber(e164)) {
        const patron = await repos.patrons.findById(registration.patron_id)
        if (!patron || !holdsNumber(registration.status)) continue
        await this.deps.ledger.apply(repos, patron, registration, { event: { type: 'staff_opt_out' }, source: { channel: 'staff', actor } })
        count += 1
      }
      return count
    })
    this.deps.onQueued()
    return changed
  }

  private nowIso(): string {
    return this.deps.clock().toISOString()
  }
}

async function requirePatron(repos: Repositories, patronId: number): Promise<Patron> {
  const patron = await repos.patrons.findById(patronId)
  if (!patron) throw new NotFoundError('Patron')
  return patron
}
