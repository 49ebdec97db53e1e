import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { smsSegments } from '../../src/domain/smsLength.js'

describe('smsSegments (SPEC 5 SMS texts: length and encoding)', () => {
  test('SPEC 5: an empty text is 0 GSM-7 units in 1 segment', () => {
    assert.deepEqual(smsSegments(''), { encoding: 'GSM-7', units: 0, segments: 1 })
  })

  test('SPEC 5: 160 plain GSM-7 characters fit in one segment, 161 need two', () => {
    assert.deepEqual(smsSegments('a'.repeat(160)), { encoding: 'GSM-7', units: 160, segments: 1 })
    assert.deepEqual(smsSegments('a'.repeat(161)), { encoding: 'GSM-7', units: 161, segments: 2 })
  })

  test('SPEC 5: a long GSM-7 text is split into parts of 153 (306 → 2, 307 → 3)', () => {
    assert.equal(smsSegments('a'.repeat(306)).segments, 2)
    assert.equal(smsSegments('a'.repeat(307)).segments, 3)
  })

  test('SPEC 5: extension characters such as € and { count as two units but stay GSM-7', () => {
    assert.deepEqual(smsSegments('€{}[]~^|\\'), { encoding: 'GSM-7', units: 18, segments: 1 })
    assert.deepEqual(smsSegments('€'.repeat(80)), { encoding: 'GSM-7', units: 160, segments: 1 })
    assert.equal(smsSegments('€'.repeat(81)).segments, 2)
  })

  test('SPEC 5: an escape pair is never split, so 152 plain characters and a € take two parts of a long text', () => {
    const text = `${'a'.repeat(152)}€${'a'.repeat(10)}`
    assert.deepEqual(smsSegments(text), { encoding: 'GSM-7', units: 164, segments: 2 })
    assert.equal(smsSegments(`${'a'.repeat(152)}€${'a'.repeat(152)}`).segments, 3)
  })

  test('SPEC 5: the default-alphabet accents (é, ñ, Ä, ß) and Greek capitals stay GSM-7', () => {
    assert.deepEqual(smsSegments('é ñ Ä ß ΔΩ £¥§¿¡'), { encoding: 'GSM-7', units: 16, segments: 1 })
  })

  test('SPEC 5: one character outside GSM-7 (ç, a curly quote, an emoji) makes the whole text UCS-2', () => {
    assert.equal(smsSegments('Façade').encoding, 'UCS-2')
    assert.equal(smsSegments('Library\u2019s hours').encoding, 'UCS-2')
    assert.deepEqual(smsSegments('Hi 👋'), { encoding: 'UCS-2', units: 5, segments: 1 })
  })

  test('SPEC 5: 70 UCS-2 units fit in one segment, 71 need two, long ones are split by 67', () => {
    assert.deepEqual(smsSegments('ж'.repeat(70)), { encoding: 'UCS-2', units: 70, segments: 1 })
    assert.deepEqual(smsSegments('ж'.repeat(71)), { encoding: 'UCS-2', units: 71, segments: 2 })
    assert.equal(smsSegments('ж'.repeat(134)).segments, 2)
    assert.equal(smsSegments('ж'.repeat(135)).segments, 3)
  })

  test('SPEC 5: an emoji (surrogate pair) is never split between parts', () => {
    assert.deepEqual(smsSegments(`${'ж'.repeat(66)}👋${'ж'.repeat(10)}`), { encoding: 'UCS-2', units: 78, segments: 2 })
    assert.equal(smsSegments(`${'ж'.repeat(66)}👋${'ж'.repeat(66)}`).segments, 3)
  })
})
