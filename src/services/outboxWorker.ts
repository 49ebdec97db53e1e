import { type ConfigSnapshot, firstShortCode } from '../config/configSnapshot.js'
import { mayReceive } from '../domain/optIn.js'
import { recordMatchesNumber } from '../domain/phone.js'
import { nextSendTime } from '../domain/sendWindow.js'
import type { SendResult, SmsGateway } from '../sms/gateway.js'
import type { OutboxMessage } from '../store/schema.js'
import type { Repositories } from '../store/store.js'
import type { ServiceDeps } from './deps.js'
import type { OutboxSignal } from './outboxSignal.js'
import type { SendBudget } from './sendRateCap.js'
import type { SendOutcome, SendResults } from './sendResults.js'

export interface OutboxWorkerOptions {
  /** Due rows one claim looks at, at most: those held for the send window or cancelled need no send budget. */
  batchSize?: number
  /** sends in flight at once: the most rows one claim takes to send */
  concurrency?: number
  /** how often to look for due rows when nothing wakes the worker */
  pollMs?: number
  maxAttempts?: number
  /**
   * Whether workers of other processes send from this outbox too (PostgreSQL): a row in
   * 'sending' may then be another live worker's, and is declared unknown only once its claim is
   * older than the lease. Otherwise (SQLite, one process) every such row is unknown at start.
   */
  sharedOutbox?: boolean
  /** How long a claim lasts before its row counts as abandoned (default CLAIM_LEASE_MS). */
  leaseMs?: number
}

/**
 * No real send outlasts this. Rows are claimed one chunk at a time, and those the send-rate cap
 * does not let out at once go back to queued, so a claimed row waits at most a second for the
 * budget, then for its own send: at most Vonage's 10-second HTTP timeout (sms/vonageGateway.ts)
 * and one results transaction. Five minutes leaves room for that, a slow database and clocks a
 * little apart between nodes (the claim's time is the claiming node's). A lease too short would
 * only lose a send's result (the row stays unknown), never send twice.
 */
export const CLAIM_LEASE_MS = 5 * 60_000

/** Exponential backoff with jitter: 2 s, 4 s, 8 s … capped at 10 minutes. */
function retryDelayMs(attempt: number, random = Math.random): number {
  const base = Math.min(2_000 * 2 ** Math.max(0, attempt - 1), 600_000)
  return Math.round(base * (0.75 + random() * 0.5))
}

/** After Vonage's "Throttled": about a second (0.75–1.25 s), when its per-second budget is new. */
function throttledDelayMs(random = Math.random): number {
  return Math.round(1_000 * (0.75 + random() * 0.5))
}

// Sends what the outbox holds, after the transaction that queued it has committed. A row is
// claimed (queued → sending) in one transaction together with the last check that its
// recipient may still receive it; the network call happens outside any transaction.
export class OutboxWorker {
  private readonly batchSize: number
  private readonly concurrency: number
  private readonly pollMs: number
  private readonly maxAttempts: number
  private readonly sharedOutbox: boolean
  private readonly leaseMs: number
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private again = false
  private stopped = true
  /** Set by stop(): the drain in flight ends after its chunk. */
  private closing = false

  constructor(
    private readonly deps: Pick<ServiceDeps, 'store' | 'config' | 'clock' | 'log' | 'metrics'> & {
      gateway: SmsGateway
      sendResults: Pick<SendResults, 'record'>
      /** Rung by the services that queue SMS: the worker wakes at once instead of at its next poll. */
      queued: OutboxSignal
      /** The send-rate cap each chunk asks right before it is sent (SMS_MAX_SENDS_PER_SECOND). */
      sendCap: SendBudget
      options?: OutboxWorkerOptions
    },
  ) {
    deps.queued.listen(() => this.wake())
    const options = deps.options ?? {}
    this.batchSize = options.batchSize ?? 100
    this.concurrency = options.concurrency ?? 16
    this.pollMs = options.pollMs ?? 1_000
    this.maxAttempts = options.maxAttempts ?? 8
    this.sharedOutbox = options.sharedOutbox ?? false
    this.leaseMs = options.leaseMs ?? CLAIM_LEASE_MS
  }

  async start(): Promise<void> {
    // Alone on the outbox, this process just started: whatever is in 'sending' lost its worker.
    await this.markAbandoned(this.sharedOutbox ? this.leaseCutoff() : null)
    this.stopped = false
    this.closing = false
    this.schedule(0)
  }

  /**
   * Rows whose claim is older than the lease lost their worker (killed, or its database went
   * away before the outcome was written): marked unknown, never re-sent. The housekeeping calls it.
   */
  markAbandonedClaims(): Promise<number> {
    return this.markAbandoned(this.leaseCutoff())
  }

  private async markAbandoned(claimedBefore: string | null): Promise<number> {
    const orphaned = await this.deps.store.repos.outbox.markInFlightUnknown(this.deps.clock().toISOString(), claimedBefore)
    if (orphaned > 0) this.deps.log.warn({ orphaned }, 'messages caught mid-send by a stopped worker are marked unknown, not re-sent')
    return orphaned
  }

  private leaseCutoff(): string {
    return new Date(this.deps.clock().getTime() - this.leaseMs).toISOString()
  }

  /** Finishes the chunk in flight, then stops. */
  async stop(): Promise<void> {
    this.stopped = true
    this.closing = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.running
  }

  wake(): void {
    if (this.stopped) return
    if (this.running) this.again = true
    else this.schedule(0)
  }

  /**
   * Sends every row due now, a chunk at a time as the send-rate cap lets them out; returns how
   * many sends were attempted. For tests and drains.
   */
  async drain(): Promise<number> {
    let attempted = 0
    while (!this.closing) {
      // Woken after every commit that may have queued something: look before taking the write lock.
      if ((await this.deps.store.repos.outbox.due(this.deps.clock().getTime(), 1)).length === 0) break
      const { looked, claimed } = await this.claim(this.concurrency)
      // Nothing left to look at: another worker took these rows first.
      if (looked === 0) break
      // The budget is asked last, right before the sends: a grant belongs to one second, and
      // sends started long after it (behind a claim) would land in the next second's share.
      const allowed = claimed.length === 0 ? 0 : await this.deps.sendCap.take(claimed.length)
      await this.release(claimed.slice(allowed))
      const outcomes = await Promise.all(claimed.slice(0, allowed).map((row) => this.send(row)))
      await this.deps.sendResults.record(outcomes)
      attempted += outcomes.length
    }
    return attempted
  }

  /** Rows claimed beyond the cap's grant go back to queued as they were, for the next second. */
  private async release(rows: readonly OutboxMessage[]): Promise<void> {
    if (rows.length === 0) return
    const at = this.deps.clock().toISOString()
    await this.deps.store.transaction(async (repos) => {
      for (const row of rows)
        await repos.outbox.transition(row.id, 'sending', { state: 'queued', attempts: row.attempts - 1, updated_at: at })
    })
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => this.tick(), delayMs)
    this.timer.unref()
  }

  private tick(): void {
    this.timer = null
    this.running = this.drain()
      .then(() => undefined)
      .catch((error: unknown) => this.deps.log.error({ err: error }, 'outbox dispatch failed; will retry'))
      .finally(() => {
        this.running = null
        const delay = this.again ? 0 : this.pollMs
        this.again = false
        this.schedule(delay)
      })
  }

  /**
   * Claims up to `limit` due rows to send now, holding or cancelling on the way (up to batchSize)
   * those that must not go yet or at all; `looked` counts every row it dealt with.
   */
  private async claim(limit: number): Promise<{ looked: number; claimed: OutboxMessage[] }> {
    const now = this.deps.clock()
    const config = this.deps.config()
    return this.deps.store.transaction(async (repos) => {
      const claimed: OutboxMessage[] = []
      let looked = 0
      for (const row of await repos.outbox.due(now.getTime(), Math.max(limit, this.batchSize))) {
        if (claimed.length === limit) break
        looked += 1
        const at = now.toISOString()
        if (row.kind === 'alert') {
          const { sendWindow, timezone } = config.webOptions
          const opening = nextSendTime(now, sendWindow, timezone)
          if (opening.getTime() > now.getTime()) {
            await repos.outbox.update(row.id, {
              next_attempt_ms: opening.getTime(),
              error: 'held until the send window opens',
              updated_at: at,
            })
            continue
          }
        }
        if (!(await this.mayStillSend(repos, row, config))) {
          await repos.outbox.transition(row.id, 'queued', {
            state: 'cancelled',
            error: 'recipient may no longer receive this message',
            updated_at: at,
          })
          continue
        }
        const attempts = row.attempts + 1
        if (await repos.outbox.transition(row.id, 'queued', { state: 'sending', attempts, updated_at: at })) {
          claimed.push({ ...row, attempts, state: 'sending' })
        }
      }
      return { looked, claimed }
    })
  }

  // The last word before a text leaves: the registration still holds this number, in a
  // status that allows this kind of message, and the patron record still names it.
  private async mayStillSend(repos: Repositories, row: OutboxMessage, config: ConfigSnapshot): Promise<boolean> {
    if (row.kind === 'help') return true
    if (row.patron_id === null) return false
    const registration = await repos.registrations.findByPatron(row.patron_id)
    if (!registration || registration.e164 !== row.e164 || !mayReceive(registration.status, row.kind)) return false
    if (row.kind === 'optout') return true
    const patron = await repos.patrons.findById(row.patron_id)
    return patron !== undefined && recordMatchesNumber(patron.mobile, row.e164, config.webOptions.country)
  }

  private async send(row: OutboxMessage): Promise<SendOutcome> {
    let result: SendResult
    try {
      const from = firstShortCode(this.deps.config())
      result = await this.deps.gateway.send({ to: row.e164, from, text: row.text, clientRef: String(row.id) })
    } catch (error) {
      result = { outcome: 'retry', error: error instanceof Error ? error.message : String(error) }
    }
    // Vonage's "Throttled" is about the account's pace, not this message: it costs no attempt.
    const throttled = result.outcome === 'throttled'
    const retries = throttled || (result.outcome === 'retry' && row.attempts < this.maxAttempts)
    const now = this.deps.clock().getTime()
    const retryAt = throttled ? now + throttledDelayMs() : retries ? now + retryDelayMs(row.attempts) : null
    this.deps.metrics.smsSendOutcome(row.kind, result.outcome === 'sent' ? 'sent' : retries ? 'retry' : 'failed')
    if (throttled) this.deps.metrics.smsThrottled(row.kind)
    if (result.outcome !== 'sent') {
      const { outcome, error } = result
      this.deps.log.warn({ outboxId: row.id, to: row.e164, kind: row.kind, outcome, error, retryAt }, 'SMS not sent')
    }
    return { row, result, retryAtMs: retryAt }
  }
}
