import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import {
  classifyInbound,
  classifyInboundText,
  normalizeSmsText,
  OPT_OUT_PHRASES,
  SPANISH_OPT_OUT_WORDS,
} from '../../src/domain/keywords.js'

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
    fc.assert(
      fc.property(
        fc.oneof(smsLike, fc.string({ unit: 'grapheme', maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 })),
        (text) => {
          const once = normalizeSmsText(text)
          assert.equal(normalizeSmsText(once), once)
        },
      ),
      { numRuns: 10_000 },
    )
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
    ['Thanks!', 'other'],
    ['Parar', 'stop'],
    ['ALTO!', 'stop'],
    ['detener por favor', 'stop'],
    ['Cancelar.', 'stop'],
    ['baja', 'stop'],
    ['PARÁR', 'stop'],
    ['ayuda', 'help'],
    ['Ayúda?', 'help'],
    ['SI', 'yes'],
    ['SÍ', 'yes'],
    ['sí', 'yes'],
    ['Si!', 'yes'],
    ['si por favor', 'other'],
    ['comenzar', 'start'],
    ['Iniciar', 'start'],
    ['ñ', 'other'],
    ['por favor parar', 'other'],
  ]
  for (const [text, expected] of cases) {
    test(`SPEC 4.6: ${JSON.stringify(text)} is classified as ${expected}`, () => {
      assert.equal(classifyInbound(text), expected)
    })
  }

  test('SPEC 4.6: every opt-out phrase alone and followed by more words is an opt-out', () => {
    assert.deepEqual([...OPT_OUT_PHRASES].sort(), [
      'CANCEL',
      'END',
      'OPT OUT',
      'OPTOUT',
      'QUIT',
      'REVOKE',
      'STOP',
      'STOP ALL',
      'STOPALL',
      'UNSUBSCRIBE',
    ])
    for (const phrase of OPT_OUT_PHRASES) {
      assert.equal(classifyInbound(phrase.toLowerCase()), 'stop', phrase)
      assert.equal(classifyInbound(`${phrase} thank you`), 'stop', `${phrase} thank you`)
    }
  })

  test('SPEC 4.6: opt-out wins over every other keyword in the same message ("STOP YES", "cancel help")', () => {
    assert.equal(classifyInbound('STOP YES'), 'stop')
    assert.equal(classifyInbound('cancel help'), 'stop')
  })

  test('SPEC 9: each Spanish opt-out word, in any case, with or without accents, alone or first, is an opt-out in Spanish', () => {
    assert.deepEqual([...SPANISH_OPT_OUT_WORDS].sort(), ['ALTO', 'BAJA', 'CANCELAR', 'DETENER', 'PARAR'])
    for (const word of SPANISH_OPT_OUT_WORDS) {
      for (const text of [word, word.toLowerCase(), `${word}!`, `${word.toLowerCase()} gracias`, `  ${word}.  `]) {
        assert.deepEqual(classifyInboundText(text), { keyword: 'stop', lang: 'es' }, text)
      }
    }
  })

  test('SPEC 9: each keyword tells its language; NO is the same word in both', () => {
    const expected: ReadonlyArray<readonly [string, string, string | null]> = [
      ['STOP', 'stop', 'en'],
      ['opt out', 'stop', 'en'],
      ['PARAR', 'stop', 'es'],
      ['HELP', 'help', 'en'],
      ['INFO', 'help', 'en'],
      ['AYUDA', 'help', 'es'],
      ['YES', 'yes', 'en'],
      ['SÍ', 'yes', 'es'],
      ['START', 'start', 'en'],
      ['COMENZAR', 'start', 'es'],
      ['INICIAR', 'start', 'es'],
      ['NO', 'no', null],
      ['hola', 'other', null],
    ]
    for (const [text, keyword, lang] of expected) assert.deepEqual(classifyInboundText(text), { keyword, lang }, text)
  })

  test('SPEC 9 property: an opt-out word with any accents, case and trailing punctuation, followed by any words, is an opt-out', () => {
    const accented: Record<string, string> = { A: 'AÁÀáàa', E: 'EÉÈéèe', I: 'IÍÌíìi', O: 'OÓÒóòo', U: 'UÚÙÜúùüu' }
    const variant = (word: string) =>
      fc
        .tuple(...Array.from(word).map((ch) => fc.constantFrom(...(accented[ch] ?? `${ch}${ch.toLowerCase()}`))))
        .map((chars) => chars.join(''))
    const word = fc.constantFrom(...SPANISH_OPT_OUT_WORDS, ...OPT_OUT_PHRASES.filter((p) => !p.includes(' '))).chain(variant)
    const tail = fc.string({ unit: fc.constantFrom(...'.!?,… '), maxLength: 4 })
    const rest = fc.array(fc.string({ unit: fc.constantFrom(...'abcxyzñáé'), minLength: 1, maxLength: 6 }), { maxLength: 3 })
    fc.assert(
      fc.property(word, tail, rest, (w, t, words) => {
        assert.equal(classifyInbound([`${w}${t}`, ...words].join(' ')), 'stop')
      }),
      { numRuns: 2_000 },
    )
  })

  test('SPEC 4.6 property: classifyInbound never throws and answers a known keyword', () => {
    const keywords = new Set(['stop', 'start', 'yes', 'no', 'help', 'other'])
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        assert.ok(keywords.has(classifyInbound(text)))
      }),
      { numRuns: 10_000 },
    )
  })
})
