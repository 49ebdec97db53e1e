import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { after, before, beforeEach, describe, test } from 'node:test'
import { createLogger, silentLogger } from '../../src/logger.js'
import type { OutgoingSms } from '../../src/sms/gateway.js'
import { VonageGateway } from '../../src/sms/vonageGateway.js'
import { MockVonage } from '../support/mockVonage.js'

const SMS: OutgoingSms = { to: '+12015550123', from: '82453', text: 'Demo Public Library: reply YES to confirm', clientRef: '42' }

let mock: MockVonage

before(async () => {
  mock = await MockVonage.start()
})
after(async () => {
  await mock.close()
})
beforeEach(() => {
  mock.heal()
  mock.requests.length = 0
})

function gateway(overrides: { apiSecret?: string; restHost?: string } = {}, log = silentLogger()): VonageGateway {
  return new VonageGateway(
    { apiKey: mock.apiKey, apiSecret: overrides.apiSecret ?? mock.apiSecret, restHost: overrides.restHost ?? mock.url },
    log,
    { timeoutMs: 300 },
  )
}

describe('SPEC 5 Vonage gateway: what goes over the wire', () => {
  test('a send posts to /sms/json with Basic auth, to without +, from = short code, client-ref = outbox id, receipts requested', async () => {
    const result = await gateway().send(SMS)
    assert.equal(result.outcome, 'sent')
    assert.equal(mock.requests.length, 1)
    const [request] = mock.requests
    assert.ok(request)
    assert.equal(request.authorization, `Basic ${Buffer.from(`${mock.apiKey}:${mock.apiSecret}`).toString('base64')}`)
    assert.equal(request.contentType, 'application/json')
    assert.deepEqual(
      { to: request.to, from: request.from, text: request.text, clientRef: request.clientRef, statusReportReq: request.statusReportReq },
      { to: '12015550123', from: '82453', text: SMS.text, clientRef: '42', statusReportReq: 'true' },
    )
    assert.deepEqual(result, { outcome: 'sent', messageId: request.messageId })
  })

  test('a trailing slash on VONAGE_REST_HOST still reaches /sms/json', async () => {
    const result = await gateway({ restHost: `${mock.url}/` }).send(SMS)
    assert.equal(result.outcome, 'sent')
  })
})

describe('SPEC 5 Vonage gateway: transient failures are retried', () => {
  const cases: Array<[string, Parameters<MockVonage['failNext']>[1]]> = [
    ['status 5 (internal error)', { kind: 'reject', status: '5', errorText: 'Internal Error' }],
    ['HTTP 500', { kind: 'http500' }],
    ['no answer within the timeout', { kind: 'hang' }],
  ]
  for (const [name, fault] of cases) {
    test(`${name} → outcome retry, gateway stays healthy`, async () => {
      mock.failNext(1, fault)
      const vonage = gateway()
      const result = await vonage.send(SMS)
      assert.equal(result.outcome, 'retry')
      assert.equal(vonage.health().ok, true)
    })
  }

  test('issue 14: status 1 (Throttled) → outcome throttled (the account over its pace, not a fault of the message), gateway stays healthy', async () => {
    mock.failNext(1, { kind: 'throttle' })
    const vonage = gateway()
    const result = await vonage.send(SMS)
    assert.equal(result.outcome, 'throttled')
    assert.match(result.outcome === 'throttled' ? result.error : '', /^Vonage status 1: /)
    assert.equal(vonage.health().ok, true)
  })

  test('a refused connection (Vonage unreachable) → outcome retry', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const result = await gateway({ restHost: `http://127.0.0.1:${port}` }).send(SMS)
    assert.equal(result.outcome, 'retry')
    assert.match(result.outcome === 'retry' ? result.error : '', /^network: /)
  })
})

describe('SPEC 4.3 Vonage gateway: a number Vonage will never deliver to is refused', () => {
  for (const [status, text] of [
    ['3', 'Invalid to parameter'],
    ['6', 'Invalid Message'],
    ['7', 'Number barred'],
    ['29', 'Non White-listed Destination'],
  ] as const) {
    test(`status ${status} (${text}) → outcome refused with the status in the error`, async () => {
      mock.failNext(1, { kind: 'reject', status, errorText: text })
      const result = await gateway().send(SMS)
      assert.deepEqual(result, { outcome: 'refused', error: `Vonage status ${status}: ${text}` })
    })
  }
})

describe('SPEC 1 Vonage gateway: account problems hold the outbox and show at /healthz', () => {
  test('bad credentials → retry, health not ok naming VONAGE_API_KEY, one ALERT log line; a later accepted send clears it', async () => {
    const lines: string[] = []
    const log = createLogger({
      destination: new Writable({
        write: (chunk, _enc, done) => {
          lines.push(String(chunk))
          done()
        },
      }),
    })
    const vonage = new VonageGateway({ apiKey: mock.apiKey, apiSecret: 'wrong', restHost: mock.url }, log, { timeoutMs: 300 })
    const first = await vonage.send(SMS)
    await vonage.send(SMS)
    assert.equal(first.outcome, 'retry')
    assert.equal(mock.requests[0]?.answer, 'bad-credentials')
    const health = vonage.health()
    assert.equal(health.ok, false)
    assert.match(health.detail, /VONAGE_API_KEY/)
    assert.equal(lines.filter((line) => line.includes('ALERT')).length, 1)

    mock.failNext(1, { kind: 'reject', status: '4', errorText: 'Bad Credentials' })
    const fixed = gateway()
    await fixed.send(SMS)
    assert.equal(fixed.health().ok, false)
    assert.equal((await fixed.send(SMS)).outcome, 'sent')
    assert.equal(fixed.health().ok, true)
  })

  for (const [status, words] of [
    ['8', /barred/],
    ['9', /credit/],
  ] as const) {
    test(`status ${status} → retry and health not ok (${words.source})`, async () => {
      mock.failNext(1, { kind: 'reject', status, errorText: 'account problem' })
      const vonage = gateway()
      assert.equal((await vonage.send(SMS)).outcome, 'retry')
      assert.equal(vonage.health().ok, false)
      assert.match(vonage.health().detail, words)
    })
  }
})
