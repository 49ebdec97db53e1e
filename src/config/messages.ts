import type { Lang } from '../domain/language.js'
import type { SmsStatus } from '../domain/optIn.js'
import { gsm7Length, nonGsm7Chars, smsSegments } from '../domain/smsLength.js'
import { byLine, type ConfProblem, misspeltSmsKeys, type ParsedConf } from './confFile.js'
import { SPANISH_DEFAULT_MESSAGES } from './spanishDefaults.js'

export const MESSAGE_KEYS = [
  'SMS_STATUS_PENDING_OPTIN',
  'SMS_STATUS_OPTED_IN',
  'SMS_STATUS_REJECTED',
  'SMS_STATUS_PENDING_OPTOUT',
  'SMS_STATUS_OPTED_OUT',
  'SMS_TERMS',
  'SMS_TEXT_INVITATION',
  'SMS_TEXT_CONFIRMATION',
  'SMS_TEXT_OPTOUT',
  'SMS_TEXT_HELP',
  'SMS_ERR_NUMBER_LENGTH',
  'SMS_ERR_NUMBER_INVALID',
  'SMS_ERR_NUMBER_TAKEN',
  'SMS_ERR_AUTO_OPTOUT',
  'SMS_ERR_TOO_MANY_ATTEMPTS',
] as const

export type MessageKey = (typeof MESSAGE_KEYS)[number]
export type Messages = Readonly<Record<MessageKey, string>>

const SMS_PLACEHOLDERS = ['library', 'shortcode', 'name'] as const
type SmsPlaceholder = (typeof SMS_PLACEHOLDERS)[number]
type SmsTextValues = Readonly<Record<SmsPlaceholder, string>>

// The SMS texts follow the US carrier rules (CTIA): program name, call to action, frequency,
// rates, HELP and STOP. None relies on {name}: a HELP reply can go to a number we do not know.
export const DEFAULT_MESSAGES: Messages = Object.freeze({
  SMS_STATUS_PENDING_OPTIN: 'Pending',
  SMS_STATUS_OPTED_IN: 'Opted In',
  SMS_STATUS_REJECTED: 'Rejected',
  SMS_STATUS_PENDING_OPTOUT: 'Pending',
  SMS_STATUS_OPTED_OUT: 'Not Opted In',
  SMS_TERMS:
    'By checking Opt In you agree to receive recurring automated SMS alerts from {library} about your ' +
    'library account: holds ready for pickup, overdue items, courtesy reminders before items are due, ' +
    'and recalls. You may be asked to reply YES to confirm. Message frequency varies. Message and data ' +
    'rates may apply. Text HELP to {shortcode} for help. Text STOP to {shortcode} to cancel at any time. ' +
    'Consent is not a condition of using the library. Carriers are not liable for delayed or undelivered ' +
    'messages. Privacy: your mobile number is used only to send you library alerts and is never sold or ' +
    'shared for marketing.',
  SMS_TEXT_INVITATION:
    '{library}: Reply YES to confirm SMS alerts. Msg freq varies. Msg & data rates may apply. ' + 'Reply HELP for help, STOP to cancel.',
  SMS_TEXT_CONFIRMATION:
    '{library}: You are signed up for SMS alerts. Msg freq varies. Msg & data rates may apply. ' + 'Reply HELP for help, STOP to cancel.',
  SMS_TEXT_OPTOUT: '{library}: You are unsubscribed from SMS alerts. No more messages will be sent.',
  SMS_TEXT_HELP:
    '{library} SMS alerts. Help: ask at your library or visit our website. Msg freq varies. ' +
    'Msg & data rates may apply. Reply STOP to cancel.',
  SMS_ERR_NUMBER_LENGTH: 'Mobile numbers must be 10 to 15 digits.',
  SMS_ERR_NUMBER_INVALID: "Enter a valid mobile number. Numbers outside the library's country need + and the country code.",
  SMS_ERR_NUMBER_TAKEN:
    'This mobile number is already registered for SMS alerts on another library account. ' +
    'Use a different number or ask library staff for help.',
  SMS_ERR_AUTO_OPTOUT:
    'You have been opted out of SMS Messaging because your mobile number changed. ' +
    'Update your mobile number and check Opt In to receive SMS alerts again.',
  // One text for both limits (texts to one number, opt-in starts by one patron): which one was
  // reached would tell a stranger that someone else has been using that number.
  SMS_ERR_TOO_MANY_ATTEMPTS:
    'Too many SMS opt-in attempts in the last 24 hours. No text message was sent and your details were not changed. ' +
    'Please try again tomorrow, or ask library staff for help.',
})

const SMS_TEXT_KEYS = ['SMS_TEXT_INVITATION', 'SMS_TEXT_CONFIRMATION', 'SMS_TEXT_OPTOUT', 'SMS_TEXT_HELP'] as const
const TEMPLATE_KEYS: ReadonlySet<MessageKey> = new Set<MessageKey>([...SMS_TEXT_KEYS, 'SMS_TERMS'])

// Words the US carriers expect in each text, in the text's language; an edit that drops one is
// legal to apply but risky. The Spanish texts name the Spanish keywords the phone side honours.
const REQUIRED_WORDS: Record<Lang, Partial<Record<MessageKey, readonly string[]>>> = {
  en: {
    SMS_TEXT_INVITATION: ['YES', 'HELP', 'STOP'],
    SMS_TEXT_CONFIRMATION: ['HELP', 'STOP'],
    SMS_TEXT_HELP: ['STOP'],
  },
  es: {
    SMS_TEXT_INVITATION: ['SI', 'AYUDA', 'PARAR'],
    SMS_TEXT_CONFIRMATION: ['AYUDA', 'PARAR'],
    SMS_TEXT_HELP: ['PARAR'],
  },
}

/** The built-in text of every key, per language: what a key missing from that language's file means. */
export const DEFAULT_MESSAGES_BY_LANG: Readonly<Record<Lang, Messages>> = Object.freeze({
  en: DEFAULT_MESSAGES,
  es: SPANISH_DEFAULT_MESSAGES,
})

const PLACEHOLDER = /\{(\w+)\}/g
const SMS_SINGLE_PART = 160
const MOST_PARTS = 2
const KNOWN_KEYS: ReadonlySet<string> = new Set(MESSAGE_KEYS)

export function loadMessages(
  parsed: ParsedConf,
  lang: Lang = 'en',
): {
  messages: Messages
  errors: ConfProblem[]
  warnings: ConfProblem[]
} {
  const errors = [...parsed.errors]
  const warnings = [...parsed.warnings, ...misspeltSmsKeys(parsed, KNOWN_KEYS, 'an SMS message')]
  const messages: Record<MessageKey, string> = { ...DEFAULT_MESSAGES_BY_LANG[lang] }

  for (const key of MESSAGE_KEYS) {
    const entry = parsed.entries.get(key)
    if (!entry) continue
    const at = (message: string): ConfProblem => ({ file: parsed.file, line: entry.line, message })
    const keyErrors = checkValue(key, entry.value).map(at)
    errors.push(...keyErrors)
    if (keyErrors.length > 0) continue
    messages[key] = entry.value
    warnings.push(...smsTextWarnings(key, entry.value, lang).map(at))
  }

  return { messages: Object.freeze(messages), errors: byLine(errors), warnings: byLine(warnings) }
}

// One pass, so a library name that itself contains "{shortcode}" is not expanded again
export function fillSmsText(template: string, values: SmsTextValues): string {
  return template.replace(PLACEHOLDER, (whole, word: string) => (isPlaceholder(word) ? values[word] : whole))
}

function unknownPlaceholders(template: string): string[] {
  const words = [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '')
  return [...new Set(words.filter((word) => !isPlaceholder(word)))]
}

function isPlaceholder(word: string): word is SmsPlaceholder {
  return (SMS_PLACEHOLDERS as readonly string[]).includes(word)
}

function checkValue(key: MessageKey, value: string): string[] {
  if (value.trim() === '') return [`${key} is empty; delete the line to use the built-in text`]
  if (!TEMPLATE_KEYS.has(key)) return []
  return unknownPlaceholders(value).map((word) => `${key} uses the unknown placeholder {${word}}; use {library}, {shortcode} or {name}`)
}

function smsTextWarnings(key: MessageKey, value: string, lang: Lang): string[] {
  if (!(SMS_TEXT_KEYS as readonly string[]).includes(key)) return []
  const warnings: string[] = []
  const foreign = nonGsm7Chars(value)
  if (foreign.length > 0) {
    warnings.push(
      `${key} contains ${foreign.map((ch) => JSON.stringify(ch)).join(' ')}, outside the GSM-7 SMS ` +
        'alphabet, so each SMS part holds only 70 characters',
    )
  }
  const fixedLength = gsm7Length(value.replace(PLACEHOLDER, ''))
  if (fixedLength > SMS_SINGLE_PART) {
    warnings.push(`${key} is ${fixedLength} characters before placeholders are filled in; it will be sent as several SMS`)
  }
  // Counted as sent: with a letter outside GSM-7 every part holds 67 characters, not 153.
  const parts = smsSegments(value.replace(PLACEHOLDER, '')).segments
  if (foreign.length > 0 && parts > MOST_PARTS) {
    warnings.push(`${key} takes ${parts} SMS parts before placeholders are filled in; keep it to ${MOST_PARTS} at most`)
  }
  // "SÍ" and "SI" are the same word to the keyword rules, so the check reads them alike.
  const plain = value.normalize('NFD').replace(/[\u0300\u0301]/gu, '')
  for (const word of REQUIRED_WORDS[lang][key] ?? []) {
    if (!new RegExp(`(?<![\\p{L}\\p{N}])${word}(?![\\p{L}\\p{N}])`, 'u').test(plain)) {
      warnings.push(`${key} does not mention ${word}; US carriers require it`)
    }
  }
  return warnings
}

const STATUS_KEYS = {
  not_opted_in: 'SMS_STATUS_OPTED_OUT',
  pending_optin: 'SMS_STATUS_PENDING_OPTIN',
  opted_in: 'SMS_STATUS_OPTED_IN',
  rejected: 'SMS_STATUS_REJECTED',
  pending_optout: 'SMS_STATUS_PENDING_OPTOUT',
} as const satisfies Record<SmsStatus, MessageKey>

/** The library's own words for a status: the pages and the CLI say it the same way. */
export function statusText(messages: Messages, status: SmsStatus): string {
  return messages[STATUS_KEYS[status]]
}
