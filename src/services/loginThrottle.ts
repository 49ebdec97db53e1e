// SPEC 7: after 5 wrong PINs for one account, or 20 from one address, within 15 minutes,
// further attempts are refused until the window has passed. Counts live in memory: each
// portal node limits on its own, which only makes a distributed guesser slower, never faster.
export interface ThrottleLimits { perAccount: number; perAddress: number; windowMs: number }

export const LOGIN_LIMITS: ThrottleLimits = { perAccount: 5, perAddress: 20, windowMs: 15 * 60 * 1000 }

const MAX_TRACKED_KEYS = 100_000

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>()

  constructor(private readonly limits: ThrottleLimits = LOGIN_LIMITS, private readonly now: () => number = Date.now) {}

  /** True when this account or this address must wait before trying again. */
  isBlocked(account: string, address: string): boolean {
    return this.count(`a:${account}`) >= this.limits.perAccount || this.count(`ip:${address}`) >= this.limits.perAddress
  }

  recordFailure(account: string, address: string): void {
    this.push(`a:${account}`)
    this.push(`ip:${address}`)
  }

  /** A right PIN clears the account's count (not the address's). */
  recordSuccess(account: string): void {
    this.failures.delete(`a:${account}`)
  }

  private count(key: string): number {
    const recent = this.recent(key)
    return recent.length
  }

  private recent(key: string): number[] {
    const since = this.now() - this.limits.windowMs
    const times = (this.failures.get(key) ?? []).filter((time) => time > since)
    if (times.length === 0) this.failures.delete(key)
    else this.failures.set(key, times)
    return times
  }

  private push(key: string): void {
    if (this.failures.size >= MAX_TRACKED_KEYS && !this.failures.has(key)) this.evictExpired()
    this.failures.set(key, [...this.recent(key), this.now()])
  }

  private evictExpired(): void {
    for (const key of this.failures.keys()) this.recent(key)
  }
}
