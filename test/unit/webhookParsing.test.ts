import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { parseInbound, parseReceipt, webhookParams } from '../../src/sms/webhooks.js'

const NOW = new Date('2026-11-28T12:00:00Z')

describe('webhook parsing (SPEC 5)', () => {
  test('query string and body are merged, body wins, and only scalar values are kept', () => {
    const params = webhookParams({ msisdn: '1', to: '82453' }, { msisdn: '12015550123', nested: { a: 1 }, n: 5, list: ['x'] })
    assert.deepEqual(params, { msisdn: '12015550123', to: '82453', n: '5' })
  })

  test('an inbound message with every field parses; message-timestamp is read as UTC', () => {
    const parsed = parseInbound(
      { msisdn: '12015550123', to: '82453', messageId: 'abc', text: 'Stop', 'message-timestamp': '2026-11-27 08:30:00' },
      NOW,
    )
    assert.deepEqual(parsed, {
      ok: true,
      value: { messageId: 'abc', msisdn: '12015550123', to: '82453', text: 'Stop', receivedAt: new Date('2026-11-27T08:30:00Z') },
    })
  })

  test('SPEC 7: a malformed inbound message is refused with the reason (missing fields, msisdn not a number)', () => {
    assert.deepEqual(parseInbound({ to: '82453', text: 'x' }, NOW), { ok: false, error: 'missing msisdn, messageId' })
    assert.deepEqual(parseInbound({ msisdn: 'abc', to: '82453', messageId: 'm', text: 'x' }, NOW), {
      ok: false,
      error: 'msisdn is not a phone number',
    })
    assert.deepEqual(parseInbound({ msisdn: '12015550123', to: '82453', messageId: 'm' }, NOW), { ok: false, error: 'missing text' })
  })

  test('a delivery receipt needs messageId and status; client-ref and err-code are optional', () => {
    assert.deepEqual(parseReceipt({ messageId: 'm', status: 'delivered' }), {
      ok: true,
      value: { messageId: 'm', clientRef: null, status: 'delivered', errCode: null },
    })
    assert.deepEqual(parseReceipt({ status: 'failed' }), { ok: false, error: 'missing messageId' })
  })

  test('fuzz: the parsers never throw on arbitrary input, and whatever they accept has the required fields (10,000 runs)', () => {
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string()),
      fc.dictionary(fc.string(), fc.string()),
    )
    const fields = fc.oneof(
      fc.dictionary(fc.string(), value),
      fc.record(
        {
          msisdn: fc.string(),
          to: fc.string(),
          messageId: fc.string(),
          text: fc.string(),
          status: fc.string(),
          'message-timestamp': fc.string(),
        },
        { requiredKeys: [] },
      ),
    )
    fc.assert(
      fc.property(fc.option(fields), fc.option(fields), (query, body) => {
        const params = webhookParams(query, body)
        const inbound = parseInbound(params, NOW)
        if (inbound.ok) {
          assert.ok(inbound.value.messageId && inbound.value.to && /^\+?\d{5,15}$/.test(inbound.value.msisdn))
          assert.ok(!Number.isNaN(inbound.value.receivedAt.getTime()))
        }
        const receipt = parseReceipt(params)
        if (receipt.ok) assert.ok(receipt.value.messageId && receipt.value.status)
      }),
      { numRuns: 10_000 },
    )
  })
})
