import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { classifyInbound, normalizeSmsText, OPT_OUT_PHRASES } from '../../src/domain/keywords.js'

describe('normalizeSmsText (SPEC 4.6 normalization)', () => {
  test('SPEC 4.6: text is trimmed, upper-cased, spaces collapsed and trailing punctuation dropped', () => {
    assert.equal(normalizeSmsText('  stop \t  all!?.  '), 'STOP ALL')
  })

  test('SPEC 4.6: full-width "ｓｔｏｐ" is folded to "STOP" (NFKC)', () => {
    assert.equal(normalizeSmsText('ｓｔｏｐ'), 'STOP')
  })

  test('SPEC 4.6: an ellipsis and an invisible zero-width space at the end are dropped', () => {
    assert.equal(normalizeSmsText('help…\u200B'), 'HELP')
  })

  test('SPEC 4.6: punctuation inside the text is kept', () => {
    assert.equal(normalizeSmsText("don't text me."), "DON'T TEXT ME")
  })

  test('SPEC 4.6 property: normalizing twice gives the same text as normalizing once', () => {
    const smsLike = fc.string({ unit: fc.constantFrom(...'stopSTOP yesY.,!?…  \t\nｓ\u200Bǅßﬁΐ\u0301'), maxLength: 20 })
    fc.assert(fc.property(fc.oneof(smsLike, fc.string({ unit: 'grapheme', maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 })), (text) => {
      const once = normalizeSmsText(text)
      assert.equal(normalizeSmsText(once), once)
    }), { numRuns: 10_000 })
  })
})

describe('classifyInbound (SPEC 4.6 keywords)', () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ['Stop.', 'stop'],
    [' stop all ', 'stop'],
    ['STOP please', 'stop'],
    ['Unsubscribe!', 'stop'],
    ['cancel my hold', 'stop'],
    ['Quit please', 'stop'],
    ['opt out now', 'stop'],
    ['Opt-out', 'stop'],
    ['Stop,', 'stop'],
    ['"Stop"', 'stop'],
    ['ｓｔｏｐ', 'stop'],
    ['stopall', 'stop'],
    ['revoke', 'stop'],
    ['end', 'stop'],
    ['Stopping by later', 'other'],
    ['please stop', 'other'],
    ['start', 'start'],
    ['Unstop', 'start'],
    ['yes', 'yes'],
    ['Y', 'yes'],
    ['Yes!', 'yes'],
    ['yes please', 'other'],
    ['no', 'no'],
    ['N', 'no'],
    ['help?', 'help'],
    ['info', 'help'],
    ['help me stop', 'other'],
    ['', 'other'],
    ['?!', 'other'],
    ['Thanks!', 'other']
  ]
  for (const [text, expected] of cases) {
    test(`SPEC 4.6: ${JSON.stringify(text)} is classified as ${expected}`, () => {
      assert.equal(classifyInbound(text), expected)
    })
  }

  test('SPEC 4.6: every opt-out phrase alone and followed by more words is an opt-out', () => {
    assert.deepEqual([...OPT_OUT_PHRASES].sort(), ['CANCEL', 'END', 'OPT OUT', 'OPTOUT', 'QUIT', 'REVOKE', 'STOP', 'STOP ALL', 'STOPALL', 'UNSUBSCRIBE'])
    for (const phrase of OPT_OUT_PHRASES) {
      assert.equal(classifyInbound(phrase.toLowerCase()), 'stop', phrase)
      assert.equal(classifyInbound(`${phrase} thank you`), 'stop', `${phrase} thank you`)
    }
  })

  test('SPEC 4.6: opt-out wins over every other keyword in the same message ("STOP YES", "cancel help")', () => {
    assert.equal(classifyInbound('STOP YES'), 'stop')
    assert.equal(classifyInbound('cancel help'), 'stop')
  })

  test('SPEC 4.6 property: classifyInbound never throws and answers a known keyword', () => {
    const keywords = new Set(['stop', 'start', 'yes', 'no', 'help', 'other'])
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
      assert.ok(keywords.has(classifyInbound(text)))
    }), { numRuns: 10_000 })
  })
})
