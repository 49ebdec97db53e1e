import assert from 'node:assert/strict'
import { test } from 'node:test'
import { translator } from '../../src/web/i18n/index.js'

// Translations are kept once looked up (i18next's t() is too slow for every string of every page):
// a kept answer must still depend on the language, the key and every value.
test('a kept translation still follows the language, the key and each value', () => {
  const en = translator('en')
  const es = translator('es')
  assert.notEqual(en('modpinfo.email'), es('modpinfo.email'))
  assert.equal(en('modpinfo.email'), en('modpinfo.email'))
  const first = en('modpinfo.forNumber', { number: '+1 201 555 0123' })
  const second = en('modpinfo.forNumber', { number: '+1 201 555 0199' })
  assert.match(first, /0123/)
  assert.match(second, /0199/)
  assert.equal(en('modpinfo.forNumber', { number: '+1 201 555 0123' }), first)
  assert.match(es('modpinfo.forNumber', { number: '+1 201 555 0123' }), /0123/)
  assert.notEqual(es('modpinfo.forNumber', { number: '+1 201 555 0123' }), first)
})
