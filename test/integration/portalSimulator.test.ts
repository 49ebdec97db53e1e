import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { SmsGateway } from '../../src/sms/gateway.js'
import { CookieJarClient, textOf } from '../support/cookieJar.js'
import { ADA, GRACE, type PortalApp, startPortalApp } from '../support/portalApp.js'
import { eventually, startTestApp } from '../support/testApp.js'

const ADA_MOBILE = '+12015550123'

async function optInAda(app: PortalApp): Promise<CookieJarClient> {
  const client = new CookieJarClient(app.url)
  await client.logIn(ADA.barcode, ADA.pin)
  const id = await app.idOf(ADA)
  await client.get(`/patroninfo/${id}/modpinfo`)
  assert.equal(
    (await client.post(`/patroninfo/${id}/modpinfo`, { email: '', tele1: '', mobile: '(201) 555-0123', optin: 'on' })).status,
    303,
  )
  await eventually(async () => (await app.services.simulator?.conversation(ADA_MOBILE))?.length === 1)
  return client
}

describe('the SMS simulator (SPEC 5)', () => {
  let app: PortalApp
  before(async () => {
    app = await startPortalApp()
  })
  after(async () => {
    await app.close()
  })

  test('SPEC 5 GET /simulator/messages?to=E164 is the conversation as JSON, oldest first, with exactly direction, from, to, text, messageId and at', async () => {
    await optInAda(app)
    const response = await fetch(`${app.url}/simulator/messages?to=${encodeURIComponent(ADA_MOBILE)}`)
    assert.equal(response.status, 200)
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/)
    const messages = (await response.json()) as Record<string, unknown>[]
    assert.equal(messages.length, 1)
    const [invitation] = messages
    assert.deepEqual(Object.keys(invitation ?? {}), ['direction', 'from', 'to', 'text', 'messageId', 'at'])
    assert.equal(invitation?.direction, 'outbound')
    assert.equal(invitation?.from, '82453')
    assert.equal(invitation?.to, ADA_MOBILE)
    assert.match(String(invitation?.text), /Reply YES to confirm/)
    assert.equal(typeof invitation?.messageId, 'string')
    assert.ok(!Number.isNaN(Date.parse(String(invitation?.at))))

    const unencoded = await fetch(`${app.url}/simulator/messages?to=+12015550123`)
    assert.deepEqual(await unencoded.json(), messages, 'a + left unencoded in the URL still names the number')
    assert.deepEqual(await (await fetch(`${app.url}/simulator/messages?to=%2B12015550999`)).json(), [])
  })

  test('SPEC 5 GET /simulator/messages without a valid `to` answers 400 with a JSON error', async () => {
    for (const query of ['', '?to=', '?to=hello', '?to=%2B0123456789', '?to=%2B1234567890123456']) {
      const response = await fetch(`${app.url}/simulator/messages${query}`)
      assert.equal(response.status, 400, query)
      assert.match(String(((await response.json()) as { error?: unknown }).error), /E\.164/)
    }
  })

  test('SPEC 5 a reply typed on a simulated phone goes through the inbound webhook: YES opts in and the confirmation arrives', async () => {
    const local = await startPortalApp()
    try {
      const client = await optInAda(local)
      const phone = await client.get(`/simulator?to=${encodeURIComponent(ADA_MOBILE)}`)
      assert.equal(phone.status, 200)
      assert.match(textOf(phone.html), /Phone \+1 201 555 0123/)
      const reply = await client.post('/simulator/reply', { to: ADA_MOBILE, text: ' yes ' })
      assert.equal(reply.status, 303)
      assert.equal(reply.location, `/simulator?to=${encodeURIComponent(ADA_MOBILE)}`)

      assert.equal((await local.services.store.repos.registrations.findByPatron(await local.idOf(ADA)))?.status, 'opted_in')
      await eventually(async () => (await local.services.simulator?.conversation(ADA_MOBILE))?.length === 3)
      const [, inbound, confirmation] = (await local.services.simulator?.conversation(ADA_MOBILE)) ?? []
      assert.deepEqual(
        { direction: inbound?.direction, from: inbound?.from, to: inbound?.to, text: inbound?.text },
        { direction: 'inbound', from: ADA_MOBILE, to: '82453', text: 'yes' },
      )
      assert.match(String(inbound?.messageId), /^SIMIN-/)
      assert.match(String(confirmation?.text), /You are signed up for SMS alerts/)
      const history = await local.services.store.repos.consent.listForPatron(await local.idOf(ADA))
      assert.equal(history[0]?.inbound_message_id, inbound?.messageId, 'the consent event names the webhook message')
    } finally {
      await local.close()
    }
  })

  test('SPEC 7 a simulator reply without the CSRF token answers 403 and sends nothing', async () => {
    const client = new CookieJarClient(app.url)
    await client.get('/simulator')
    const before = (await app.services.simulator?.conversation('+12015550177'))?.length
    const reply = await client.post('/simulator/reply', { _csrf: undefined, to: '+12015550177', text: 'STOP' })
    assert.equal(reply.status, 403)
    assert.equal((await app.services.simulator?.conversation('+12015550177'))?.length, before)
  })

  test('SPEC 5 the "open a phone" box takes a number in any format; an empty reply is refused beside its field', async () => {
    const client = new CookieJarClient(app.url)
    const opened = await client.get(`/simulator?to=${encodeURIComponent('(201) 555-0166')}`)
    assert.equal(opened.status, 200)
    assert.match(textOf(opened.html), /Phone \+1 201 555 0166 .*No messages yet/)
    const empty = await client.post('/simulator/reply', { to: '+12015550166', text: '  ' })
    assert.equal(empty.status, 422)
    assert.match(empty.html, /<h2 class="errormessage"><a href="#reply-text">Type a text message to send.<\/a><\/h2>/)
    const bad = await client.get('/simulator?to=call%20me')
    assert.equal(bad.status, 422)
    assert.match(bad.html, /<a href="#open-number">/)
  })

  test('SPEC 5 with another gateway than the simulator, /simulator does not exist', async () => {
    const gateway: SmsGateway = {
      name: 'vonage',
      send: async () => ({ outcome: 'retry', error: 'test' }),
      health: () => ({ ok: true, detail: 'test' }),
    }
    const other = await startTestApp({ gateway })
    try {
      assert.equal((await fetch(`${other.url}/simulator`)).status, 404)
      assert.equal((await fetch(`${other.url}/simulator/messages?to=%2B12015550123`)).status, 404)
      const login = await fetch(`${other.url}/patroninfo`)
      assert.doesNotMatch(await login.text(), /href="\/simulator"/)
    } finally {
      await other.close()
    }
  })
})

describe('status texts in the patron pages', () => {
  test('SPEC 4.4 a pending opt-out is shown with SMS_STATUS_PENDING_OPTOUT, not the opt-in text', async () => {
    // No outbox worker: the opt-out text stays queued, so the status stays pending_optout.
    const app = await startPortalApp({
      background: false,
      messagesConf: 'SMS_STATUS_PENDING_OPTIN=Waiting for YES\nSMS_STATUS_PENDING_OPTOUT=Stopping\n',
    })
    try {
      const client = new CookieJarClient(app.url)
      await client.logIn(GRACE.barcode, GRACE.pin)
      const id = await app.idOf(GRACE)
      await client.get(`/patroninfo/${id}/modpinfo`)
      assert.equal(
        (await client.post(`/patroninfo/${id}/modpinfo`, { email: '', tele1: '', mobile: GRACE.mobile, confirm: 'optout' })).status,
        303,
      )
      const page = await client.get(`/patroninfo/${id}/modpinfo`)
      assert.match(page.html, /data-qa="sms-status">Stopping</)
      assert.match(textOf(page.html), /You asked to stop SMS alerts to \+1 201 555 0142\. Status: Stopping On this website/)
    } finally {
      await app.close()
    }
  })
})
