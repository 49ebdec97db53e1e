import type { Lang } from '../domain/language.js'
import type { ServiceDeps } from './deps.js'
import { LoginThrottle, PATRON_LOGIN_LIMITS } from './loginThrottle.js'

type PatronLogin =
  /** lang: the patron's stored language, null until they choose one (SPEC 9). */
  | { kind: 'ok'; patronId: number; lang: Lang | null }
  | { kind: 'wrong' }
  /** SPEC 7: too many wrong PINs for this barcode or from this address; nothing was checked. */
  | { kind: 'throttled' }

// Longer inputs are refused before any hashing, so a huge "PIN" cannot buy CPU time; a longer
// card number is refused before anything at all (issue 10 finding 7), so it makes no counter.
const MAX_CREDENTIAL_LENGTH = 64

// Patron login by barcode and PIN (SPEC 3). The answer never says which of the two was
// wrong, and an unknown barcode costs the same hashing time as a known one.
export class PatronAuthService {
  private readonly throttle: LoginThrottle

  constructor(private readonly deps: Pick<ServiceDeps, 'store' | 'clock' | 'metrics'>) {
    const onThrottled = () => deps.metrics.loginThrottled('patron')
    this.throttle = new LoginThrottle({ counters: deps.store.rateLimits, limits: PATRON_LOGIN_LIMITS, onThrottled })
  }

  async login(barcode: string, pin: string, address: string): Promise<PatronLogin> {
    if (barcode.length > MAX_CREDENTIAL_LENGTH) return { kind: 'wrong' }
    const account = barcode.trim()
    const result = await this.throttle.check({ account, address, secret: pin.slice(0, MAX_CREDENTIAL_LENGTH) }, async () => {
      if (pin.length > MAX_CREDENTIAL_LENGTH) return undefined
      const patron = await this.deps.store.repos.patrons.findByBarcode(account)
      return patron && { found: patron, hash: patron.pin_hash }
    })
    return result.kind === 'ok' ? { kind: 'ok', patronId: result.found.id, lang: result.found.lang } : result
  }

  /** SPEC 9: a language chosen while logged in is the patron's from then on, for pages and texts. */
  async chooseLanguage(patronId: number, lang: Lang): Promise<void> {
    await this.deps.store.repos.patrons.update(patronId, { lang }, this.deps.clock().toISOString())
  }
}
