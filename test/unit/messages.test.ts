import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { parseConfFile } from '../../src/config/confFile.js'
import { DEFAULT_MESSAGES, fillSmsText, loadMessages, MESSAGE_KEYS, type MessageKey } from '../../src/config/messages.js'
import { gsm7Length, isGsm7, smsSegments } from '../../src/domain/smsLength.js'

const TYPICAL = { library: 'Demo Public Library', shortcode: '82453', name: 'Ada Lovelace' }
const SMS_TEXT_KEYS = ['SMS_TEXT_INVITATION', 'SMS_TEXT_CONFIRMATION', 'SMS_TEXT_OPTOUT', 'SMS_TEXT_HELP'] as const

function load(text: string) {
  return loadMessages(parseConfFile(text, 'messages.conf'))
}

describe('messages.conf defaults (SPEC 2 table, SPEC 5)', () => {
  test('SPEC 2: an empty messages.conf gives every key its built-in default, without problems', () => {
    const { messages, errors, warnings } = load('')

    assert.deepEqual(messages, DEFAULT_MESSAGES)
    assert.deepEqual(Object.keys(messages).sort(), [...MESSAGE_KEYS].sort())
    assert.deepEqual([...errors, ...warnings], [])
  })

  test('SPEC 2: the status and error defaults are the texts of the SPEC table', () => {
    const expected: Partial<Record<MessageKey, string>> = {
      SMS_STATUS_PENDING_OPTIN: 'Pending',
      SMS_STATUS_OPTED_IN: 'Opted In',
      SMS_STATUS_REJECTED: 'Rejected',
      SMS_STATUS_PENDING_OPTOUT: 'Pending',
      SMS_STATUS_OPTED_OUT: 'Not Opted In',
      SMS_ERR_NUMBER_LENGTH: 'Mobile numbers must be 10 to 15 digits.',
    }
    for (const [key, text] of Object.entries(expected)) assert.equal(DEFAULT_MESSAGES[key as MessageKey], text, key)
  })

  test('SPEC 4.1/4.2/4.5: the number errors explain the fix and SMS_ERR_NUMBER_TAKEN never names another patron', () => {
    assert.match(DEFAULT_MESSAGES.SMS_ERR_NUMBER_INVALID, /valid mobile number.*\+ and the country code/)
    assert.match(DEFAULT_MESSAGES.SMS_ERR_NUMBER_TAKEN, /already registered .* another library account/)
    assert.doesNotMatch(DEFAULT_MESSAGES.SMS_ERR_NUMBER_TAKEN, /\{/)
    assert.match(DEFAULT_MESSAGES.SMS_ERR_AUTO_OPTOUT, /opted out of SMS Messaging.*Update your mobile number/)
  })

  test('SPEC 7: SMS_ERR_TOO_MANY_ATTEMPTS says nothing was sent or changed, when to try again, and names no limit or other patron', () => {
    const text = DEFAULT_MESSAGES.SMS_ERR_TOO_MANY_ATTEMPTS
    assert.match(text, /Too many SMS opt-in attempts/)
    assert.match(text, /No text message was sent/)
    assert.match(text, /try again tomorrow/)
    assert.doesNotMatch(text, /\{|another|number is/)
  })

  test('SPEC 5: the invitation has the program name, "Reply YES to confirm", frequency, rates, HELP and STOP', () => {
    const text = fillSmsText(DEFAULT_MESSAGES.SMS_TEXT_INVITATION, TYPICAL)

    assert.ok(text.startsWith('Demo Public Library'))
    for (const phrase of ['Reply YES to confirm', 'Msg freq varies', 'Msg & data rates may apply', 'Reply HELP for help, STOP to cancel']) {
      assert.ok(text.includes(phrase), phrase)
    }
  })

  test('SPEC 5: the opt-in confirmation confirms, names the program and gives frequency, rates, HELP and STOP', () => {
    const text = fillSmsText(DEFAULT_MESSAGES.SMS_TEXT_CONFIRMATION, TYPICAL)

    assert.match(text, /^Demo Public Library: You are signed up for SMS alerts\./)
    for (const phrase of ['Msg freq varies', 'Msg & data rates may apply', 'Reply HELP for help, STOP to cancel']) {
      assert.ok(text.includes(phrase), phrase)
    }
  })

  test('SPEC 5: the HELP reply gives program name, a help contact, frequency, rates and STOP', () => {
    const text = fillSmsText(DEFAULT_MESSAGES.SMS_TEXT_HELP, TYPICAL)

    for (const phrase of ['Demo Public Library', 'Help: ', 'Msg freq varies', 'Msg & data rates may apply', 'STOP to cancel']) {
      assert.ok(text.includes(phrase), phrase)
    }
  })

  test('SPEC 4.4 / FCC: the opt-out confirmation says no more messages will be sent and carries nothing else', () => {
    const text = fillSmsText(DEFAULT_MESSAGES.SMS_TEXT_OPTOUT, TYPICAL)

    assert.equal(text, 'Demo Public Library: You are unsubscribed from SMS alerts. No more messages will be sent.')
  })

  test('SPEC 2: the terms name the program, the four alert types, frequency, rates, HELP/STOP to the short code, carrier liability and privacy', () => {
    const terms = fillSmsText(DEFAULT_MESSAGES.SMS_TERMS, TYPICAL)

    for (const phrase of [
      'Demo Public Library',
      'holds ready for pickup',
      'overdue items',
      'courtesy reminders',
      'recalls',
      'Message frequency varies',
      'Message and data rates may apply',
      'Text HELP to 82453',
      'Text STOP to 82453',
      'Carriers are not liable for delayed or undelivered messages',
      'used only to send you library alerts',
    ]) {
      assert.ok(terms.includes(phrase), phrase)
    }
  })

  for (const key of SMS_TEXT_KEYS) {
    test(`SPEC 5: the default ${key} fits in one SMS: GSM-7 only, at most 160 characters with typical values`, () => {
      const text = fillSmsText(DEFAULT_MESSAGES[key], TYPICAL)

      assert.ok(isGsm7(text), text)
      assert.ok(gsm7Length(text) <= 160, `${gsm7Length(text)} characters: ${text}`)
      assert.deepEqual(smsSegments(text), { encoding: 'GSM-7', units: gsm7Length(text), segments: 1 })
    })

    test(`SPEC 5: the default ${key} reads without {name}, so it works for an unknown sender`, () => {
      const text = fillSmsText(DEFAULT_MESSAGES[key], { ...TYPICAL, name: '' })

      assert.doesNotMatch(text, /[{}]|\s[,.:]|\s{2}/)
    })
  }
})

describe('messages.conf values (SPEC 2)', () => {
  test('SPEC 2: a key in the file replaces its default; missing keys keep theirs; unknown WebPAC keys are ignored', () => {
    const { messages, errors } = load('OPAC_TITLE=Catalog\nSMS_STATUS_OPTED_IN=Subscribed\n')

    assert.equal(messages.SMS_STATUS_OPTED_IN, 'Subscribed')
    assert.equal(messages.SMS_STATUS_REJECTED, 'Rejected')
    assert.deepEqual(errors, [])
  })

  test('SPEC 2: an unknown placeholder in an SMS text is an error naming file and line; the default stays', () => {
    const { messages, errors } = load('# texts\nSMS_TEXT_HELP={library}: call {phone} for help. Reply STOP to cancel.\n')

    assert.deepEqual(errors, [
      {
        file: 'messages.conf',
        line: 2,
        message: 'SMS_TEXT_HELP uses the unknown placeholder {phone}; use {library}, {shortcode} or {name}',
      },
    ])
    assert.equal(messages.SMS_TEXT_HELP, DEFAULT_MESSAGES.SMS_TEXT_HELP)
  })

  test('SPEC 2: an unknown placeholder in SMS_TERMS is an error too', () => {
    const { errors } = load('SMS_TERMS=Terms of {Library}\n')

    assert.equal(errors.length, 1)
    assert.match(errors[0]?.message ?? '', /SMS_TERMS uses the unknown placeholder \{Library\}/)
  })

  test('SPEC 2: {library}, {shortcode} and {name} are accepted in SMS texts', () => {
    const { messages, errors } = load(
      'SMS_TEXT_CONFIRMATION=Hi {name}, {library} alerts on. Text {shortcode}: HELP for help, STOP to cancel.\n',
    )

    assert.deepEqual(errors, [])
    assert.equal(
      fillSmsText(messages.SMS_TEXT_CONFIRMATION, TYPICAL),
      'Hi Ada Lovelace, Demo Public Library alerts on. Text 82453: HELP for help, STOP to cancel.',
    )
  })

  test('SPEC 2: braces that are not {word} placeholders are plain text, not errors', () => {
    const { errors } = load('SMS_TEXT_OPTOUT={library}: opted out {} { name }\n')

    assert.deepEqual(errors, [])
  })

  test('decision: an empty SMS message value is an error (delete the line to use the default)', () => {
    const { messages, errors } = load('SMS_STATUS_OPTED_IN=   \n')

    assert.equal(errors[0]?.line, 1)
    assert.match(errors[0]?.message ?? '', /SMS_STATUS_OPTED_IN is empty/)
    assert.equal(messages.SMS_STATUS_OPTED_IN, 'Opted In')
  })

  test('SPEC 2: parser errors and duplicate warnings of the file are part of the result', () => {
    const { errors, warnings } = load('SMS_STATUS_OPTED_IN=A\nnonsense\nSMS_STATUS_OPTED_IN=B\n')

    assert.deepEqual(
      errors.map((e) => e.line),
      [2],
    )
    assert.deepEqual(
      warnings.map((w) => w.line),
      [3],
    )
  })

  test('SPEC 5: an edited text that drops STOP, uses curly quotes or runs long gets warnings, not errors', () => {
    const long = 'x'.repeat(170)
    const { errors, warnings } = load(`SMS_TEXT_HELP={library}: we’re here to help\nSMS_TEXT_OPTOUT=${long}\n`)

    assert.deepEqual(errors, [])
    assert.deepEqual(
      warnings.map((w) => [w.line, w.message]),
      [
        [1, 'SMS_TEXT_HELP contains "’", outside the GSM-7 SMS alphabet, so each SMS part holds only 70 characters'],
        [1, 'SMS_TEXT_HELP does not mention STOP; US carriers require it'],
        [2, 'SMS_TEXT_OPTOUT is 170 characters before placeholders are filled in; it will be sent as several SMS'],
      ],
    )
  })

  test('decision: a misspelt SMS_ key gets a warning because its default would silently stay in force', () => {
    const { warnings } = load('SMS_TEXT_HLEP=Help\n')

    assert.deepEqual(
      warnings.map((w) => [w.line, w.message]),
      [[1, 'SMS_TEXT_HLEP is not an SMS message this portal uses; check the spelling']],
    )
  })
})

describe('fillSmsText (SPEC 2 placeholders)', () => {
  test('SPEC 2: fills every placeholder, and an empty {name} leaves no placeholder behind', () => {
    assert.equal(fillSmsText('{name}|{library}|{shortcode}|{name}', TYPICAL), 'Ada Lovelace|Demo Public Library|82453|Ada Lovelace')
    assert.equal(fillSmsText('Hi {name}', { ...TYPICAL, name: '' }), 'Hi ')
  })

  test('a library name that contains "{shortcode}" is inserted literally, not expanded again', () => {
    assert.equal(fillSmsText('{library} {shortcode}', { ...TYPICAL, library: 'The {shortcode} Library' }), 'The {shortcode} Library 82453')
  })
})

describe('gsm7 counting', () => {
  test('extension characters ^{}\\[~]|€ count as two septets; basic ones as one', () => {
    assert.equal(gsm7Length('abc'), 3)
    assert.equal(gsm7Length('^{}\\[~]|€'), 18)
    assert.equal(gsm7Length('Ça coûte 5 €'), 13) // € counts 2; û is not GSM-7 and counts 1
    assert.ok(isGsm7('@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!"#¤%&\'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà\n\r'))
    assert.equal(isGsm7('Ça coûte'), false)
  })

  test('smsSize: 160 GSM-7 characters are one part, 161 are two; non-GSM-7 text switches to UCS-2 (70 per SMS)', () => {
    assert.deepEqual(smsSegments('a'.repeat(160)), { encoding: 'GSM-7', units: 160, segments: 1 })
    assert.deepEqual(smsSegments('a'.repeat(161)), { encoding: 'GSM-7', units: 161, segments: 2 })
    assert.deepEqual(smsSegments('’'.repeat(70)), { encoding: 'UCS-2', units: 70, segments: 1 })
    assert.deepEqual(smsSegments('’'.repeat(71)), { encoding: 'UCS-2', units: 71, segments: 2 })
  })
})

describe('the shipped messages.conf (SPEC 2)', () => {
  const text = readFileSync(new URL('../../messages.conf', import.meta.url), 'utf8')
  const parsed = parseConfFile(text, 'messages.conf')

  test('SPEC 2: the shipped messages.conf parses with no errors and no warnings', () => {
    const { errors, warnings } = loadMessages(parsed)

    assert.deepEqual([...errors, ...warnings], [])
  })

  test('SPEC 2: the shipped messages.conf sets every SMS key, each to its built-in default', () => {
    assert.deepEqual([...parsed.entries.keys()].sort(), [...MESSAGE_KEYS].sort())
    assert.deepEqual(loadMessages(parsed).messages, DEFAULT_MESSAGES)
  })
})
