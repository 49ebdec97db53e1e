import { parsePhoneNumberFromString } from 'libphonenumber-js'

const dateFormats = new Map<string, Intl.DateTimeFormat>()

// Patrons read times in the library's own zone (SMS_TIMEZONE), with the zone named, so an
// entry made at 11 pm is not shown as the next day.
export function formatDateTime(iso: string, timeZone: string): string {
  const { date, time } = formatDateAndTime(iso, timeZone)
  return `${date}, ${time}`
}

/** The date and the time apart, for a narrow table column: "Nov 28, 2026" and "3:04 PM EST". */
export function formatDateAndTime(iso: string, timeZone: string): { date: string; time: string } {
  const when = new Date(iso)
  if (Number.isNaN(when.getTime())) return { date: iso, time: '' }
  return { date: formatter(timeZone, 'date').format(when), time: formatter(timeZone, 'time').format(when) }
}

function formatter(timeZone: string, part: 'date' | 'time'): Intl.DateTimeFormat {
  const key = `${part} ${timeZone}`
  let format = dateFormats.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', part === 'date'
      ? { timeZone, year: 'numeric', month: 'short', day: 'numeric' }
      : { timeZone, hour: 'numeric', minute: '2-digit', timeZoneName: 'short' })
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
