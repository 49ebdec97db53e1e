import { type CountryCode, isSupportedCountry } from 'libphonenumber-js'
import type { Result } from '../domain/result.js'
import { byLine, type ConfProblem, misspeltSmsKeys, type ParsedConf } from './confFile.js'

interface SendWindow {
  start: string // 'HH:MM'
  end: string
  startMinute: number // minutes after local midnight
  endMinute: number
}

export interface WebOptions {
  patronNotices: string
  mobileFieldOffered: boolean
  optOutWarn: string
  phoneWarn: string
  country: CountryCode
  usOptIn: boolean
  shortCodes: readonly string[]
  libraryName: string
  optInExpiryHours: number
  sendWindow: SendWindow
  timezone: string
  /** Opt-in texts (invitation, confirmation) queued to one number in 24 hours, whichever patron. */
  maxOptInTextsPerNumber: number
  /** Opt-ins one patron may start on the web in 24 hours. */
  maxOptInStartsPerPatron: number
}

export const WEB_OPTION_KEYS = [
  'PATRON_NOTICES',
  'SMS_OPTOUT_WARN',
  'SMS_PHONE_WARN',
  'SMS_COUNTRY',
  'SMS_SHORT_CODES',
  'SMS_LIBRARY_NAME',
  'SMS_OPTIN_EXPIRY_HOURS',
  'SMS_SEND_WINDOW',
  'SMS_TIMEZONE',
  'SMS_MAX_OPTIN_TEXTS_PER_NUMBER',
  'SMS_MAX_OPTIN_STARTS_PER_PATRON',
] as const

type WebOptionKey = (typeof WEB_OPTION_KEYS)[number]

export const DEFAULT_WEB_OPTIONS: WebOptions = Object.freeze({
  patronNotices: 'zpm',
  mobileFieldOffered: true,
  optOutWarn: 'Are you sure you want to stop receiving SMS alerts?',
  phoneWarn: 'Changing your mobile number restarts SMS opt-in for the new number.',
  country: 'US',
  usOptIn: true,
  shortCodes: Object.freeze(['82453', '35143']),
  libraryName: 'Demo Public Library',
  optInExpiryHours: 72,
  sendWindow: Object.freeze({ start: '08:00', end: '21:00', startMinute: 480, endMinute: 1260 }),
  timezone: 'America/New_York',
  maxOptInTextsPerNumber: 3,
  maxOptInStartsPerPatron: 5,
})

const SHORT_CODE = /^\d{3,8}$/
const CLOCK = /^(\d{1,2}):(\d{2})$/
const MINUTES_PER_DAY = 24 * 60
const KNOWN_KEYS: ReadonlySet<string> = new Set(WEB_OPTION_KEYS)

export function loadWebOptions(parsed: ParsedConf): {
  options: WebOptions
  errors: ConfProblem[]
  warnings: ConfProblem[]
} {
  const errors = [...parsed.errors]
  const d = DEFAULT_WEB_OPTIONS

  function field<T>(key: WebOptionKey, check: (raw: string) => Result<T>, fallback: T): T {
    const entry = parsed.entries.get(key)
    if (!entry) return fallback
    const result = check(entry.value)
    if (result.ok) return result.value
    errors.push({ file: parsed.file, line: entry.line, message: `${key}: ${result.error}` })
    return fallback
  }

  const patronNotices = field('PATRON_NOTICES', (raw) => ok(raw.trim()), d.patronNotices)
  const country = field('SMS_COUNTRY', checkCountry, d.country)
  const options: WebOptions = Object.freeze({
    patronNotices,
    mobileFieldOffered: patronNotices.includes('m'),
    optOutWarn: field('SMS_OPTOUT_WARN', checkText('it is the question asked before opting out'), d.optOutWarn),
    phoneWarn: field('SMS_PHONE_WARN', checkText('it is the warning shown before a number change'), d.phoneWarn),
    country,
    usOptIn: country === 'US',
    shortCodes: field('SMS_SHORT_CODES', checkShortCodes, d.shortCodes),
    libraryName: field('SMS_LIBRARY_NAME', checkText('it is the program name in every SMS ({library})'), d.libraryName),
    optInExpiryHours: field('SMS_OPTIN_EXPIRY_HOURS', checkWholeNumber('hours'), d.optInExpiryHours),
    sendWindow: field('SMS_SEND_WINDOW', checkSendWindow, d.sendWindow),
    timezone: field('SMS_TIMEZONE', checkTimezone, d.timezone),
    maxOptInTextsPerNumber: field('SMS_MAX_OPTIN_TEXTS_PER_NUMBER', checkWholeNumber('texts'), d.maxOptInTextsPerNumber),
    maxOptInStartsPerPatron: field('SMS_MAX_OPTIN_STARTS_PER_PATRON', checkWholeNumber('opt-ins'), d.maxOptInStartsPerPatron),
  })

  return {
    options,
    errors: byLine(errors),
    warnings: byLine([...parsed.warnings, ...misspeltSmsKeys(parsed, KNOWN_KEYS, 'a web option')]),
  }
}

function ok<T>(value: T): Result<T> {
  return { ok: true, value }
}

function fail<T>(message: string): Result<T> {
  return { ok: false, error: message }
}

function checkText(why: string): (raw: string) => Result<string> {
  return (raw) => (raw.trim() === '' ? fail(`must not be empty: ${why}`) : ok(raw.trim()))
}

function checkCountry(raw: string): Result<CountryCode> {
  const code = raw.trim().toUpperCase()
  return isSupportedCountry(code)
    ? ok(code)
    : fail(`${JSON.stringify(raw)} is not a supported country code; use ISO 3166-1 alpha-2 such as US, CA or GB`)
}

function checkShortCodes(raw: string): Result<readonly string[]> {
  const codes = raw.split(',').map((code) => code.trim())
  const bad = codes.find((code) => !SHORT_CODE.test(code))
  if (bad !== undefined) {
    const what = bad === '' ? 'an empty item' : JSON.stringify(bad)
    return fail(`must be a comma-separated list of 3- to 8-digit short codes such as 82453,35143; found ${what}`)
  }
  return ok(Object.freeze([...new Set(codes)]))
}

function checkWholeNumber(unit: string): (raw: string) => Result<number> {
  return (raw) => {
    const text = raw.trim()
    const value = Number(text)
    return /^\d+$/.test(text) && Number.isSafeInteger(value) && value > 0
      ? ok(value)
      : fail(`must be a whole number of ${unit} greater than 0, got ${JSON.stringify(raw)}`)
  }
}

function checkSendWindow(raw: string): Result<SendWindow> {
  const message = `must be HH:MM-HH:MM in 24-hour time with the start before the end, such as 08:00-21:00; got ${JSON.stringify(raw)}`
  const [from, to, ...rest] = raw.split('-').map((part) => part.trim())
  if (from === undefined || to === undefined || rest.length > 0) return fail(message)
  const startMinute = clockMinutes(from)
  const endMinute = clockMinutes(to)
  if (startMinute === null || endMinute === null || startMinute >= endMinute) return fail(message)
  return ok(Object.freeze({ start: formatClock(startMinute), end: formatClock(endMinute), startMinute, endMinute }))
}

// 24:00 is accepted as an end so a library can allow the whole day (00:00-24:00)
function clockMinutes(text: string): number | null {
  const match = CLOCK.exec(text)
  if (!match) return null
  const minutes = Number(match[1]) * 60 + Number(match[2])
  return Number(match[2]) < 60 && minutes <= MINUTES_PER_DAY ? minutes : null
}

function formatClock(minutes: number): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`
}

function checkTimezone(raw: string): Result<string> {
  const zone = raw.trim()
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: zone })
    return ok(zone)
  } catch {
    // RangeError: not a zone this runtime knows
  }
  return fail(`${JSON.stringify(raw)} is not an IANA time zone such as America/New_York`)
}
