import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { SESSION_COOKIE } from '../../src/web/middleware/setUpWebSession.js'
import { CookieJarClient, errorMessages, textOf } from '../support/cookieJar.js'
import { ADA, GRACE, type PortalApp, startPortalApp } from '../support/portalApp.js'

const TOO_MANY = 'Too many attempts, try again later'

describe('patron login (SPEC 3, SPEC 7)', () => {
  let app: PortalApp
  before(async () => {
    app = await startPortalApp()
  })
  after(async () => {
    await app.close()
  })

  test("SPEC 3 the right barcode and PIN redirect to the patron's top page, under a new session id (no session fixation)", async () => {
    const client = new CookieJarClient(app.url)
    const form = await client.get('/patroninfo')
    assert.equal(form.status, 200)
    assert.match(form.html, /<title>Log in – Demo Public Library<\/title>/)
    const before = client.cookie(SESSION_COOKIE)
    assert.ok(before, 'the login form starts a session for its CSRF token')

    const login = await client.post('/patroninfo', { code: ` ${ADA.barcode} `, pin: ADA.pin })
    const adaId = await app.idOf(ADA)
    assert.equal(login.status, 303)
    assert.equal(login.location, `/patroninfo/${adaId}/top`)
    const afterLogin = client.cookie(SESSION_COOKIE)
    assert.ok(afterLogin)
    assert.notEqual(afterLogin, before)

    const top = await client.get(`/patroninfo/${adaId}/top`)
    assert.equal(top.status, 200)
    const text = textOf(top.html)
    assert.match(text, /Ada Lovelace/)
    assert.match(text, new RegExp(ADA.barcode))
    assert.match(top.html, /data-qa="sms-status">Not Opted In</)
    assert.match(top.html, new RegExp(`href="/patroninfo/${adaId}/modpinfo"`))
  })

  test('SPEC 7 a wrong PIN answers 401 with the login form and an error, and logs nobody in', async () => {
    const client = new CookieJarClient(app.url)
    const page = await client.logIn(GRACE.barcode, '0000')
    assert.equal(page.status, 401)
    assert.deepEqual(errorMessages(page.html), ['The library card number or PIN is not right. Check both and try again.'])
    assert.match(page.html, /<a href="#code">/)
    assert.doesNotMatch(page.html, /value="0000"/, 'the PIN is never sent back')
    const top = await client.get(`/patroninfo/${await app.idOf(GRACE)}/top`)
    assert.equal(top.status, 303)
    assert.equal(top.location, '/patroninfo')
  })

  test('SPEC 7 an empty barcode or PIN is asked for, with each error linked to its field', async () => {
    const client = new CookieJarClient(app.url)
    await client.get('/patroninfo')
    const page = await client.post('/patroninfo', { code: '', pin: '' })
    assert.equal(page.status, 400)
    assert.deepEqual(errorMessages(page.html), ['Enter your library card number.', 'Enter your PIN.'])
    assert.match(page.html, /<a href="#pin">/)
    assert.match(page.html, /id="pin"[^>]*aria-invalid="true"/)
  })

  test('SPEC 3 logout ends the session: patron pages then send the visitor to the login page', async () => {
    const client = new CookieJarClient(app.url)
    await client.logIn(GRACE.barcode, GRACE.pin)
    const id = await app.idOf(GRACE)
    assert.equal((await client.get(`/patroninfo/${id}/top`)).status, 200)
    const out = await client.post('/logout', {})
    assert.equal(out.status, 303)
    assert.equal(out.location, '/patroninfo?loggedout=1')
    const top = await client.get(`/patroninfo/${id}/top`)
    assert.equal(top.status, 303)
    assert.equal(top.location, '/patroninfo')
  })

  test("SPEC 3 /modpinfo.html leads to the patron's own modpinfo when logged in, else to the login page", async () => {
    const client = new CookieJarClient(app.url)
    assert.equal((await client.get('/modpinfo.html')).location, '/patroninfo')
    await client.logIn(GRACE.barcode, GRACE.pin)
    assert.equal((await client.get('/modpinfo.html')).location, `/patroninfo/${await app.idOf(GRACE)}/modpinfo`)
  })
})

describe('login throttle (SPEC 7)', () => {
  test('after 5 wrong PINs for one barcode, the next attempt answers 429 "Too many attempts, try again later" even with the right PIN', async () => {
    const app = await startPortalApp()
    try {
      const client = new CookieJarClient(app.url)
      for (let attempt = 1; attempt <= 5; attempt++) assert.equal((await client.logIn(ADA.barcode, `000${attempt}`)).status, 401)
      const blocked = await client.logIn(ADA.barcode, ADA.pin)
      assert.equal(blocked.status, 429)
      assert.match(textOf(blocked.html), new RegExp(TOO_MANY))
      const other = await new CookieJarClient(app.url).logIn(GRACE.barcode, GRACE.pin)
      assert.equal(other.status, 303, 'another barcode from the same address still logs in')
    } finally {
      await app.close()
    }
  })

  test('after 20 wrong PINs from one address, any further login from it answers 429', async () => {
    const app = await startPortalApp()
    try {
      const client = new CookieJarClient(app.url)
      for (let attempt = 1; attempt <= 20; attempt++) {
        assert.equal((await client.logIn(`2999000000${String(attempt).padStart(4, '0')}`, '0000')).status, 401)
      }
      const blocked = await client.logIn(GRACE.barcode, GRACE.pin)
      assert.equal(blocked.status, 429)
      assert.match(textOf(blocked.html), new RegExp(TOO_MANY))
    } finally {
      await app.close()
    }
  })
})
