import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/migrations.js'
import { openStore, type Store } from '../../src/store/store.js'
import { freshDatabaseUrl, onPostgres, queryDb, writeDb } from '../support/database.js'
import { addPatron } from '../support/patrons.js'
import { ScriptedGateway } from '../support/scriptedGateway.js'
import { eventually, startTestApp, type TestApp } from '../support/testApp.js'

// The guarantees SPEC 8 names, in PostgreSQL's own terms (the other files run the whole portal
// on it). Run by the PostgreSQL half of npm test.
const skip = onPostgres ? false : 'PostgreSQL only (TEST_DATABASE=postgres)'

const stores: Store[] = []
after(async () => {
  for (const store of stores) await store.close()
})

async function open(databaseUrl: string): Promise<Store> {
  const store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'webpac-pg-')), databaseUrl })
  stores.push(store)
  return store
}

describe('SPEC 8 PostgreSQL: the same guarantees', { skip }, () => {
  test('two nodes starting at once on an empty database both come up, and each migration is applied once', async () => {
    const url = (await freshDatabaseUrl())!
    const [first, second] = await Promise.all([open(url), open(url)])
    await Promise.all([first.ping(), second.ping()])
    const versions = await queryDb<{ version: number }>(url, 'SELECT version FROM schema_migrations ORDER BY version')
    assert.deepEqual(
      versions.map((row) => row.version),
      POSTGRES_MIGRATIONS.map((migration) => migration.version),
    )
  })

  test('consent events are append-only: UPDATE, DELETE and TRUNCATE are refused by the database', async () => {
    const store = await open((await freshDatabaseUrl())!)
    const patron = await addPatron(store, { pin: null })
    await store.repos.consent.append({
      patron_id: patron.id,
      barcode: patron.barcode,
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
    for (const statement of ["UPDATE consent_events SET reason = 'edited'", 'DELETE FROM consent_events', 'TRUNCATE consent_events']) {
      await assert.rejects(writeDb(store.location, statement), /append-only/, statement)
    }
    assert.equal((await store.repos.consent.listForPatron(patron.id)).length, 1)
  })

  test('a webhook messageId is stored once: the repository reports the repeat, and the database refuses a second row', async () => {
    const store = await open((await freshDatabaseUrl())!)
    const message = {
      message_id: 'PG-DEDUPE-1',
      msisdn: '12015550123',
      to_number: '82453',
      text: 'STOP',
      keyword: 'stop',
      received_at: new Date().toISOString(),
      outcome: 'received',
    }
    assert.equal(await store.repos.inbox.recordInbound(message), true)
    assert.equal(await store.repos.inbox.recordInbound(message), false)
    await assert.rejects(
      writeDb(
        store.location,
        "INSERT INTO inbound_messages (message_id, msisdn, to_number, text, keyword, received_at, outcome) VALUES ('PG-DEDUPE-1', '1', '2', 'x', 'x', 'x', 'x')",
      ),
      /duplicate key/,
    )
  })

  test('the outbox claim skips rows another worker holds: two claims at once take disjoint rows', async () => {
    const store = await open((await freshDatabaseUrl())!)
    const now = new Date()
    for (let i = 0; i < 6; i++)
      await store.repos.outbox.enqueue({ patron_id: null, e164: `+1201555010${i}`, kind: 'help', text: 'help' }, now)
    let release!: () => void
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    let claimed!: (ids: number[]) => void
    const firstClaim = new Promise<number[]>((resolve) => {
      claimed = resolve
    })
    const first = store.transaction(async (repos) => {
      claimed((await repos.outbox.due(now.getTime(), 4)).map((row) => row.id))
      await held
    })
    const firstIds = await firstClaim
    const secondIds = await store.transaction(async (repos) => (await repos.outbox.due(now.getTime(), 10)).map((row) => row.id))
    release()
    await first
    assert.equal(firstIds.length, 4)
    assert.deepEqual(
      secondIds.filter((id) => firstIds.includes(id)),
      [],
      'no row taken twice',
    )
    assert.equal(secondIds.length, 2)
  })

  test('two portal nodes with their outbox workers on one database: each message is sent once', { timeout: 30_000 }, async () => {
    const url = (await freshDatabaseUrl())!
    const gateways = [new ScriptedGateway(), new ScriptedGateway()]
    const nodes: TestApp[] = []
    try {
      for (const gateway of gateways) {
        nodes.push(await startTestApp({ env: { DATABASE_URL: url }, gateway, outboxWorker: { pollMs: 10, batchSize: 5, concurrency: 2 } }))
      }
      const now = new Date()
      const numbers = Array.from({ length: 60 }, (_, i) => `+1201555${String(2000 + i)}`)
      for (const e164 of numbers)
        await nodes[0]!.services.store.repos.outbox.enqueue({ patron_id: null, e164, kind: 'help', text: 'help' }, now)
      for (const node of nodes) node.services.outboxWorker.wake()
      const sent = () => gateways.flatMap((gateway) => gateway.sent)
      await eventually(() => sent().length >= numbers.length, 20_000)
      await eventually(async () => (await nodes[0]!.services.store.repos.outbox.depth()) === 0, 5_000)
      const refs = sent().map((sms) => sms.clientRef)
      assert.equal(new Set(refs).size, refs.length, 'no client-ref sent twice')
      assert.equal(refs.length, numbers.length)
    } finally {
      for (const node of nodes) await node.close()
    }
  })

  test('rows come back as from SQLite: ids, epoch milliseconds and counts are numbers', async () => {
    const store = await open((await freshDatabaseUrl())!)
    const patron = await addPatron(store, { pin: null })
    const id = await store.repos.outbox.enqueue({ patron_id: patron.id, e164: '+12015550199', kind: 'help', text: 'help' }, new Date())
    const row = await store.repos.outbox.findById(id)
    assert.equal(typeof patron.id, 'number')
    assert.equal(typeof row?.id, 'number')
    assert.equal(typeof row?.patron_id, 'number')
    assert.equal(typeof row?.next_attempt_ms, 'number')
    assert.equal(await store.repos.outbox.depth(), 1)
    assert.deepEqual(
      await store.repos.patrons.search({ barcodePrefix: patron.barcode.slice(0, 3) }, 10, 0).then((found) => typeof found.total),
      'number',
    )
  })
})
