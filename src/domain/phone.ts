import { type CountryCode, getCountryCallingCode, type PhoneNumberType } from 'libphonenumber-js'
// The max metadata is the one that knows number types (the default min metadata does not),
// which is what lets us refuse landlines and toll-free numbers outside the US.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max'
import type { Result } from './result.js'

export type PhoneErrorKey = 'SMS_ERR_NUMBER_LENGTH' | 'SMS_ERR_NUMBER_INVALID'

const MIN_DIGITS = 10
const MAX_DIGITS = 15

// Types that cannot receive a text. US numbers are FIXED_LINE_OR_MOBILE (NANP does not separate
// the two), so that type, MOBILE, VOIP and PERSONAL_NUMBER are all accepted.
const NOT_TEXTABLE: ReadonlySet<PhoneNumberType> = new Set<PhoneNumberType>([
  'FIXED_LINE',
  'TOLL_FREE',
  'PREMIUM_RATE',
  'SHARED_COST',
  'PAGER',
  'UAN',
  'VOICEMAIL',
])

export function digitsOf(text: string): string {
  return text.normalize('NFKC').replace(/[^0-9]/g, '')
}

// '00' is the international prefix almost everywhere outside North America; treating it as '+'
// lets "0044 7400 123456" work whatever SMS_COUNTRY is, and keeps it out of the digit count.
function withPlusForDoubleZero(typed: string): string {
  return typed.normalize('NFKC').trim().replace(/^00/, '+')
}

interface Parsed {
  e164: string
  type: PhoneNumberType | undefined
}

function parseE164(typed: string, defaultCountry: CountryCode): Parsed | null {
  const parsed = parsePhoneNumberFromString(withPlusForDoubleZero(typed), { defaultCountry, extract: false })
  if (!parsed?.isValid() || parsed.ext) return null
  return { e164: parsed.number, type: parsed.getType() }
}

/** The number as E.164, or the message key saying why it cannot receive SMS. */
export function checkMobileNumber(typed: string, defaultCountry: CountryCode): Result<string, PhoneErrorKey> {
  const digitCount = digitsOf(withPlusForDoubleZero(typed)).length
  if (digitCount < MIN_DIGITS || digitCount > MAX_DIGITS) return { ok: false, error: 'SMS_ERR_NUMBER_LENGTH' }
  if (/\p{L}/u.test(typed.normalize('NFKC'))) return { ok: false, error: 'SMS_ERR_NUMBER_INVALID' }
  const parsed = parseE164(typed, defaultCountry)
  if (!parsed || (parsed.type !== undefined && NOT_TEXTABLE.has(parsed.type))) {
    return { ok: false, error: 'SMS_ERR_NUMBER_INVALID' }
  }
  return { ok: true, value: parsed.e164 }
}

/**
 * SPEC 4.5: does the MOBILE PH field as typed still name the registered number? Only the
 * E.164 digits count, never punctuation or formatting. A number typed in national form is
 * also matched by its trailing digits, so a change of SMS_COUNTRY does not opt out everyone.
 */
export function recordMatchesNumber(mobile: string, e164: string, country: CountryCode): boolean {
  const digits = digitsOf(mobile)
  if (digits === '') return false
  // The common cases, without a parse: typed in full international form, or the national
  // number without a trunk prefix (every NANP number) after the country's calling code.
  if (digits === e164.slice(1) || `+${getCountryCallingCode(country)}${digits}` === e164) return true
  const check = checkMobileNumber(mobile, country)
  if (check.ok) return check.value === e164
  return digits.length >= 10 && e164.endsWith(digits)
}

/**
 * The ways the number typed may have been written in the MOBILE PH field: as typed, in
 * international digits and in national digits (with and without the trunk prefix), so
 * `+1 (201) 555-0123` finds a record holding `2015550123` and `201.555.0123` finds `+12015550123`.
 */
export function numberForms(typed: string, country: CountryCode): { digits: string[]; e164s: string[] } {
  const digits = new Set([digitsOf(typed)])
  const e164s: string[] = []
  const parsed = parsePhoneNumberFromString(typed.trim().replace(/^00/, '+'), { defaultCountry: country })
  if (parsed) {
    e164s.push(parsed.number)
    digits.add(parsed.number.slice(1))
    digits.add(parsed.nationalNumber)
    digits.add(digitsOf(parsed.formatNational()))
  }
  return { digits: [...digits].filter((d) => d !== ''), e164s }
}

export function e164FromMsisdn(msisdn: string): string | null {
  const digits = msisdn.startsWith('+') ? msisdn.slice(1) : msisdn
  // No E.164 number starts with 0: a leading 0 is a national or trunk prefix, not a country code.
  return /^[1-9][0-9]{6,14}$/.test(digits) ? `+${digits}` : null
}

export function maskPhone(phone: string): string {
  const digits = digitsOf(phone)
  const plus = phone.trim().startsWith('+') ? '+' : ''
  // Too short to keep 4 digits visible without giving most of the number away.
  if (digits.length < 7) return plus + '*'.repeat(digits.length)
  return plus + digits.slice(0, 2) + '*'.repeat(digits.length - 4) + digits.slice(-2)
}
