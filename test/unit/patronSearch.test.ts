import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { numberForms, searchCriteria } from '../../src/services/patronSearch.js'

describe('staff search criteria (SPEC 6: punctuation and spacing ignored)', () => {
  test('a formatted US number searches its international and national digits and its E.164', () => {
    const forms = numberForms('+1 (201) 555-0123', 'US')
    assert.deepEqual(new Set(forms.digits), new Set(['12015550123', '2015550123']))
    assert.deepEqual(forms.e164s, ['+12015550123'])
  })

  test('a UK number typed nationally also searches the form with its trunk 0, as it is often stored', () => {
    const forms = numberForms('+44 7400 123456', 'US')
    assert.ok(forms.digits.includes('447400123456'))
    assert.ok(forms.digits.includes('7400123456'))
    assert.ok(forms.digits.includes('07400123456'))
  })

  test('letters make a name search (with an exact barcode); digits make a barcode-prefix and number search', () => {
    assert.deepEqual(searchCriteria('  lovelace  ada ', 'US'), { barcode: 'lovelace ada', nameContains: 'lovelace ada' })
    assert.deepEqual(searchCriteria('2100', 'US'), { barcodePrefix: '2100' })
    const number = searchCriteria('201.555.0123', 'US')
    assert.equal(number.barcodePrefix, '2015550123')
    assert.deepEqual(number.e164s, ['+12015550123'])
  })

  test('an empty query or punctuation only searches nothing', () => {
    assert.deepEqual(searchCriteria('   ', 'US'), {})
    assert.deepEqual(searchCriteria('()-', 'US'), {})
  })
})
