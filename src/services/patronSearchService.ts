import type { CountryCode } from 'libphonenumber-js'
import { digitsOf, numberForms } from '../domain/phone.js'
import type { PatronSearchCriteria, PatronSummary } from '../store/patronRepository.js'
import type { ServiceDeps } from './deps.js'

export interface SearchPage {
  query: string
  page: number
  pageSize: number
  total: number
  pages: number
  rows: PatronSummary[]
}

const SEARCH_PAGE_SIZE = 25
// Fewer digits than this cannot be a whole phone number anywhere, only a barcode prefix.
const MIN_NUMBER_DIGITS = 7
const MAX_QUERY_LENGTH = 100
// The highest page whose offset is still an exact integer (SQLite's OFFSET is a 64-bit integer).
const MAX_PAGE = Math.floor(Number.MAX_SAFE_INTEGER / SEARCH_PAGE_SIZE)

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

function pageCount(total: number): number {
  return Math.max(1, Math.ceil(total / SEARCH_PAGE_SIZE))
}

// Staff patron search (SPEC 6): barcode, name or mobile number, punctuation and spacing ignored.
export class PatronSearchService {
  constructor(private readonly deps: Pick<ServiceDeps, 'store' | 'config'>) {}

  /**
   * `page` comes from the address bar, so any number may arrive: it is clamped to the pages there
   * are (issue 10 finding 10: an offset beyond SQLite's integers was a 500). Only a page past the
   * end costs a second query.
   */
  async search(query: string, page = 1): Promise<SearchPage> {
    const trimmed = query.trim().slice(0, MAX_QUERY_LENGTH)
    const criteria = searchCriteria(trimmed, this.deps.config().webOptions.country)
    const asked = Number.isNaN(page) || page < 1 ? 1 : Math.min(Math.floor(page), MAX_PAGE)
    const found = await this.pageOf(criteria, asked)
    const last = pageCount(found.total)
    const { total, rows } = asked <= last ? found : await this.pageOf(criteria, last)
    return { query: trimmed, page: Math.min(asked, pageCount(total)), pageSize: SEARCH_PAGE_SIZE, total, pages: pageCount(total), rows }
  }

  private pageOf(criteria: PatronSearchCriteria, page: number): Promise<{ total: number; rows: PatronSummary[] }> {
    return this.deps.store.repos.patrons.search(criteria, SEARCH_PAGE_SIZE, (page - 1) * SEARCH_PAGE_SIZE)
  }
}
