import { createHash } from 'node:crypto'
import { type ConfigSnapshot, firstShortCode, localized } from '../config/configSnapshot.js'
import { fillSmsText, type MessageKey } from '../config/messages.js'
import { perSnapshot } from '../config/perSnapshot.js'
import type { Lang } from '../domain/language.js'
import type { OutboundKind } from '../domain/optIn.js'

const TEXT_KEYS: Record<Exclude<OutboundKind, 'alert'>, MessageKey> = {
  invitation: 'SMS_TEXT_INVITATION',
  confirmation: 'SMS_TEXT_CONFIRMATION',
  optout: 'SMS_TEXT_OPTOUT',
  help: 'SMS_TEXT_HELP',
}

/** The SMS of this kind in the language given (SPEC 9), from that language's messages file. */
export function smsText(base: ConfigSnapshot, kind: Exclude<OutboundKind, 'alert'>, patronName: string, lang: Lang = 'en'): string {
  const config = localized(base, lang)
  return fillSmsText(config.messages[TEXT_KEYS[kind]], {
    library: config.webOptions.libraryName,
    shortcode: firstShortCode(config),
    name: patronName,
  })
}

// Both only depend on the config: computed once per snapshot and language (localized() returns one
// stable snapshot for each), not on every page view.
const localizedTerms = perSnapshot((config) =>
  fillSmsText(config.messages.SMS_TERMS, {
    library: config.webOptions.libraryName,
    shortcode: config.webOptions.shortCodes.join(' or '),
    name: '',
  }),
)
const localizedTermsHash = perSnapshot((config) => createHash('sha256').update(localizedTerms(config)).digest('hex'))

export function termsText(base: ConfigSnapshot, lang: Lang = 'en'): string {
  return localizedTerms(localized(base, lang))
}

/** The consent evidence names the exact terms the patron agreed to, in the language shown, by their hash. */
export function termsHash(base: ConfigSnapshot, lang: Lang = 'en'): string {
  return localizedTermsHash(localized(base, lang))
}
