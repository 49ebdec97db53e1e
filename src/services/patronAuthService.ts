import type { Store } from '../store/store.js'
import { checkLogin, LoginThrottle } from './loginThrottle.js'

type PatronLogin =
  | { kind: 'ok'; patronId: number }
  | { kind: 'wrong' }
  /** SPEC 7: too many wrong PINs for this barcode or from this address; nothing was checked. */
  | { kind: 'throttled' }

// Longer inputs are refused before any hashing, so a huge "PIN" cannot buy CPU time.
const MAX_CREDENTIAL_LENGTH = 64

// Patron login by barcode and PIN (SPEC 3). The answer never says which of the two was
// wrong, and an unknown barcode costs the same hashing time as a known one.
export class PatronAuthService {
  constructor(private readonly store: Store, private readonly throttle: LoginThrottle = new LoginThrottle()) {}

  async login(barcode: string, pin: string, address: string): Promise<PatronLogin> {
    const account = barcode.trim()
    const result = await checkLogin(this.throttle, { account, address, secret: pin.slice(0, MAX_CREDENTIAL_LENGTH) }, async () => {
      if (account.length > MAX_CREDENTIAL_LENGTH || pin.length > MAX_CREDENTIAL_LENGTH) return undefined
      const patron = await this.store.repos.patrons.findByBarcode(account)
      return patron && { found: patron.id, hash: patron.pin_hash }
    })
    return result.kind === 'ok' ? { kind: 'ok', patronId: result.found } : result
  }

}
