import assert from 'node:assert/strict'
import { randomBytes, randomInt } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { networkInterfaces } from 'node:os'
import { after, before, describe, test } from 'node:test'
import { createApp } from '../../src/app.js'
import { parseMetrics, scrape, seriesNamed } from '../support/scrape.js'
import { startTestApp, type TestApp } from '../support/testApp.js'

// Issue 14 item 4, SPEC 8: who may read /metrics, and what no request can do to its label set.

const TOKEN = 'metrics-token-of-at-least-32-characters'
const OUTSIDE = '203.0.113.9'

/** This host's first address that is not loopback, if it has one: a connection from it is not local. */
const hostAddress = Object.values(networkInterfaces())
  .flat()
  .find((address) => address && address.family === 'IPv4' && !address.internal)?.address

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Headers }> {
  const response = await fetch(`${url}/metrics`, { headers })
  return { status: response.status, body: await response.text(), headers: response.headers }
}

/** A refusal says why in one line and shows no metrics. */
function assertRefused(answer: { status: number; body: string }, status: 401 | 403): void {
  assert.equal(answer.status, status, answer.body)
  assert.doesNotMatch(answer.body, /webpac_|process_|nodejs_/)
  assert.match(answer.body, /METRICS_TOKEN/)
}

/** The same app also listening on this host's outward address, so a request can come from off loopback. */
async function listenOutward(app: TestApp): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(createApp(app.services))
  await new Promise<void>((resolve) => server.listen(0, hostAddress, resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${hostAddress}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

describe('SPEC 8 /metrics without METRICS_TOKEN: loopback only (issue 14 item 4)', () => {
  let app: TestApp
  before(async () => {
    app = await startTestApp({ background: false })
  })
  after(async () => {
    await app.close()
  })

  test('a client on this host gets the metrics, also through the reverse proxy on this host', async () => {
    const direct = await get(app.url)
    assert.equal(direct.status, 200)
    assert.match(direct.body, /^webpac_outbox_messages\{state="queued"\} 0$/m)
    assert.equal(direct.headers.get('cache-control'), 'no-store')
    assert.equal((await get(app.url, { 'x-forwarded-for': '127.0.0.1' })).status, 200)
  })

  test('a client outside, forwarded by the reverse proxy on this host (it connects from 127.0.0.1), is refused with 403', async () => {
    assertRefused(await get(app.url, { 'x-forwarded-for': OUTSIDE }), 403)
    // An outside client that claims to be 127.0.0.1: the proxy appends its real address.
    assertRefused(await get(app.url, { 'x-forwarded-for': `127.0.0.1, ${OUTSIDE}` }), 403)
    assertRefused(await get(app.url, { 'x-real-ip': OUTSIDE }), 403)
    assertRefused(await get(app.url, { forwarded: `for=${OUTSIDE}` }), 403)
    // Without a configured token, no token opens it.
    assertRefused(await get(app.url, { 'x-forwarded-for': OUTSIDE, authorization: `Bearer ${TOKEN}` }), 403)
  })

  test('a connection from this host’s outward address (not loopback) is refused with 403', {
    skip: !hostAddress && 'no address besides loopback',
  }, async () => {
    const outward = await listenOutward(app)
    try {
      assertRefused(await get(outward.url), 403)
    } finally {
      await outward.close()
    }
  })
})

describe('SPEC 8 /metrics with METRICS_TOKEN: the bearer token from anywhere, loopback included (issue 14 item 4)', () => {
  let app: TestApp
  before(async () => {
    app = await startTestApp({ background: false, env: { METRICS_TOKEN: TOKEN } })
  })
  after(async () => {
    await app.close()
  })

  test('the right token is accepted from outside (through the proxy, or straight to the node)', async () => {
    const proxied = await get(app.url, { 'x-forwarded-for': OUTSIDE, authorization: `Bearer ${TOKEN}` })
    assert.equal(proxied.status, 200)
    assert.match(proxied.body, /^webpac_outbox_messages\{state="queued"\} 0$/m)
    assert.equal((await get(app.url, { authorization: `bearer ${TOKEN}` })).status, 200)
    if (!hostAddress) return
    const outward = await listenOutward(app)
    try {
      assert.equal((await get(outward.url, { authorization: `Bearer ${TOKEN}` })).status, 200)
    } finally {
      await outward.close()
    }
  })

  test('a wrong or missing token answers 401 with WWW-Authenticate: Bearer, from outside and from loopback alike', async () => {
    const cases: Record<string, string>[] = [
      { 'x-forwarded-for': OUTSIDE, authorization: 'Bearer not-the-token' },
      { 'x-forwarded-for': OUTSIDE, authorization: `Bearer ${TOKEN}x` },
      { 'x-forwarded-for': OUTSIDE, authorization: `Basic ${Buffer.from(`metrics:${TOKEN}`).toString('base64')}` },
      { 'x-forwarded-for': OUTSIDE },
      {},
      { authorization: 'Bearer ' },
    ]
    for (const headers of cases) {
      const answer = await get(app.url, headers)
      assertRefused(answer, 401)
      assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="metrics"')
    }
  })
})

describe('SPEC 8 request timing labels (issue 14 item 4)', () => {
  test('1,000 requests to random unknown addresses add no new series: the route label is the route pattern or "unmatched"', async () => {
    const app = await startTestApp({ background: false })
    const random = () => randomBytes(6).toString('hex')
    const randomCase = (text: string) => [...text].map((c) => (randomInt(2) ? c.toUpperCase() : c)).join('')
    const { key } = await app.services.apiKeys.create('metrics-test')
    // Each shape an attacker might vary: unknown paths, route parameters, letter case, static
    // folders, the API, odd methods.
    const shapes: Array<() => [string, string, Record<string, string>?]> = [
      () => ['GET', `/${random()}`],
      () => ['GET', `/patroninfo/${randomInt(1e9)}/top`],
      () => ['GET', `/PatronInfo/x${random()}/TOP`],
      () => ['POST', `/staff/patrons/${random()}/delete`],
      () => ['GET', `/css/${random()}.css`],
      () => ['POST', `/API/V1/alerts/${random()}`],
      () => ['GET', `/${randomCase('api/v1')}/alerts/${randomInt(1e9)}`, { authorization: `Bearer ${key}` }],
      () => ['PROPFIND', `/${random()}/${random()}`],
      () => ['GET', `/webhooks/sms/${random()}?msisdn=${random()}`],
    ]
    const send = async (shape: (typeof shapes)[number]) => {
      const [method, path, headers] = shape()
      const response = await fetch(`${app.url}${path}`, { method, headers, redirect: 'manual' })
      await response.arrayBuffer()
    }
    const timingSeries = async () => seriesNamed(await scrape(app.url), 'webpac_http_request_duration_seconds_count').sort()
    try {
      for (const shape of shapes) await send(shape)
      await timingSeries()
      const before = await timingSeries()
      for (let round = 0; round < 1_000 / 25; round += 1) {
        await Promise.all(Array.from({ length: 25 }, (_, i) => send(shapes[(round * 25 + i) % shapes.length] ?? shapes[0]!)))
      }
      const afterwards = await timingSeries()
      assert.deepEqual(afterwards, before)
      assert.ok(before.includes('webpac_http_request_duration_seconds_count{method="GET",route="/patroninfo/:id/top",status="3xx"}'))
      assert.ok(before.includes('webpac_http_request_duration_seconds_count{method="GET",route="unmatched",status="4xx"}'))
      assert.ok(before.includes('webpac_http_request_duration_seconds_count{method="GET",route="/api/v1/alerts/:id",status="4xx"}'))
      const all = parseMetrics(await (await fetch(`${app.url}/metrics`)).text())
      const unmatched = all.get('webpac_http_request_duration_seconds_count{method="GET",route="unmatched",status="4xx"}') ?? 0
      assert.ok(unmatched >= 1_000 / shapes.length, `${unmatched} unmatched GETs`)
    } finally {
      await app.close()
    }
  })
})
