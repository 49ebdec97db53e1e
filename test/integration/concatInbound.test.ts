import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { MockVonage } from '../support/mockVonage.js'
import { eventually, type TestApp } from '../support/testApp.js'
import { addPatron, outboxRow, queryDb, SHORT_CODE, startVonageApp, statusOf, submitOptIn } from '../support/vonageApp.js'

let mock: MockVonage
let app: TestApp
let numbers = 0
let ids = 0

before(async () => {
  mock = await MockVonage.start({ signatureSecret: 'concat-secret' })
  app = await startVonageApp(mock)
})
after(async () => {
  await app.close()
  await mock.close()
})

function nextId(): string {
  ids += 1
  return `0C00000000${String(ids).padStart(6, '0')}`
}

async function patronInStatus(status: 'pending_optin' | 'opted_in'): Promise<{ patronId: number; msisdn: string }> {
  numbers += 1
  const msisdn = `1201555${String(3000 + numbers)}`
  const patronId = await addPatron(app.services.store)
  await submitOptIn(app, patronId, `+${msisdn}`)
  await eventually(async () => (await outboxRow(app.services.store, patronId, 'invitation'))?.state === 'sent')
  if (status === 'opted_in') {
    assert.equal((await mock.sendInbound(app.url, { msisdn, to: SHORT_CODE, text: 'YES' })).status, 200)
    await eventually(async () => (await outboxRow(app.services.store, patronId, 'confirmation'))?.state === 'sent')
  }
  return { patronId, msisdn }
}

interface Part {
  messageId: string
  text: string
  part: number
}

function parts(texts: readonly string[]): Part[] {
  return texts.map((text, index) => ({ messageId: nextId(), text, part: index + 1 }))
}

async function sendPart(msisdn: string, ref: string, total: number, part: Part): Promise<{ status: number; body: unknown }> {
  const response = await mock.sendInbound(app.url, {
    msisdn,
    to: SHORT_CODE,
    text: part.text,
    messageId: part.messageId,
    concat: { ref, total, part: part.part },
  })
  return { status: response.status, body: await response.json() }
}

describe('SPEC 5 concatenated inbound texts are joined before the keyword is read', () => {
  test('a 3-part text starting "Stop", parts arriving 3, 1, (1 again), 2 → each part 200, opted out once, under concat:<part 1 id>', async () => {
    const { patronId, msisdn } = await patronInStatus('opted_in')
    const [one, two, three] = parts([
      'Stop sending me these messages please, I have moved to another city and no longer use this library. ',
      'My new library card is from the county system, so none of these alerts apply to me any more. ',
      'Thank you for all the years of service.',
    ])
    assert.ok(one && two && three)
    assert.deepEqual(await sendPart(msisdn, '7A', 3, three), { status: 200, body: { ok: true, duplicate: false, complete: false } })
    assert.deepEqual(await sendPart(msisdn, '7A', 3, one), { status: 200, body: { ok: true, duplicate: false, complete: false } })
    assert.deepEqual(await sendPart(msisdn, '7A', 3, one), { status: 200, body: { ok: true, duplicate: true, complete: false } })
    assert.equal(await statusOf(app, patronId), 'opted_in', 'nothing happens while a part is missing')
    assert.deepEqual(await sendPart(msisdn, '7A', 3, two), { status: 200, body: { ok: true, duplicate: false, complete: true } })

    assert.equal(await statusOf(app, patronId), 'not_opted_in')
    const joinedId = `concat:${one.messageId}`
    const stored = await queryDb<{ text: string; keyword: string }>(
      app.services.store.location,
      'SELECT text, keyword FROM inbound_messages WHERE message_id = ?',
      joinedId,
    )
    assert.deepEqual(stored, [{ text: one.text + two.text + three.text, keyword: 'stop' }])
    const [event] = await app.services.store.repos.consent.listForPatron(patronId)
    assert.deepEqual({ reason: event?.reason, inbound: event?.inbound_message_id }, { reason: 'sms_stop', inbound: joinedId })

    // Vonage redelivers the last part after everything was handled: a no-op.
    assert.deepEqual(await sendPart(msisdn, '7A', 3, two), { status: 200, body: { ok: true, duplicate: true, complete: false } })
    assert.equal((await app.services.store.repos.consent.listForPatron(patronId)).filter((e) => e.reason === 'sms_stop').length, 1)
  })

  test('"YE" + "S" in two parts is YES: the pending patron is opted in', async () => {
    const { patronId, msisdn } = await patronInStatus('pending_optin')
    const [one, two] = parts(['YE', 'S'])
    assert.ok(one && two)
    await sendPart(msisdn, '01', 2, one)
    assert.equal(await statusOf(app, patronId), 'pending_optin')
    await sendPart(msisdn, '01', 2, two)
    assert.equal(await statusOf(app, patronId), 'opted_in')
  })

  test('each part is stored durably (a row per part) before it is answered 200', async () => {
    const { msisdn } = await patronInStatus('opted_in')
    const [one] = parts(['Just one part of two so far'])
    assert.ok(one)
    assert.equal((await sendPart(msisdn, 'C3', 2, one)).status, 200)
    const rows = await queryDb<{ concat_part: number; joined_message_id: string | null }>(
      app.services.store.location,
      'SELECT concat_part, joined_message_id FROM inbound_parts WHERE message_id = ?',
      one.messageId,
    )
    assert.deepEqual(rows, [{ concat_part: 1, joined_message_id: null }])
  })

  test('the phone reuses a concat-ref for a later message → handled as a new message', async () => {
    const { patronId, msisdn } = await patronInStatus('pending_optin')
    const first = parts(['Hello, what ', 'is this?'])
    for (const part of first) await sendPart(msisdn, '2B', 2, part)
    assert.equal(await statusOf(app, patronId), 'pending_optin')
    const second = parts(['Y', 'ES'])
    for (const part of second) await sendPart(msisdn, '2B', 2, part)
    assert.equal(await statusOf(app, patronId), 'opted_in')
  })

  test('concat fields that do not add up (part 3 of 2) → 400, nothing stored', async () => {
    const messageId = nextId()
    const response = await mock.sendInbound(app.url, {
      msisdn: '12015553999',
      to: SHORT_CODE,
      text: 'x',
      messageId,
      concat: { ref: '09', total: 2, part: 3 },
    })
    assert.equal(response.status, 400)
    assert.equal((await queryDb(app.services.store.location, 'SELECT 1 FROM inbound_parts WHERE message_id = ?', messageId)).length, 0)
  })
})
