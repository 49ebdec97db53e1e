import type { Store } from '../store/store.js'
import { hashSecret } from './passwords.js'

export interface DemoLogin {
  barcode: string
  pin: string
  name: string
  note: string
}

// Documented in the README and printed at start-up, so a newcomer can log in at once.
export const DEMO_PATRONS: readonly (DemoLogin & { email: string; mobile: string; optedIn: boolean })[] = [
  {
    barcode: '21000000000001',
    pin: '1234',
    name: 'Ada Lovelace',
    email: 'ada@example.org',
    mobile: '',
    optedIn: false,
    note: 'no mobile number yet: opt in from modpinfo',
  },
  {
    barcode: '21000000000002',
    pin: '2345',
    name: 'Grace Hopper',
    email: 'grace@example.org',
    mobile: '(201) 555-0142',
    optedIn: true,
    note: 'already opted in',
  },
  {
    barcode: '21000000000003',
    pin: '3456',
    name: 'Katherine Johnson',
    email: 'katherine@example.org',
    mobile: '201-555-0173',
    optedIn: false,
    note: 'mobile on file, not opted in',
  },
  {
    barcode: '21000000000004',
    pin: '4567',
    name: 'Alan Turing',
    email: 'alan@example.org',
    mobile: '',
    optedIn: false,
    note: 'no mobile number',
  },
]

export const DEMO_STAFF = { username: 'librarian', password: 'librarian-demo' } as const

const OPTED_IN_E164 = '+12015550142'

/** Seeds a new, empty database; returns false and does nothing if it holds patrons. */
export async function seedDemoData(store: Store, now: Date = new Date()): Promise<boolean> {
  if ((await store.repos.patrons.count()) > 0) return false
  const at = now.toISOString()
  const pinHashes = await Promise.all(DEMO_PATRONS.map((patron) => hashSecret(patron.pin)))
  const staffHash = await hashSecret(DEMO_STAFF.password)
  // Counted again where the rows go in: two processes starting on one new file seed it once.
  return store.transaction(async (repos) => {
    if ((await repos.patrons.count()) > 0) return false
    for (const [index, patron] of DEMO_PATRONS.entries()) {
      const id = await repos.patrons.insert({
        barcode: patron.barcode,
        name: patron.name,
        pin_hash: pinHashes[index] ?? null,
        email: patron.email,
        tele1: '',
        mobile: patron.mobile,
        created_at: at,
        updated_at: at,
      })
      if (!patron.optedIn) continue
      await repos.registrations.save({
        patron_id: id,
        status: 'opted_in',
        e164: OPTED_IN_E164,
        terms_hash: null,
        invited_at: at,
        status_changed_at: at,
      })
      await repos.consent.append({
        patron_id: id,
        barcode: patron.barcode,
        e164: OPTED_IN_E164,
        from_status: 'not_opted_in',
        to_status: 'opted_in',
        channel: 'system',
        reason: 'demo_seed',
        terms_hash: null,
        at,
        ip: null,
        user_agent: null,
        inbound_message_id: null,
        actor: 'demo seed',
      })
    }
    await repos.staff.upsert(DEMO_STAFF.username, staffHash, at)
    return true
  })
}
