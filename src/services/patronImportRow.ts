import type { CountryCode } from 'libphonenumber-js'
import { checkMobileNumber, type PhoneErrorKey } from '../domain/phone.js'
import type { Result } from '../domain/result.js'
import { DomainError } from './errors.js'

// One line of `webpac patrons import`'s CSV: the header that names the columns, and each row's
// fields checked before anything is hashed or written.

export const IMPORT_COLUMNS = ['barcode', 'name', 'pin', 'email', 'mobile'] as const
export type Column = (typeof IMPORT_COLUMNS)[number]
export type ImportFields = Record<Column, string>

/** The file cannot be imported at all (no header, wrong columns): nothing was changed. */
export class ImportFileError extends DomainError {
  override name = 'ImportFileError'
  constructor(message: string) {
    super(null, message)
  }
}

type CheckedRow = Result<{ patron: { barcode: string; name: string; pin: string; email: string; mobile: string }; warning: string | null }>

const BARCODE = /^[\x21-\x7e]{1,64}$/
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const MAX_NAME = 200
const MAX_PIN = 64

const PHONE_REASONS: Record<PhoneErrorKey, string> = {
  SMS_ERR_NUMBER_LENGTH: 'it does not have 10 to 15 digits',
  SMS_ERR_NUMBER_INVALID: 'it is not a valid mobile number (numbers outside SMS_COUNTRY need + and the country code)',
}

/** One row's fields, checked as SPEC 4.1 and the patron record need them. Pure. */
export function checkImportRow(fields: ImportFields, country: CountryCode): CheckedRow {
  const barcode = fields.barcode.trim()
  const name = fields.name.trim()
  const pin = fields.pin.trim()
  const email = fields.email.trim()
  const mobile = fields.mobile.trim()
  if (barcode === '') return { ok: false, error: 'barcode is empty' }
  if (!BARCODE.test(barcode)) return { ok: false, error: `barcode "${shorten(barcode)}" must be 1 to 64 characters without spaces` }
  if (name === '') return { ok: false, error: 'name is empty' }
  if (name.length > MAX_NAME) return { ok: false, error: `name is longer than ${MAX_NAME} characters` }
  if (pin.length > MAX_PIN) return { ok: false, error: `pin is longer than ${MAX_PIN} characters` }
  if (email !== '' && (email.length > 254 || !EMAIL.test(email))) {
    return { ok: false, error: `email "${shorten(email)}" is not an address like name@example.org` }
  }
  let warning: string | null = null
  if (mobile !== '') {
    const check = checkMobileNumber(mobile, country)
    if (!check.ok) {
      const why = PHONE_REASONS[check.error]
      warning = `mobile "${shorten(mobile)}" kept as typed, but ${why}: this patron cannot opt in to SMS until it is corrected`
    }
  }
  return { ok: true, value: { patron: { barcode, name, pin, email, mobile }, warning } }
}

/** Where each column sits, read from the header line; a wrong header stops the import. */
export function headerColumns(record: readonly string[]): Map<Column, number> {
  const names = record.map((name) => name.trim().toLowerCase())
  const wanted = `the first line must be the header ${IMPORT_COLUMNS.join(',')}`
  const columns = new Map<Column, number>()
  for (const [index, name] of names.entries()) {
    if (!(IMPORT_COLUMNS as readonly string[]).includes(name)) {
      throw new ImportFileError(`line 1: unknown column "${shorten(name)}": ${wanted}`)
    }
    if (columns.has(name as Column)) throw new ImportFileError(`line 1: column "${name}" appears twice: ${wanted}`)
    columns.set(name as Column, index)
  }
  const missing = IMPORT_COLUMNS.filter((column) => !columns.has(column))
  if (missing.length > 0) {
    throw new ImportFileError(`line 1: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: ${wanted}`)
  }
  return columns
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text
}
