import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DEMO_STAFF } from '../../src/services/demoSeed.js'
import { CookieJarClient } from '../support/cookieJar.js'
import { GRACE, type PortalApp, startPortalApp } from '../support/portalApp.js'

const GRACE_E164 = '+12015550142'
// A staging site behind its TLS proxy on the same host: the proxy says the visitor came over
// HTTPS, so the production session cookie (Secure) is set and read.
const HTTPS = { 'x-forwarded-proto': 'https' }

const STAGING = {
  NODE_ENV: 'production',
  SMS_GATEWAY: 'simulator',
  SESSION_SECRET: 'a-staging-session-secret-of-more-than-32-characters',
}

async function staffBrowser(app: PortalApp): Promise<CookieJarClient> {
  const staff = new CookieJarClient(app.url)
  await staff.get('/staff/login', HTTPS)
  const login = await staff.post('/staff/login', { username: DEMO_STAFF.username, password: DEMO_STAFF.password }, HTTPS)
  assert.equal(login.status, 303, 'the staff login works on the staging site')
  return staff
}

async function patronBrowser(app: PortalApp): Promise<CookieJarClient> {
  const patron = new CookieJarClient(app.url)
  await patron.get('/patroninfo', HTTPS)
  assert.equal((await patron.post('/patroninfo', { code: GRACE.barcode, pin: GRACE.pin }, HTTPS)).status, 303)
  return patron
}

// Issue 10 finding 8: with SMS_GATEWAY=simulator in production (a staging site on the internet),
// the simulator showed every conversation to anyone and let anyone text as any phone.
describe('issue 10 finding 8: on a production site with the simulator, only staff see or use the simulated phones', () => {
  let app: PortalApp
  before(async () => {
    app = await startPortalApp({ env: STAGING })
  })
  after(async () => {
    await app.close()
  })

  test('a visitor asking for /simulator is sent to the staff login and sees no phone number', async () => {
    for (const path of ['/simulator', `/simulator?to=${encodeURIComponent(GRACE_E164)}`]) {
      const page = await new CookieJarClient(app.url).get(path, HTTPS)
      assert.equal(page.status, 303, path)
      assert.equal(page.location, '/staff/login', path)
      assert.doesNotMatch(page.html, /555/)
    }
  })

  test('a visitor asking for /simulator/messages gets 401 JSON, not the conversation', async () => {
    const response = await fetch(`${app.url}/simulator/messages?to=${encodeURIComponent(GRACE_E164)}`, { headers: HTTPS })
    assert.equal(response.status, 401)
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/)
    const body = (await response.json()) as Record<string, unknown>
    assert.equal(typeof body.error, 'string')
    assert.ok(!Array.isArray(body))
  })

  test("a logged-in patron is refused the simulator (403) and cannot text the library as someone else's phone", async () => {
    const patron = await patronBrowser(app)
    assert.equal((await patron.get('/simulator', HTTPS)).status, 403)
    assert.equal((await patron.get(`/simulator/messages?to=${encodeURIComponent(GRACE_E164)}`, HTTPS)).status, 401)
    // The patron's session has a valid CSRF token, so only the staff check can stop this reply.
    const before = (await app.services.simulator?.conversation(GRACE_E164))?.length
    const reply = await patron.post('/simulator/reply', { to: GRACE_E164, text: 'STOP' }, HTTPS)
    assert.equal(reply.status, 403)
    assert.equal((await app.services.simulator?.conversation(GRACE_E164))?.length, before, "no text was sent from Grace's phone")
  })

  test('a librarian logged in to the staff console opens the simulator, its JSON and its reply form', async () => {
    const staff = await staffBrowser(app)
    const page = await staff.get(`/simulator?to=${encodeURIComponent(GRACE_E164)}`, HTTPS)
    assert.equal(page.status, 200)
    const messages = await staff.get(`/simulator/messages?to=${encodeURIComponent(GRACE_E164)}`, HTTPS)
    assert.equal(messages.status, 200)
    assert.ok(Array.isArray(JSON.parse(messages.html)))
    const reply = await staff.post('/simulator/reply', { to: GRACE_E164, text: 'HELP' }, HTTPS)
    assert.equal(reply.status, 303)
    const conversation = (await app.services.simulator?.conversation(GRACE_E164)) ?? []
    assert.ok(conversation.some((message) => message.direction === 'inbound' && message.text === 'HELP'))
  })

  test('static files are cached for an hour in production', async () => {
    const file = await fetch(`${app.url}/css/site.css`, { headers: HTTPS })
    assert.equal(file.headers.get('cache-control'), 'public, max-age=3600')
  })
})

describe('issue 10 finding 8: in development the simulator stays open, as the README quick start and the e2e tests use it', () => {
  let app: PortalApp
  before(async () => {
    app = await startPortalApp()
  })
  after(async () => {
    await app.close()
  })

  test('a visitor opens /simulator and /simulator/messages without a login', async () => {
    assert.equal((await fetch(`${app.url}/simulator`)).status, 200)
    assert.equal((await fetch(`${app.url}/simulator/messages?to=${encodeURIComponent(GRACE_E164)}`)).status, 200)
  })
})
