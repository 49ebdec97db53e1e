import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import Database from 'better-sqlite3'
import { sqliteOnly } from '../support/database.js'
import { MockVonage, sendWebhook } from '../support/mockVonage.js'
import type { TestApp } from '../support/testApp.js'
import { queryDb, SHORT_CODE, startVonageApp } from '../support/vonageApp.js'

let mock: MockVonage
let app: TestApp

before(async () => {
  mock = await MockVonage.start()
  app = await startVonageApp(mock, { background: false })
})
after(async () => {
  await app.close()
  await mock.close()
})

async function inboundRows(): Promise<number> {
  return (await queryDb(app.services.store.location, 'SELECT 1 FROM inbound_messages')).length
}

describe('SPEC 7 malformed webhooks → 400, nothing stored', () => {
  const inbound = { msisdn: '12015550123', to: SHORT_CODE, messageId: '0D00000000000001', text: 'STOP' }
  const cases: Array<[string, string, Record<string, string>]> = [
    ['an inbound text without msisdn', 'inbound', { ...inbound, msisdn: '' }],
    ['an inbound text without messageId', 'inbound', { ...inbound, messageId: '' }],
    ['an inbound text without text', 'inbound', { msisdn: inbound.msisdn, to: inbound.to, messageId: inbound.messageId }],
    ['an inbound text whose msisdn is not a number', 'inbound', { ...inbound, msisdn: 'not-a-phone' }],
    ['concatenation fields without concat-ref', 'inbound', { ...inbound, concat: 'true', 'concat-total': '2', 'concat-part': '1' }],
    ['a receipt without messageId', 'status', { status: 'delivered', 'err-code': '0' }],
    ['a receipt without status', 'status', { messageId: '0D00000000000002' }],
  ]
  for (const [name, hook, params] of cases) {
    test(`${name} → 400`, async () => {
      const before = await inboundRows()
      const response = await sendWebhook(`${app.url}/webhooks/sms/${hook}`, params, 'POST-form')
      assert.equal(response.status, 400)
      assert.equal(await inboundRows(), before)
    })
  }

  test('a JSON body that does not parse → 400', async () => {
    const response = await fetch(`${app.url}/webhooks/sms/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"msisdn": ',
    })
    assert.equal(response.status, 400)
  })
})

describe('SPEC 5 the same messageId twice is processed once', () => {
  test('an inbound HELP delivered twice → both 200, the second marked duplicate, one HELP reply queued', async () => {
    const fields = { msisdn: '12015550177', to: SHORT_CODE, text: 'HELP', messageId: '0D00000000000010' }
    const first = await mock.sendInbound(app.url, fields)
    const again = await mock.sendInbound(app.url, fields, { via: 'GET' })
    assert.deepEqual([first.status, again.status], [200, 200])
    assert.deepEqual(await again.json(), { ok: true, duplicate: true })
    const helps = await queryDb(app.services.store.location, "SELECT 1 FROM outbox WHERE kind = 'help' AND e164 = '+12015550177'")
    assert.equal(helps.length, 1)
  })
})

describe('SPEC 5 a webhook that cannot be stored answers 5xx so that Vonage retries', () => {
  test("the database is locked by another process → 503 and nothing stored; Vonage's retry after the lock → 200 and stored once", {
    // PostgreSQL's counterpart is postgresFaults.test.ts: the server stopped → 503, then 200 once it is back.
    timeout: 20_000,
    skip: sqliteOnly("holds the SQLite file's write lock from another connection"),
  }, async () => {
    const fields = { msisdn: '12015550188', to: SHORT_CODE, text: 'INFO', messageId: '0D00000000000020' }
    const locker = new Database(app.services.store.location)
    locker.exec('BEGIN EXCLUSIVE')
    let locked: Response
    try {
      // The app waits out its busy_timeout (5 s) before it gives up.
      locked = await mock.sendInbound(app.url, fields)
    } finally {
      locker.exec('ROLLBACK')
      locker.close()
    }
    assert.equal(locked.status, 503)
    assert.equal(
      (await queryDb(app.services.store.location, 'SELECT 1 FROM inbound_messages WHERE message_id = ?', fields.messageId)).length,
      0,
    )

    const retried = await mock.sendInbound(app.url, fields)
    assert.equal(retried.status, 200)
    assert.equal(
      (await queryDb(app.services.store.location, 'SELECT 1 FROM inbound_messages WHERE message_id = ?', fields.messageId)).length,
      1,
    )
  })
})
