import type { ServiceDeps } from './deps.js'
import { LoginThrottle, PATRON_LOGIN_LIMITS } from './loginThrottle.js'

type PatronLogin =
  | { kind: 'ok'; patronId: number }
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

  constructor(private readonly deps: Pick<ServiceDeps, 'store'>) {
    this.throttle = new LoginThrottle({ counters: deps.store.rateLimits, limits: PATRON_LOGIN_LIMITS })
  }

  async login(barcode: string, pin: string, address: string): Promise<PatronLogin> {
    if (barcode.length > MAX_CREDENTIAL_LENGTH) return { kind: 'wrong' }
    const account = barcode.trim()
    const result = await this.throttle.check({ account, address, secret: pin.slice(0, MAX_CREDENTIAL_LENGTH) }, async () => {
      if (pin.length > MAX_CREDENTIAL_LENGTH) return undefined
      const patron = await this.deps.store.repos.patrons.findByBarcode(account)
      return patron && { found: patron.id, hash: patron.pin_hash }
    })
    return result.kind === 'ok' ? { kind: 'ok', patronId: result.found } : result
  }
}
