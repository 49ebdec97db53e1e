/** At most `points` attempts per key in `duration` seconds, counted from the key's first attempt. */
export interface RateLimit {
  /** Names the limit; keys of different limits never meet. Letters, digits and _ only. */
  name: string
  points: number
  duration: number
}

/** One attempt to count: which limit, for which key (an account, an address, or both). */
export interface Charge {
  limit: RateLimit
  key: string
}

/**
 * Attempt counters kept in the database, so that they survive a restart and every portal node
 * sees the same counts (SPEC 7, SPEC 8). Each backend builds them on rate-limiter-flexible's
 * limiter for its database: RateLimiterSQLite here, RateLimiterPostgres for PostgreSQL.
 */
export interface RateLimits {
  /**
   * Counts one attempt on every charge, or on none: false when any of them has no attempt left,
   * and then nothing is counted. Atomic: parallel callers are each counted before any of them
   * goes on, so a burst cannot slip past a limit.
   */
  take(charges: readonly Charge[]): Promise<boolean>
  /**
   * Counts up to `wanted` attempts on one charge, as many as its limit has left, and says how
   * many it counted (0 when none is left). Atomic like `take`: parallel callers together never
   * get more than the limit. For a budget that is spent in chunks (the SMS send-rate cap).
   */
  takeUpTo(charge: Charge, wanted: number): Promise<number>
  /** Gives back one attempt that `take` counted (one that turned out right). */
  giveBack(charges: readonly Charge[]): Promise<void>
  /** Forgets these keys' counts. */
  forget(charges: readonly Charge[]): Promise<void>
  /** Deletes the counters whose window has ended. */
  sweep(): Promise<void>
}

/**
 * How much of `wanted` fits under `limit`, for a counter that went from `after - wanted` to
 * `after`: the part of that span below the limit. Callers adding to one counter get disjoint
 * spans, so their parts never add up past the limit.
 */
export function grantedOf(after: number, wanted: number, limit: number): number {
  return Math.max(0, Math.min(wanted, limit - (after - wanted)))
}
