import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { addPatron, WEB } from '../support/patrons.js'
import { addStaff, csrfToken, WebClient } from '../support/staffClient.js'
import { startTestApp, type TestApp } from '../support/testApp.js'

// The security suite of SECURITY.md: each test is one defended attack, tried for real over HTTP.

const XSS = '<script>alert("xss")</script>'
const XSS_ATTR = '"><img src=x onerror=alert(1)>'

function assertEscaped(html: string, payload: string): void {
  assert.ok(!html.includes(payload), 'the payload reaches the page unescaped')
  assert.ok(
    html.includes(payload.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;')),
    'the payload is shown, escaped',
  )
}

describe('security (SECURITY.md)', () => {
  let app: TestApp
  let patron: { id: number; barcode: string; pin: string }
  let other: { id: number; barcode: string; pin: string }

  before(async () => {
    app = await startTestApp()
    patron = await addPatron(app.services.store, { name: XSS, mobile: '' })
    other = await addPatron(app.services.store, { name: 'Other Patron' })
    await addStaff(app.services.store)
  })
  after(async () => {
    await app.close()
  })

  test('security headers: CSP without unsafe-inline, frame-ancestors none, nosniff, a referrer policy; no HSTS over plain development HTTP', async () => {
    const response = await fetch(`${app.url}/patroninfo`)
    const csp = response.headers.get('content-security-policy') ?? ''
    assert.match(csp, /default-src 'self'/)
    assert.match(csp, /script-src 'self'(;|$)/)
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/)
    assert.match(csp, /frame-ancestors 'none'/)
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff')
    assert.ok(response.headers.get('referrer-policy'))
    assert.equal(response.headers.get('strict-transport-security'), null)
    assert.equal(response.headers.get('x-powered-by'), null)
  })

  test("CSRF: a form post without a token, with a wrong one, or with another session's token is refused with 403 and changes nothing", async () => {
    const victim = new WebClient(app.url)
    await victim.patronLogIn(patron.barcode, patron.pin)
    const attacker = new WebClient(app.url)
    const attackerPage = await attacker.get('/patroninfo')
    const path = `/patroninfo/${patron.id}/modpinfo`
    const form = { email: 'attacker@example.org', tele1: '', mobile: '', confirm: '' }
    assert.equal((await victim.post(path, form)).status, 403)
    assert.equal((await victim.post(path, { ...form, _csrf: 'forged' })).status, 403)
    assert.equal((await victim.post(path, { ...form, _csrf: csrfToken(attackerPage.text) })).status, 403)
    assert.equal((await app.services.store.repos.patrons.findById(patron.id))?.email, '')
  })

  test('pages without a form set no session cookie (no session is made for a passer-by)', async () => {
    for (const path of ['/no-such-page', '/healthz', '/css/site.css']) {
      const response = await fetch(`${app.url}${path}`)
      assert.equal(response.headers.get('set-cookie'), null, path)
    }
  })

  test('session fixation: the session id changes at login', async () => {
    const client = new WebClient(app.url)
    await client.get('/patroninfo')
    const before = client.sessionCookie
    assert.ok(before, 'the login form starts a session for its CSRF token')
    await client.patronLogIn(patron.barcode, patron.pin)
    assert.ok(client.sessionCookie && client.sessionCookie !== before)
  })

  test("another patron's id in the URL answers 403 and shows nothing of theirs", async () => {
    const client = new WebClient(app.url)
    await client.patronLogIn(patron.barcode, patron.pin)
    for (const page of ['top', 'modpinfo']) {
      const response = await client.get(`/patroninfo/${other.id}/${page}`)
      assert.equal(response.status, 403)
      assert.ok(!response.text.includes('Other Patron'))
    }
  })

  test('staff pages without a staff session redirect to the staff login, also for a logged-in patron', async () => {
    const anonymous = new WebClient(app.url)
    const loggedInPatron = new WebClient(app.url)
    await loggedInPatron.patronLogIn(patron.barcode, patron.pin)
    for (const client of [anonymous, loggedInPatron]) {
      for (const path of ['/staff', `/staff/patrons/${patron.id}`, '/staff/config']) {
        const response = await client.get(path)
        assert.ok([302, 303, 403].includes(response.status), `${path} answered ${response.status}`)
        if (response.status !== 403) assert.match(response.location ?? '', /^\/staff\/login/)
      }
    }
  })

  test('XSS: a patron name with markup is escaped on the patron pages and the staff record', async () => {
    const client = new WebClient(app.url)
    await client.patronLogIn(patron.barcode, patron.pin)
    assertEscaped((await client.get(`/patroninfo/${patron.id}/top`)).text, XSS)
    assertEscaped((await client.get(`/patroninfo/${patron.id}/modpinfo`)).text, XSS)
    const staff = new WebClient(app.url)
    await staff.staffLogIn()
    assertEscaped((await staff.get(`/staff/patrons/${patron.id}`)).text, XSS)
  })

  test('XSS: messages.conf values with markup are shown as text', async () => {
    app.writeConfig('messagesConf', `SMS_STATUS_OPTED_OUT=${XSS_ATTR}\nSMS_TERMS=Terms ${XSS}\n`)
    try {
      const client = new WebClient(app.url)
      await client.patronLogIn(patron.barcode, patron.pin)
      const html = (await client.get(`/patroninfo/${patron.id}/modpinfo`)).text
      assertEscaped(html, XSS_ATTR)
      assertEscaped(html, XSS)
    } finally {
      app.writeConfig('messagesConf', '')
    }
  })

  test('XSS: an inbound text with markup is escaped in the simulator and on the staff record', async () => {
    const number = '+12015550188'
    await app.services.store.repos.patrons.update(other.id, { mobile: number }, new Date().toISOString())
    await app.services.optInForm.submit(other.id, { email: '', tele1: '', mobile: number, optin: true, confirm: null }, WEB)
    const body = new URLSearchParams({ msisdn: number.slice(1), to: '82453', messageId: 'xss-1', text: XSS })
    assert.equal((await fetch(`${app.url}/webhooks/sms/inbound`, { method: 'POST', body })).status, 200)
    await app.services.simulator?.recordInbound({ from: number, to: '82453', text: XSS, messageId: 'xss-1' })
    const browser = new WebClient(app.url)
    assertEscaped((await browser.get(`/simulator?to=${encodeURIComponent(number)}`)).text, XSS)
    const json = (await (await fetch(`${app.url}/simulator/messages?to=${encodeURIComponent(number)}`)).json()) as { text: string }[]
    assert.ok(
      json.some((message) => message.text === XSS),
      'the JSON API returns the text as data',
    )
  })

  test('SQL metacharacters in the staff search and the login are just text', async () => {
    const staff = new WebClient(app.url)
    await staff.staffLogIn()
    for (const query of ["' OR 1=1 --", '%', '_', '"; DROP TABLE patrons; --', "Robert'); DELETE FROM patrons;--"]) {
      const response = await staff.get(`/staff?q=${encodeURIComponent(query)}`)
      assert.equal(response.status, 200, query)
      assert.ok(!response.text.includes('Other Patron'), `"${query}" matched a patron it should not`)
    }
    const login = await new WebClient(app.url).patronLogIn("' OR '1'='1", "' OR '1'='1")
    assert.equal(login.status, 401)
    assert.equal(await app.services.store.repos.patrons.count(), 2)
  })

  test('login throttling: after 5 wrong PINs for a card even the right PIN answers 429 "Too many attempts, try again later"', async () => {
    const victim = await addPatron(app.services.store)
    const client = new WebClient(app.url)
    for (let i = 0; i < 5; i += 1) assert.equal((await client.patronLogIn(victim.barcode, '0000')).status, 401)
    const blocked = await client.patronLogIn(victim.barcode, victim.pin)
    assert.equal(blocked.status, 429)
    assert.match(blocked.text, /Too many attempts, try again later/)
  })

  test('oversized bodies answer 413 and store nothing', async () => {
    const big = 'x'.repeat(200_000)
    const page = await fetch(`${app.url}/patroninfo`, { method: 'POST', body: new URLSearchParams({ code: big, pin: '1' }) })
    assert.equal(page.status, 413)
    const webhook = await fetch(`${app.url}/webhooks/sms/inbound`, {
      method: 'POST',
      body: new URLSearchParams({ msisdn: '12015550199', to: '82453', messageId: 'big', text: big }),
    })
    assert.equal(webhook.status, 413)
    assert.equal(
      await app.services.store.repos.inbox.recordInbound({
        message_id: 'big',
        msisdn: '1',
        to_number: '1',
        text: '',
        keyword: '',
        received_at: '',
        outcome: '',
      }),
      true,
      'the oversized message was not stored',
    )
  })
})

describe('security in production (SECURITY.md)', () => {
  let app: TestApp
  before(async () => {
    app = await startTestApp({ env: { NODE_ENV: 'production', SMS_GATEWAY: 'simulator' } })
  })
  after(async () => {
    await app.close()
  })

  test('HSTS is sent and the session cookie is __Host- (Path=/, no Domain), Secure, httpOnly and SameSite=Lax', async () => {
    const response = await fetch(`${app.url}/patroninfo`, { headers: { 'x-forwarded-proto': 'https' } })
    assert.match(response.headers.get('strict-transport-security') ?? '', /max-age=\d+/)
    const cookie = response.headers.get('set-cookie') ?? ''
    assert.match(cookie, /^__Host-webpac\.sid=[^;]+; Path=\/;/)
    assert.doesNotMatch(cookie, /Domain=/i)
    assert.match(cookie, /Secure/)
    assert.match(cookie, /HttpOnly/)
    assert.match(cookie, /SameSite=Lax/)
  })

  test('no stack trace reaches a browser: an unknown patron page and a broken request show plain sentences', async () => {
    const response = await fetch(`${app.url}/patroninfo/abc/top`)
    const html = await response.text()
    assert.equal(response.status, 404)
    assert.doesNotMatch(html, /at [\w.]+ \(|node_modules|\.ts:\d+/)
    const broken = await fetch(`${app.url}/webhooks/sms/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"msisdn":',
    })
    assert.equal(broken.status, 400)
    assert.doesNotMatch(await broken.text(), /SyntaxError|at JSON\.parse/)
  })
})
