import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { CookieJarClient, type HttpPage } from '../support/cookieJar.js'
import { GRACE, type PortalApp, startPortalApp } from '../support/portalApp.js'
import { addStaff } from '../support/staffClient.js'

const GRACE_E164 = '+12015550142'

function assertNoStore(page: HttpPage, what: string): void {
  assert.equal(page.headers.get('cache-control'), 'no-store', `${what} (status ${page.status}) must not be kept by the browser`)
}

async function staffClient(app: PortalApp): Promise<CookieJarClient> {
  const staff = new CookieJarClient(app.url)
  await staff.get('/staff/login')
  const login = await staff.post('/staff/login', { username: 'librarian', password: 'librarian-demo' })
  assert.equal(login.status, 303)
  return staff
}

// Issue 10 finding 4: a library's public PC keeps what it was shown; after logout, Back must not
// bring back a patron's name, card number, phone or consent history from the browser's cache.
describe('issue 10 finding 4: pages with patron or staff data are never stored by the browser', () => {
  let app: PortalApp
  before(async () => {
    app = await startPortalApp()
    await addStaff(app.services.store)
  })
  after(async () => {
    await app.close()
  })

  test('patron pages: the login form, a wrong PIN, the login redirect, top, modpinfo, the confirmation page and logout all send Cache-Control: no-store', async () => {
    const patron = new CookieJarClient(app.url)
    const id = await app.idOf(GRACE)
    assertNoStore(await patron.get('/patroninfo'), 'the login form')
    assertNoStore(await patron.post('/patroninfo', { code: GRACE.barcode, pin: '0000' }), 'a wrong PIN')
    const login = await patron.post('/patroninfo', { code: GRACE.barcode, pin: GRACE.pin })
    assert.equal(login.status, 303)
    assertNoStore(login, 'the login redirect')
    assertNoStore(await patron.get(`/patroninfo/${id}/top`), 'top')
    const modpinfo = await patron.get(`/patroninfo/${id}/modpinfo`)
    assert.match(modpinfo.html, /Grace Hopper/)
    assertNoStore(modpinfo, 'modpinfo')
    // Grace is opted in: leaving the box unticked asks her to confirm the opt-out on its own page.
    const confirm = await patron.post(`/patroninfo/${id}/modpinfo`, { email: GRACE.email, tele1: '', mobile: GRACE.mobile })
    assert.match(confirm.html, /name="confirm"/)
    assertNoStore(confirm, 'the opt-out confirmation page')
    assertNoStore(await patron.get(`/patroninfo/${id + 1}/top`), "another patron's page (403)")
    assertNoStore(await patron.post('/logout', {}), 'logout')
  })

  test('every staff page, its confirmation pages and the staff login send Cache-Control: no-store', async () => {
    const id = await app.idOf(GRACE)
    assertNoStore(await new CookieJarClient(app.url).get('/staff/login'), 'the staff login')
    assertNoStore(await new CookieJarClient(app.url).get('/staff'), 'the staff redirect for a visitor')
    const staff = await staffClient(app)
    const paths = [
      '/staff',
      `/staff?q=${encodeURIComponent('Grace')}`,
      `/staff/patrons/${id}`,
      `/staff/history?barcode=${GRACE.barcode}`,
      `/staff/patrons/${id}/delete`,
      `/staff/patrons/${id}/delete-mobile`,
      '/staff/optout',
      `/staff/optout?number=${encodeURIComponent(GRACE_E164)}`,
      '/staff/config',
      '/staff/config/messages.conf',
    ]
    for (const path of paths) {
      const page = await staff.get(path)
      assert.equal(page.status, 200, path)
      assertNoStore(page, path)
    }
  })

  test("the simulator's pages and its JSON send Cache-Control: no-store", async () => {
    for (const path of [
      '/simulator',
      `/simulator?to=${encodeURIComponent(GRACE_E164)}`,
      `/simulator/messages?to=${encodeURIComponent(GRACE_E164)}`,
    ]) {
      const page = await new CookieJarClient(app.url).get(path)
      assert.equal(page.status, 200, path)
      assertNoStore(page, path)
    }
  })

  test('a page that does not exist sends Cache-Control: no-store too (the rule covers every page, not a list)', async () => {
    assertNoStore(await new CookieJarClient(app.url).get('/no-such-page'), 'a 404')
  })

  test('static files under /css and /js keep their caching and are not no-store', async () => {
    for (const path of ['/css/site.css', '/js/modpinfo.js']) {
      const file = await fetch(`${app.url}${path}`)
      assert.equal(file.status, 200, path)
      assert.match(file.headers.get('cache-control') ?? '', /^public, max-age=\d+$/, path)
    }
  })
})
