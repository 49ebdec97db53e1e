import type { CountryCode } from 'libphonenumber-js'
import { parsePhoneNumberFromString } from 'libphonenumber-js/max'
import type { ConfigSnapshot } from '../config/configSnapshot.js'
import { digitsOf } from '../domain/phone.js'
import type { PatronSearchCriteria, PatronSummary } from '../store/patronRepository.js'
import type { Store } from '../store/store.js'

export interface SearchPage {
  query: string
  page: number
  pageSize: number
  total: number
  pages: number
  rows: PatronSummary[]
}

export const SEARCH_PAGE_SIZE = 25
// Fewer digits than this cannot be a whole phone number anywhere, only a barcode prefix.
const MIN_NUMBER_DIGITS = 7
const MAX_QUERY_LENGTH = 100

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

/** One search box: letters search names (and exact barcodes); digits search barcodes and numbers. */
export function searchCriteria(query: string, country: CountryCode): PatronSearchCriteria {
  const text = query.normalize('NFKC').trim().replace(/\s+/g, ' ')
  if (text === '') return {}
  if (/\p{L}/u.test(text)) return { barcode: text, nameContains: text }
  const digits = digitsOf(text)
  if (digits === '') return {}
  if (digits.length < MIN_NUMBER_DIGITS) return { barcodePrefix: digits }
  const forms = numberForms(text, country)
  return { barcodePrefix: digits, mobileDigits: forms.digits, e164s: forms.e164s }
}

// Staff patron search (SPEC 6): barcode, name or mobile number, punctuation and spacing ignored.
export class PatronSearchService {
  constructor(private readonly store: Store, private readonly config: () => ConfigSnapshot) {}

  async search(query: string, page = 1): Promise<SearchPage> {
    const trimmed = query.trim().slice(0, MAX_QUERY_LENGTH)
    const wanted = Number.isInteger(page) && page > 0 ? page : 1
    const criteria = searchCriteria(trimmed, this.config().webOptions.country)
    const { total, rows } = await this.store.repos.patrons.search(criteria, SEARCH_PAGE_SIZE, (wanted - 1) * SEARCH_PAGE_SIZE)
    const pages = Math.max(1, Math.ceil(total / SEARCH_PAGE_SIZE))
    return { query: trimmed, page: wanted, pageSize: SEARCH_PAGE_SIZE, total, pages, rows }
  }
}
