import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { SIGNATURE_METHODS } from '../../src/config/env.js'
import { MockVonage } from '../support/mockVonage.js'
import type { TestApp } from '../support/testApp.js'
import { queryDb, SHORT_CODE, startVonageApp } from '../support/vonageApp.js'

const MSISDN = '12015550123'
let counter = 0

function messageId(): string {
  counter += 1
  return `0B0000000000${String(counter).padStart(4, '0')}`
}

async function storedInbound(app: TestApp, id: string): Promise<number> {
  return (await queryDb(app.services.store.location, 'SELECT 1 FROM inbound_messages WHERE message_id = ?', id)).length
}

async function storedReceipts(app: TestApp, id: string): Promise<number> {
  return (await queryDb(app.services.store.location, 'SELECT 1 FROM delivery_receipts WHERE message_id = ?', id)).length
}

describe('SPEC 5 signed webhooks: each of the five methods', () => {
  for (const method of SIGNATURE_METHODS) {
    test(`${method}: a correctly signed inbound text and receipt → 200 and stored; signed with another secret → 401`, async () => {
      const mock = await MockVonage.start({ signatureSecret: `secret-for-${method}`, signatureMethod: method })
      const app = await startVonageApp(mock, { background: false })
      try {
        const inboundId = messageId()
        const inbound = await mock.sendInbound(app.url, { msisdn: MSISDN, to: SHORT_CODE, text: 'HELP', messageId: inboundId })
        assert.equal(inbound.status, 200)
        assert.equal(await storedInbound(app, inboundId), 1)

        const receiptId = messageId()
        const receipt = await mock.sendDeliveryReceipt(app.url, { messageId: receiptId, status: 'delivered', clientRef: null })
        assert.equal(receipt.status, 200)
        assert.equal(await storedReceipts(app, receiptId), 1)

        const forgedId = messageId()
        const forged = await mock.sendInbound(
          app.url,
          { msisdn: MSISDN, to: SHORT_CODE, text: 'STOP', messageId: forgedId },
          { signWith: { secret: 'not-the-secret', method } },
        )
        assert.equal(forged.status, 401)
        assert.equal(await storedInbound(app, forgedId), 0)
      } finally {
        await app.close()
        await mock.close()
      }
    })
  }
})

describe('SPEC 5/7 signed webhooks: what answers 401 and changes nothing', () => {
  let mock: MockVonage
  let app: TestApp
  before(async () => {
    mock = await MockVonage.start({ signatureSecret: 'md5-secret' })
    app = await startVonageApp(mock, { background: false })
  })
  after(async () => {
    await app.close()
    await mock.close()
  })

  test('a bad sig on an inbound STOP → 401, nothing stored', async () => {
    const id = messageId()
    const response = await mock.sendInbound(
      app.url,
      { msisdn: MSISDN, to: SHORT_CODE, text: 'STOP', messageId: id },
      { sig: '0'.repeat(32) },
    )
    assert.equal(response.status, 401)
    assert.equal(await storedInbound(app, id), 0)
  })

  test('a bad sig on a receipt → 401, nothing stored', async () => {
    const id = messageId()
    const response = await mock.sendDeliveryReceipt(
      app.url,
      { messageId: id, status: 'failed', errCode: '9', clientRef: null },
      { sig: 'f'.repeat(32) },
    )
    assert.equal(response.status, 401)
    assert.equal(await storedReceipts(app, id), 0)
  })

  test('a missing sig (an unsigned request) → 401, nothing stored', async () => {
    const id = messageId()
    const response = await mock.sendInbound(app.url, { msisdn: MSISDN, to: SHORT_CODE, text: 'STOP', messageId: id }, { sign: false })
    assert.equal(response.status, 401)
    assert.equal(await storedInbound(app, id), 0)
  })

  test('a genuinely signed request replayed 6 minutes later → 401, nothing stored', async () => {
    const id = messageId()
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60
    const response = await mock.sendInbound(
      app.url,
      { msisdn: MSISDN, to: SHORT_CODE, text: 'STOP', messageId: id },
      { timestamp: sixMinutesAgo },
    )
    assert.equal(response.status, 401)
    assert.equal(await storedInbound(app, id), 0)
  })

  test('a signed request dated 6 minutes in the future → 401', async () => {
    const response = await mock.sendInbound(
      app.url,
      { msisdn: MSISDN, to: SHORT_CODE, text: 'HELP', messageId: messageId() },
      { timestamp: Math.floor(Date.now() / 1000) + 6 * 60 },
    )
    assert.equal(response.status, 401)
  })

  test('a signed request whose text was changed on the way → 401', async () => {
    const id = messageId()
    const signed = mock.sign({ msisdn: MSISDN, to: SHORT_CODE, messageId: id, text: 'HELP', type: 'text' })
    const response = await fetch(`${app.url}/webhooks/sms/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...signed, text: 'STOP' }).toString(),
    })
    assert.equal(response.status, 401)
    assert.equal(await storedInbound(app, id), 0)
  })

  test('signed requests arrive as GET query strings and JSON bodies alike → 200', async () => {
    for (const via of ['GET', 'POST-json'] as const) {
      const id = messageId()
      const response = await mock.sendInbound(app.url, { msisdn: MSISDN, to: SHORT_CODE, text: 'INFO', messageId: id }, { via })
      assert.equal(response.status, 200, via)
      assert.equal(await storedInbound(app, id), 1, via)
    }
  })
})

describe('SPEC 5 without a signature secret (development)', () => {
  test('unsigned webhooks are accepted when VONAGE_SIGNATURE_SECRET is not set', async () => {
    const mock = await MockVonage.start()
    const app = await startVonageApp(mock, { background: false })
    try {
      const id = messageId()
      const response = await mock.sendInbound(app.url, { msisdn: MSISDN, to: SHORT_CODE, text: 'HELP', messageId: id })
      assert.equal(response.status, 200)
      assert.equal(await storedInbound(app, id), 1)
    } finally {
      await app.close()
      await mock.close()
    }
  })
})
