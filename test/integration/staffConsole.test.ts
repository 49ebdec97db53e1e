import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { DEMO_STAFF } from '../../src/services/demoSeed.js'
import type { Store } from '../../src/store/store.js'
import { addPatron } from '../support/patrons.js'
import { addStaff, csrfToken, visibleText, WebClient } from '../support/staffClient.js'
import { eventually, startTestApp, type TestApp } from '../support/testApp.js'

async function optedIn(
  store: Store,
  fields: { name?: string; mobile: string; e164: string },
): Promise<{ id: number; barcode: string; pin: string }> {
  const patron = await addPatron(store, { name: fields.name, mobile: fields.mobile })
  const at = new Date().toISOString()
  await store.repos.registrations.save({
    patron_id: patron.id,
    status: 'opted_in',
    e164: fields.e164,
    terms_hash: null,
    invited_at: at,
    status_changed_at: at,
  })
  return patron
}

async function loggedInStaff(app: TestApp): Promise<WebClient> {
  const staff = new WebClient(app.url)
  const login = await staff.staffLogIn()
  assert.equal(login.status, 303)
  return staff
}

describe('staff console (SPEC 6)', () => {
  let app: TestApp
  before(async () => {
    app = await startTestApp()
    await addStaff(app.services.store)
  })
  after(async () => {
    await app.close()
  })

  describe('login and roles', () => {
    test('SPEC 6 staff login: the right password opens /staff with a new session id; a wrong one answers 401 and opens nothing', async () => {
      const browser = new WebClient(app.url)
      const form = await browser.get('/staff/login')
      assert.equal(form.status, 200)
      const wrong = await browser.post('/staff/login', { username: DEMO_STAFF.username, password: 'not-the-password' }, form)
      assert.equal(wrong.status, 401)
      assert.match(visibleText(wrong.text), /The username or password is not right/)
      const before = browser.sessionCookie
      const right = await browser.post('/staff/login', { username: 'Librarian', password: DEMO_STAFF.password }, wrong)
      assert.equal(right.status, 303)
      assert.equal(right.location, '/staff')
      assert.notEqual(browser.sessionCookie, before, 'the session id changes at login')
      assert.equal((await browser.get('/staff')).status, 200)
    })

    test('SPEC 7 throttle: after 5 wrong passwords for one staff account, even the right one answers 429 "Too many attempts, try again later"', async () => {
      const store = app.services.store
      await addStaff(store, 'throttled-user', 'right-password-1')
      const browser = new WebClient(app.url)
      let page = await browser.get('/staff/login')
      for (let attempt = 0; attempt < 5; attempt++) {
        page = await browser.post('/staff/login', { username: 'throttled-user', password: `wrong-${attempt}` }, page)
        assert.equal(page.status, 401)
      }
      const blocked = await browser.post('/staff/login', { username: 'throttled-user', password: 'right-password-1' }, page)
      assert.equal(blocked.status, 429)
      assert.match(visibleText(blocked.text), /Too many attempts, try again later/)
    })

    test('SPEC 6 roles: without a session /staff redirects to the staff login; a patron session gets 403; a staff session is not a patron', async () => {
      const anonymous = new WebClient(app.url)
      const redirected = await anonymous.get('/staff')
      assert.equal(redirected.status, 303)
      assert.equal(redirected.location, '/staff/login')

      const patron = await addPatron(app.services.store, { pin: '2468' })
      const patronBrowser = new WebClient(app.url)
      assert.equal((await patronBrowser.patronLogIn(patron.barcode, '2468')).status, 303)
      for (const path of ['/staff', `/staff/patrons/${patron.id}`, '/staff/config']) {
        const refused = await patronBrowser.get(path)
        assert.equal(refused.status, 403, path)
        assert.match(visibleText(refused.text), /for library staff/)
      }

      const staff = await loggedInStaff(app)
      const top = await staff.get(`/patroninfo/${patron.id}/top`)
      assert.notEqual(top.status, 200, 'a staff session does not open a patron page')
    })

    test('SPEC 7 CSRF: a staff form posted without its token answers 403 and changes nothing', async () => {
      const patron = await addPatron(app.services.store, { mobile: '(201) 555-0300' })
      const staff = await loggedInStaff(app)
      const refused = await staff.post(`/staff/patrons/${patron.id}/delete-mobile`, { confirm: 'yes', _csrf: 'forged' })
      assert.equal(refused.status, 403)
      assert.equal((await app.services.store.repos.patrons.findById(patron.id))?.mobile, '(201) 555-0300')
    })
  })

  describe('search', () => {
    test('SPEC 6 search: +1 (201) 555-0123 finds the patron whose MOBILE PH holds 2015550123, and 201.555.0124 finds "+1 201 555 0124"', async () => {
      const store = app.services.store
      await addPatron(store, { name: 'Mobile Plain', mobile: '2015550123' })
      await addPatron(store, { name: 'Mobile International', mobile: '+1 201 555 0124' })
      const staff = await loggedInStaff(app)

      const first = await staff.get(`/staff?q=${encodeURIComponent('+1 (201) 555-0123')}`)
      assert.equal(first.status, 200)
      assert.match(visibleText(first.text), /Patrons 1 to 1 of 1 matching "\+1 \(201\) 555-0123"/)
      assert.match(visibleText(first.text), /Mobile Plain/)

      const second = visibleText((await staff.get(`/staff?q=${encodeURIComponent('201.555.0124')}`)).text)
      assert.match(second, /Mobile International/)
      assert.doesNotMatch(second, /Mobile Plain/)
    })

    test('SPEC 6 search: by registered number, by barcode prefix and by part of the name without regard to case', async () => {
      const store = app.services.store
      const registered = await optedIn(store, { name: 'Registered Reader', mobile: '201 555 0411', e164: '+12015550411' })
      const staff = await loggedInStaff(app)
      assert.match(visibleText((await staff.get('/staff?q=%2B12015550411')).text), /Registered Reader/)
      assert.match(visibleText((await staff.get(`/staff?q=${registered.barcode.slice(0, 12)}`)).text), /Registered Reader/)
      assert.match(visibleText((await staff.get('/staff?q=red+read')).text), /Registered Reader/)
      const none = visibleText((await staff.get('/staff?q=Nobody+Called+This')).text)
      assert.match(none, /No patrons match "Nobody Called This"/)
    })

    test('SPEC 6 search is paged: 30 matches show as 25 and 5, with next and previous links', async () => {
      const store = app.services.store
      for (let index = 0; index < 30; index++) await addPatron(store, { name: `Pagination Person ${String(index).padStart(2, '0')}` })
      const staff = await loggedInStaff(app)
      const first = await staff.get('/staff?q=pagination')
      assert.equal((first.text.match(/\/staff\/patrons\/\d+"/g) ?? []).length, 25)
      assert.match(visibleText(first.text), /Patrons 1 to 25 of 30/)
      assert.match(first.text, /href="\/staff\?q=pagination&amp;page=2" rel="next"/)
      const second = await staff.get('/staff?q=pagination&page=2')
      assert.equal((second.text.match(/\/staff\/patrons\/\d+"/g) ?? []).length, 5)
      assert.match(visibleText(second.text), /Patrons 26 to 30 of 30/)
      assert.match(second.text, /rel="prev"/)
    })
  })

  describe('patron record and actions', () => {
    test('SPEC 6 record: fields, SMS status text, E.164, consent history with time, channel and who, and messages with their delivery state', async () => {
      const { store, optInForm } = app.services
      const patron = await addPatron(store, { name: 'Record Reader', email: 'record@example.org' })
      await optInForm.submit(
        patron.id,
        { email: 'record@example.org', tele1: '', mobile: '(201) 555-0500', optin: true, confirm: null },
        { ip: '203.0.113.9', userAgent: 'Test Browser' },
      )
      await eventually(async () => (await store.repos.outbox.listForPatron(patron.id))[0]?.state === 'delivered')
      const staff = await loggedInStaff(app)
      const page = await staff.get(`/staff/patrons/${patron.id}`)
      assert.equal(page.status, 200)
      const text = visibleText(page.text)
      assert.match(text, /Barcode \d+/)
      assert.match(text, /Email record@example\.org/)
      assert.match(text, /MOBILE PH \(201\) 555-0500/)
      assert.match(page.text, /data-qa="sms-status">Pending</)
      assert.match(page.text, /data-qa="registered-number">\+12015550500</)
      assert.match(text, /Not Opted In Pending Web patron, IP 203\.0\.113\.9, Test Browser web_opt_in/)
      assert.match(text, /invitation \+1 201 555 0500 .*Reply YES.* delivered 1/)
    })

    test('SPEC 4.8 delete patron: confirmation first; then the record is gone, no SMS is sent, queued messages are cancelled, the patron cannot log in, and the history is kept as a staff event', async () => {
      const { store, simulator } = app.services
      const patron = await optedIn(store, { name: 'Leaving Reader', mobile: '(201) 555-0600', e164: '+12015550600' })
      // Queued for an hour from now, so it is still waiting when the record is deleted.
      const queuedId = await store.repos.outbox.enqueue(
        { patron_id: patron.id, e164: '+12015550600', kind: 'alert', alert_type: 'hold', text: 'Your hold is ready.' },
        new Date(Date.now() + 3_600_000),
      )
      const staff = await loggedInStaff(app)

      const confirm = await staff.get(`/staff/patrons/${patron.id}/delete`)
      assert.equal(confirm.status, 200)
      assert.match(visibleText(confirm.text), /will be deleted.*opted out of SMS without any text being sent/)
      assert.ok(await store.repos.patrons.findById(patron.id), 'nothing changes before Confirm')
      const unconfirmed = await staff.post(`/staff/patrons/${patron.id}/delete`, {}, confirm)
      assert.equal(unconfirmed.status, 303)
      assert.ok(await store.repos.patrons.findById(patron.id), 'a post without confirm=yes changes nothing')

      const done = await staff.post(`/staff/patrons/${patron.id}/delete`, { confirm: 'yes' }, confirm)
      assert.equal(done.status, 303)
      assert.equal(done.location, `/staff/history?barcode=${patron.barcode}`)
      assert.equal(await store.repos.patrons.findById(patron.id), undefined)
      assert.equal((await store.repos.outbox.findById(queuedId))?.state, 'cancelled')
      const events = await store.repos.consent.listForBarcode(patron.barcode)
      assert.deepEqual(
        events.map((event) => [event.channel, event.actor, event.from_status, event.to_status, event.reason]),
        [['staff', DEMO_STAFF.username, 'opted_in', 'not_opted_in', 'record_deleted']],
      )
      const history = visibleText((await staff.get(done.location!)).text)
      assert.match(history, /was deleted and silently opted out of SMS/)
      assert.match(history, /Opted In Not Opted In Staff librarian record_deleted/)

      await app.services.outboxWorker.drain()
      assert.deepEqual(await simulator!.conversation('+12015550600'), [], 'no SMS to the number')
      const login = await new WebClient(app.url).patronLogIn(patron.barcode, patron.pin)
      assert.equal(login.status, 401, 'the deleted patron cannot log in')
    })

    test('SPEC 4.8 delete MOBILE PH: an opted-in patron is opted out silently, the field is empty, and the staff event is recorded', async () => {
      const { store, simulator } = app.services
      const patron = await optedIn(store, { mobile: '(201) 555-0700', e164: '+12015550700' })
      const staff = await loggedInStaff(app)
      const confirm = await staff.get(`/staff/patrons/${patron.id}/delete-mobile`)
      assert.match(visibleText(confirm.text), /The mobile number \(201\) 555-0700 will be removed/)
      const done = await staff.post(`/staff/patrons/${patron.id}/delete-mobile`, { confirm: 'yes' }, confirm)
      assert.equal(done.status, 303)
      const record = await staff.get(done.location!)
      assert.match(visibleText(record.text), /The MOBILE PH field was deleted/)
      assert.match(record.text, /data-qa="sms-status">Not Opted In</)
      assert.equal((await store.repos.patrons.findById(patron.id))?.mobile, '')
      const [event] = await store.repos.consent.listForPatron(patron.id)
      assert.deepEqual(
        [event?.channel, event?.actor, event?.to_status, event?.reason],
        ['staff', DEMO_STAFF.username, 'not_opted_in', 'mobile_removed'],
      )
      await app.services.outboxWorker.drain()
      assert.deepEqual(await simulator!.conversation('+12015550700'), [])
    })

    test('SPEC 6 staff opt-out by number is not offered to a US library: the page explains, and a post answers 403', async () => {
      const staff = await loggedInStaff(app)
      const page = await staff.get('/staff/optout')
      assert.match(visibleText(page.text), /for libraries outside the US/)
      const refused = await staff.post('/staff/optout', { number: '+12015550123', confirm: 'yes' }, page)
      assert.equal(refused.status, 403)
    })
  })

  describe('configuration files', () => {
    test('SPEC 2 and 6: both files are shown with their validation state; errors on disk are listed with their line numbers', async () => {
      const staff = await loggedInStaff(app)
      const valid = visibleText((await staff.get('/staff/config')).text)
      assert.match(valid, /messages\.conf .* Valid Valid; in force since/)
      assert.match(valid, /webpub\.def .* Valid Valid; in force since/)

      const path = join(app.dir, 'webpub.def')
      const good = readFileSync(path, 'utf8')
      try {
        writeFileSync(path, 'SMS_LIBRARY_NAME=Broken Branch\nthis line is wrong\n')
        app.services.config.reloadNow()
        const broken = visibleText((await staff.get('/staff/config')).text)
        assert.match(
          broken,
          /webpub\.def .* Has errors 1 error: not applied\. The last good version .* stays in force\. Errors Line 2: expected KEY=VALUE/,
        )
      } finally {
        writeFileSync(path, good)
        app.services.config.reloadNow()
      }
    })

    test('SPEC 2 and 6: a broken edit is refused with its line-numbered errors and the file is left byte for byte as it was', async () => {
      const path = join(app.dir, 'messages.conf')
      writeFileSync(path, '# test messages\nSMS_STATUS_OPTED_IN=Opted In\n')
      app.services.config.reloadNow()
      const before = readFileSync(path)
      const staff = await loggedInStaff(app)
      const editor = await staff.get('/staff/config/messages.conf')
      const version = /name="version" value="([^"]+)"/.exec(editor.text)?.[1] ?? ''
      const refused = await staff.post(
        '/staff/config/messages.conf',
        {
          version,
          text: '# test messages\r\nSMS_STATUS_OPTED_IN=Signed up\r\nnot a key value line\r\nSMS_TEXT_HELP=Help for {nobody}\r\n',
        },
        editor,
      )
      assert.equal(refused.status, 422)
      const text = visibleText(refused.text)
      assert.match(text, /Not saved: messages\.conf on the server is unchanged/)
      assert.match(text, /Line 3: expected KEY=VALUE/)
      assert.match(text, /Line 4: .*\{nobody\}/)
      assert.match(refused.text, /Signed up/, 'the submitted text stays in the editor')
      assert.deepEqual(readFileSync(path), before)
      assert.equal(app.services.config.current().messages.SMS_STATUS_OPTED_IN, 'Opted In')
    })

    test("SPEC 2 and 6: a valid edit is written atomically, keeps the file's LF line ends, and is in force for the next request", async () => {
      const path = join(app.dir, 'messages.conf')
      writeFileSync(path, '# test messages\nSMS_STATUS_OPTED_IN=Opted In\n')
      app.services.config.reloadNow()
      const staff = await loggedInStaff(app)
      const editor = await staff.get('/staff/config/messages.conf')
      assert.match(editor.text, /<textarea[^>]*>\n# test messages\nSMS_STATUS_OPTED_IN=Opted In\n<\/textarea>/)
      const version = /name="version" value="([^"]+)"/.exec(editor.text)?.[1] ?? ''
      const saved = await staff.post(
        '/staff/config/messages.conf',
        { version, text: '# test messages\r\nSMS_STATUS_OPTED_IN=Signed up for texts\r\n' },
        editor,
      )
      assert.equal(saved.status, 303)
      assert.equal(saved.location, '/staff/config')
      assert.equal(readFileSync(path, 'utf8'), '# test messages\nSMS_STATUS_OPTED_IN=Signed up for texts\n')
      assert.equal(app.services.config.current().messages.SMS_STATUS_OPTED_IN, 'Signed up for texts')
      assert.match(visibleText((await staff.get('/staff/config')).text), /messages\.conf was saved and is in force now/)

      const stale = await staff.post('/staff/config/messages.conf', {
        version,
        text: 'SMS_STATUS_OPTED_IN=Overwritten\n',
        _csrf: csrfToken(editor.text),
      })
      assert.equal(stale.status, 409, 'an edit of an older version is refused')
      assert.match(visibleText(stale.text), /changed by someone else/)
      assert.equal(readFileSync(path, 'utf8'), '# test messages\nSMS_STATUS_OPTED_IN=Signed up for texts\n')
      app.services.config.reloadNow()
    })
  })
})

describe('staff opt-out by number outside the US (SPEC 6)', () => {
  let app: TestApp
  before(async () => {
    app = await startTestApp({ webOptions: 'SMS_COUNTRY=GB\n' })
    await addStaff(app.services.store)
  })
  after(async () => {
    await app.close()
  })

  test('SPEC 6 staff opt-out: looking up a number lists who holds it; after Confirm the patron is opted out with one opt-out text and a staff event', async () => {
    const { store } = app.services
    const patron = await optedIn(store, { name: 'British Borrower', mobile: '07400 123456', e164: '+447400123456' })
    const staff = await loggedInStaff(app)
    const form = await staff.get('/staff/optout')
    assert.match(visibleText(form.text), /Look up a mobile number/)

    const invalid = await staff.get('/staff/optout?number=12345')
    assert.equal(invalid.status, 422)
    assert.match(visibleText(invalid.text), /10 to 15 digits/)

    const confirm = await staff.get(`/staff/optout?number=${encodeURIComponent('+44 7400 123456')}`)
    assert.match(visibleText(confirm.text), /Opt out \+44 7400 123456\?.*British Borrower \(\d+\): Opted In/)
    assert.equal((await store.repos.registrations.findByPatron(patron.id))?.status, 'opted_in', 'nothing changes before Confirm')

    const done = await staff.post('/staff/optout', { number: '+447400123456', confirm: 'yes' }, confirm)
    assert.equal(done.status, 303)
    assert.match(visibleText((await staff.get('/staff/optout')).text), /\+44 7400 123456: 1 registration opted out/)
    const events = await store.repos.consent.listForPatron(patron.id)
    const event = events.find((candidate) => candidate.reason === 'staff_opt_out')
    assert.deepEqual(
      [event?.channel, event?.actor, event?.from_status, event?.to_status],
      ['staff', DEMO_STAFF.username, 'opted_in', 'pending_optout'],
    )
    const texts = await eventually(async () => {
      const outbound = (await app.services.simulator!.conversation('+447400123456')).filter((message) => message.direction === 'outbound')
      return outbound.length > 0 ? outbound : undefined
    })
    assert.equal(texts.length, 1)
    assert.match(texts[0]!.text, /unsubscribed/)
    const status = await eventually(async () => {
      const current = (await store.repos.registrations.findByPatron(patron.id))?.status
      return current === 'not_opted_in' ? current : undefined
    })
    assert.equal(status, 'not_opted_in')
  })
})
