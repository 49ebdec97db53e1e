import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { CookieJarClient } from '../support/cookieJar.js'
import { onPostgres, queryDb } from '../support/database.js'
import { MockVonage } from '../support/mockVonage.js'
import { addPatron } from '../support/patrons.js'
import { type Scrape, sampleOf, scrape, seriesNamed } from '../support/scrape.js'
import { addStaff } from '../support/staffClient.js'
import { eventually, startTestApp, type TestApp } from '../support/testApp.js'
import { ALL_DAY, queueAlert, SHORT_CODE, startVonageApp } from '../support/vonageApp.js'

// Issue 14 item 4, SPEC 8: what /metrics counts, driven through the real app over HTTP, the real
// Vonage SDK against the mock, and real config files; each counter must move by exactly what happened.

const OUTBOX_STATES = ['queued', 'sending', 'sent', 'delivered', 'failed', 'cancelled', 'unknown']
const ADA_PHONE = '12015550123'
const BOB_PHONE = '12015550124'

/** How each series of `name` moved between two scrapes, by its labels; series that did not move are left out. */
function moves(before: Scrape, after: Scrape, name: string): Record<string, number> {
  const moved: Record<string, number> = {}
  for (const key of seriesNamed(after, name)) {
    const delta = (after.get(key) ?? 0) - (before.get(key) ?? 0)
    if (delta !== 0) moved[key.slice(name.length)] = delta
  }
  return moved
}

/** A patron logs in and ticks Opt In with `mobile` on modpinfo, over HTTP. */
async function optInOverHttp(app: TestApp, mobile: string): Promise<number> {
  const patron = await addPatron(app.services.store, { pin: '2468' })
  const client = new CookieJarClient(app.url)
  assert.equal((await client.logIn(patron.barcode, patron.pin)).status, 303)
  const path = `/patroninfo/${patron.id}/modpinfo`
  assert.equal((await client.get(path)).status, 200)
  assert.equal((await client.post(path, { email: '', tele1: '', mobile, optin: 'on' })).status, 303)
  return patron.id
}

describe('SPEC 8 /metrics counts what happened (issue 14 item 4)', () => {
  let mock: MockVonage
  let app: TestApp
  let ids = 0
  let ada = 0
  const messageId = () => `0C00000000${String(++ids).padStart(6, '0')}`
  const outboxIdle = () => eventually(async () => (await app.services.store.repos.outbox.depth()) === 0, 10_000)
  const text = (msisdn: string, words: string, id = messageId()) =>
    mock.sendInbound(app.url, { msisdn, to: SHORT_CODE, text: words, messageId: id })

  before(async () => {
    mock = await MockVonage.start({ signatureSecret: 'metrics-signature-secret' })
    // The whole outbox is recounted at every scrape here, so the gauge can be held to the table.
    app = await startVonageApp(mock, { outboxTotalsMaxAgeMs: 0, env: { DATABASE_POOL_SIZE: '7' } })
  })
  after(async () => {
    await app.close()
    await mock.close()
  })

  test('SMS sent, retried, failed and delivered by kind, and inbound texts by keyword, move by exactly what the phones and the gateway did; duplicates count once', async () => {
    const before = await scrape(app.url)

    // Ada opts in; Vonage throttles the invitation once, then takes it; its receipt comes twice.
    mock.failNext(1, { kind: 'throttle' })
    ada = await optInOverHttp(app, '(201) 555-0123')
    const invitation = await eventually(() => mock.accepted()[0], 10_000)
    for (let i = 0; i < 2; i += 1) {
      const receipt = await mock.sendDeliveryReceipt(app.url, { messageId: invitation.messageId ?? '', status: 'delivered' })
      assert.equal(receipt.status, 200)
    }
    // YES (Vonage retries it: the same message id again), then HELP, a chat, and STOP.
    const yes = messageId()
    for (let i = 0; i < 2; i += 1) assert.equal((await text(ADA_PHONE, 'Yes', yes)).status, 200)
    await eventually(() => mock.accepted().length === 2)
    assert.equal((await text(ADA_PHONE, 'HELP')).status, 200)
    const help = await eventually(() => mock.accepted()[2])
    assert.equal((await mock.sendDeliveryReceipt(app.url, { messageId: help.messageId ?? '', status: 'failed' })).status, 200)
    assert.equal((await text(ADA_PHONE, 'hello, who is this?')).status, 200)
    assert.equal((await text(ADA_PHONE, 'stop')).status, 200)
    await outboxIdle()

    // Bob's invitation is refused for good.
    mock.failNext(1, { kind: 'reject', status: '6', errorText: 'Invalid Message' })
    await optInOverHttp(app, '(201) 555-0124')
    await outboxIdle()
    assert.equal(mock.accepted().filter((request) => request.to === BOB_PHONE).length, 0)

    const after = await scrape(app.url)
    assert.deepEqual(moves(before, after, 'webpac_sms_sent_total'), {
      '{kind="invitation"}': 1,
      '{kind="confirmation"}': 1,
      '{kind="help"}': 1,
    })
    assert.deepEqual(moves(before, after, 'webpac_sms_retries_total'), { '{kind="invitation"}': 1 })
    assert.deepEqual(moves(before, after, 'webpac_sms_failed_total'), {
      '{kind="invitation",stage="send"}': 1,
      '{kind="help",stage="delivery"}': 1,
    })
    assert.deepEqual(moves(before, after, 'webpac_sms_delivered_total'), { '{kind="invitation"}': 1 })
    assert.deepEqual(moves(before, after, 'webpac_inbound_texts_total'), {
      '{keyword="yes"}': 1,
      '{keyword="help"}': 1,
      '{keyword="other"}': 1,
      '{keyword="stop"}': 1,
    })
    // Request timing, by route pattern: two modpinfo submits, five inbound webhooks, three receipts.
    const count = 'webpac_http_request_duration_seconds_count'
    assert.equal(moves(before, after, count)['{method="POST",route="/patroninfo/:id/modpinfo",status="3xx"}'], 2)
    assert.equal(moves(before, after, count)['{method="POST",route="/webhooks/sms/inbound",status="2xx"}'], 5)
    assert.equal(moves(before, after, count)['{method="POST",route="/webhooks/sms/status",status="2xx"}'], 3)
  })

  test('outbox rows by state: the gauge says what the table holds, state by state', async () => {
    // An alert for Ada, who texted STOP: the worker cancels it.
    await queueAlert(app, ada, `+${ADA_PHONE}`, 'Your hold is ready')
    await outboxIdle()
    const series = await scrape(app.url)
    const rows = await queryDb<{ state: string; n: number }>(
      app.services.store.location,
      'SELECT state, count(*) AS n FROM outbox GROUP BY state',
    )
    assert.deepEqual(rows.map((row) => row.state).sort(), ['cancelled', 'delivered', 'failed', 'sent'])
    for (const state of OUTBOX_STATES) {
      assert.equal(sampleOf(series, 'webpac_outbox_messages', { state }), rows.find((row) => row.state === state)?.n ?? 0, state)
    }
  })

  test('webhook signature failures: a forged inbound text and a forged receipt count one each; signed ones none', async () => {
    const before = await scrape(app.url)
    const forgery = { signWith: { secret: 'not-the-secret', method: 'md5hash' as const } }
    const forgedText = await mock.sendInbound(app.url, { msisdn: ADA_PHONE, to: SHORT_CODE, text: 'START' }, forgery)
    const forgedReceipt = await mock.sendDeliveryReceipt(app.url, { messageId: messageId(), status: 'delivered' }, { sig: '0'.repeat(32) })
    const signed = await text(ADA_PHONE, 'thanks')
    assert.deepEqual([forgedText.status, forgedReceipt.status, signed.status], [401, 401, 200])
    const after = await scrape(app.url)
    assert.deepEqual(moves(before, after, 'webpac_webhook_signature_failures_total'), { '{webhook="inbound"}': 1, '{webhook="status"}': 1 })
    assert.deepEqual(moves(before, after, 'webpac_inbound_texts_total'), { '{keyword="other"}': 1 })
  })

  test('login throttles: each wrong PIN or password the throttle refuses (429) counts once, patron and staff apart', async () => {
    const before = await scrape(app.url)
    const card = await addPatron(app.services.store, { pin: '1357' })
    await addStaff(app.services.store, 'metrics-librarian', 'right-password-1')
    const attempts = async (path: string, form: (n: number) => Record<string, string>, address: string) => {
      const client = new CookieJarClient(app.url)
      const headers = { 'x-forwarded-for': address }
      assert.equal((await client.get(path, headers)).status, 200)
      const statuses: number[] = []
      for (let n = 0; n < 8; n += 1) statuses.push((await client.post(path, form(n), headers)).status)
      return statuses
    }
    const patron = await attempts('/patroninfo', (n) => ({ code: card.barcode, pin: `000${n}` }), '203.0.113.41')
    const staff = await attempts('/staff/login', (n) => ({ username: 'metrics-librarian', password: `wrong-${n}` }), '203.0.113.42')
    // SPEC 7: five wrong ones per account and address are checked, the rest refused.
    assert.deepEqual(patron, [401, 401, 401, 401, 401, 429, 429, 429])
    assert.deepEqual(staff, [401, 401, 401, 401, 401, 429, 429, 429])
    const after = await scrape(app.url)
    assert.deepEqual(moves(before, after, 'webpac_login_throttled_total'), { '{login="patron"}': 3, '{login="staff"}': 3 })
  })

  test('config reloads: a broken webpub.def counts one rejected reload and shows its errors; the fixed file one applied reload and no errors', async () => {
    const file = join(app.dir, 'webpub.def')
    const before = await scrape(app.url)
    const errors = (series: Scrape) => sampleOf(series, 'webpac_config_file_errors', { file: 'webOptions' })
    assert.equal(errors(before), 0)

    writeFileSync(file, `${ALL_DAY}this line is not KEY=VALUE\n`)
    const broken = await eventually(async () => {
      const series = await scrape(app.url)
      return errors(series) > 0 && series
    })
    assert.deepEqual(moves(before, broken, 'webpac_config_reloads_total'), { '{file="webOptions",outcome="rejected"}': 1 })
    assert.equal(errors(broken), 1)

    writeFileSync(file, `${ALL_DAY}SMS_LIBRARY_NAME=Metrics Public Library\n`)
    const fixed = await eventually(async () => {
      const series = await scrape(app.url)
      return errors(series) === 0 && series
    })
    assert.equal(app.services.config.current().webOptions.libraryName, 'Metrics Public Library')
    assert.deepEqual(moves(before, fixed, 'webpac_config_reloads_total'), {
      '{file="webOptions",outcome="rejected"}': 1,
      '{file="webOptions",outcome="applied"}': 1,
    })
  })

  test(`database connections: ${onPostgres ? 'the PostgreSQL pool (busy, idle, waiting, DATABASE_POOL_SIZE)' : "SQLite's group-commit queue, and no pool gauges"}`, async () => {
    const series = await scrape(app.url)
    if (onPostgres) {
      assert.equal(sampleOf(series, 'webpac_db_pool_max_connections'), 7)
      const busy = sampleOf(series, 'webpac_db_pool_connections', { state: 'busy' })
      const idle = sampleOf(series, 'webpac_db_pool_connections', { state: 'idle' })
      assert.ok(busy + idle >= 1 && busy + idle <= 7, `busy ${busy}, idle ${idle}`)
      assert.ok(sampleOf(series, 'webpac_db_pool_waiting') >= 0)
      assert.equal(series.has('webpac_db_commit_queue{}'), false)
    } else {
      assert.ok(sampleOf(series, 'webpac_db_commit_queue') >= 0)
      assert.deepEqual(seriesNamed(series, 'webpac_db_pool_connections'), [])
    }
  })

  test("the process's own metrics (CPU, memory, event loop) come with every scrape", async () => {
    const series = await scrape(app.url)
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds']) {
      assert.ok(series.has(`${name}{}`), name)
    }
  })
})

describe('SPEC 8 outbox rows by state on a long outbox (issue 14 item 4)', () => {
  test('with the whole-outbox count reused between scrapes (the default), queued rows still show at the next scrape', async () => {
    const app = await startTestApp({ background: false })
    try {
      const before = await scrape(app.url)
      const patron = await addPatron(app.services.store, { pin: null })
      await queueAlert(app, patron.id, `+${ADA_PHONE}`, 'Your hold is ready')
      await queueAlert(app, patron.id, `+${ADA_PHONE}`, 'Your item is overdue')
      const after = await scrape(app.url)
      assert.deepEqual(moves(before, after, 'webpac_outbox_messages'), { '{state="queued"}': 2 })
    } finally {
      await app.close()
    }
  })
})
