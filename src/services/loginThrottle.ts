import { verifySecret } from './passwords.js'

// SPEC 7: after 5 wrong PINs for one account, or 20 from one address, within 15 minutes,
// further attempts are refused until the window has passed. Counts live in memory: each
// portal node limits on its own, which only makes a distributed guesser slower, never faster.
interface ThrottleLimits { perAccount: number; perAddress: number; windowMs: number }

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

type LoginCheck<T> = { kind: 'ok'; found: T } | { kind: 'wrong' } | { kind: 'throttled' }

/**
 * One login attempt under the throttle (SPEC 7). `find` returns undefined for an account that
 * cannot log in (unknown, or input too long to be worth hashing); the secret is hashed all the
 * same, so a missing account answers no faster than a wrong secret.
 */
export async function checkLogin<T>(
  throttle: LoginThrottle,
  attempt: { account: string; address: string; secret: string },
  find: () => Promise<{ found: T; hash: string | null } | undefined>,
): Promise<LoginCheck<T>> {
  const { account, address, secret } = attempt
  if (throttle.isBlocked(account, address)) return { kind: 'throttled' }
  const candidate = await find()
  const right = await verifySecret(secret, candidate?.hash ?? null)
  if (!candidate || !right) {
    throttle.recordFailure(account, address)
    return { kind: 'wrong' }
  }
  throttle.recordSuccess(account)
  return { kind: 'ok', found: candidate.found }
}
