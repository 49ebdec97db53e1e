import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { searchCriteria } from '../../src/services/patronSearchService.js'

describe('staff search criteria (SPEC 6: punctuation and spacing ignored)', () => {
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
