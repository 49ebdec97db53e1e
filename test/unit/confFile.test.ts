import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { formatProblem, type ParsedConf, parseConfFile } from '../../src/config/confFile.js'

function values(parsed: ParsedConf): Record<string, string> {
  return Object.fromEntries([...parsed.entries].map(([key, entry]) => [key, entry.value]))
}

describe('confFile: the KEY=VALUE format (SPEC 2)', () => {
  test('SPEC 2: KEY=VALUE lines give each key its value and line number', () => {
    const parsed = parseConfFile('SMS_COUNTRY=US\nSMS_LIBRARY_NAME=Demo Public Library\n', 'webpub.def')

    assert.deepEqual(values(parsed), { SMS_COUNTRY: 'US', SMS_LIBRARY_NAME: 'Demo Public Library' })
    assert.equal(parsed.entries.get('SMS_LIBRARY_NAME')?.line, 2)
    assert.deepEqual(parsed.errors, [])
    assert.deepEqual(parsed.warnings, [])
  })

  test('SPEC 2: a UTF-8 byte order mark at the start is ignored, so the first key parses', () => {
    const parsed = parseConfFile('\uFEFFSMS_COUNTRY=CA\n', 'webpub.def')

    assert.deepEqual(values(parsed), { SMS_COUNTRY: 'CA' })
    assert.deepEqual(parsed.errors, [])
  })

  test('SPEC 2: CRLF line endings give the same values and line numbers as LF', () => {
    const parsed = parseConfFile('# c\r\nA=1\r\n\r\nB=two words\r\n', 'x.conf')

    assert.deepEqual(values(parsed), { A: '1', B: 'two words' })
    assert.equal(parsed.entries.get('B')?.line, 4)
    assert.deepEqual(parsed.errors, [])
  })

  test('SPEC 2: # comment lines (also indented) and blank or whitespace-only lines are ignored', () => {
    const parsed = parseConfFile('# header\n\n   \n\t# indented comment\nA=1\n\n', 'x.conf')

    assert.deepEqual(values(parsed), { A: '1' })
    assert.deepEqual(parsed.errors, [])
  })

  test('SPEC 2: the value is everything after the first "=", with only trailing whitespace removed', () => {
    const parsed = parseConfFile('A=x=y # not a comment  \t\nB=  leading kept\nC=\n  D=indented key', 'x.conf')

    assert.deepEqual(values(parsed), { A: 'x=y # not a comment', B: '  leading kept', C: '', D: 'indented key' })
  })

  test('SPEC 2: a line that is not a comment, blank or KEY=VALUE is an error naming file and line', () => {
    const parsed = parseConfFile('A=1\n# ok\nthis is not a setting\nB=2\n', 'messages.conf')

    assert.deepEqual(values(parsed), { A: '1', B: '2' })
    assert.equal(parsed.errors.length, 1)
    const [error] = parsed.errors
    assert.equal(error?.line, 3)
    assert.match(formatProblem(error!), /^messages\.conf:3: expected KEY=VALUE, a # comment or a blank line, got "this is not a setting"$/)
  })

  test('SPEC 2: keys must be [A-Z0-9_]+ — lower case, spaces before "=", a missing key and other characters are errors', () => {
    const parsed = parseConfFile('sms_country=US\nSMS_COUNTRY =US\n=US\nSMS-COUNTRY=US\n', 'webpub.def')

    assert.deepEqual(
      parsed.errors.map((e) => [e.line, e.message]),
      [
        [1, 'keys are upper case: write SMS_COUNTRY'],
        [2, 'remove the space between SMS_COUNTRY and "="'],
        [3, 'missing key before "="'],
        [4, '"SMS-COUNTRY" is not a valid key: use only A-Z, 0-9 and _'],
      ],
    )
    assert.equal(parsed.entries.size, 0)
  })

  test('SPEC 2: a duplicated key — the last one wins, with a warning naming both lines', () => {
    const parsed = parseConfFile('SMS_COUNTRY=US\nA=1\nSMS_COUNTRY=GB\n', 'webpub.def')

    assert.deepEqual(parsed.entries.get('SMS_COUNTRY'), { value: 'GB', line: 3 })
    assert.deepEqual(parsed.errors, [])
    assert.deepEqual(parsed.warnings, [
      { file: 'webpub.def', line: 3, message: 'SMS_COUNTRY is set on line 1 and again on line 3; line 3 wins' },
    ])
  })

  test('SPEC 2: unknown keys are kept (a real messages.conf holds many other WebPAC messages)', () => {
    const parsed = parseConfFile('OPAC_TITLE=Catalog\nSMS_TEXT_HELP=Help\n', 'messages.conf')

    assert.equal(parsed.entries.get('OPAC_TITLE')?.value, 'Catalog')
    assert.deepEqual(parsed.warnings, [])
  })

  test('SPEC 2: an empty file parses to no entries and no problems', () => {
    const parsed = parseConfFile('', 'x.conf')

    assert.equal(parsed.entries.size, 0)
    assert.deepEqual([...parsed.errors, ...parsed.warnings], [])
  })

  test('formatProblem: a whole-file problem (line 0) shows the file without a line number', () => {
    assert.equal(formatProblem({ file: 'webpub.def', line: 0, message: 'file not found' }), 'webpub.def: file not found')
    assert.equal(formatProblem({ file: 'webpub.def', line: 7, message: 'bad' }), 'webpub.def:7: bad')
  })
})

describe('confFile: properties (SPEC 2)', () => {
  test('SPEC 2: parseConfFile never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        parseConfFile(text, 'x.conf')
      }),
      { numRuns: 10_000 },
    )
  })

  const key = fc.constantFrom('A', 'B', 'SMS_TEXT_HELP', 'K_1', '9')
  const value = fc.string({ unit: 'grapheme', maxLength: 30 }).filter((v) => !/[\r\n]/.test(v))
  const indent = fc.constantFrom('', ' ', '\t ')
  const line = fc.oneof(
    fc.record({ kind: fc.constant('entry' as const), key, value, indent }),
    fc.record({ kind: fc.constant('comment' as const), text: value, indent }),
    fc.record({ kind: fc.constant('blank' as const), text: fc.constantFrom('', ' ', '\t') }),
  )
  const document = fc.record({
    lines: fc.array(line, { maxLength: 20 }),
    eol: fc.constantFrom('\n', '\r\n'),
    bom: fc.boolean(),
    finalEol: fc.boolean(),
  })

  test('SPEC 2: for any valid document, each key gets exactly its last value (trailing whitespace removed) and line', () => {
    fc.assert(
      fc.property(document, ({ lines, eol, bom, finalEol }) => {
        const text = lines
          .map((l) => (l.kind === 'entry' ? `${l.indent}${l.key}=${l.value}` : l.kind === 'comment' ? `${l.indent}#${l.text}` : l.text))
          .join(eol)
        const parsed = parseConfFile(`${bom ? '\uFEFF' : ''}${text}${finalEol ? eol : ''}`, 'x.conf')

        const expected = new Map<string, { value: string; line: number }>()
        lines.forEach((l, i) => {
          if (l.kind === 'entry') expected.set(l.key, { value: l.value.trimEnd(), line: i + 1 })
        })
        assert.deepEqual(parsed.errors, [])
        assert.deepEqual(new Map(parsed.entries), expected)
      }),
      { numRuns: 10_000 },
    )
  })
})
