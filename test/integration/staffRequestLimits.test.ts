import assert from 'node:assert/strict'
import { request } from 'node:http'
import { after, before, describe, test } from 'node:test'
import { CookieJarClient, textOf } from '../support/cookieJar.js'
import { addPatron } from '../support/patrons.js'
import { addStaff } from '../support/staffClient.js'
import { startTestApp, type TestApp } from '../support/testApp.js'

const MATCHES = 30 // two pages of 25

async function staffBrowser(app: TestApp): Promise<CookieJarClient> {
  const staff = new CookieJarClient(app.url)
  await staff.get('/staff/login')
  assert.equal((await staff.post('/staff/login', { username: 'librarian', password: 'librarian-demo' })).status, 303)
  return staff
}

interface EarlyAnswer {
  status: number
  location: string | undefined
}

/**
 * Declares a body of `declared` bytes and sends the first `sent`. With less than all of it sent,
 * only a server that answers without reading the body can answer at all. The socket is closed
 * after the answer (a write the server no longer reads may then fail; the answer is what counts).
 */
function postPartOfABody(url: string, path: string, declared: number, sent: number): Promise<EarlyAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(declared) },
    })
    req.on('response', (response) => {
      resolve({ status: response.statusCode ?? 0, location: response.headers.location })
      response.resume()
      req.destroy()
    })
    req.on('error', reject)
    req.write(`text=${'x'.repeat(sent - 5)}`)
  })
}

describe('issue 10 finding 10: small ones in the staff console', () => {
  let app: TestApp
  before(async () => {
    app = await startTestApp()
    await addStaff(app.services.store)
    for (let n = 1; n <= MATCHES; n++) {
      await addPatron(app.services.store, { name: `Clamp Patron ${String(n).padStart(2, '0')}`, pin: null })
    }
  })
  after(async () => {
    await app.close()
  })

  test('an absurd ?page= (1e308, a 20-digit number, Infinity) is clamped to the last page of results, not a 500', async () => {
    const staff = await staffBrowser(app)
    for (const page of ['1e308', '99999999999999999999', 'Infinity', '3']) {
      const answer = await staff.get(`/staff?q=Clamp&page=${page}`)
      assert.equal(answer.status, 200, `page=${page}`)
      assert.match(textOf(answer.html), /Patrons 26 to 30 of 30 matching "Clamp"/, `page=${page}`)
    }
  })

  test('a ?page= below 1 or not a number (-1, 0, abc, 1.5, empty, twice) is clamped to the first page, not a 500', async () => {
    const staff = await staffBrowser(app)
    for (const page of ['page=-1', 'page=0', 'page=abc', 'page=1.5', 'page=', 'page=2&page=2', 'page=-1e308']) {
      const answer = await staff.get(`/staff?q=Clamp&${page}`)
      assert.equal(answer.status, 200, page)
      assert.match(textOf(answer.html), /Patrons 1 to 25 of 30 matching "Clamp"/, page)
    }
  })

  // Before the fix the server waited for the rest of this body: the timeout is what fails it then.
  test('an anonymous POST declaring 500 kB to /staff/config/… is sent to the staff login before the server reads the body', {
    timeout: 10_000,
  }, async () => {
    const answer = await postPartOfABody(app.url, '/staff/config/messages.conf', 500_000, 1_000)
    assert.equal(answer.status, 303)
    assert.equal(answer.location, '/staff/login')
  })

  test("an anonymous POST of 600 kB, over the editor's 512 kB limit, is sent to the staff login, not measured (no 413)", {
    timeout: 10_000,
  }, async () => {
    const answer = await postPartOfABody(app.url, '/staff/config/messages.conf', 600_000, 600_000)
    assert.equal(answer.status, 303)
    assert.equal(answer.location, '/staff/login')
  })

  test('a librarian still saves a config file larger than the 16 kB every other form is held to', async () => {
    const staff = await staffBrowser(app)
    const editor = await staff.get('/staff/config/messages.conf')
    const version = /name="version" value="([^"]*)"/.exec(editor.html)?.[1] ?? ''
    const padding = Array.from({ length: 400 }, (_, n) => `# a comment line to make the file large, number ${n}`).join('\n')
    const text = `${padding}\nSMS_STATUS_OPTED_IN=Signed up for texts\n`
    const saved = await staff.post('/staff/config/messages.conf', { version, text })
    assert.ok(padding.length > 16_384)
    assert.equal(saved.status, 303)
    assert.equal(app.services.config.current().messages.SMS_STATUS_OPTED_IN, 'Signed up for texts')
  })
})
