import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { parseConfFile } from '../../src/config/confFile.js'
import { DEFAULT_WEB_OPTIONS, loadWebOptions, WEB_OPTION_KEYS } from '../../src/config/webOptions.js'

function load(text: string) {
  return loadWebOptions(parseConfFile(text, 'webpub.def'))
}

function errorFor(line: string) {
  const { options, errors } = load(`# web options\n${line}\n`)
  assert.equal(errors.length, 1, `expected one error for ${line}`)
  assert.equal(errors[0]?.file, 'webpub.def')
  assert.equal(errors[0]?.line, 2)
  return { options, message: errors[0]?.message ?? '' }
}

describe('webpub.def defaults (SPEC 2 table)', () => {
  test('SPEC 2: an empty webpub.def gives every option its default, without problems', () => {
    const { options, errors, warnings } = load('')

    assert.deepEqual(options, DEFAULT_WEB_OPTIONS)
    assert.deepEqual([...errors, ...warnings], [])
  })

  test('SPEC 2: the defaults are those of the SPEC table', () => {
    assert.deepEqual(DEFAULT_WEB_OPTIONS, {
      patronNotices: 'zpm',
      mobileFieldOffered: true,
      optOutWarn: 'Are you sure you want to stop receiving SMS alerts?',
      phoneWarn: 'Changing your mobile number restarts SMS opt-in for the new number.',
      country: 'US',
      usOptIn: true,
      shortCodes: ['82453', '35143'],
      libraryName: 'Demo Public Library',
      optInExpiryHours: 72,
      sendWindow: { start: '08:00', end: '21:00', startMinute: 480, endMinute: 1260 },
      timezone: 'America/New_York',
      maxOptInTextsPerNumber: 3,
      maxOptInStartsPerPatron: 5,
    })
  })
})

describe('webpub.def values (SPEC 2)', () => {
  test('SPEC 2: valid values of every key are applied', () => {
    const { options, errors, warnings } = load(
      [
        'PATRON_NOTICES=zp',
        'SMS_OPTOUT_WARN=Stop the texts?',
        'SMS_PHONE_WARN=New number, new opt-in.',
        'SMS_COUNTRY=GB',
        'SMS_SHORT_CODES= 60060 , 123 ,12345678',
        'SMS_LIBRARY_NAME=Camden Libraries',
        'SMS_OPTIN_EXPIRY_HOURS=24',
        'SMS_SEND_WINDOW=9:30 - 20:15',
        'SMS_TIMEZONE=Europe/London',
        'SMS_MAX_OPTIN_TEXTS_PER_NUMBER=2',
        'SMS_MAX_OPTIN_STARTS_PER_PATRON= 10 ',
      ].join('\n'),
    )

    assert.deepEqual([...errors, ...warnings], [])
    assert.deepEqual(options, {
      patronNotices: 'zp',
      mobileFieldOffered: false,
      optOutWarn: 'Stop the texts?',
      phoneWarn: 'New number, new opt-in.',
      country: 'GB',
      usOptIn: false,
      shortCodes: ['60060', '123', '12345678'],
      libraryName: 'Camden Libraries',
      optInExpiryHours: 24,
      sendWindow: { start: '09:30', end: '20:15', startMinute: 570, endMinute: 1215 },
      timezone: 'Europe/London',
      maxOptInTextsPerNumber: 2,
      maxOptInStartsPerPatron: 10,
    })
  })

  test('SPEC 2: the mobile field is offered only when PATRON_NOTICES contains m; empty means not offered', () => {
    assert.equal(load('PATRON_NOTICES=m').options.mobileFieldOffered, true)
    assert.equal(load('PATRON_NOTICES=zp').options.mobileFieldOffered, false)
    assert.equal(load('PATRON_NOTICES=').options.mobileFieldOffered, false)
  })

  test('SPEC 2: SMS_COUNTRY US means double opt-in; any other country does not; lower case is accepted', () => {
    assert.equal(load('SMS_COUNTRY=us').options.usOptIn, true)
    assert.deepEqual([load('SMS_COUNTRY=ca').options.country, load('SMS_COUNTRY=ca').options.usOptIn], ['CA', false])
  })

  test('decision: SMS_SEND_WINDOW 00:00-24:00 means the whole day', () => {
    const { options, errors } = load('SMS_SEND_WINDOW=00:00-24:00')

    assert.deepEqual(errors, [])
    assert.deepEqual(options.sendWindow, { start: '00:00', end: '24:00', startMinute: 0, endMinute: 1440 })
  })

  test('decision: repeated short codes are kept once, in order (the first is the sender)', () => {
    assert.deepEqual(load('SMS_SHORT_CODES=35143,82453,35143').options.shortCodes, ['35143', '82453'])
  })

  test('decision: a misspelt SMS_ key gets a warning; other WebPAC options do not', () => {
    const { warnings } = load('OPACMSG=hello\nSMS_TIME_ZONE=Europe/Paris\n')

    assert.deepEqual(
      warnings.map((w) => [w.line, w.message]),
      [[2, 'SMS_TIME_ZONE is not a web option this portal uses; check the spelling']],
    )
  })
})

describe('webpub.def validation errors name file and line, and the default stays (SPEC 2)', () => {
  for (const value of ['XX', 'USA', '', 'U S']) {
    test(`SPEC 2: SMS_COUNTRY=${JSON.stringify(value)} is not a supported country → error`, () => {
      const { options, message } = errorFor(`SMS_COUNTRY=${value}`)
      assert.match(message, /^SMS_COUNTRY: .* is not a supported country code/)
      assert.equal(options.country, 'US')
    })
  }

  for (const value of ['', '82453,', '82453;35143', '12', '123456789', 'abcde', '82453,,35143', '+82453']) {
    test(`SPEC 2: SMS_SHORT_CODES=${JSON.stringify(value)} is not a comma list of 3–8 digit codes → error`, () => {
      const { options, message } = errorFor(`SMS_SHORT_CODES=${value}`)
      assert.match(message, /^SMS_SHORT_CODES: must be a comma-separated list of 3- to 8-digit short codes/)
      assert.deepEqual(options.shortCodes, ['82453', '35143'])
    })
  }

  for (const value of ['0', '-1', '1.5', 'seventy', '', '72h', '99999999999999999999']) {
    test(`SPEC 2: SMS_OPTIN_EXPIRY_HOURS=${JSON.stringify(value)} is not a positive whole number → error`, () => {
      const { options, message } = errorFor(`SMS_OPTIN_EXPIRY_HOURS=${value}`)
      assert.match(message, /^SMS_OPTIN_EXPIRY_HOURS: must be a whole number of hours greater than 0/)
      assert.equal(options.optInExpiryHours, 72)
    })
  }

  const limits = [
    ['SMS_MAX_OPTIN_TEXTS_PER_NUMBER', 'texts', 'maxOptInTextsPerNumber', 3],
    ['SMS_MAX_OPTIN_STARTS_PER_PATRON', 'opt-ins', 'maxOptInStartsPerPatron', 5],
  ] as const
  for (const [key, unit, option, fallback] of limits) {
    for (const value of ['0', '-1', '2.5', 'three', '', '3 per day', '99999999999999999999']) {
      test(`SPEC 2: ${key}=${JSON.stringify(value)} is not a positive whole number → error, the default ${fallback} stays`, () => {
        const { options, message } = errorFor(`${key}=${value}`)
        assert.ok(message.startsWith(`${key}: must be a whole number of ${unit} greater than 0, got ${JSON.stringify(value)}`), message)
        assert.equal(options[option], fallback)
      })
    }
  }

  for (const value of [
    '21:00-08:00',
    '08:00-08:00',
    '8-21',
    '08:00',
    '08:00-25:00',
    '08:60-21:00',
    '24:00-24:00',
    '08:00-21:00-22:00',
    '8am-9pm',
  ]) {
    test(`SPEC 2: SMS_SEND_WINDOW=${JSON.stringify(value)} is not HH:MM-HH:MM with start before end → error`, () => {
      const { options, message } = errorFor(`SMS_SEND_WINDOW=${value}`)
      assert.match(message, /^SMS_SEND_WINDOW: must be HH:MM-HH:MM in 24-hour time with the start before the end/)
      assert.deepEqual(options.sendWindow, DEFAULT_WEB_OPTIONS.sendWindow)
    })
  }

  for (const value of ['Mars/Olympus_Mons', 'EST+5', '', 'New York']) {
    test(`SPEC 2: SMS_TIMEZONE=${JSON.stringify(value)} is not an IANA time zone → error`, () => {
      const { options, message } = errorFor(`SMS_TIMEZONE=${value}`)
      assert.match(message, /^SMS_TIMEZONE: .* is not an IANA time zone/)
      assert.equal(options.timezone, 'America/New_York')
    })
  }

  test('SPEC 2: an empty SMS_LIBRARY_NAME is an error', () => {
    const { options, message } = errorFor('SMS_LIBRARY_NAME=   ')
    assert.match(message, /^SMS_LIBRARY_NAME: must not be empty/)
    assert.equal(options.libraryName, 'Demo Public Library')
  })

  for (const key of ['SMS_OPTOUT_WARN', 'SMS_PHONE_WARN']) {
    test(`decision: an empty ${key} is an error (the confirm() dialog would be blank)`, () => {
      assert.match(errorFor(`${key}=`).message, new RegExp(`^${key}: must not be empty`))
    })
  }

  test('SPEC 2: several bad values give one error each, in line order, and parser errors are included', () => {
    const { errors } = load('SMS_TIMEZONE=Nowhere\nnot a line\nSMS_COUNTRY=ZZ\n')

    assert.deepEqual(
      errors.map((e) => e.line),
      [1, 2, 3],
    )
  })
})

describe('the shipped webpub.def (SPEC 2)', () => {
  const text = readFileSync(new URL('../../webpub.def', import.meta.url), 'utf8')
  const parsed = parseConfFile(text, 'webpub.def')

  test('SPEC 2: the shipped webpub.def parses with no errors and no warnings', () => {
    const { errors, warnings } = loadWebOptions(parsed)

    assert.deepEqual([...errors, ...warnings], [])
  })

  test('SPEC 2: the shipped webpub.def sets every key, each to its default', () => {
    assert.deepEqual([...parsed.entries.keys()].sort(), [...WEB_OPTION_KEYS].sort())
    assert.deepEqual(loadWebOptions(parsed).options, DEFAULT_WEB_OPTIONS)
  })
})
