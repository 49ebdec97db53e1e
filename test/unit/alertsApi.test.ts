import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { parseSince } from '../../src/cli/consentCommand.js'
import { DEFAULT_MESSAGES } from '../../src/config/messages.js'
import { DEFAULT_WEB_OPTIONS } from '../../src/config/webOptions.js'
import { alertDedupeKey, alertState } from '../../src/services/alertService.js'
import { csvField } from '../../src/services/consentExport.js'
import { parseAlertRequest } from '../../src/web/api/alertRequest.js'

const config = { messages: DEFAULT_MESSAGES, webOptions: DEFAULT_WEB_OPTIONS, loadedAt: new Date() }

describe('alerts API pieces (SPEC 5)', () => {
  test('the state of a queued alert is held outside SMS_SEND_WINDOW (08:00-21:00 New York) and queued inside it', () => {
    assert.equal(alertState({ state: 'queued' }, new Date('2026-01-15T06:00:00Z'), config), 'held')
    assert.equal(alertState({ state: 'queued' }, new Date('2026-01-15T15:00:00Z'), config), 'queued')
    assert.equal(alertState({ state: 'sending' }, new Date('2026-01-15T06:00:00Z'), config), 'queued')
    assert.equal(alertState({ state: 'unknown' }, new Date(), config), 'sent')
    for (const state of ['sent', 'delivered', 'failed', 'cancelled'] as const)
      assert.equal(alertState({ state }, new Date(), config), state)
  })

  test('the dedupe key is the same for the same patron, type and text, and differs when any of them differs', () => {
    const key = alertDedupeKey(7, 'hold', 'Ready')
    assert.equal(alertDedupeKey(7, 'hold', 'Ready'), key)
    assert.notEqual(alertDedupeKey(8, 'hold', 'Ready'), key)
    assert.notEqual(alertDedupeKey(7, 'overdue', 'Ready'), key)
    assert.notEqual(alertDedupeKey(7, 'hold', 'Ready!'), key)
  })

  test('a request body is trimmed and checked; every problem is named in one message', () => {
    assert.deepEqual(parseAlertRequest({ barcode: ' 21 ', type: 'recall', text: ' Due back. ', extra: 1 }), {
      ok: true,
      value: { barcode: '21', type: 'recall', text: 'Due back.' },
    })
    const bad = parseAlertRequest({ barcode: 5, type: 'HOLD' })
    assert.equal(bad.ok, false)
    assert.match(bad.ok ? '' : bad.error, /barcode is required.*type must be one of.*text is required/)
    assert.equal(parseAlertRequest(null).ok, false)
  })
})

describe('consent export pieces (SPEC 4.9)', () => {
  test('CSV fields are quoted only when they hold a comma, a quote or a line break, with quotes doubled', () => {
    assert.equal(csvField(null), '')
    assert.equal(csvField(12), '12')
    assert.equal(csvField('2015550123'), '2015550123')
    assert.equal(csvField('a,b'), '"a,b"')
    assert.equal(csvField('say "yes"'), '"say ""yes"""')
    assert.equal(csvField('two\nlines'), '"two\nlines"')
  })

  test('finding 6: text starting with = + - @ tab or CR gets a leading single quote (OWASP); numbers and other text are left alone', () => {
    assert.equal(csvField('=1+1'), "'=1+1")
    assert.equal(csvField('+12015550123'), "'+12015550123")
    assert.equal(csvField('-1'), "'-1")
    assert.equal(csvField('@SUM(A1)'), "'@SUM(A1)")
    assert.equal(csvField('\t=1'), "'\t=1")
    assert.equal(csvField('\r=1'), `"'\r=1"`)
    assert.equal(csvField('=HYPERLINK("x",B2)'), `"'=HYPERLINK(""x"",B2)"`)
    assert.equal(csvField(-5), '-5')
    assert.equal(csvField('a=b'), 'a=b')
  })

  test('--since takes a day (UTC) or a zoned ISO time, and refuses a day that does not exist or a time without a zone', () => {
    assert.equal(parseSince('2025-03-01'), '2025-03-01T00:00:00.000Z')
    assert.equal(parseSince('2025-03-01T10:00:00+02:00'), '2025-03-01T08:00:00.000Z')
    for (const bad of ['2025-02-30', '2025-03-01T10:00', 'yesterday', '']) assert.throws(() => parseSince(bad), /YYYY-MM-DD/)
  })
})
