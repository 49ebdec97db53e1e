import type { ConfigSnapshot } from '../../config/configSnapshot.js'
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
  'opt_out_sent',
  'sms_yes',
  'sms_start',
  'sms_no',
  'sms_stop',
  'number_changed',
  'mobile_removed',
  'staff_opt_out',
  'invitation_expired',
  'invitation_undeliverable',
  'confirmation_undeliverable',
  'carrier_opt_out',
  'demo_seed',
])

// The patron reads their own consent record: what happened, in plain words, not reason codes.
function sentence(event: ConsentEvent, messages: Messages, t: Translate): string {
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
export function historyRows(
  events: readonly ConsentEvent[],
  messages: Messages,
  timeZone: string,
  { t, locale }: PageLanguage,
): HistoryRow[] {
  return events.map((event) => ({
    at: event.at,
    ...formatDateAndTime(event.at, timeZone, locale),
    what: sentence(event, messages, t),
    statusText: statusView(messages, event.to_status).text,
    how: t(`history.how.${event.channel}`),
  }))
}

interface CachedRows {
  config: ConfigSnapshot
  lang: string
  newestId: number | undefined
  count: number
  rows: HistoryRow[]
}
const cachedRows = new Map<number, CachedRows>()
const MAX_CACHED_PATRONS = 10_000

/**
 * historyRows for a patron's page, kept per patron: consent events are only ever appended, so the
 * same newest event and count mean the same list, and its dates need not be formatted again.
 * A config reload (another snapshot: messages, time zone) or another language makes the rows anew.
 * Read only.
 */
export function patronHistoryRows(
  patronId: number,
  events: readonly ConsentEvent[],
  config: ConfigSnapshot,
  page: PageLanguage,
): readonly HistoryRow[] {
  const newestId = events[0]?.id
  const cached = cachedRows.get(patronId)
  if (cached && cached.config === config && cached.lang === page.lang && cached.newestId === newestId && cached.count === events.length) {
    return cached.rows
  }
  const rows = historyRows(events, config.messages, config.webOptions.timezone, page)
  if (cachedRows.size >= MAX_CACHED_PATRONS) cachedRows.clear()
  cachedRows.set(patronId, { config, lang: page.lang, newestId, count: events.length, rows })
  return rows
}
