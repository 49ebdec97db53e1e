import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { freshDatabaseUrl, onPostgres, queryDb } from '../support/database.js'
import { MockVonage } from '../support/mockVonage.js'
import { killAllServerProcesses, type ServerProcess, serverEnv, startServerProcess } from '../support/serverProcess.js'
import { eventually, startTestApp, type TestApp } from '../support/testApp.js'
import { ALL_DAY, addPatron, outboxRow, startVonageApp, statusOf, submitOptIn } from '../support/vonageApp.js'

// Issue 14: Vonage takes 30 requests a second per account by default and answers status 1
// "Throttled" above it. SMS_MAX_SENDS_PER_SECOND caps all workers on one database together, and
// a throttled send costs the message none of its attempts.

let mock: MockVonage
const apps: TestApp[] = []
before(async () => {
  mock = await MockVonage.start()
})
after(async () => {
  killAllServerProcesses()
  for (const app of apps) await app.close()
  await mock.close()
})

function resetMock(): void {
  mock.heal()
  mock.requests.length = 0
}

/** A worker node as its own process, sending through the mock, on the shared database. */
function startWorker(databaseUrl: string, perSecond: number): ServerProcess {
  const dir = mkdtempSync(join(tmpdir(), 'webpac-sendrate-'))
  writeFileSync(join(dir, 'messages.conf'), '')
  writeFileSync(join(dir, 'webpub.def'), ALL_DAY)
  return startServerProcess(
    serverEnv(dir, {
      LOG_LEVEL: 'error',
      WEBPAC_ROLE: 'worker',
      SMS_MAX_SENDS_PER_SECOND: String(perSecond),
      DATABASE_URL: databaseUrl,
      ...mock.env(),
    }),
  )
}

const CAP = 10
const MESSAGES = 60
// Tokens belong to one wall-clock second and a grant that comes back after its second ended is
// dropped, so every send *starts* within its token's second: at most CAP start in any second.
// The mock notes a request when it arrives, a little later (loopback HTTP, three busy processes
// on two shared cores), so a send started in the last milliseconds of a second may land in the
// next one's bucket. Half the cap covers that; a cap kept per process (two workers, 2 × CAP a
// second) or none (all 60 within a second or two) is far above it.
const SLACK = CAP / 2

describe('issue 14: SMS_MAX_SENDS_PER_SECOND, one send budget for all workers on the database', () => {
  test('issue 14: two worker processes on one PostgreSQL database, cap 10/s, 60 queued SMS: each reaches Vonage once, no second holds more than the cap (+ slack), the batch spans at least 5 s', {
    skip: onPostgres ? false : 'PostgreSQL only: several worker processes share a PostgreSQL database (SQLite serves one process)',
    timeout: 90_000,
  }, async () => {
    resetMock()
    const url = (await freshDatabaseUrl())!
    // Migrates the database and queues the SMS; it sends nothing itself.
    const queuer = await startTestApp({ env: { DATABASE_URL: url }, background: false })
    apps.push(queuer)
    const ids: number[] = []
    for (let i = 0; i < MESSAGES; i += 1) {
      const e164 = `+1201555${String(3000 + i)}`
      ids.push(await queuer.services.store.repos.outbox.enqueue({ patron_id: null, e164, kind: 'help', text: `help ${i}` }, new Date()))
    }

    const startedAt = Date.now()
    const workers = [startWorker(url, CAP), startWorker(url, CAP)]
    await Promise.all(workers.map((worker) => worker.url))
    await eventually(async () => {
      const [sent] = await queryDb<{ n: number }>(url, "SELECT count(*) AS n FROM outbox WHERE state = 'sent'")
      return Number(sent?.n) === MESSAGES
    }, 60_000)

    const perRef = new Map<string, number>()
    for (const request of mock.requests) perRef.set(request.clientRef ?? '', (perRef.get(request.clientRef ?? '') ?? 0) + 1)
    assert.deepEqual([...perRef.keys()].sort(), ids.map(String).sort(), 'every queued SMS reached Vonage, nothing else did')
    assert.deepEqual(
      [...perRef.values()].filter((n) => n !== 1),
      [],
      'each exactly once',
    )

    const buckets = new Map<number, number>()
    for (const { receivedAt } of mock.requests) {
      const second = Math.floor(receivedAt / 1000)
      buckets.set(second, (buckets.get(second) ?? 0) + 1)
    }
    const busiest = Math.max(...buckets.values())
    assert.ok(busiest <= CAP + SLACK, `at most ${CAP} + ${SLACK} a second at the mock; per second: ${[...buckets.values()]}`)
    // 60 sends at 10 a second need six seconds' budgets; the first is the one the workers started
    // in, so the last send reaches the mock at least 5 s after that second began.
    const last = Math.max(...mock.requests.map((request) => request.receivedAt))
    const firstSecond = Math.floor(startedAt / 1000) * 1000
    assert.ok(last - firstSecond >= (MESSAGES / CAP - 1) * 1000, `the batch spans ${last - firstSecond} ms`)
  })
})

describe('issue 14: the send budget in the attempt-counter table', () => {
  test('issue 14: 20 workers asking at once for 7 sends each from one second of a 30-a-second budget get exactly 30 between them', async () => {
    const app = await startTestApp({ background: false })
    apps.push(app)
    const limit = { name: 'sms_sends_per_second', points: 30, duration: 2 }
    const charge = { limit, key: 'issue-14-test-second' }
    const grants = await Promise.all(Array.from({ length: 20 }, () => app.services.store.rateLimits.takeUpTo(charge, 7)))
    assert.equal(
      grants.reduce((sum, granted) => sum + granted, 0),
      30,
      `grants: ${grants}`,
    )
    assert.equal(await app.services.store.rateLimits.takeUpTo(charge, 5), 0, 'spent: nothing more in this window')
  })
})

describe('issue 14: Vonage answering "Throttled" (status 1) uses up none of the message\'s attempts', () => {
  test('issue 14: throttled 10 times in a row (more than the 8 attempts a message has): each try waits about a second with the attempts unchanged, then the message is sent once, never failed', async () => {
    resetMock()
    let now = Date.now()
    const app = await startVonageApp(mock, { background: false, clock: () => new Date(now) })
    apps.push(app)
    const patronId = await addPatron(app.services.store)
    await submitOptIn(app, patronId, '+12015550123')
    const id = (await outboxRow(app.services.store, patronId, 'invitation'))?.id
    assert.ok(id)
    const THROTTLES = 10
    mock.failNext(THROTTLES, { kind: 'throttle' })

    for (let i = 1; i <= THROTTLES; i += 1) {
      assert.equal(await app.services.outboxWorker.drain(), 1)
      const row = await app.services.store.repos.outbox.findById(id)
      assert.equal(row?.state, 'queued', `after throttle ${i}`)
      assert.equal(row?.attempts, 0, `after throttle ${i}: no attempt used`)
      assert.match(row?.error ?? '', /^Vonage status 1: /)
      const delay = (row?.next_attempt_ms ?? 0) - now
      assert.ok(delay >= 750 && delay <= 1_250, `throttle ${i}: again in ${delay} ms, about a second`)
      assert.equal(await app.services.outboxWorker.drain(), 0, 'not due before then')
      now += delay
    }

    assert.equal(await app.services.outboxWorker.drain(), 1)
    const row = await app.services.store.repos.outbox.findById(id)
    assert.equal(row?.state, 'sent')
    assert.equal(row?.attempts, 1, 'the one try that Vonage took')
    assert.equal(mock.requests.filter((request) => request.clientRef === String(id)).length, THROTTLES + 1)
    assert.equal(mock.acceptedCount(String(id)), 1)
    assert.equal(await statusOf(app, patronId), 'pending_optin', 'the invitation was not counted as refused')
  })

  test('issue 14: other retryable faults keep their backoff and use up attempts: an HTTP 500 after a throttle counts one attempt and waits about 2 s', async () => {
    resetMock()
    let now = Date.now()
    const app = await startVonageApp(mock, { background: false, clock: () => new Date(now) })
    apps.push(app)
    const patronId = await addPatron(app.services.store)
    await submitOptIn(app, patronId, '+12015550124')
    const id = (await outboxRow(app.services.store, patronId, 'invitation'))?.id
    assert.ok(id)
    mock.failNext(1, { kind: 'throttle' })
    mock.failNext(1, { kind: 'http500' })

    await app.services.outboxWorker.drain()
    now = (await app.services.store.repos.outbox.findById(id))?.next_attempt_ms ?? now
    await app.services.outboxWorker.drain()
    const row = await app.services.store.repos.outbox.findById(id)
    assert.equal(row?.state, 'queued')
    assert.equal(row?.attempts, 1, 'the HTTP 500 counted, the throttle did not')
    const delay = (row?.next_attempt_ms ?? 0) - now
    assert.ok(delay >= 1_500 && delay <= 2_500, `first backoff ${delay} ms`)
  })

  test('issue 14: the scrape counts each throttled send, and the message still goes out', async () => {
    resetMock()
    const app = await startVonageApp(mock)
    apps.push(app)
    mock.failNext(2, { kind: 'throttle' })
    const patronId = await addPatron(app.services.store)
    await submitOptIn(app, patronId, '+12015550125')
    await eventually(() => mock.accepted().length === 1, 10_000)
    const metrics = await app.services.metrics.registry.getSingleMetricAsString('webpac_sms_throttled_total')
    assert.match(metrics, /^webpac_sms_throttled_total\{kind="invitation"\} 2$/m)
  })
})
