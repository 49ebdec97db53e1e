import { parsePhoneNumberFromString } from 'libphonenumber-js'

const dateFormats = new Map<string, Intl.DateTimeFormat>()

// Patrons read times in the library's own zone (SMS_TIMEZONE), with the zone named, so an
// entry made at 11 pm is not shown as the next day.
export function formatDateTime(iso: string, timeZone: string, locale = 'en-US'): string {
  const { date, time } = formatDateAndTime(iso, timeZone, locale)
  return `${date}, ${time}`
}

/**
 * The date and the time apart, for a narrow table column: "Nov 28, 2026" and "3:04 PM EST", or
 * in Spanish (es-US) "28 nov 2026" and "3:04 p.m. EST" (SPEC 9: dates in the page's language).
 */
export function formatDateAndTime(iso: string, timeZone: string, locale = 'en-US'): { date: string; time: string } {
  const when = new Date(iso)
  if (Number.isNaN(when.getTime())) return { date: iso, time: '' }
  return { date: formatter(timeZone, 'date', locale).format(when), time: formatter(timeZone, 'time', locale).format(when) }
}

function formatter(timeZone: string, part: 'date' | 'time', locale: string): Intl.DateTimeFormat {
  const key = `${part} ${timeZone} ${locale}`
  let format = dateFormats.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat(
      locale,
      part === 'date'
        ? { timeZone, year: 'numeric', month: 'short', day: 'numeric' }
        : { timeZone, hour: 'numeric', minute: '2-digit', timeZoneName: 'short' },
    )
    dateFormats.set(key, format)
  }
  return format
}

const formattedPhones = new Map<string, string>()
const MAX_FORMATTED_PHONES = 10_000

/** +12015550123 → "+1 201 555 0123": grouped so it can be read (and read aloud) at a glance. */
export function formatPhone(e164: string): string {
  // Parsing costs more than the rest of a page's view model; the same numbers recur.
  let formatted = formattedPhones.get(e164)
  if (formatted === undefined) {
    formatted = parsePhoneNumberFromString(e164)?.formatInternational() ?? e164
    if (formattedPhones.size >= MAX_FORMATTED_PHONES) formattedPhones.clear()
    formattedPhones.set(e164, formatted)
  }
  return formatted
}
