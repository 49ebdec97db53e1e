import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { after, before, beforeEach, describe, test } from 'node:test'
import type { SmsStatus } from '../../src/domain/optIn.js'
import type { Store } from '../../src/store/store.js'
import { queryDb } from '../support/database.js'
import { addPatron, WEB } from '../support/patrons.js'
import { eventually, startTestApp, type TestApp } from '../support/testApp.js'

// Mid-afternoon in New York (SMS_TIMEZONE default): inside the 08:00-21:00 send window.
const AFTERNOON = new Date('2026-01-15T19:00:00Z')
// 01:00 in New York: outside it; the window opens at 08:00 EST = 13:00 UTC.
const NIGHT = new Date('2026-01-15T06:00:00Z')
const WINDOW_OPENS = '2026-01-15T13:00:00.000Z'

let numberCounter = 100

/** The api_keys row with this hash, read from the database file as an intruder with a copy of it would. */
async function apiKeyRow(store: Store, hash: string): Promise<{ name: string; key_hash: string; last_used_at: string | null } | undefined> {
  const [row] = await queryDb<{ name: string; key_hash: string; last_used_at: string | null }>(
    store.location,
    'SELECT name, key_hash, last_used_at FROM api_keys WHERE key_hash = ?',
    hash,
  )
  return row
}

async function registeredPatron(store: Store, status: SmsStatus = 'opted_in'): Promise<{ id: number; barcode: string; e164: string }> {
  numberCounter += 1
  const national = `201555${String(numberCounter).padStart(4, '0')}`
  const patron = await addPatron(store, { mobile: `(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}` })
  const e164 = `+1${national}`
  const at = new Date().toISOString()
  await store.repos.registrations.save({ patron_id: patron.id, status, e164, terms_hash: null, invited_at: at, status_changed_at: at })
  return { id: patron.id, barcode: patron.barcode, e164 }
}

describe('alerts API (SPEC 5, Alerts)', () => {
  let app: TestApp
  let key: string
  let now = AFTERNOON
  const post = (body: unknown, options: { auth?: string | null; contentType?: string } = {}) =>
    fetch(`${app.url}/api/v1/alerts`, {
      method: 'POST',
      headers: {
        ...(options.auth === null ? {} : { authorization: options.auth ?? `Bearer ${key}` }),
        'content-type': options.contentType ?? 'application/json',
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
  const get = (id: number | string) => fetch(`${app.url}/api/v1/alerts/${id}`, { headers: { authorization: `Bearer ${key}` } })
  const json = async (response: Response) => (await response.json()) as Record<string, unknown>

  before(async () => {
    // The outbox worker is driven by hand (drain) so each test sees each step.
    app = await startTestApp({ clock: () => now, background: false })
    key = (await app.services.apiKeys.create('test-ils')).key
  })
  after(async () => {
    await app.close()
  })
  beforeEach(() => {
    now = AFTERNOON
  })

  test('SPEC 5 key: without a key, with a wrong key or a non-Bearer header, the API answers 401 and queues nothing', async () => {
    const patron = await registeredPatron(app.services.store)
    const body = { barcode: patron.barcode, type: 'hold', text: 'Your hold is ready.' }
    for (const auth of [null, 'Bearer wpk_not-a-real-key', `Basic ${key}`, 'Bearer']) {
      const response = await post(body, { auth })
      assert.equal(response.status, 401, `auth ${auth}`)
      assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/)
      assert.match(String((await json(response)).error), /API key/)
    }
    assert.equal((await fetch(`${app.url}/api/v1/alerts/1`)).status, 401)
    assert.deepEqual(await app.services.store.repos.outbox.listForPatron(patron.id), [])
  })

  test('SPEC 5 queue: an alert for an opted-in patron answers 202 with its id, state, segments and encoding, and the text reaches the phone', async () => {
    const patron = await registeredPatron(app.services.store)
    const response = await post({ barcode: patron.barcode, type: 'hold', text: 'Your hold "Dune" is ready for pickup.' })
    assert.equal(response.status, 202)
    const body = await json(response)
    assert.equal(typeof body.id, 'number')
    assert.equal(body.state, 'queued')
    assert.equal(body.segments, 1)
    assert.equal(body.encoding, 'GSM-7')
    assert.equal(response.headers.get('location'), `/api/v1/alerts/${body.id}`)

    const row = await app.services.store.repos.outbox.findById(body.id as number)
    assert.equal(row?.kind, 'alert')
    assert.equal(row?.alert_type, 'hold')
    assert.equal(row?.e164, patron.e164)

    await app.services.outboxWorker.drain()
    const texts = (await app.services.simulator!.conversation(patron.e164)).map((message) => message.text)
    assert.deepEqual(texts, ['Your hold "Dune" is ready for pickup.'])
    const delivered = await eventually(async () => {
      const state = (await json(await get(body.id as number))).state
      return state === 'delivered' ? state : undefined
    })
    assert.equal(delivered, 'delivered')
  })

  test('SPEC 5 once a day: the same patron, type and text again within 24 hours answers 200 with the first id and sends nothing more; after 24 hours it is queued again', async () => {
    const patron = await registeredPatron(app.services.store)
    const alert = { barcode: patron.barcode, type: 'overdue', text: 'An item is overdue.' }
    const first = await json(await post(alert))
    await app.services.outboxWorker.drain()

    now = new Date(AFTERNOON.getTime() + 23 * 3_600_000)
    const again = await post(alert)
    assert.equal(again.status, 200)
    const repeated = await json(again)
    assert.equal(repeated.id, first.id)
    assert.equal(repeated.duplicate, true)

    // Another type or another text is another alert.
    assert.equal((await post({ ...alert, type: 'courtesy' })).status, 202)
    assert.equal((await post({ ...alert, text: 'Two items are overdue.' })).status, 202)

    now = new Date(AFTERNOON.getTime() + 24 * 3_600_000 + 1_000)
    const nextDay = await post(alert)
    assert.equal(nextDay.status, 202)
    assert.notEqual((await json(nextDay)).id, first.id)
    const overdue = (await app.services.store.repos.outbox.listForPatron(patron.id)).filter(
      (row) => row.text === alert.text && row.alert_type === 'overdue',
    )
    assert.equal(overdue.length, 2)
  })

  test('SPEC 5 refusal: a patron who is not opted in, pending, rejected or opting out gets 409 with the reason, and nothing is queued', async () => {
    const expected: Record<Exclude<SmsStatus, 'opted_in'>, RegExp> = {
      not_opted_in: /not opted in/,
      pending_optin: /not confirmed/,
      rejected: /rejected/,
      pending_optout: /opting out/,
    }
    for (const [status, reason] of Object.entries(expected) as [Exclude<SmsStatus, 'opted_in'>, RegExp][]) {
      const patron = await registeredPatron(app.services.store, status)
      const response = await post({ barcode: patron.barcode, type: 'hold', text: 'Your hold is ready.' })
      assert.equal(response.status, 409, status)
      const body = await json(response)
      assert.match(String(body.error), reason)
      assert.equal(body.status, status)
      assert.deepEqual(await app.services.store.repos.outbox.listForPatron(patron.id), [])
    }
    const never = await addPatron(app.services.store)
    const response = await post({ barcode: never.barcode, type: 'hold', text: 'Your hold is ready.' })
    assert.equal(response.status, 409)
    assert.equal((await json(response)).status, 'not_opted_in')
  })

  test("SPEC 4.5 and 5: when the record's mobile number no longer matches the registered one, the alert answers 409 and the patron is opted out", async () => {
    const { store } = app.services
    const patron = await registeredPatron(store)
    await store.repos.patrons.update(patron.id, { mobile: '(973) 555-0199' }, new Date().toISOString())
    const response = await post({ barcode: patron.barcode, type: 'hold', text: 'Your hold is ready.' })
    assert.equal(response.status, 409)
    assert.match(String((await json(response)).error), /mobile number changed/)
    assert.equal((await store.repos.registrations.findByPatron(patron.id))?.status, 'not_opted_in')
    assert.deepEqual(await store.repos.outbox.listForPatron(patron.id), [])
  })

  test('SPEC 5: an unknown barcode answers 404', async () => {
    const response = await post({ barcode: '99999999999999', type: 'hold', text: 'Your hold is ready.' })
    assert.equal(response.status, 404)
    assert.match(String((await json(response)).error), /No patron has barcode 99999999999999/)
  })

  test('SPEC 5 bad body: missing fields, an unknown type, a non-JSON body or broken JSON answer 400 with a message naming the problem', async () => {
    const patron = await registeredPatron(app.services.store)
    const cases: [unknown, string | undefined, RegExp][] = [
      [{ type: 'hold', text: 'x' }, undefined, /barcode is required/],
      [{ barcode: patron.barcode, type: 'reminder', text: 'x' }, undefined, /type must be one of hold, overdue, courtesy, recall/],
      [{ barcode: patron.barcode, type: 'hold', text: '   ' }, undefined, /text is required/],
      [{ barcode: patron.barcode, type: 'hold', text: 'x'.repeat(1_600) }, undefined, /11 SMS segments; at most 10/],
      [[{ barcode: patron.barcode }], undefined, /JSON object/],
      ['{"barcode": ', undefined, /not valid JSON/],
      [`barcode=${patron.barcode}&type=hold&text=x`, 'application/x-www-form-urlencoded', /Content-Type: application\/json/],
    ]
    for (const [body, contentType, message] of cases) {
      const response = await post(body, contentType ? { contentType } : {})
      assert.equal(response.status, 400, String(message))
      assert.match(String((await json(response)).error), message)
    }
    assert.deepEqual(await app.services.store.repos.outbox.listForPatron(patron.id), [])
  })

  test('SPEC 5 length: texts over 160 GSM-7 or 70 UCS-2 characters are accepted and counted in segments', async () => {
    const patron = await registeredPatron(app.services.store)
    const long = await json(await post({ barcode: patron.barcode, type: 'courtesy', text: 'a'.repeat(161) }))
    assert.deepEqual([long.segments, long.encoding], [2, 'GSM-7'])
    const unicode = await json(await post({ barcode: patron.barcode, type: 'courtesy', text: `${'é'.repeat(20)}“${'b'.repeat(50)}` }))
    assert.deepEqual([unicode.segments, unicode.encoding], [2, 'UCS-2'])
  })

  test("Recall alerts are accepted for a US library (the terms name recalls; whether to send one is the ILS's call)", async () => {
    const patron = await registeredPatron(app.services.store)
    assert.equal(app.services.config.current().webOptions.country, 'US')
    assert.equal((await post({ barcode: patron.barcode, type: 'recall', text: 'A recalled item is due back in 7 days.' })).status, 202)
  })

  test('SPEC 5 state: GET answers 404 for an unknown id and for an outbox row that is not an alert; failed and cancelled alerts say so', async () => {
    const { store, optInForm, inboundTexts } = app.services
    assert.equal((await get(999_999)).status, 404)
    assert.equal((await get('abc')).status, 404)

    const invited = await addPatron(store)
    await optInForm.submit(invited.id, { email: '', tele1: '', mobile: '(201) 555-0999', optin: true, confirm: null }, WEB)
    const invitation = (await store.repos.outbox.listForPatron(invited.id))[0]!
    assert.equal(invitation.kind, 'invitation')
    assert.equal((await get(invitation.id)).status, 404)

    // The carrier could not deliver it: a failed receipt reaches the status webhook.
    const undeliverable = await registeredPatron(store)
    const failed = await json(await post({ barcode: undeliverable.barcode, type: 'hold', text: 'Your hold is ready.' }))
    await app.services.outboxWorker.drain()
    const receipt = new URLSearchParams({ messageId: 'dlr-failed-1', status: 'failed', 'err-code': '5', 'client-ref': String(failed.id) })
    assert.equal((await fetch(`${app.url}/webhooks/sms/status?${receipt}`)).status, 200)
    const failedState = await json(await get(failed.id as number))
    assert.equal(failedState.state, 'failed')
    assert.match(String(failedState.error), /delivery failed \(err-code 5\)/)

    now = NIGHT
    const stopper = await registeredPatron(store)
    const held = await json(await post({ barcode: stopper.barcode, type: 'hold', text: 'Your hold is ready.' }))
    await inboundTexts.handle({ messageId: 'stop-1', msisdn: stopper.e164.slice(1), to: '82453', text: 'STOP', receivedAt: now })
    const cancelled = await json(await get(held.id as number))
    assert.equal(cancelled.state, 'cancelled')
  })

  test('SPEC 5 send window (fake clock): an alert made at 01:00 is held while opt-in texts go out; at 08:00 it is sent', async () => {
    const { store, simulator, optInForm, outboxWorker } = app.services
    now = NIGHT
    const patron = await registeredPatron(store)
    const response = await post({ barcode: patron.barcode, type: 'hold', text: 'Your hold is ready.' })
    assert.equal(response.status, 202)
    const queued = await json(response)
    assert.equal(queued.state, 'held')
    assert.equal(queued.sendAfter, WINDOW_OPENS)

    const newcomer = await addPatron(store)
    await optInForm.submit(newcomer.id, { email: '', tele1: '', mobile: '(201) 555-0777', optin: true, confirm: null }, WEB)
    await outboxWorker.drain()
    assert.equal((await simulator!.conversation('+12015550777')).length, 1, 'the invitation is not held')
    assert.deepEqual(await simulator!.conversation(patron.e164), [], 'the alert is held')
    const held = await json(await get(queued.id as number))
    assert.equal(held.state, 'held')

    now = new Date('2026-01-15T12:59:00Z')
    await outboxWorker.drain()
    assert.deepEqual(await simulator!.conversation(patron.e164), [], 'still held at 07:59')

    now = new Date(WINDOW_OPENS)
    await outboxWorker.drain()
    assert.deepEqual(
      (await simulator!.conversation(patron.e164)).map((message) => message.text),
      ['Your hold is ready.'],
    )
    const sent = await eventually(async () => {
      const state = (await json(await get(queued.id as number))).state
      return state === 'delivered' ? state : undefined
    })
    assert.equal(sent, 'delivered')
  })

  test('API keys are stored only as SHA-256 hashes', async () => {
    const created = await app.services.apiKeys.create('another')
    const row = await apiKeyRow(app.services.store, createHash('sha256').update(created.key).digest('hex'))
    assert.equal(row?.name, 'another')
    assert.notEqual(row?.key_hash, created.key)
  })
  test("finding 9: a key's last use is recorded when it authenticates, at most once a minute, so a burst of alerts is not a burst of writes", async () => {
    const created = await app.services.apiKeys.create('last-use')
    const hash = createHash('sha256').update(created.key).digest('hex')
    const lastUse = async () => (await apiKeyRow(app.services.store, hash))?.last_used_at
    const call = async () => {
      const response = await fetch(`${app.url}/api/v1/alerts/1`, { headers: { authorization: `Bearer ${created.key}` } })
      assert.notEqual(response.status, 401)
    }
    assert.equal(await lastUse(), null)

    await call()
    assert.equal(await lastUse(), AFTERNOON.toISOString())
    now = new Date(AFTERNOON.getTime() + 59_000)
    for (let i = 0; i < 5; i += 1) await call()
    assert.equal(await lastUse(), AFTERNOON.toISOString(), 'not written again within the minute')
    now = new Date(AFTERNOON.getTime() + 60_000)
    await call()
    assert.equal(await lastUse(), new Date(AFTERNOON.getTime() + 60_000).toISOString())
  })
})
