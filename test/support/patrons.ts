import { hashSecret } from '../../src/services/passwords.js'
import type { Store } from '../../src/store/store.js'

let counter = 0

/** Adds a patron straight to the store; returns its id. */
export async function addPatron(
  store: Store,
  fields: { barcode?: string; name?: string; pin?: string | null; mobile?: string; email?: string } = {},
): Promise<{ id: number; barcode: string; pin: string }> {
  counter += 1
  const barcode = fields.barcode ?? `2900000000${String(counter).padStart(4, '0')}`
  // `pin: null` makes a patron who cannot log in, and skips the (slow, by design) scrypt hash.
  const pin = fields.pin === null ? '' : (fields.pin ?? '9876')
  const at = new Date().toISOString()
  const id = await store.repos.patrons.insert({
    barcode,
    name: fields.name ?? `Test Patron ${counter}`,
    pin_hash: pin === '' ? null : await hashSecret(pin),
    email: fields.email ?? '',
    tele1: '',
    mobile: fields.mobile ?? '',
    created_at: at,
    updated_at: at,
  })
  return { id, barcode, pin }
}

export const WEB = { ip: '127.0.0.1', userAgent: 'node:test' } as const
