import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { openStore } from '../../src/store/store.js'
import { CookieJarClient, errorMessages, type HttpPage, textOf } from '../support/cookieJar.js'
import { databaseEnv, freshDatabaseUrl, queryDb, writeDb } from '../support/database.js'
import { addPatron } from '../support/patrons.js'
import { addStaff } from '../support/staffClient.js'
import { startTestApp, type TestApp } from '../support/testApp.js'

// Issue 10, findings 1, 2 and 7: the login throttle (SPEC 7) attacked over real HTTP. The app
// trusts X-Forwarded-For from loopback (`trust proxy`), so each test picks the client address
// it presents, as a reverse proxy in front of the portal would.

const TOO_MANY = /Too many attempts, try again later/
const WRONG_CARD = 'The library card number or PIN is not right. Check both and try again.'
const WRONG_STAFF = /The username or password is not right/

type Login = 'patron' | 'staff'
const FORM: Record<Login, { path: string; form: (account: string, secret: string) => Record<string, string> }> = {
  patron: { path: '/patroninfo', form: (code, pin) => ({ code, pin }) },
  staff: { path: '/staff/login', form: (username, password) => ({ username, password }) },
}

/** A browser at `address` with the login form open: every post reuses that one CSRF token. */
async function browserAt(app: TestApp, address: string, login: Login = 'patron') {
  const client = new CookieJarClient(app.url)
  const headers = { 'x-forwarded-for': address }
  const { path, form } = FORM[login]
  assert.equal((await client.get(path, headers)).status, 200)
  return { logIn: (account: string, secret: string): Promise<HttpPage> => client.post(path, form(account, secret), headers) }
}

function tally(pages: HttpPage[]): { checked: number; throttled: number } {
  for (const page of pages) assert.ok(page.status === 401 || page.status === 429, `unexpected ${page.status}`)
  const throttled = pages.filter((page) => page.status === 429)
  for (const page of throttled) assert.match(textOf(page.html), TOO_MANY)
  return { checked: pages.length - throttled.length, throttled: throttled.length }
}

/** The throttle's counters whose key mentions `fragment` (digits, dots, letters), read straight from the database. */
function counterRows(location: string, fragment: string): Promise<{ key: string; points: number }[]> {
  return queryDb<{ key: string; points: number }>(
    location,
    'SELECT key, points FROM rate_limits WHERE key LIKE ? ORDER BY key',
    `%${fragment}%`,
  )
}

const wrongPins = (count: number) => Array.from({ length: count }, (_, index) => String(index).padStart(4, '0'))

describe('login throttle under attack (issue 10 findings 1, 2, 7; SPEC 7)', () => {
  let app: TestApp
  before(async () => {
    app = await startTestApp()
  })
  after(async () => {
    await app.close()
  })

  test('finding 1: 40 wrong PINs for one card sent at once with one CSRF token: at most 5 are checked, the rest answer 429, and the right PIN then answers 429', async () => {
    const card = await addPatron(app.services.store)
    const attacker = await browserAt(app, '203.0.113.1')
    const burst = tally(await Promise.all(wrongPins(40).map((pin) => attacker.logIn(card.barcode, pin))))
    assert.ok(burst.checked >= 1 && burst.checked <= 5, `${burst.checked} PINs were checked`)
    assert.equal(burst.throttled, 40 - burst.checked)
    const right = await attacker.logIn(card.barcode, card.pin)
    assert.equal(right.status, 429)
    assert.match(textOf(right.html), TOO_MANY)
  })

  test('finding 1: 40 wrong staff passwords for one account sent at once: at most 5 are checked, the rest answer 429, and the right password then answers 429', async () => {
    await addStaff(app.services.store, 'burst-target', 'right-password-1')
    const attacker = await browserAt(app, '203.0.113.2', 'staff')
    const burst = tally(await Promise.all(wrongPins(40).map((pin) => attacker.logIn('burst-target', `wrong-${pin}`))))
    assert.ok(burst.checked >= 1 && burst.checked <= 5, `${burst.checked} passwords were checked`)
    assert.equal(burst.throttled, 40 - burst.checked)
    const right = await attacker.logIn('burst-target', 'right-password-1')
    assert.equal(right.status, 429)
    assert.match(textOf(right.html), TOO_MANY)
  })

  test('finding 1: 40 wrong PINs spread over 40 cards from one address, sent at once: at most 20 are checked, the rest answer 429', async () => {
    const attacker = await browserAt(app, '203.0.113.3')
    const cards = Array.from({ length: 40 }, (_, index) => `2998000000${String(index).padStart(4, '0')}`)
    const burst = tally(await Promise.all(cards.map((card) => attacker.logIn(card, '0000'))))
    assert.ok(burst.checked >= 1 && burst.checked <= 20, `${burst.checked} PINs were checked`)
    assert.equal(burst.throttled, 40 - burst.checked)
  })

  test('finding 2: after 5 wrong PINs for a card from one address, that address gets 429 but the owner logs in from another address', async () => {
    const card = await addPatron(app.services.store)
    const stranger = await browserAt(app, '203.0.113.4')
    for (const pin of wrongPins(5)) assert.equal((await stranger.logIn(card.barcode, pin)).status, 401)
    assert.equal((await stranger.logIn(card.barcode, card.pin)).status, 429, 'the guesser still sees SPEC 7: 5 per card')
    const owner = await browserAt(app, '198.51.100.4')
    const login = await owner.logIn(card.barcode, card.pin)
    assert.equal(login.status, 303)
    assert.equal(login.location, `/patroninfo/${card.id}/top`)
  })

  test("finding 2: 50 wrong PINs for a card from 10 addresses block that card from every address, the owner's too", async () => {
    const card = await addPatron(app.services.store)
    const strangers = await Promise.all(Array.from({ length: 10 }, (_, index) => browserAt(app, `192.0.2.${index + 1}`)))
    const wrong = await Promise.all(strangers.flatMap((stranger) => wrongPins(5).map((pin) => stranger.logIn(card.barcode, pin))))
    assert.deepEqual(
      wrong.map((page) => page.status),
      Array(50).fill(401),
    )
    const owner = await browserAt(app, '198.51.100.5')
    const login = await owner.logIn(card.barcode, card.pin)
    assert.equal(login.status, 429)
    assert.match(textOf(login.html), TOO_MANY)
  })

  test('finding 7: a 15 kB card number answers the wrong-credentials page, makes no throttle counter and counts against nothing', async () => {
    const card = await addPatron(app.services.store)
    const address = '203.0.113.7'
    const attacker = await browserAt(app, address)
    const huge = '4'.repeat(15_000)
    for (let attempt = 1; attempt <= 25; attempt++) {
      const page = await attacker.logIn(huge, '1234')
      assert.equal(page.status, 401, `attempt ${attempt}`)
      assert.deepEqual(errorMessages(page.html), [WRONG_CARD])
    }
    assert.deepEqual(await counterRows(app.services.store.location, address), [])
    assert.deepEqual(await counterRows(app.services.store.location, huge.slice(0, 64)), [])
    assert.equal((await attacker.logIn(card.barcode, card.pin)).status, 303, 'the address was not counted')
  })

  test('finding 7: a 15 kB staff user name answers the wrong-credentials page, makes no throttle counter and counts against nothing', async () => {
    await addStaff(app.services.store, 'long-name-target', 'right-password-1')
    const address = '203.0.113.8'
    const attacker = await browserAt(app, address, 'staff')
    for (let attempt = 1; attempt <= 25; attempt++) {
      const page = await attacker.logIn('a'.repeat(15_000), 'some-password')
      assert.equal(page.status, 401, `attempt ${attempt}`)
      assert.match(textOf(page.html), WRONG_STAFF)
    }
    assert.deepEqual(await counterRows(app.services.store.location, address), [])
    assert.equal((await attacker.logIn('long-name-target', 'right-password-1')).status, 303, 'the address was not counted')
  })
})

describe('login throttle counts live in the database (issue 10 finding 1; SPEC 7)', () => {
  test('counts survive a restart: 5 wrong PINs, the app restarts on the same database, the right PIN from that address answers 429', async () => {
    const env = { DATA_DIR: join(mkdtempSync(join(tmpdir(), 'webpac-throttle-')), 'data'), ...(await databaseEnv()) }
    const first = await startTestApp({ env })
    let card: { barcode: string; pin: string }
    try {
      card = await addPatron(first.services.store)
      const stranger = await browserAt(first, '203.0.113.9')
      for (const pin of wrongPins(5)) assert.equal((await stranger.logIn(card.barcode, pin)).status, 401)
    } finally {
      await first.close()
    }
    const second = await startTestApp({ env })
    try {
      const after = await (await browserAt(second, '203.0.113.9')).logIn(card.barcode, card.pin)
      assert.equal(after.status, 429)
      assert.match(textOf(after.html), TOO_MANY)
    } finally {
      await second.close()
    }
  })

  test('housekeeping deletes counters whose window has ended and keeps the others', async () => {
    const env = { DATA_DIR: join(mkdtempSync(join(tmpdir(), 'webpac-throttle-')), 'data'), ...(await databaseEnv()) }
    const before = await startTestApp({ env })
    const location = before.services.store.location
    await before.close()
    const insert = 'INSERT INTO rate_limits (key, points, expire) VALUES (?, ?, ?)'
    await writeDb(location, insert, 'patron_login_address:192.0.2.200', 7, Date.now() - 1000)
    await writeDb(location, insert, 'patron_login_address:192.0.2.201', 3, Date.now() + 600_000)
    const app = await startTestApp({ env })
    try {
      assert.deepEqual(await counterRows(app.services.store.location, '192.0.2.20'), [
        { key: 'patron_login_address:192.0.2.201', points: 3 },
      ])
    } finally {
      await app.close()
    }
  })
})

describe('attempt counters beside the group commit (issue 10 finding 1)', () => {
  test("an attempt counted while another request's transaction is open stays counted when that transaction rolls back", async () => {
    const store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'webpac-throttle-')), databaseUrl: await freshDatabaseUrl() })
    try {
      const patron = await addPatron(store, { pin: null })
      let release!: () => void
      const gate = new Promise<void>((resolve) => {
        release = resolve
      })
      let opened!: () => void
      const open = new Promise<void>((resolve) => {
        opened = resolve
      })
      // Another request's unit of work: it writes, keeps the write transaction open across
      // event-loop turns, then fails and is rolled back.
      const failing = store.transaction(async (repos) => {
        await repos.patrons.update(patron.id, { email: 'rolled-back@example.org' }, new Date().toISOString())
        opened()
        await gate
        throw new Error('this unit fails')
      })
      await open
      const taking = store.rateLimits.take([{ limit: { name: 'test_beside', points: 5, duration: 60 }, key: 'card' }])
      await new Promise((resolve) => setImmediate(resolve))
      release()
      await assert.rejects(failing, /this unit fails/)
      assert.equal(await taking, true)
      assert.equal((await store.repos.patrons.findById(patron.id))?.email, '')
      assert.deepEqual(await counterRows(store.location, 'test_beside:'), [{ key: 'test_beside:card', points: 1 }])
    } finally {
      await store.close()
    }
  })
})
