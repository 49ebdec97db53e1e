import type { ConfigSnapshot } from '../../config/configSnapshot.js'
import type { Messages } from '../../config/messages.js'
import type { ConsentChannel, ConsentEvent } from '../../store/schema.js'
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

const HOW: Record<ConsentChannel, string> = {
  web: 'On this website',
  sms: 'By text message',
  staff: 'By library staff',
  system: 'Automatically',
}

// The patron reads their own consent record: what happened, in plain words, not reason codes.
function describe(event: ConsentEvent, messages: Messages): string {
  const number = event.e164 ? formatPhone(event.e164) : 'your mobile number'
  switch (event.reason) {
    case 'web_opt_in':
      return event.to_status === 'pending_optin'
        ? `You asked for SMS alerts to ${number}. We texted you an invitation to reply YES.`
        : `You opted in to SMS alerts to ${number}.`
    case 'web_opt_out':
      return event.to_status === 'pending_optout' ? `You asked to stop SMS alerts to ${number}.` : `You cancelled your SMS opt-in for ${number}.`
    case 'opt_out_sent': return `Your opt-out is complete. We sent one last text to ${number} to confirm it.`
    case 'sms_yes': return `You confirmed SMS alerts by replying YES from ${number}.`
    case 'sms_start': return `You restarted SMS alerts by texting START from ${number}.`
    case 'sms_no': return `You declined SMS alerts by replying NO from ${number}.`
    case 'sms_stop': return `You stopped SMS alerts by texting STOP from ${number}.`
    case 'number_changed': return `You were opted out because your mobile number changed from ${number}.`
    case 'mobile_removed': return `You were opted out because your mobile number ${number} was removed from your record.`
    case 'staff_opt_out': return `Library staff opted ${number} out of SMS alerts.`
    case 'invitation_expired': return `The invitation to ${number} was not answered in time.`
    case 'invitation_undeliverable': return `The invitation could not be delivered to ${number}.`
    case 'confirmation_undeliverable': return `The confirmation text could not be delivered to ${number}.`
    case 'carrier_opt_out': return `Your mobile carrier told us that ${number} no longer accepts our texts.`
    case 'demo_seed': return `Opted in to SMS alerts to ${number} (demo data).`
    default: {
      const from = statusView(messages, event.from_status).text
      const to = statusView(messages, event.to_status).text
      return from === to ? `Your SMS alerts record for ${number} was updated.` : `SMS alerts for ${number} changed from ${from} to ${to}.`
    }
  }
}

export function historyRows(events: readonly ConsentEvent[], messages: Messages, timeZone: string): HistoryRow[] {
  return events.map((event) => ({
    at: event.at,
    ...formatDateAndTime(event.at, timeZone),
    what: describe(event, messages),
    statusText: statusView(messages, event.to_status).text,
    how: HOW[event.channel],
  }))
}

interface CachedRows { config: ConfigSnapshot; newestId: number | undefined; count: number; rows: HistoryRow[] }
const cachedRows = new Map<number, CachedRows>()
const MAX_CACHED_PATRONS = 10_000

/**
 * historyRows for a patron's page, kept per patron: consent events are only ever appended, so the
 * same newest event and count mean the same list, and its dates need not be formatted again.
 * A config reload (another snapshot: messages, time zone) makes the rows anew. Read only.
 */
export function patronHistoryRows(patronId: number, events: readonly ConsentEvent[], config: ConfigSnapshot): readonly HistoryRow[] {
  const newestId = events[0]?.id
  const cached = cachedRows.get(patronId)
  if (cached && cached.config === config && cached.newestId === newestId && cached.count === events.length) return cached.rows
  const rows = historyRows(events, config.messages, config.webOptions.timezone)
  if (cachedRows.size >= MAX_CACHED_PATRONS) cachedRows.clear()
  cachedRows.set(patronId, { config, newestId, count: events.length, rows })
  return rows
}
