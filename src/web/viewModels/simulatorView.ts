import { type ConfigSnapshot, firstShortCode } from '../../config/configSnapshot.js'
import type { SimulatedMessage, SimulatedPhone } from '../../sms/simulatorGateway.js'
import { type FieldError, fieldErrorMap } from '../forms.js'
import { paths, simulatorMessagesPath, simulatorPhonePath } from '../paths.js'
import { formatDateTime, formatPhone } from './format.js'

interface PhoneSummary {
  e164: string
  display: string
  href: string
  count: number
  last: string
  current: boolean
}

interface MessageView {
  direction: SimulatedMessage['direction']
  /** Said before the text, so a screen reader user knows who wrote it. */
  who: string
  text: string
  at: string
  when: string
}

interface SimulatorPage {
  title: string
  phones: PhoneSummary[]
  openAction: string
  openValue: string
  replyAction: string
  errors: FieldError[]
  fieldErrors: Partial<Record<string, string>>
  /** The phone being shown, or null when none is selected. */
  phone: {
    e164: string
    display: string
    shortCode: string
    messages: MessageView[]
    messagesUrl: string
    refreshHref: string
    webhookFailed: string | null
    replyValue: string
  } | null
  timeZone: string
}

const QUERY_NUMBER = /^\+?[1-9]\d{6,14}$/

/** `?to=` as typed in a URL: a bare + decodes to a space, so "+1201…" may arrive as " 1201…". */
export function e164Param(raw: unknown): string | null {
  if (typeof raw !== 'string') return null
  const compact = raw.trim().replace(/[\s().-]/g, '')
  return QUERY_NUMBER.test(compact) ? `+${compact.replace(/^\+/, '')}` : null
}

/** What the page shows from the database: every phone, and the selected phone's messages. */
export interface Conversations {
  phones: SimulatedPhone[]
  selected: SimulatedMessage[]
}

export function simulatorPage(
  conversations: Conversations,
  config: ConfigSnapshot,
  options: { selected: string | null; openValue?: string; replyValue?: string; errors?: FieldError[]; webhookStatus?: string | null },
): SimulatorPage {
  const timeZone = config.webOptions.timezone
  const phones = conversations.phones.map(
    ({ e164, count, lastAt }): PhoneSummary => ({
      e164,
      display: formatPhone(e164),
      href: simulatorPhonePath(e164),
      count,
      last: formatDateTime(lastAt, timeZone),
      current: e164 === options.selected,
    }),
  )
  const errors = options.errors ?? []
  const selected = options.selected
  const display = selected ? formatPhone(selected) : ''
  return {
    title: errors.length > 0 ? 'Error: SMS simulator' : selected ? `Phone ${display} – SMS simulator` : 'SMS simulator',
    phones,
    openAction: paths.simulator.home,
    openValue: options.openValue ?? '',
    replyAction: paths.simulator.reply,
    errors,
    fieldErrors: fieldErrorMap(errors),
    timeZone,
    phone:
      selected === null
        ? null
        : {
            e164: selected,
            display,
            shortCode: firstShortCode(config),
            messages: conversations.selected.map((message) => messageView(message, timeZone)),
            messagesUrl: simulatorMessagesPath(selected),
            refreshHref: simulatorPhonePath(selected),
            replyValue: options.replyValue ?? '',
            webhookFailed: options.webhookStatus
              ? `The portal's inbound webhook answered ${options.webhookStatus}: the reply was not processed.`
              : null,
          },
  }
}

function messageView(message: SimulatedMessage, timeZone: string): MessageView {
  return {
    direction: message.direction,
    who: message.direction === 'outbound' ? `Received from ${message.from}` : `Sent to ${message.to}`,
    text: message.text,
    at: message.at,
    when: formatDateTime(message.at, timeZone),
  }
}
