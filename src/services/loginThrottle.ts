import type { Charge, RateLimit, RateLimits } from '../store/rateLimits.js'
import { verifySecret } from './passwords.js'

/** The three counts a login attempt is charged to. */
interface LoginLimits {
  accountAtAddress: RateLimit
  account: RateLimit
  address: RateLimit
}

const WINDOW_SECONDS = 15 * 60

// SPEC 7 as a guesser sees it: 5 wrong per account from his address, 20 from his address, in
// 15 minutes. The count per account across all addresses is much higher (50), so a stranger
// guessing from one address, or a few, cannot lock the owner out (issue 10 finding 2), while
// many addresses together still cannot guess on for long. Patron and staff logins count apart:
// failed staff logins never lock a patron out, nor the reverse.
function loginLimits(login: 'patron' | 'staff'): LoginLimits {
  return {
    accountAtAddress: { name: `${login}_login_account_address`, points: 5, duration: WINDOW_SECONDS },
    account: { name: `${login}_login_account`, points: 50, duration: WINDOW_SECONDS },
    address: { name: `${login}_login_address`, points: 20, duration: WINDOW_SECONDS },
  }
}

export const PATRON_LOGIN_LIMITS = loginLimits('patron')
export const STAFF_LOGIN_LIMITS = loginLimits('staff')

type LoginCheck<T> = { kind: 'ok'; found: T } | { kind: 'wrong' } | { kind: 'throttled' }

/**
 * Login attempts under the throttle (SPEC 7). An attempt is counted, in the database and
 * atomically, before its secret is checked: parallel guesses are each counted, and a burst
 * past a limit is refused without being checked (issue 10 finding 1).
 */
export class LoginThrottle {
  constructor(private readonly deps: { counters: RateLimits; limits: LoginLimits; onThrottled: () => void }) {}

  /**
   * `find` returns undefined for an account that cannot log in (unknown, or input too long to
   * be worth hashing); the secret is hashed all the same, so a missing account answers no
   * faster than a wrong secret.
   */
  async check<T>(
    attempt: { account: string; address: string; secret: string },
    find: () => Promise<{ found: T; hash: string | null } | undefined>,
  ): Promise<LoginCheck<T>> {
    const { account, address, secret } = attempt
    // An address never holds a space, so "address account" names one pair only.
    const pair: Charge = { limit: this.deps.limits.accountAtAddress, key: `${address} ${account}` }
    const owner: Charge = { limit: this.deps.limits.account, key: account }
    const place: Charge = { limit: this.deps.limits.address, key: address }
    if (!(await this.deps.counters.take([pair, owner, place]))) {
      this.deps.onThrottled()
      return { kind: 'throttled' }
    }
    const candidate = await find()
    const right = await verifySecret(secret, candidate?.hash ?? null)
    if (!candidate || !right) return { kind: 'wrong' }
    // The address limit counts wrong secrets only: a library branch behind one address must not
    // be shut out by its own patrons' logins, so a right one gives its attempt back.
    await Promise.all([this.deps.counters.forget([pair, owner]), this.deps.counters.giveBack([place])])
    return { kind: 'ok', found: candidate.found }
  }
}
