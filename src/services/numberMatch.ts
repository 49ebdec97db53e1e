import { getCountryCallingCode, type CountryCode } from 'libphonenumber-js'
import { checkMobileNumber, digitsOf } from '../domain/phone.js'

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
  if (check.ok) return check.e164 === e164
  return digits.length >= 10 && e164.endsWith(digits)
}
