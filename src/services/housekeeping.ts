import type { ServiceDeps } from './deps.js'
import type { InvitationExpiry } from './invitationExpiry.js'
import type { OutboxWorker } from './outboxWorker.js'

export interface HousekeepingReport {
  expiredInvitations: number
  abandonedClaims: number
  expiredSessions: number
}

// The periodic jobs of a worker node (WEBPAC_ROLE=worker or all). Every node that runs them may
// run them at the same moment on one PostgreSQL database, so each is safe to run twice at once:
// - the invitation expiry changes each registration in its own transaction, which re-reads it; of
//   two nodes expiring one invitation, the second's update fails (REPEATABLE READ) and its rerun
//   finds it no longer pending: one invitation_expired event;
// - abandoned claims, old sessions and old attempt counters go by one statement each, whose WHERE
//   holds whoever runs it first (a second run finds nothing left to change).
export class Housekeeping {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<unknown> | null = null

  constructor(
    private readonly deps: Pick<ServiceDeps, 'store' | 'clock' | 'log'> & {
      invitationExpiry: Pick<InvitationExpiry, 'expireOverdue'>
      outboxWorker: Pick<OutboxWorker, 'markAbandonedClaims'>
    },
  ) {}

  /** One round of every job. */
  async run(): Promise<HousekeepingReport> {
    const { store, clock, log, invitationExpiry, outboxWorker } = this.deps
    const expiredInvitations = await invitationExpiry.expireOverdue()
    if (expiredInvitations > 0) log.info({ expired: expiredInvitations }, 'unanswered invitations expired')
    const abandonedClaims = await outboxWorker.markAbandonedClaims()
    const expiredSessions = await store.repos.sessions.deleteExpired(clock().getTime())
    await store.rateLimits.sweep()
    return { expiredInvitations, abandonedClaims, expiredSessions }
  }

  /** Runs a round now, then every `intervalMs`; a round that fails is logged and the next one tries again. */
  async start(intervalMs: number): Promise<void> {
    await this.round()
    this.timer = setInterval(() => void this.round(), intervalMs)
    this.timer.unref()
  }

  /** Stops the timer and waits for a round under way. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.running
  }

  private round(): Promise<unknown> {
    // A round still going (a slow database) is not doubled by the next tick.
    this.running ??= this.run()
      .catch((error: unknown) => this.deps.log.error({ err: error }, 'housekeeping failed'))
      .finally(() => {
        this.running = null
      })
    return this.running
  }
}
