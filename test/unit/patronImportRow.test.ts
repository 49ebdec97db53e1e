import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { checkImportRow, type ImportFields } from '../../src/services/patronImportRow.js'

const row = (fields: Partial<ImportFields>): ImportFields => ({
  barcode: '21000000000099',
  name: 'Ada',
  pin: '',
  email: '',
  mobile: '',
  ...fields,
})

describe('patrons import row check (SPEC 4.1, 6)', () => {
  test('a complete row passes, trimmed; an empty PIN is allowed', () => {
    const checked = checkImportRow(
      row({ barcode: ' 21000000000099 ', name: ' Ada Lovelace ', email: 'ada@example.org', mobile: ' (201) 555-0123 ' }),
      'US',
    )
    const patron = { barcode: '21000000000099', name: 'Ada Lovelace', pin: '', email: 'ada@example.org', mobile: '(201) 555-0123' }
    assert.deepEqual(checked, { ok: true, value: { patron, warning: null } })
  })

  test('a missing barcode or name, a barcode with spaces or a malformed email rejects the row with the reason', () => {
    assert.deepEqual(checkImportRow(row({ barcode: '' }), 'US'), { ok: false, error: 'barcode is empty' })
    assert.deepEqual(checkImportRow(row({ name: ' ' }), 'US'), { ok: false, error: 'name is empty' })
    assert.match((checkImportRow(row({ barcode: '21 00' }), 'US') as { error: string }).error, /without spaces/)
    assert.match((checkImportRow(row({ email: 'ada@' }), 'US') as { error: string }).error, /not an address/)
  })

  test('SPEC 4.1: a mobile number that cannot receive SMS is kept as typed, with a warning naming the rule', () => {
    const short = checkImportRow(row({ mobile: '555-0123' }), 'US')
    assert.equal(short.ok && short.value.patron.mobile, '555-0123')
    assert.match(short.ok ? (short.value.warning ?? '') : '', /10 to 15 digits/)
    const landline = checkImportRow(row({ mobile: '+44 20 7946 0958' }), 'US')
    assert.match(landline.ok ? (landline.value.warning ?? '') : '', /not a valid mobile number/)
    const abroad = checkImportRow(row({ mobile: '+44 7400 123456' }), 'US')
    assert.deepEqual(abroad.ok && [abroad.value.patron.mobile, abroad.value.warning], ['+44 7400 123456', null])
  })
})
