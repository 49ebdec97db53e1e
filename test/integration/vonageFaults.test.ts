import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { after, afterEach, before, beforeEach, describe, test } from 'node:test'
import { createApp } from '../../src/app.js'
import { readEnv } from '../../src/config/env.js'
import { createLogger } from '../../src/logger.js'
import { buildServices, type Services } from '../../src/services/index.js'
import { VonageGateway } from '../../src/sms/vonageGateway.js'
import { type MockFault, MockVonage } from '../support/mockVonage.js'
import { ALL_DAY, addPatron, outboxRow, statusOf, submitOptIn } from '../support/vonageApp.js'

const HOUR = 3_600_000

interface FaultApp {
  services: Services
  url: string
  logLines: string[]
  advance(ms: number): void
  close(): Promise<void>
}

/** The app on a clock the test moves, the outbox worker driven by hand, every log line kept. */
async function startFaultApp(mock: MockVonage): Promise<FaultApp> {
  const dir = mkdtempSync(join(tmpdir(), 'webpac-faults-'))
  writeFileSync(join(dir, 'messages.conf'), '')
  writeFileSync(join(dir, 'webpub.def'), ALL_DAY)
  const env = readEnv({
    PORT: '0',
    DATA_DIR: join(dir, 'data'),
    MESSAGES_CONF: join(dir, 'messages.conf'),
    WEB_OPTIONS: join(dir, 'webpub.def'),
    SESSION_SECRET: 'test',
    SEED_DEMO: '0',
    ...mock.env(),
  })
  const logLines: string[] = []
  const log = createLogger({
    destination: new Writable({
      write: (chunk, _enc, done) => {
        logLines.push(String(chunk))
        done()
      },
    }),
  })
  let now = Date.parse('2026-03-10T16:00:00Z')
  const gateway = new VonageGateway({ apiKey: mock.apiKey, apiSecret: mock.apiSecret, restHost: mock.url }, log, { timeoutMs: 250 })
  const services = await buildServices(env, { log, gateway, clock: () => new Date(now) })
  const server = createServer(createApp(services))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    services,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    logLines,
    advance: (ms) => {
      now += ms
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await services.shutdown()
    },
  }
}

let mock: MockVonage
let app: FaultApp
let patronCount = 0

before(async () => {
  mock = await MockVonage.start()
})
after(async () => {
  await mock.close()
})
beforeEach(async () => {
  mock.heal()
  // Every app starts a fresh database, so outbox ids (client-refs) start again at 1.
  mock.requests.length = 0
  app = await startFaultApp(mock)
})
afterEach(async () => {
  await app.close()
})

async function queueInvitation(): Promise<{ patronId: number; clientRef: string; msisdn: string }> {
  patronCount += 1
  const msisdn = `1201555${String(2000 + patronCount)}`
  const patronId = await addPatron(app.services.store)
  await submitOptIn(app, patronId, `+${msisdn}`)
  const row = await outboxRow(app.services.store, patronId, 'invitation')
  assert.ok(row)
  return { patronId, clientRef: String(row.id), msisdn }
}

function requestsFor(clientRef: string): number {
  return mock.requests.filter((request) => request.clientRef === clientRef).length
}

describe('SPEC 5 transient Vonage faults: retried with backoff, sent exactly once in the end', () => {
  const faults: Array<[string, MockFault]> = [
    ['HTTP 500', { kind: 'http500' }],
    ['no answer (timeout)', { kind: 'hang' }],
  ]
  for (const [name, fault] of faults) {
    test(`${name} twice → the row waits out a growing backoff, then Vonage accepts it once`, async () => {
      const { patronId, clientRef } = await queueInvitation()
      mock.failNext(2, fault)
      const delays: number[] = []
      for (let attempt = 1; attempt <= 2; attempt += 1) {
        const startedAt = app.services.clock().getTime()
        assert.equal(await app.services.outboxWorker.drain(), 1)
        const row = await app.services.store.repos.outbox.findById(Number(clientRef))
        assert.equal(row?.state, 'queued')
        assert.equal(row?.attempts, attempt)
        delays.push((row?.next_attempt_ms ?? 0) - startedAt)
        // Not yet due: a drain now sends nothing.
        assert.equal(await app.services.outboxWorker.drain(), 0)
        app.advance(delays[attempt - 1] ?? 0)
      }
      assert.ok(delays[0] !== undefined && delays[0] >= 1_500 && delays[0] <= 2_500, `first backoff ${delays[0]} ms`)
      assert.ok(delays[1] !== undefined && delays[1] >= 3_000 && delays[1] <= 5_000, `second backoff ${delays[1]} ms`)

      assert.equal(await app.services.outboxWorker.drain(), 1)
      assert.equal(await app.services.outboxWorker.drain(), 0)
      assert.equal(mock.acceptedCount(clientRef), 1)
      assert.equal(requestsFor(clientRef), 3)
      assert.equal((await outboxRow(app.services.store, patronId, 'invitation'))?.state, 'sent')
      assert.equal(await statusOf(app, patronId), 'pending_optin')
    })
  }
})

describe('SPEC 4.3 a number Vonage refuses', () => {
  test('status 6 on the invitation → not retried, the patron is Rejected', async () => {
    const { patronId, clientRef } = await queueInvitation()
    mock.failNext(1, { kind: 'reject', status: '6', errorText: 'Invalid Message' })
    await app.services.outboxWorker.drain()
    app.advance(HOUR)
    await app.services.outboxWorker.drain()
    assert.equal(requestsFor(clientRef), 1)
    assert.equal((await outboxRow(app.services.store, patronId, 'invitation'))?.state, 'failed')
    assert.equal(await statusOf(app, patronId), 'rejected')
  })
})

describe('SPEC 1 bad Vonage credentials: alert, /healthz 503, nothing lost', () => {
  test('status 4 → row kept queued, /healthz 503 naming the keys, an ALERT log line; once fixed the row is sent once and /healthz is 200', async () => {
    const { patronId, clientRef } = await queueInvitation()
    mock.failNext(3, { kind: 'reject', status: '4', errorText: 'Bad Credentials' })
    for (let i = 0; i < 3; i += 1) {
      await app.services.outboxWorker.drain()
      app.advance(HOUR)
    }
    assert.equal((await outboxRow(app.services.store, patronId, 'invitation'))?.state, 'queued')
    assert.equal(await statusOf(app, patronId), 'pending_optin')
    const down = await fetch(`${app.url}/healthz`)
    assert.equal(down.status, 503)
    const body = (await down.json()) as { gateway: { ok: boolean; detail: string } }
    assert.equal(body.gateway.ok, false)
    assert.match(body.gateway.detail, /VONAGE_API_KEY/)
    assert.equal(app.logLines.filter((line) => line.includes('ALERT')).length, 1)

    await app.services.outboxWorker.drain()
    assert.equal(mock.acceptedCount(clientRef), 1)
    assert.equal((await fetch(`${app.url}/healthz`)).status, 200)
  })
})

describe('SPEC 7 phone numbers in the logs of failed sends', () => {
  test('after throttled, refused and failed sends, no log line holds a full phone number', async () => {
    const first = await queueInvitation()
    const second = await queueInvitation()
    mock.failNext(1, { kind: 'throttle' })
    mock.failNext(1, { kind: 'reject', status: '3', errorText: `Invalid to parameter ${second.msisdn}` })
    await app.services.outboxWorker.drain()
    assert.ok(app.logLines.length >= 2, 'the failures were logged')
    for (const msisdn of [first.msisdn, second.msisdn]) {
      const national = msisdn.slice(1)
      assert.ok(!app.logLines.some((line) => line.includes(national)), `a log line shows ${national}: ${app.logLines.join('')}`)
    }
  })
})
