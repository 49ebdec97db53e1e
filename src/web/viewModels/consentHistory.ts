import type { Messages } from '../../config/messages.js'
import type { ConsentEvent } from '../../store/schema.js'
import type { PageLanguage, Translate } from '../i18n/index.js'
import { formatDateAndTime, formatPhone } from './format.js'
import { statusView } from './smsStatus.js'

export interface HistoryRow {
  at: string
  date: string
  time: string
  what: string
  /** The status text after the change, as the patron sees it elsewhere on the page. */
  statusText: string
  how: string
}

// Reasons told in a sentence of their own (history.<reason> in the strings); others say the change.
const TOLD = new Set([
  'opt_out_sent', 'sms_yes', 'sms_start', 'sms_no', 'sms_stop', 'number_changed', 'mobile_removed', 'staff_opt_out',
  'invitation_expired', 'invitation_undeliverable', 'confirmation_undeliverable', 'carrier_opt_out', 'demo_seed',
])

// The patron reads their own consent record: what happened, in plain words, not reason codes.
function describe(event: ConsentEvent, messages: Messages, t: Translate): string {
  const number = event.e164 ? formatPhone(event.e164) : t('history.yourNumber')
  switch (event.reason) {
    case 'web_opt_in':
      return t(event.to_status === 'pending_optin' ? 'history.web_opt_in_pending' : 'history.web_opt_in', { number })
    case 'web_opt_out':
      return t(event.to_status === 'pending_optout' ? 'history.web_opt_out_pending' : 'history.web_opt_out', { number })
    default: {
      if (TOLD.has(event.reason)) return t(`history.${event.reason}`, { number })
      const from = statusView(messages, event.from_status).text
      const to = statusView(messages, event.to_status).text
      return from === to ? t('history.updated', { number }) : t('history.changed', { number, from, to })
    }
  }
}

/** `messages` in the page's language, so the statuses read as elsewhere on the page. */
export function historyRows(events: readonly ConsentEvent[], messages: Messages, timeZone: string, { t, locale }: PageLanguage): HistoryRow[] {
  return events.map((event) => ({
    at: event.at,
    ...formatDateAndTime(event.at, timeZone, locale),
    what: describe(event, messages, t),
    statusText: statusView(messages, event.to_status).text,
    how: t(`history.how.${event.channel}`),
  }))
}
