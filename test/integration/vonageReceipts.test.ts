import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type MockSmsRequest, MockVonage } from '../support/mockVonage.js'
import { eventually, type TestApp } from '../support/testApp.js'
import { addPatron, outboxRow, queryDb, queueAlert, SHORT_CODE, startVonageApp, statusOf, submitOptIn } from '../support/vonageApp.js'

let mock: MockVonage
let app: TestApp
let nextNumber = 0

before(async () => {
  mock = await MockVonage.start({ signatureSecret: 'receipt-secret' })
  app = await startVonageApp(mock)
})
after(async () => {
  await app.close()
  await mock.close()
})

/** A fresh patron and number; the invitation has been accepted by Vonage. */
async function invited(): Promise<{ patronId: number; e164: string; invitation: MockSmsRequest }> {
  nextNumber += 1
  const e164 = `+1201555${String(1000 + nextNumber)}`
  const patronId = await addPatron(app.services.store, `Patron ${nextNumber}`)
  await submitOptIn(app, patronId, e164)
  const invitation = await eventually(() => mock.accepted().find((request) => request.to === e164.slice(1)))
  await eventually(async () => (await outboxRow(app.services.store, patronId, 'invitation'))?.state === 'sent')
  return { patronId, e164, invitation }
}

async function optedIn(): Promise<{ patronId: number; e164: string }> {
  const { patronId, e164 } = await invited()
  const reply = await mock.sendInbound(app.url, { msisdn: e164, to: SHORT_CODE, text: 'YES' })
  assert.equal(reply.status, 200)
  assert.equal(await statusOf(app, patronId), 'opted_in')
  await eventually(async () => (await outboxRow(app.services.store, patronId, 'confirmation'))?.state === 'sent')
  return { patronId, e164 }
}

describe('SPEC 5 delivery receipts from Vonage', () => {
  test('delivered on the invitation → the message shows delivered, the patron stays pending', async () => {
    const { patronId, invitation } = await invited()
    const response = await mock.sendDeliveryReceipt(app.url, { messageId: invitation.messageId ?? '', status: 'delivered' })
    assert.equal(response.status, 200)
    assert.equal((await outboxRow(app.services.store, patronId, 'invitation'))?.state, 'delivered')
    assert.equal(await statusOf(app, patronId), 'pending_optin')
  })

  for (const status of ['failed', 'rejected', 'expired']) {
    test(`${status} on the invitation → the patron is Rejected (SPEC 4.3)`, async () => {
      const { patronId, invitation } = await invited()
      const response = await mock.sendDeliveryReceipt(app.url, { messageId: invitation.messageId ?? '', status, errCode: '99' })
      assert.equal(response.status, 200)
      assert.equal(await statusOf(app, patronId), 'rejected')
      const row = await outboxRow(app.services.store, patronId, 'invitation')
      assert.equal(row?.state, 'failed')
      assert.equal(row?.delivery_error_code, '99')
    })
  }

  test('err-code 9 (opted out at the carrier) on an alert → the patron is not opted in, silently (SPEC 4.6)', async () => {
    const { patronId, e164 } = await optedIn()
    const sentBefore = mock.requests.length
    const alertId = await queueAlert(app, patronId, e164, 'Demo Public Library: an item is due tomorrow.')
    const alert = await eventually(() => mock.accepted().find((request) => request.clientRef === String(alertId)))
    await eventually(async () => (await app.services.store.repos.outbox.findById(alertId))?.state === 'sent')
    const response = await mock.sendDeliveryReceipt(app.url, { messageId: alert.messageId ?? '', status: 'failed', errCode: '9' })
    assert.equal(response.status, 200)
    assert.equal(await statusOf(app, patronId), 'not_opted_in')
    const [last] = await app.services.store.repos.consent.listForPatron(patronId)
    assert.equal(last?.reason, 'carrier_opt_out')
    await app.services.outboxWorker.drain()
    // Only the alert: no opt-out text follows a carrier opt-out.
    assert.equal(mock.requests.length, sentBefore + 1)
  })

  for (const errCode of ['3', '4']) {
    test(`err-code ${errCode} (dead number) on an opted-in number → recorded on the message for staff, status unchanged`, async () => {
      const { patronId, e164 } = await optedIn()
      const alertId = await queueAlert(app, patronId, e164, 'Demo Public Library: a recall notice.')
      const alert = await eventually(() => mock.accepted().find((request) => request.clientRef === String(alertId)))
      await eventually(async () => (await app.services.store.repos.outbox.findById(alertId))?.state === 'sent')
      const response = await mock.sendDeliveryReceipt(app.url, { messageId: alert.messageId ?? '', status: 'failed', errCode })
      assert.equal(response.status, 200)
      const row = await app.services.store.repos.outbox.findById(alertId)
      assert.equal(row?.state, 'failed')
      assert.equal(row?.delivery_error_code, errCode)
      assert.equal(await statusOf(app, patronId), 'opted_in')
    })
  }

  test('a receipt for a message id we never sent → 200, stored and otherwise ignored', async () => {
    const response = await mock.sendDeliveryReceipt(app.url, {
      messageId: 'FFFF0000DEADBEEF',
      clientRef: null,
      status: 'delivered',
      msisdn: '12015559999',
    })
    assert.equal(response.status, 200)
    const rows = await queryDb<{ outcome: string }>(
      app.services.store.location,
      'SELECT outcome FROM delivery_receipts WHERE message_id = ?',
      'FFFF0000DEADBEEF',
    )
    assert.deepEqual(rows, [{ outcome: 'ignored: unknown message' }])
  })

  test('the same receipt delivered twice (GET, then JSON POST) is processed once', async () => {
    const { patronId, invitation } = await invited()
    const first = await mock.sendDeliveryReceipt(app.url, { messageId: invitation.messageId ?? '', status: 'rejected' }, { via: 'GET' })
    const again = await mock.sendDeliveryReceipt(
      app.url,
      { messageId: invitation.messageId ?? '', status: 'rejected' },
      { via: 'POST-json' },
    )
    assert.deepEqual([first.status, again.status], [200, 200])
    assert.deepEqual(await again.json(), { ok: true, duplicate: true })
    assert.equal(await statusOf(app, patronId), 'rejected')
    const events = await app.services.store.repos.consent.listForPatron(patronId)
    assert.equal(events.filter((event) => event.to_status === 'rejected').length, 1)
  })
})
