import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { smsText } from '../../src/services/smsTexts.js'
import { MockVonage } from '../support/mockVonage.js'
import { eventually, type TestApp } from '../support/testApp.js'
import { addPatron, outboxRow, queueAlert, SHORT_CODE, startVonageApp, statusOf, submitOptIn } from '../support/vonageApp.js'

const NUMBER = '+12015550123'
const MSISDN = '12015550123'

describe('SPEC 4.3/4.6/5 the US opt-in cycle through the real Vonage SDK, with signed webhooks', () => {
  let mock: MockVonage
  let app: TestApp

  before(async () => {
    mock = await MockVonage.start({ signatureSecret: 'cycle-secret', signatureMethod: 'sha256hmac' })
    app = await startVonageApp(mock)
  })
  after(async () => {
    await app.close()
    await mock.close()
  })

  test('opt in → invitation → YES → confirmation → alert → STOP: each SMS exactly as sent, and nothing after STOP', async () => {
    const { services } = app
    assert.equal(services.gateway.name, 'vonage')
    const patronId = await addPatron(services.store, 'Ada Lovelace')
    const config = services.config.current()

    await submitOptIn(app, patronId, '(201) 555-0123')
    assert.equal(await statusOf(app, patronId), 'pending_optin')
    const invitation = await eventually(() => mock.accepted()[0])
    const invitationRow = await outboxRow(services.store, patronId, 'invitation')
    assert.ok(invitationRow)
    assert.deepEqual(
      { to: invitation.to, from: invitation.from, text: invitation.text, clientRef: invitation.clientRef },
      { to: MSISDN, from: SHORT_CODE, text: smsText(config, 'invitation', 'Ada Lovelace'), clientRef: String(invitationRow.id) },
    )
    await eventually(async () => (await outboxRow(services.store, patronId, 'invitation'))?.state === 'sent')

    const dlr = await mock.sendDeliveryReceipt(app.url, { messageId: invitation.messageId ?? '', status: 'delivered' })
    assert.equal(dlr.status, 200)
    assert.equal((await outboxRow(services.store, patronId, 'invitation'))?.state, 'delivered')

    const yes = await mock.sendInbound(app.url, { msisdn: MSISDN, to: SHORT_CODE, text: 'Yes' })
    assert.equal(yes.status, 200)
    assert.equal(await statusOf(app, patronId), 'opted_in')
    const confirmation = await eventually(() => mock.accepted()[1])
    const confirmationRow = await outboxRow(services.store, patronId, 'confirmation')
    assert.deepEqual(
      { to: confirmation.to, from: confirmation.from, text: confirmation.text, clientRef: confirmation.clientRef },
      { to: MSISDN, from: SHORT_CODE, text: smsText(config, 'confirmation', 'Ada Lovelace'), clientRef: String(confirmationRow?.id) },
    )

    const alertText = 'Demo Public Library: a hold is ready for you at Main Street. Reply STOP to cancel.'
    const alertId = await queueAlert(app, patronId, NUMBER, alertText)
    const alert = await eventually(() => mock.accepted()[2])
    assert.deepEqual(
      { to: alert.to, from: alert.from, text: alert.text, clientRef: alert.clientRef },
      { to: MSISDN, from: SHORT_CODE, text: alertText, clientRef: String(alertId) },
    )

    const stop = await mock.sendInbound(app.url, { msisdn: MSISDN, to: SHORT_CODE, text: 'STOP' })
    assert.equal(stop.status, 200)
    assert.equal(await statusOf(app, patronId), 'not_opted_in')
    const history = await services.store.repos.consent.listForPatron(patronId)
    assert.deepEqual(history.map((event) => event.reason).reverse(), ['web_opt_in', 'sms_yes', 'sms_stop'])

    const sentBeforeStop = mock.requests.length
    const lateAlert = await queueAlert(app, patronId, NUMBER, 'Demo Public Library: an item is overdue.')
    await services.outboxWorker.drain()
    // The background worker may hold the row at that moment (SKIP LOCKED on PostgreSQL): wait for
    // whichever worker took it to settle it.
    const settled = async () => {
      const state = (await services.store.repos.outbox.findById(lateAlert))?.state
      return state === 'queued' || state === 'sending' ? undefined : state
    }
    assert.equal(await eventually(settled), 'cancelled')
    assert.equal(mock.requests.length, sentBeforeStop, 'no SMS of any kind after STOP')
    assert.equal(mock.requests.length, 3)
  })

  test('/healthz names the Vonage gateway and answers 200 while Vonage accepts our account', async () => {
    const response = await fetch(`${app.url}/healthz`)
    assert.equal(response.status, 200)
    const body = (await response.json()) as { gateway: { name: string; ok: boolean } }
    assert.deepEqual({ name: body.gateway.name, ok: body.gateway.ok }, { name: 'vonage', ok: true })
  })
})
