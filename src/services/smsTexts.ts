import { createHash } from 'node:crypto'
import { firstShortCode, type ConfigSnapshot } from '../config/configSnapshot.js'
import { fillSmsText, type MessageKey } from '../config/messages.js'
import { perSnapshot } from '../config/perSnapshot.js'
import type { OutboundKind } from '../domain/optIn.js'

const TEXT_KEYS: Record<Exclude<OutboundKind, 'alert'>, MessageKey> = {
  invitation: 'SMS_TEXT_INVITATION',
  confirmation: 'SMS_TEXT_CONFIRMATION',
  optout: 'SMS_TEXT_OPTOUT',
  help: 'SMS_TEXT_HELP',
}

export function smsText(config: ConfigSnapshot, kind: Exclude<OutboundKind, 'alert'>, patronName: string): string {
  return fillSmsText(config.messages[TEXT_KEYS[kind]], {
    library: config.webOptions.libraryName,
    shortcode: firstShortCode(config),
    name: patronName,
  })
}

export const termsText: (config: ConfigSnapshot) => string = perSnapshot((config) =>
  fillSmsText(config.messages.SMS_TERMS, {
    library: config.webOptions.libraryName,
    shortcode: config.webOptions.shortCodes.join(' or '),
    name: '',
  }))

/** The consent evidence names the exact terms the patron agreed to by their hash. */
export const termsHash: (config: ConfigSnapshot) => string = perSnapshot((config) =>
  createHash('sha256').update(termsText(config)).digest('hex'))
