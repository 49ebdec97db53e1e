import type { RateLimits } from '../store/rateLimits.js'

/** How many sends may leave now. */
export interface SendBudget {
  /**
   * Grants up to `wanted` sends for the current second. When the second's budget is spent it
   * waits for the next second and answers 0: the caller looks again (and may have been stopped).
   */
  take(wanted: number): Promise<number>
}

/** No cap: the simulator, and tests that script their own gateway. */
export const UNCAPPED: SendBudget = { take: async (wanted) => wanted }

const SECOND_MS = 1_000
/** Spreads the workers that all wait for the same second, so they do not ask at one instant. */
const WAKE_JITTER_MS = 25

/**
 * The cluster-wide send-rate cap (SMS_MAX_SENDS_PER_SECOND, docs/vonage.md): one counter per
 * wall-clock second in the attempt-counter table, shared by every worker on the database. The key
 * is the epoch second itself, so every worker counts the same window, aligned to the clock, and a
 * chunk of sends costs one counter update, not one per SMS. Real time, never the app's clock:
 * the budget is about the pace at which requests reach Vonage.
 */
export class SendRateCap implements SendBudget {
  constructor(
    private readonly deps: {
      counters: Pick<RateLimits, 'takeUpTo'>
      perSecond: number
      /** Told how long the worker waits for the next second's budget. */
      onWait: (ms: number) => void
      now?: () => number
      sleep?: (ms: number) => Promise<void>
    },
  ) {}

  async take(wanted: number): Promise<number> {
    const now = this.deps.now ?? Date.now
    const second = Math.floor(now() / SECOND_MS)
    const limit = { name: 'sms_sends_per_second', points: this.deps.perSecond, duration: 2 }
    const granted = await this.deps.counters.takeUpTo({ limit, key: String(second) }, Math.min(wanted, this.deps.perSecond))
    // A grant that comes back after its second ended is not used: its sends would land in the
    // next second on top of that second's own budget.
    if (granted > 0 && Math.floor(now() / SECOND_MS) === second) return granted
    if (granted > 0) return 0
    const waitMs = (second + 1) * SECOND_MS - now() + Math.floor(Math.random() * WAKE_JITTER_MS)
    this.deps.onWait(Math.max(0, waitMs))
    await (this.deps.sleep ?? sleep)(Math.max(0, waitMs))
    return 0
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
