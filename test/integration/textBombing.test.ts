import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DEFAULT_MESSAGES as M } from '../../src/config/messages.js'
import { CookieJarClient, errorMessages, type HttpPage, textOf } from '../support/cookieJar.js'
import { addPatron } from '../support/patrons.js'
import { eventually, startTestApp, type TestApp } from '../support/testApp.js'

// Issue 10, finding 3: a logged-in patron could make the library text any number without end,
// by opting in and out again and again, or by changing the number each time.

interface SimulatedSms {
  direction: 'outbound' | 'inbound'
  text: string
}

/** What the phone shows: the library's texts to it, over real HTTP. */
async function textsTo(app: TestApp, e164: string): Promise<SimulatedSms[]> {
  const response = await fetch(`${app.url}/simulator/messages?to=${encodeURIComponent(e164)}`)
  assert.equal(response.status, 200)
  return ((await response.json()) as SimulatedSms[]).filter((message) => message.direction === 'outbound')
}

async function invitationsTo(app: TestApp, e164: string): Promise<number> {
  return (await textsTo(app, e164)).filter((message) => /Reply YES to confirm/.test(message.text)).length
}

/** A patron logged in over HTTP, on their modpinfo page. */
async function loggedInPatron(app: TestApp, email: string): Promise<{ client: CookieJarClient; id: number; path: string }> {
  const patron = await addPatron(app.services.store, { email })
  const client = new CookieJarClient(app.url)
  assert.equal((await client.logIn(patron.barcode, patron.pin)).status, 303)
  const path = `/patroninfo/${patron.id}/modpinfo`
  await client.get(path)
  return { client, id: patron.id, path }
}

function assertRefusedForTooManyAttempts(page: HttpPage): void {
  assert.equal(page.status, 422)
  assert.deepEqual(errorMessages(page.html), [M.SMS_ERR_TOO_MANY_ATTEMPTS], 'in the error summary')
  assert.match(page.html, /<h2 class="errormessage"><a href="#mobile">/)
  const besideField = /<p class="field__error" id="mobile-error">([\s\S]*?)<\/p>/.exec(page.html)?.[1] ?? ''
  assert.equal(textOf(besideField), `Error: ${M.SMS_ERR_TOO_MANY_ATTEMPTS}`, 'beside the mobile field')
}

describe('finding 3: text-bombing a number through the modpinfo form (SPEC 4, SPEC 7)', () => {
  let app: TestApp
  before(async () => {
    app = await startTestApp()
  })
  after(async () => {
    await app.close()
  })

  test('six opt-in/opt-out cycles to one number: the phone gets 3 invitations, and the 4th opt-in shows SMS_ERR_TOO_MANY_ATTEMPTS and sends nothing', async () => {
    const victim = '+12015550160'
    const { client, id, path } = await loggedInPatron(app, 'cycler@example.org')
    const outcomes: number[] = []
    let refused: HttpPage | null = null
    for (let cycle = 1; cycle <= 6; cycle += 1) {
      const optIn = await client.post(path, { email: 'cycler@example.org', tele1: '', mobile: victim, optin: 'on' })
      outcomes.push(optIn.status)
      if (optIn.status === 303) {
        // The invitation reaches the phone before the opt-out could withdraw it: each one costs.
        await eventually(async () => (await invitationsTo(app, victim)) === cycle)
      } else {
        refused ??= optIn
      }
      await client.get(path)
      assert.equal((await client.post(path, { email: 'cycler@example.org', tele1: '', mobile: victim, confirm: 'optout' })).status, 303)
      await client.get(path)
    }

    assert.deepEqual(outcomes, [303, 303, 303, 422, 422, 422])
    assert.ok(refused)
    assertRefusedForTooManyAttempts(refused)
    await app.services.outboxWorker.drain()
    assert.equal(await invitationsTo(app, victim), 3)
    assert.equal((await app.services.patronSmsView.read(id)).status, 'not_opted_in')
  })

  test('eight different numbers in a row by one patron: 5 are texted; the 6th submit is refused and changes nothing (status, number, email)', async () => {
    const numbers = Array.from({ length: 8 }, (_, i) => `+1201555017${i}`)
    const { client, id, path } = await loggedInPatron(app, 'hopper@example.org')
    const outcomes: number[] = []
    for (const [index, number] of numbers.entries()) {
      const before = index === 5 ? await app.services.patronSmsView.read(id) : null
      // The phone change is confirmed up front (the no-JavaScript page's Confirm).
      const form = { email: `changed-${index}@example.org`, tele1: '', mobile: number, optin: 'on', confirm: index === 0 ? '' : 'phone' }
      const page = await client.post(path, form)
      outcomes.push(page.status)
      if (page.status === 303) await eventually(async () => (await invitationsTo(app, number)) === 1)
      else if (before) {
        assertRefusedForTooManyAttempts(page)
        const after = await app.services.patronSmsView.read(id)
        assert.equal(after.status, 'pending_optin')
        assert.equal(after.registeredNumber, numbers[4])
        assert.equal(after.patron.mobile, numbers[4])
        assert.equal(after.patron.email, 'changed-4@example.org', 'the email of the refused submit is not saved either')
        assert.equal(after.history.length, before.history.length, 'no consent event')
      }
      await client.get(path)
    }

    assert.deepEqual(outcomes, [303, 303, 303, 303, 303, 422, 422, 422])
    await app.services.outboxWorker.drain()
    const texted = []
    for (const number of numbers) texted.push(await invitationsTo(app, number))
    assert.deepEqual(texted, [1, 1, 1, 1, 1, 0, 0, 0])
  })

  test('eight submits with eight numbers sent at the same moment: exactly 5 are accepted and queue an invitation, 3 are refused', async () => {
    const numbers = Array.from({ length: 8 }, (_, i) => `+1201555018${i}`)
    const { client, id, path } = await loggedInPatron(app, 'burst@example.org')
    const submit = (number: string) => client.post(path, { email: '', tele1: '', mobile: number, optin: 'on', confirm: 'phone' })
    const pages = await Promise.all(numbers.map(submit))

    assert.deepEqual(pages.map((page) => page.status).sort(), [303, 303, 303, 303, 303, 422, 422, 422])
    for (const page of pages.filter((candidate) => candidate.status === 422)) assertRefusedForTooManyAttempts(page)
    const invitations = (await app.services.store.repos.outbox.listForPatron(id)).filter((row) => row.kind === 'invitation')
    assert.equal(invitations.length, 5)
  })

  test('the per-number limit counts every patron: a second patron cannot send a 4th invitation to a number the first one used 3 times', async () => {
    const victim = '+12015550190'
    const first = await loggedInPatron(app, 'first@example.org')
    for (let cycle = 1; cycle <= 3; cycle += 1) {
      assert.equal((await first.client.post(first.path, { email: '', tele1: '', mobile: victim, optin: 'on' })).status, 303)
      await eventually(async () => (await invitationsTo(app, victim)) === cycle)
      await first.client.get(first.path)
      assert.equal((await first.client.post(first.path, { email: '', tele1: '', mobile: victim, confirm: 'optout' })).status, 303)
      await first.client.get(first.path)
    }
    const second = await loggedInPatron(app, 'second@example.org')
    assertRefusedForTooManyAttempts(await second.client.post(second.path, { email: '', tele1: '', mobile: victim, optin: 'on' }))
    await app.services.outboxWorker.drain()
    assert.equal(await invitationsTo(app, victim), 3)
  })

  test('decision: START texted from the phone itself is never refused, even over the limit: it opts in and the confirmation is sent', async () => {
    const victim = '+12015550195'
    const { client, id, path } = await loggedInPatron(app, 'owner@example.org')
    for (let cycle = 1; cycle <= 3; cycle += 1) {
      assert.equal((await client.post(path, { email: '', tele1: '', mobile: victim, optin: 'on' })).status, 303)
      await eventually(async () => (await invitationsTo(app, victim)) === cycle)
      await client.get(path)
      assert.equal((await client.post(path, { email: '', tele1: '', mobile: victim, confirm: 'optout' })).status, 303)
      await client.get(path)
    }
    const inbound = await fetch(`${app.url}/webhooks/sms/inbound?msisdn=${victim.slice(1)}&to=82453&messageId=bombing-start-1&text=START`)
    assert.equal(inbound.status, 200)

    assert.equal((await app.services.patronSmsView.read(id)).status, 'opted_in')
    await eventually(async () => (await textsTo(app, victim)).some((message) => /You are signed up/.test(message.text)))
  })
})
