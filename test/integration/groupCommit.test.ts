// sqlite-only: the group commit is SQLite's single-writer device; PostgreSQL runs transactions side by side on its pool
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import Database from 'better-sqlite3'
import { openStore, type Store, sqliteFileFor } from '../../src/store/store.js'
import { addPatron } from '../support/patrons.js'

describe('group commit: concurrent units of work share a COMMIT but stay atomic each', () => {
  let dir: string
  let store: Store
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'webpac-group-'))
    store = await openStore({ dataDir: dir })
  })
  after(async () => {
    await store.close()
  })

  test('a unit that fails leaves none of its writes, and the units beside it in the same commit keep theirs', async () => {
    const patrons = await Promise.all(Array.from({ length: 20 }, () => addPatron(store, { pin: null })))
    const results = await Promise.allSettled(
      patrons.map((patron, i) =>
        store.transaction(async (repos) => {
          await repos.patrons.update(patron.id, { email: `unit${i}@example.org` }, new Date().toISOString())
          await repos.patrons.update(patron.id, { tele1: `555-${i}` }, new Date().toISOString())
          if (i % 5 === 0) throw new Error(`unit ${i} fails after writing`)
          return i
        }),
      ),
    )
    for (const [i, result] of results.entries()) {
      const row = await store.repos.patrons.findById(patrons[i]?.id ?? 0)
      if (i % 5 === 0) {
        assert.equal(result.status, 'rejected')
        assert.deepEqual([row?.email, row?.tele1], ['', ''], `unit ${i} left a half-write`)
      } else {
        assert.deepEqual(result, { status: 'fulfilled', value: i })
        assert.deepEqual([row?.email, row?.tele1], [`unit${i}@example.org`, `555-${i}`])
      }
    }
  })

  test('a caller hears of success only when its writes are committed: another connection already sees them', async () => {
    const patron = await addPatron(store, { pin: null })
    const reader = new Database(sqliteFileFor(dir), { readonly: true })
    try {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store
            .transaction(async (repos) => {
              await repos.patrons.update(patron.id, { tele1: String(i) }, new Date().toISOString())
            })
            .then(() => {
              const seen = reader.prepare('SELECT tele1 FROM patrons WHERE id = ?').get(patron.id) as { tele1: string }
              assert.notEqual(seen.tele1, '', 'resolved before its commit was visible')
            }),
        ),
      )
    } finally {
      reader.close()
    }
  })
})
