import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DEFAULT_MESSAGES as M } from '../../src/config/messages.js'
import { DEFAULT_WEB_OPTIONS } from '../../src/config/webOptions.js'
import type { Patron } from '../../src/store/schema.js'
import { CookieJarClient, errorMessages, textOf } from '../support/cookieJar.js'
import { ADA, ALAN, GRACE, type PortalApp, startPortalApp } from '../support/portalApp.js'
import { eventually } from '../support/testApp.js'

const modpinfo = (id: number) => `/patroninfo/${id}/modpinfo`

async function loggedIn(app: PortalApp, patron: { barcode: string; pin: string }): Promise<{ client: CookieJarClient; id: number }> {
  const client = new CookieJarClient(app.url)
  const login = await client.logIn(patron.barcode, patron.pin)
  assert.equal(login.status, 303)
  const id = await app.idOf(patron)
  await client.get(modpinfo(id))
  return { client, id }
}

/** Everything a modpinfo submit could change, to show that a refused one changed none of it. */
async function snapshot(
  app: PortalApp,
  id: number,
): Promise<{ patron: Omit<Patron, 'updated_at'> | undefined; registration: unknown; events: number; outbox: number }> {
  const { repos } = app.services.store
  const row = await repos.patrons.findById(id)
  const { updated_at: _at, ...patron } = row ?? ({} as Patron)
  return {
    patron: row ? patron : undefined,
    registration: await repos.registrations.findByPatron(id),
    events: (await repos.consent.listForPatron(id)).length,
    outbox: await repos.outbox.depth(),
  }
}

describe('modpinfo (SPEC 3, SPEC 4)', () => {
  let app: PortalApp
  before(async () => {
    app = await startPortalApp()
  })
  after(async () => {
    await app.close()
  })

  test('SPEC 3 the form offers email, tele1, mobile, the Opt In box (value on) beside SMS_TERMS, a CSRF token, an empty confirm field and the status in data-qa="sms-status"', async () => {
    const { client, id } = await loggedIn(app, GRACE)
    const page = await client.get(modpinfo(id))
    assert.equal(page.status, 200)
    for (const name of ['email', 'tele1', 'mobile']) assert.match(page.html, new RegExp(`<input[^>]+name="${name}"`))
    assert.match(page.html, /<input[^>]+type="checkbox" id="optin" name="optin" value="on" checked aria-describedby="sms-terms">/)
    assert.match(page.html, /<input type="hidden" name="_csrf" value="[^"]+">/)
    assert.match(page.html, /<input type="hidden" name="confirm" id="confirm" value="">/)
    assert.match(page.html, /<p class="terms" id="sms-terms">By checking Opt In you agree/)
    assert.match(page.html, /data-qa="sms-status">Opted In</)
    assert.match(page.html, /data-optout-warn="Are you sure you want to stop receiving SMS alerts\?"/)
    assert.match(textOf(page.html), /Your SMS consent history .* Opted in to SMS alerts to \+1 201 555 0142 \(demo data\)/)
  })

  test('SPEC 3 a saved form redirects (303) and the next page says "Patron information updated" once', async () => {
    const { client, id } = await loggedIn(app, ALAN)
    const saved = await client.post(modpinfo(id), { email: 'alan@example.net', tele1: '555 0100', mobile: '' })
    assert.equal(saved.status, 303)
    assert.equal(saved.location, modpinfo(id))
    const page = await client.get(modpinfo(id))
    assert.match(textOf(page.html), /Patron information updated/)
    assert.match(page.html, /<title>Updated: Modify Personal Information – Demo Public Library<\/title>/)
    assert.match(page.html, /value="alan@example.net"/)
    assert.doesNotMatch(textOf((await client.get(modpinfo(id))).html), /Patron information updated/)
  })

  test('SPEC 7 a submit without a CSRF token, or with a wrong one, answers 403 and changes nothing', async () => {
    const { client, id } = await loggedIn(app, GRACE)
    const before = await snapshot(app, id)
    const form = { email: 'evil@example.org', tele1: '', mobile: '(201) 555-0199', optin: 'on', confirm: 'phone' }
    const missing = await client.post(modpinfo(id), { ...form, _csrf: undefined })
    assert.equal(missing.status, 403)
    assert.match(textOf(missing.html), /This form has expired or did not come from this site/)
    const wrong = await client.post(modpinfo(id), { ...form, _csrf: 'x'.repeat(43) })
    assert.equal(wrong.status, 403)
    assert.deepEqual(await snapshot(app, id), before)
  })

  test("SPEC 3 another patron's id answers 403 for top, modpinfo and a modpinfo submit, and changes nothing", async () => {
    const { client } = await loggedIn(app, ADA)
    const graceId = await app.idOf(GRACE)
    const before = await snapshot(app, graceId)
    for (const path of [`/patroninfo/${graceId}/top`, modpinfo(graceId)]) {
      const page = await client.get(path)
      assert.equal(page.status, 403)
      assert.doesNotMatch(page.html, /Grace|Hopper/)
    }
    const post = await client.post(modpinfo(graceId), { email: 'x@example.org', tele1: '', mobile: '' })
    assert.equal(post.status, 403)
    assert.deepEqual(await snapshot(app, graceId), before)
  })

  test('SPEC 7 an oversized form answers 413 and changes nothing', async () => {
    const { client, id } = await loggedIn(app, GRACE)
    const before = await snapshot(app, id)
    const page = await client.postRaw(modpinfo(id), new URLSearchParams({ email: 'a'.repeat(20_000), tele1: '', mobile: '' }).toString())
    assert.equal(page.status, 413)
    assert.match(textOf(page.html), /The request is too large/)
    assert.deepEqual(await snapshot(app, id), before)
  })

  const invalid: [string, Record<string, string>, { field: string; message: string }][] = [
    ['9 digits', { mobile: '201555012', optin: 'on' }, { field: 'mobile', message: M.SMS_ERR_NUMBER_LENGTH }],
    ['16 digits', { mobile: '2015550123456789', optin: 'on' }, { field: 'mobile', message: M.SMS_ERR_NUMBER_LENGTH }],
    [
      '10 digits only after punctuation is counted out',
      { mobile: '(201) 555-012', optin: 'on' },
      { field: 'mobile', message: M.SMS_ERR_NUMBER_LENGTH },
    ],
    ['an area code that does not exist', { mobile: '123-456-7890', optin: 'on' }, { field: 'mobile', message: M.SMS_ERR_NUMBER_INVALID }],
    ['a letter among 10 digits', { mobile: '201-555-0123 x', optin: 'on' }, { field: 'mobile', message: M.SMS_ERR_NUMBER_INVALID }],
    [
      'a UK number without + and the country code',
      { mobile: '07400 123456', optin: 'on' },
      { field: 'mobile', message: M.SMS_ERR_NUMBER_INVALID },
    ],
    ['Opt In with no number', { mobile: '', optin: 'on' }, { field: 'mobile', message: M.SMS_ERR_NUMBER_LENGTH }],
    ['a bad number without Opt In', { mobile: '555-0123' }, { field: 'mobile', message: M.SMS_ERR_NUMBER_LENGTH }],
    [
      'a malformed email',
      { email: 'ada@', mobile: '(201) 555-0123', optin: 'on' },
      { field: 'email', message: 'Enter an email address in the form name@example.org.' },
    ],
  ]
  for (const [what, fields, expected] of invalid) {
    test(`SPEC 4.1 ${what}: 422 with the message in the error summary (linked to #${expected.field}) and beside the field; nothing is saved or sent`, async () => {
      const { client, id } = await loggedIn(app, ADA)
      const before = await snapshot(app, id)
      const page = await client.post(modpinfo(id), { email: ADA.email, tele1: '', ...fields })
      assert.equal(page.status, 422)
      assert.deepEqual(errorMessages(page.html), [expected.message])
      assert.match(page.html, new RegExp(`<h2 class="errormessage"><a href="#${expected.field}">`))
      assert.match(page.html, new RegExp(`<p class="field__error" id="${expected.field}-error">`))
      assert.match(
        page.html,
        new RegExp(`id="${expected.field}"[^>]*aria-describedby="[^"]*${expected.field}-error"[^>]*aria-invalid="true"`),
      )
      assert.match(page.html, /<title>Error: Modify Personal Information/)
      assert.match(page.html, new RegExp(`value="${(fields.mobile ?? '').replace(/[()]/g, '\\$&')}"`), 'what the patron typed is kept')
      assert.deepEqual(await snapshot(app, id), before)
    })
  }

  test('SPEC 4.2 a number another patron holds, typed differently, shows SMS_ERR_NUMBER_TAKEN and never names that patron', async () => {
    const { client, id } = await loggedIn(app, ALAN)
    const before = await snapshot(app, id)
    const page = await client.post(modpinfo(id), { email: ALAN.email, tele1: '', mobile: '+1 201.555.0142', optin: 'on' })
    assert.equal(page.status, 422)
    assert.deepEqual(errorMessages(page.html), [M.SMS_ERR_NUMBER_TAKEN])
    for (const secret of ['Grace', 'Hopper', GRACE.barcode, GRACE.email]) assert.doesNotMatch(page.html, new RegExp(secret))
    assert.deepEqual(await snapshot(app, id), before)
  })

  test('SPEC 3 without JavaScript an opt-out answers with a confirmation page (SMS_OPTOUT_WARN, Confirm, Cancel) and applies only after confirm=optout', async () => {
    const { client, id } = await loggedIn(app, GRACE)
    const before = await snapshot(app, id)
    const ask = await client.post(modpinfo(id), { email: GRACE.email, tele1: '', mobile: GRACE.mobile })
    assert.equal(ask.status, 200)
    assert.match(ask.html, /<title>Confirm: stop SMS alerts – Demo Public Library<\/title>/)
    assert.match(textOf(ask.html), new RegExp(DEFAULT_WEB_OPTIONS.optOutWarn.replace('?', '\\?')))
    assert.match(ask.html, /<input type="hidden" name="confirm" value="optout">/)
    assert.match(ask.html, /<input type="hidden" name="mobile" value="\(201\) 555-0142">/)
    assert.doesNotMatch(ask.html, /name="optin"/, 'the unchecked box stays unchecked on Confirm')
    assert.match(ask.html, />Confirm<\/button>/)
    assert.match(ask.html, new RegExp(`<form method="get" action="${modpinfo(id)}">\\s*<button[^>]*>Cancel</button>`))
    assert.deepEqual(await snapshot(app, id), before, 'nothing changes before Confirm')

    const confirmed = await client.post(modpinfo(id), { email: GRACE.email, tele1: '', mobile: GRACE.mobile, confirm: 'optout' })
    assert.equal(confirmed.status, 303)
    const status = (await app.services.store.repos.registrations.findByPatron(id))?.status
    assert.ok(status === 'pending_optout' || status === 'not_opted_in', `status is ${status}`)
    await eventually(async () => (await app.services.store.repos.registrations.findByPatron(id))?.status === 'not_opted_in')
    assert.equal((await app.services.store.repos.patrons.findById(id))?.mobile, GRACE.mobile, 'the number stays in the record')
  })

  test('SPEC 4.7 without JavaScript a number change answers with SMS_PHONE_WARN and, after confirm=phone, invites the new number', async () => {
    const local = await startPortalApp()
    try {
      const { client, id } = await loggedIn(local, GRACE)
      const form = { email: GRACE.email, tele1: '', mobile: '201-555-0199', optin: 'on' }
      const ask = await client.post(modpinfo(id), form)
      assert.equal(ask.status, 200)
      assert.match(textOf(ask.html), new RegExp(DEFAULT_WEB_OPTIONS.phoneWarn))
      assert.match(ask.html, /<input type="hidden" name="confirm" value="phone">/)
      assert.equal((await local.services.store.repos.registrations.findByPatron(id))?.e164, '+12015550142')

      assert.equal((await client.post(modpinfo(id), { ...form, confirm: 'phone' })).status, 303)
      const registration = await local.services.store.repos.registrations.findByPatron(id)
      assert.equal(registration?.status, 'pending_optin')
      assert.equal(registration?.e164, '+12015550199')
      await eventually(async () => (await local.services.simulator?.conversation('+12015550199'))?.length === 1)
      assert.deepEqual(await local.services.simulator?.conversation('+12015550142'), [])
    } finally {
      await local.close()
    }
  })
})

describe('modpinfo under concurrency and configuration (SPEC 4.2, SPEC 2)', () => {
  test('SPEC 4.2 two patrons submitting the same number at the same moment: exactly one wins, the other gets SMS_ERR_NUMBER_TAKEN', async () => {
    const app = await startPortalApp()
    try {
      const ada = await loggedIn(app, ADA)
      const alan = await loggedIn(app, ALAN)
      const [a, b] = await Promise.all([
        ada.client.post(modpinfo(ada.id), { email: '', tele1: '', mobile: '(201) 555-0188', optin: 'on' }),
        alan.client.post(modpinfo(alan.id), { email: '', tele1: '', mobile: '+1 201 555 0188', optin: 'on' }),
      ])
      assert.deepEqual([a.status, b.status].sort(), [303, 422])
      const loser = a.status === 422 ? a : b
      assert.deepEqual(errorMessages(loser.html), [M.SMS_ERR_NUMBER_TAKEN])
      const holders = await app.services.store.repos.registrations.findAllByNumber('+12015550188')
      assert.deepEqual(
        holders.map((registration) => registration.status),
        ['pending_optin'],
      )
      await eventually(async () => (await app.services.simulator?.conversation('+12015550188'))?.length === 1)
    } finally {
      await app.close()
    }
  })

  test('SPEC 2 PATRON_NOTICES without m: no mobile field or Opt In box, and a posted mobile number is ignored', async () => {
    const app = await startPortalApp({ webOptions: 'PATRON_NOTICES=zp\n' })
    try {
      const { client, id } = await loggedIn(app, ADA)
      const page = await client.get(modpinfo(id))
      assert.doesNotMatch(page.html, /name="mobile"/)
      assert.doesNotMatch(page.html, /name="optin"/)
      assert.match(page.html, /data-qa="sms-status">Not Opted In</)
      const saved = await client.post(modpinfo(id), { email: 'ada@example.net', tele1: '', mobile: '(201) 555-0123', optin: 'on' })
      assert.equal(saved.status, 303)
      const patron = await app.services.store.repos.patrons.findById(id)
      assert.equal(patron?.email, 'ada@example.net')
      assert.equal(patron?.mobile, '')
      assert.equal(await app.services.store.repos.registrations.findByPatron(id), undefined)
    } finally {
      await app.close()
    }
  })

  test('SPEC 2 the status text follows an edit of messages.conf without a restart', async () => {
    const app = await startPortalApp()
    try {
      const { client, id } = await loggedIn(app, GRACE)
      app.writeConfig('messagesConf', 'SMS_STATUS_OPTED_IN=Texting you\n')
      assert.match((await client.get(modpinfo(id))).html, /data-qa="sms-status">Texting you</)
      assert.match((await client.get(`/patroninfo/${id}/top`)).html, /data-qa="sms-status">Texting you</)
    } finally {
      await app.close()
    }
  })

  test('SPEC 4.3 an invitation older than SMS_OPTIN_EXPIRY_HOURS shows Rejected on the next page view, before the periodic job runs', async () => {
    let now = new Date('2026-03-02T15:00:00Z')
    const app = await startPortalApp({ clock: () => now, webOptions: 'SMS_OPTIN_EXPIRY_HOURS=2\n', housekeepingMs: 3_600_000 })
    try {
      const { client, id } = await loggedIn(app, ADA)
      await client.post(modpinfo(id), { email: '', tele1: '', mobile: '(201) 555-0123', optin: 'on' })
      assert.match((await client.get(modpinfo(id))).html, /data-qa="sms-status">Pending</)
      now = new Date(now.getTime() + 2 * 3_600_000 + 1_000)
      const page = await client.get(modpinfo(id))
      assert.match(page.html, /data-qa="sms-status">Rejected</)
      assert.match(textOf(page.html), /The invitation to \+1 201 555 0123 was not answered in time\. Status: Rejected Automatically/)
    } finally {
      await app.close()
    }
  })
})
