import { hashSecret } from '../../src/services/passwords.js'
import { openSqlite } from '../../src/store/sqlite/openSqlite.js'

export const BENCH_PIN = '1234'

/** E.164 numbers of the opted-in patrons: +1 201 2xx xxxx, one per patron index. */
export function benchNumber(index: number): string {
  return `+1201${String(2_000_000 + index).padStart(7, '0')}`
}

export function benchBarcode(index: number): string {
  return `3${String(index).padStart(13, '0')}`
}

/**
 * Writes `patrons` patrons straight into a new database file (the app's own schema), the first
 * `optedIn` of them opted in with a number each. One PIN hash serves all: hashing a million
 * PINs is the import benchmark's business, not this fixture's.
 */
export async function seedDatabase(file: string, patrons: number, optedIn: number): Promise<void> {
  const db = openSqlite(file)
  const pinHash = await hashSecret(BENCH_PIN)
  const columns = new Set((db.pragma('table_info(patrons)') as { name: string }[]).map((column) => column.name))
  const withDigits = columns.has('mobile_digits')
  const insertPatron = db.prepare(
    `INSERT INTO patrons (id, barcode, name, pin_hash, email, tele1, mobile, created_at, updated_at${withDigits ? ', mobile_digits' : ''})
     VALUES (?, ?, ?, ?, ?, '', ?, ?, ?${withDigits ? ', ?' : ''})`,
  )
  const insertRegistration = db.prepare(
    `INSERT INTO sms_registrations (patron_id, status, e164, terms_hash, invited_at, status_changed_at) VALUES (?, 'opted_in', ?, NULL, ?, ?)`,
  )
  const insertEvent = db.prepare(
    `INSERT INTO consent_events (patron_id, barcode, e164, from_status, to_status, channel, reason, at)
     VALUES (?, ?, ?, ?, ?, 'web', ?, ?)`,
  )
  const at = new Date().toISOString()
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const id = i + 1
      const mobile = i < optedIn ? benchNumber(i) : ''
      const values: unknown[] = [id, benchBarcode(i), `Bench Patron ${i}`, pinHash, `patron${i}@example.org`, mobile, at, at]
      if (withDigits) values.push(mobile.replace(/\D/g, ''))
      insertPatron.run(...values)
      if (i < optedIn) {
        insertRegistration.run(id, mobile, at, at)
        insertEvent.run(id, benchBarcode(i), mobile, 'not_opted_in', 'pending_optin', 'web_opt_in', at)
        insertEvent.run(id, benchBarcode(i), mobile, 'pending_optin', 'opted_in', 'sms_yes', at)
      }
    }
  })
  for (let from = 0; from < patrons; from += 50_000) batch(from, Math.min(patrons, from + 50_000))
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.close()
}
