import type { ServiceDeps } from './deps.js'
import type { Ledger } from './ledger.js'

const SWEEP_BATCH = 200

// SPEC 4.3: an invitation not answered within OPT_IN_EXPIRY_HOURS is rejected. The periodic
// job sweeps them all; the patron's page expires theirs on sight, so it never shows a stale Pending.
export class InvitationExpiry {
  constructor(private readonly deps: Pick<ServiceDeps, 'store' | 'config' | 'clock'> & { ledger: Ledger }) {}

  /** Expires every overdue invitation; returns how many. */
  async expireOverdue(): Promise<number> {
    const cutoff = this.cutoff()
    let expired = 0
    for (;;) {
      const batch = await this.deps.store.repos.registrations.invitationsSentBefore(cutoff, SWEEP_BATCH)
      if (batch.length === 0) return expired
      for (const registration of batch) {
        if (await this.expire(registration.patron_id, cutoff)) expired += 1
      }
    }
  }

  /** Whether an invitation sent at `invitedAt` (null: never) is overdue now. */
  isOverdue(invitedAt: string | null): boolean {
    return (invitedAt ?? '') < this.cutoff()
  }

  /** Expires this patron's invitation if it is still pending and overdue; true if it did. */
  expireIfOverdue(patronId: number): Promise<boolean> {
    return this.expire(patronId, this.cutoff())
  }

  private expire(patronId: number, cutoff: string): Promise<boolean> {
    return this.deps.store.transaction(async (repos) => {
      const current = await repos.registrations.findByPatron(patronId)
      const patron = await repos.patrons.findById(patronId)
      if (!current || !patron || current.status !== 'pending_optin' || (current.invited_at ?? '') >= cutoff) return false
      await this.deps.ledger.apply(repos, patron, current, { event: { type: 'invitation_expired' }, source: { channel: 'system' } })
      return true
    })
  }

  private cutoff(): string {
    const hours = this.deps.config().webOptions.optInExpiryHours
    return new Date(this.deps.clock().getTime() - hours * 3_600_000).toISOString()
  }
}
