import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import { networkInterfaces } from 'node:os'
import { after, before, describe, test } from 'node:test'
import { CookieJarClient, type HttpPage } from '../support/cookieJar.js'
import { queryDb } from '../support/database.js'
import { addPatron } from '../support/patrons.js'
import { startTestApp, type TestApp } from '../support/testApp.js'

// Issue 14 item 5: a proxy on another host. The app listens on this machine's own non-loopback
// address, so a request made to it arrives from that address, not from loopback: it is "another
// host" to the app, a patron's browser or a proxy, depending on what TRUST_PROXY says.

const OUTSIDE = Object.values(networkInterfaces())
  .flat()
  .find((address) => address?.family === 'IPv4' && !address.internal)?.address
const skip = OUTSIDE ? false : 'this machine has no non-loopback IPv4 address to arrive from'

const ADDRESS_LIMIT = 20
const randomAddress = () => `198.18.${randomInt(256)}.${randomInt(1, 255)}`

/** One wrong PIN, each for a card of its own (so only the per-address count can stop it). */
async function wrongPin(client: CookieJarClient, forwardedFor: string): Promise<HttpPage> {
  const headers = { 'x-forwarded-for': forwardedFor }
  await client.get('/patroninfo', headers)
  return client.post('/patroninfo', { code: `29999${randomInt(10 ** 9)}`, pin: '0000' }, headers)
}

function addressCounters(app: TestApp): Promise<{ key: string; points: number }[]> {
  return queryDb(app.services.store.location, "SELECT key, points FROM rate_limits WHERE key LIKE 'patron_login_address%' ORDER BY key")
}

describe('TRUST_PROXY and the login throttle: a proxy on another host (issue 14 item 5, SPEC 7)', { skip }, () => {
  describe('with the default setting (loopback only)', () => {
    let app: TestApp
    before(async () => {
      app = await startTestApp({ host: OUTSIDE })
    })
    after(async () => {
      await app.close()
    })

    test('a client not behind a trusted proxy forging a new X-Forwarded-For on every attempt is counted by its own address: the 21st wrong PIN answers 429', async () => {
      const attacker = new CookieJarClient(app.url)
      for (let attempt = 1; attempt <= ADDRESS_LIMIT; attempt++) {
        assert.equal((await wrongPin(attacker, randomAddress())).status, 401, `attempt ${attempt}`)
      }
      const over = await wrongPin(attacker, randomAddress())
      assert.equal(over.status, 429)
      const counters = await addressCounters(app)
      assert.equal(counters.length, 1, `one address counted, not the forged ones: ${JSON.stringify(counters)}`)
      assert.ok(counters[0]?.key.endsWith(String(OUTSIDE)), counters[0]?.key)
    })

    test('in production the same client cannot claim HTTPS with X-Forwarded-Proto: no session cookie is made for it', async () => {
      const production = await startTestApp({ host: OUTSIDE, env: { NODE_ENV: 'production', SMS_GATEWAY: 'simulator' } })
      try {
        const response = await fetch(`${production.url}/patroninfo`, { headers: { 'x-forwarded-proto': 'https' } })
        assert.equal(response.status, 200)
        assert.equal(response.headers.get('set-cookie'), null)
      } finally {
        await production.close()
      }
    })
  })

  describe('with TRUST_PROXY set to the proxy address', () => {
    let app: TestApp
    before(async () => {
      app = await startTestApp({ host: OUTSIDE, env: { NODE_ENV: 'production', SMS_GATEWAY: 'simulator', TRUST_PROXY: String(OUTSIDE) } })
    })
    after(async () => {
      await app.close()
    })

    // The client here plays the proxy: it forwards the patron's address, as nginx's
    // $proxy_add_x_forwarded_for does (appended to whatever the patron sent).
    const https = (forwardedFor: string) => ({ 'x-forwarded-for': forwardedFor, 'x-forwarded-proto': 'https' })

    test('two patrons forwarded by the proxy are counted apart: 20 wrong PINs lock out the first address, the second is still checked', async () => {
      const proxy = new CookieJarClient(app.url)
      const first = '198.51.100.7'
      const second = '198.51.100.8'
      for (let attempt = 1; attempt <= ADDRESS_LIMIT; attempt++) {
        await proxy.get('/patroninfo', https(first))
        const page = await proxy.post('/patroninfo', { code: `29999${randomInt(10 ** 9)}`, pin: '0000' }, https(first))
        assert.equal(page.status, 401, `attempt ${attempt}`)
      }
      await proxy.get('/patroninfo', https(first))
      assert.equal((await proxy.post('/patroninfo', { code: '2999900000001', pin: '0000' }, https(first))).status, 429)
      const other = new CookieJarClient(app.url)
      await other.get('/patroninfo', https(second))
      assert.equal((await other.post('/patroninfo', { code: '2999900000002', pin: '0000' }, https(second))).status, 401)
      const keys = (await addressCounters(app)).map((row) => row.key)
      assert.ok(keys.some((key) => key.endsWith(first)) && keys.some((key) => key.endsWith(second)), JSON.stringify(keys))
      assert.ok(!keys.some((key) => key.endsWith(String(OUTSIDE))), 'the proxy itself is never counted')
    })

    test('an address the patron forges to the left of the one the proxy appends is ignored', async () => {
      const patron = new CookieJarClient(app.url)
      const forged = '203.0.113.99'
      const real = '198.51.100.9'
      await patron.get('/patroninfo', https(`${forged}, ${real}`))
      await patron.post('/patroninfo', { code: '2999900000003', pin: '0000' }, https(`${forged}, ${real}`))
      const keys = (await addressCounters(app)).map((row) => row.key)
      assert.ok(
        keys.some((key) => key.endsWith(real)),
        JSON.stringify(keys),
      )
      assert.ok(!keys.some((key) => key.endsWith(forged)), JSON.stringify(keys))
    })

    test('req.secure follows the proxy: a production login over the proxy gets the __Host- session cookie, Secure', async () => {
      const card = await addPatron(app.services.store)
      const patron = new CookieJarClient(app.url)
      await patron.get('/patroninfo', https('198.51.100.10'))
      const login = await patron.post('/patroninfo', { code: card.barcode, pin: card.pin }, https('198.51.100.10'))
      assert.equal(login.status, 303)
      const cookie = login.headers.getSetCookie().find((line) => line.startsWith('__Host-webpac.sid='))
      assert.ok(cookie, 'a session cookie')
      assert.match(cookie, /; Secure/)
      assert.equal((await patron.get(login.location ?? '/', https('198.51.100.10'))).status, 200)
    })
  })
})
