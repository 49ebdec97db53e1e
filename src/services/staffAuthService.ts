import type { ServiceDeps } from './deps.js'
import { DomainError } from './errors.js'
import { LoginThrottle, STAFF_LOGIN_LIMITS } from './loginThrottle.js'
import { hashSecret } from './passwords.js'

type StaffLogin =
  | { kind: 'ok'; username: string }
  | { kind: 'wrong' }
  /** Too many wrong passwords for this account or from this address; nothing was checked. */
  | { kind: 'throttled' }

interface AccountChange {
  username: string
  created: boolean
  reenabled: boolean
  sessionsEnded: number
}

const MAX_USERNAME_LENGTH = 64
const USERNAME = /^[a-z0-9][a-z0-9._@-]{1,63}$/
const MIN_PASSWORD_LENGTH = 10
const MAX_PASSWORD_LENGTH = 200

/** Usernames are compared without case, so "Librarian" and "librarian" are one account. */
function normalizeUsername(username: string): string {
  return username.trim().toLowerCase()
}

// Staff accounts and the staff login (SPEC 6). Same rules as the patron login (SPEC 7):
// scrypt, a throttle per account and per address, no hint which of the two was wrong.
export class StaffAuthService {
  private readonly throttle: LoginThrottle

  constructor(private readonly deps: Pick<ServiceDeps, 'store' | 'clock' | 'metrics'>) {
    const onThrottled = () => deps.metrics.loginThrottled('staff')
    this.throttle = new LoginThrottle({ counters: deps.store.rateLimits, limits: STAFF_LOGIN_LIMITS, onThrottled })
  }

  async login(username: string, password: string, address: string): Promise<StaffLogin> {
    // No account has a longer name: refused before anything else, so it makes no counter
    // (issue 10 finding 7).
    if (username.length > MAX_USERNAME_LENGTH) return { kind: 'wrong' }
    const account = normalizeUsername(username)
    const result = await this.throttle.check({ account, address, secret: password.slice(0, MAX_PASSWORD_LENGTH) }, async () => {
      if (!USERNAME.test(account) || password.length > MAX_PASSWORD_LENGTH) return undefined
      const user = await this.deps.store.repos.staff.findByUsername(account)
      return user && { found: user.username, hash: user.password_hash }
    })
    return result.kind === 'ok' ? { kind: 'ok', username: result.found } : result
  }

  /**
   * Creates the account, or sets a new password for an existing one, which also enables a
   * disabled account again. A new password ends the account's open sessions: whoever was logged
   * in with the old one (perhaps the reason for the change) must log in again.
   */
  async setAccount(username: string, password: string): Promise<AccountChange> {
    const account = normalizeUsername(username)
    if (!USERNAME.test(account)) {
      throw new DomainError(null, 'A username is 2 to 64 characters: letters, digits and . _ @ - (starting with a letter or digit).')
    }
    if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
      throw new DomainError(null, `A staff password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters long.`)
    }
    const hash = await hashSecret(password)
    return this.deps.store.transaction(async (repos) => {
      const existing = await repos.staff.findAccount(account)
      await repos.staff.upsert(account, hash, this.deps.clock().toISOString())
      const sessionsEnded = existing ? await repos.sessions.destroyForStaff(account) : 0
      return { username: account, created: !existing, reenabled: Boolean(existing?.disabled_at), sessionsEnded }
    })
  }

  /** The account can no longer log in, and its open sessions end now; `staff add` enables it again. */
  async disable(username: string): Promise<{ username: string; alreadyDisabled: boolean; sessionsEnded: number }> {
    const account = normalizeUsername(username)
    return this.deps.store.transaction(async (repos) => {
      const existing = await repos.staff.findAccount(account)
      if (!existing) throw new DomainError(null, `There is no staff account "${account}".`)
      if (!existing.disabled_at) await repos.staff.disable(account, this.deps.clock().toISOString())
      const sessionsEnded = await repos.sessions.destroyForStaff(account)
      return { username: account, alreadyDisabled: Boolean(existing.disabled_at), sessionsEnded }
    })
  }
}
