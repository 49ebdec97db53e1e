import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { isUniqueViolation } from '../../src/store/errors.js'
import type { Registration } from '../../src/store/schema.js'
import { openSqlite } from '../../src/store/sqlite/openSqlite.js'
import { openStore, type Store } from '../../src/store/store.js'
import { backendName, freshDatabaseUrl, sqliteOnly, writeDb } from '../support/database.js'
import { addPatron } from '../support/patrons.js'

function registration(patronId: number, status: Registration['status'], e164: string): Registration {
  return { patron_id: patronId, status, e164, terms_hash: null, invited_at: null, status_changed_at: new Date().toISOString() }
}

describe(`the store on ${backendName}`, () => {
  let dir: string
  let store: Store
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'webpac-store-'))
    store = await openStore({ dataDir: dir, databaseUrl: await freshDatabaseUrl() })
  })
  after(async () => {
    await store.close()
  })

  test('the database file is in WAL mode with foreign keys on, and migrations run once', {
    skip: sqliteOnly("SQLite's file settings"),
  }, () => {
    const db = openSqlite(join(dir, 'webpac.sqlite'))
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal')
      assert.equal(db.pragma('foreign_keys', { simple: true }), 1)
      assert.deepEqual(db.prepare('SELECT count(*) AS n FROM schema_migrations WHERE version = 1').get(), { n: 1 })
    } finally {
      db.close()
    }
  })

  test('SPEC 4.2: the database itself refuses a second pending or opted-in registration of one E.164 number', async () => {
    const a = await addPatron(store)
    const b = await addPatron(store)
    await store.repos.registrations.save(registration(a.id, 'opted_in', '+12015550111'))
    await assert.rejects(store.repos.registrations.save(registration(b.id, 'pending_optin', '+12015550111')), isUniqueViolation)
  })

  test('SPEC 4.2: numbers of patrons who are not opted in may repeat (a family phone someone else now uses)', async () => {
    const a = await addPatron(store)
    const b = await addPatron(store)
    await store.repos.registrations.save(registration(a.id, 'not_opted_in', '+12015550112'))
    await store.repos.registrations.save(registration(b.id, 'rejected', '+12015550112'))
    assert.equal((await store.repos.registrations.findAllByNumber('+12015550112')).length, 2)
  })

  test('a transaction that fails part-way leaves nothing behind', async () => {
    const a = await addPatron(store)
    await assert.rejects(
      store.transaction(async (repos) => {
        await repos.patrons.update(a.id, { email: 'half@example.org' }, new Date().toISOString())
        throw new Error('boom')
      }),
    )
    assert.equal((await store.repos.patrons.findById(a.id))?.email, '')
  })

  test('SPEC 4.9: consent events survive the deletion of their patron', async () => {
    const a = await addPatron(store)
    await store.repos.consent.append({
      patron_id: a.id,
      barcode: a.barcode,
      e164: null,
      from_status: 'not_opted_in',
      to_status: 'not_opted_in',
      channel: 'staff',
      reason: 'record_deleted',
      terms_hash: null,
      at: new Date().toISOString(),
      ip: null,
      user_agent: null,
      inbound_message_id: null,
      actor: 'x',
    })
    await store.repos.patrons.delete(a.id)
    assert.equal((await store.repos.consent.listForPatron(a.id)).length, 1)
    await assert.rejects(writeDb(store.location, 'DELETE FROM consent_events WHERE patron_id = ?', a.id), /append-only/)
    await assert.rejects(writeDb(store.location, "UPDATE consent_events SET reason = 'edited' WHERE patron_id = ?", a.id), /append-only/)
  })
})
