import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import type { CountryCode } from 'libphonenumber-js'
import { checkMobileNumber, digitsOf, e164FromMsisdn, maskPhone, numberForms, recordMatchesNumber } from '../../src/domain/phone.js'

describe('checkMobileNumber (SPEC 4.1 validation)', () => {
  test('SPEC 4.1: "+1 201 555 0123" with US default is accepted as +12015550123', () => {
    assert.deepEqual(checkMobileNumber('+1 201 555 0123', 'US'), { ok: true, value: '+12015550123' })
  })

  test('SPEC 4.1: "(201) 555-0123" with US default is accepted as +12015550123 (punctuation ignored)', () => {
    assert.deepEqual(checkMobileNumber('(201) 555-0123', 'US'), { ok: true, value: '+12015550123' })
  })

  test('SPEC 4.1: a UK mobile "+44 7400 123456" is accepted from a US library because it has + and the country code', () => {
    assert.deepEqual(checkMobileNumber('+44 7400 123456', 'US'), { ok: true, value: '+447400123456' })
  })

  test('SPEC 4.1: a UK mobile typed nationally "07400 123456" is accepted when SMS_COUNTRY is GB', () => {
    assert.deepEqual(checkMobileNumber('07400 123456', 'GB'), { ok: true, value: '+447400123456' })
  })

  test('SPEC 4.1: a number outside the default country without + is refused with SMS_ERR_NUMBER_INVALID', () => {
    assert.deepEqual(checkMobileNumber('07400 123456', 'US'), { ok: false, error: 'SMS_ERR_NUMBER_INVALID' })
  })

  test('SPEC 4.1: the UK drama range "07700 900123" is refused with SMS_ERR_NUMBER_INVALID', () => {
    assert.deepEqual(checkMobileNumber('07700 900123', 'GB'), { ok: false, error: 'SMS_ERR_NUMBER_INVALID' })
  })

  test('SPEC 4.1: the fictional US number "555-123-4567" is refused with SMS_ERR_NUMBER_INVALID', () => {
    assert.deepEqual(checkMobileNumber('555-123-4567', 'US'), { ok: false, error: 'SMS_ERR_NUMBER_INVALID' })
  })

  test('SPEC 4.1: a 9-digit number is refused with SMS_ERR_NUMBER_LENGTH', () => {
    assert.deepEqual(checkMobileNumber('201-555-012', 'US'), { ok: false, error: 'SMS_ERR_NUMBER_LENGTH' })
  })

  test('SPEC 4.1: a 16-digit number is refused with SMS_ERR_NUMBER_LENGTH', () => {
    assert.deepEqual(checkMobileNumber('+1 201 555 0123 45678', 'US'), { ok: false, error: 'SMS_ERR_NUMBER_LENGTH' })
  })

  test('SPEC 4.1: an empty field is refused with SMS_ERR_NUMBER_LENGTH', () => {
    assert.deepEqual(checkMobileNumber('', 'US'), { ok: false, error: 'SMS_ERR_NUMBER_LENGTH' })
  })

  test('SPEC 4.1: a number with an extension "201-555-0123 ext. 12" is refused with SMS_ERR_NUMBER_INVALID', () => {
    assert.deepEqual(checkMobileNumber('201-555-0123 ext. 12', 'US'), { ok: false, error: 'SMS_ERR_NUMBER_INVALID' })
  })

  test('SPEC 4.1: a number followed by words "201 555 0123 call me" is refused with SMS_ERR_NUMBER_INVALID', () => {
    assert.deepEqual(checkMobileNumber('201 555 0123 call me', 'US'), { ok: false, error: 'SMS_ERR_NUMBER_INVALID' })
  })

  test('SPEC 4.1: a number with a note "+1 201 555 0123 cell" is refused with SMS_ERR_NUMBER_INVALID', () => {
    assert.deepEqual(checkMobileNumber('+1 201 555 0123 cell', 'US'), { ok: false, error: 'SMS_ERR_NUMBER_INVALID' })
  })

  test('SPEC 4.1: a UK landline "020 7946 0958" cannot take texts and is refused with SMS_ERR_NUMBER_INVALID', () => {
    assert.deepEqual(checkMobileNumber('020 7946 0958', 'GB'), { ok: false, error: 'SMS_ERR_NUMBER_INVALID' })
  })

  test('SPEC 4.1: a US toll-free number "(800) 234-5678" is refused with SMS_ERR_NUMBER_INVALID', () => {
    assert.deepEqual(checkMobileNumber('(800) 234-5678', 'US'), { ok: false, error: 'SMS_ERR_NUMBER_INVALID' })
  })

  test('SPEC 4.1: a US premium-rate number "+1 900 234 5678" is refused with SMS_ERR_NUMBER_INVALID', () => {
    assert.deepEqual(checkMobileNumber('+1 900 234 5678', 'US'), { ok: false, error: 'SMS_ERR_NUMBER_INVALID' })
  })

  test('SPEC 4.1: a leading 00 works as + ("0044 7400 123456" from a US library is +447400123456)', () => {
    assert.deepEqual(checkMobileNumber('0044 7400 123456', 'US'), { ok: true, value: '+447400123456' })
  })

  test('SPEC 4.1: the US international prefix "011 44 7400 123456" is accepted as +447400123456', () => {
    assert.deepEqual(checkMobileNumber('011 44 7400 123456', 'US'), { ok: true, value: '+447400123456' })
  })

  test('SPEC 4.1: full-width digits "２０１５５５０１２３" are accepted as +12015550123', () => {
    assert.deepEqual(checkMobileNumber('２０１５５５０１２３', 'US'), { ok: true, value: '+12015550123' })
  })

  test('SPEC 4.1: a German mobile "+49 1512 3456789" is accepted from a US library', () => {
    assert.deepEqual(checkMobileNumber('+49 1512 3456789', 'US'), { ok: true, value: '+4915123456789' })
  })

  test('SPEC 4.1 property: checkMobileNumber never throws, and every accepted number is E.164', () => {
    const phoneish = fc.string({ unit: fc.constantFrom(...'0123456789+-.() x'.split('')), maxLength: 22 })
    // Mostly country code + digits, so that a good share of the inputs are real valid numbers.
    const nearlyValid = fc
      .tuple(
        fc.constantFrom('+1', '+44 7', '+49 15', '+33 6', '00', '011 ', '(', ''),
        fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), minLength: 6, maxLength: 14 }),
      )
      .map(([prefix, digits]) => prefix + digits)
    const anyText = fc.oneof(nearlyValid, phoneish, fc.string({ unit: 'binary', maxLength: 22 }))
    const country = fc.constantFrom<CountryCode>('US', 'GB', 'DE', 'FR', 'CA', 'AU', 'IN')
    fc.assert(
      fc.property(anyText, country, (typed, defaultCountry) => {
        const result = checkMobileNumber(typed, defaultCountry)
        if (result.ok) assert.match(result.value, /^\+[1-9]\d{6,14}$/)
      }),
      { numRuns: 10_000 },
    )
  })
})

describe('digitsOf', () => {
  test('SPEC 4.1: digitsOf keeps only digits, so punctuation is ignored when counting', () => {
    assert.equal(digitsOf('+1 (201) 555-0123'), '12015550123')
  })
})

describe('recordMatchesNumber (SPEC 4.5 automatic opt-out compares E.164 digits)', () => {
  test('SPEC 4.5: a formatting change "(201) 555-0123" still names +12015550123', () => {
    assert.equal(recordMatchesNumber('(201) 555-0123', '+12015550123', 'US'), true)
  })

  test('SPEC 4.5: adding the country code "1-201-555-0123" still names +12015550123', () => {
    assert.equal(recordMatchesNumber('1-201-555-0123', '+12015550123', 'US'), true)
  })

  test('SPEC 4.5: a different last digit is a different number', () => {
    assert.equal(recordMatchesNumber('(201) 555-0124', '+12015550123', 'US'), false)
  })

  test('SPEC 4.5: an empty or partial MOBILE PH field names no number', () => {
    assert.equal(recordMatchesNumber('', '+12015550123', 'US'), false)
    assert.equal(recordMatchesNumber('555-0123', '+12015550123', 'US'), false)
  })

  test('SPEC 4.5: a UK number typed nationally or with 00 names its E.164 form', () => {
    assert.equal(recordMatchesNumber('07400 123456', '+447400123456', 'GB'), true)
    assert.equal(recordMatchesNumber('0044 7400 123456', '+447400123456', 'US'), true)
  })

  test('SPEC 4.5: a US number typed nationally still matches after SMS_COUNTRY changes to GB', () => {
    assert.equal(recordMatchesNumber('2015550123', '+12015550123', 'GB'), true)
  })
})

describe('numberForms (SPEC 6: staff search ignores punctuation and spacing)', () => {
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
})

describe('e164FromMsisdn (Vonage inbound msisdn)', () => {
  test('SPEC 5: msisdn "12015550123" becomes +12015550123', () => {
    assert.equal(e164FromMsisdn('12015550123'), '+12015550123')
  })

  test('SPEC 5: msisdn "+447400123456" keeps one leading + ', () => {
    assert.equal(e164FromMsisdn('+447400123456'), '+447400123456')
  })

  test('SPEC 7: a malformed msisdn (letters, spaces, too short, too long, leading 0, empty) gives null', () => {
    for (const bad of ['1201555012a', '1 201 555 0123', '123456', '1234567890123456', '0201555012', '', '+', '++12015550123']) {
      assert.equal(e164FromMsisdn(bad), null, bad)
    }
  })

  test('SPEC 5: 7 and 15 digit msisdns are accepted', () => {
    assert.equal(e164FromMsisdn('1234567'), '+1234567')
    assert.equal(e164FromMsisdn('123456789012345'), '+123456789012345')
  })
})

describe('maskPhone (SPEC 7: phone numbers are masked in logs)', () => {
  test('SPEC 7: "+12015550123" is logged as "+12*******23"', () => {
    assert.equal(maskPhone('+12015550123'), '+12*******23')
  })

  test('SPEC 7: a typed number "(201) 555-0123" is logged as "20******23" without its punctuation', () => {
    assert.equal(maskPhone('(201) 555-0123'), '20******23')
  })

  test('SPEC 7: a short number is masked completely', () => {
    assert.equal(maskPhone('82453'), '*****')
  })

  test('SPEC 7 property: a masked number never shows more than 4 of its digits', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'+0123456789 -'.split('')), maxLength: 20 }), (phone) => {
        assert.ok(digitsOf(maskPhone(phone)).length <= 4)
      }),
      { numRuns: 10_000 },
    )
  })
})
