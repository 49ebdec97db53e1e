// sqlite-only: the one shared better-sqlite3 connection and the group commit are SQLite devices.
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { openStore, type Store } from '../../src/store/store.js'

// On SQLite the hot queries run on better-sqlite3 statements, skipping Kysely, on the one
// connection the group commit's transactions also use. A query from outside must never land
// inside a transaction that is open at that moment.
describe("the SQLite store's one connection, while a group-commit transaction is open", () => {
  let store: Store
  before(async () => {
    store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'webpac-shared-')) })
  })
  after(async () => {
    await store.close()
  })

  function openUnit(sid: string): { inserted: Promise<void>; finish: () => void; unit: Promise<void> } {
    let inserted!: () => void
    let finish!: () => void
    const insertedPromise = new Promise<void>((resolve) => {
      inserted = resolve
    })
    const gate = new Promise<void>((resolve) => {
      finish = resolve
    })
    const unit = store.transaction(async (repos) => {
      await repos.sessions.insert(sid, '{"uncommitted":true}', Date.now(), Date.now() + 60_000)
      inserted()
      await gate
      throw new Error('rolled back')
    })
    return { inserted: insertedPromise, finish, unit }
  }

  test('a session read from outside does not see a row that transaction writes and then rolls back', async () => {
    const { inserted, finish, unit } = openUnit('rolled-back-read')
    await inserted
    const outside = store.repos.sessions.get('rolled-back-read', Date.now())
    finish()
    await assert.rejects(unit, /rolled back/)
    assert.equal(await outside, undefined)
  })

  test("a session written from outside is not undone by that transaction's rollback", async () => {
    const { inserted, finish, unit } = openUnit('rolled-back-write')
    await inserted
    const outside = store.repos.sessions.insert('written-outside', '{}', Date.now(), Date.now() + 60_000)
    finish()
    await assert.rejects(unit, /rolled back/)
    await outside
    assert.ok(await store.repos.sessions.get('written-outside', Date.now()))
  })

  test('a read snapshot taken from outside waits for that transaction and sees none of its rolled-back rows', async () => {
    const { inserted, finish, unit } = openUnit('rolled-back-snapshot')
    await inserted
    const outside = store.read((repos) => repos.sessions.get('rolled-back-snapshot', Date.now()))
    finish()
    await assert.rejects(unit, /rolled back/)
    assert.equal(await outside, undefined)
  })
})
