import { type Messages, statusText } from '../../config/messages.js'
import { isActive, type SmsStatus } from '../../domain/optIn.js'

export interface StatusView {
  code: SmsStatus
  /** The library's own words for it, from messages.conf (read per request, so edits show at once). */
  text: string
  /** Pending or opted in: the Opt In box starts checked, and leaving it asks first. */
  active: boolean
}

export function statusView(messages: Messages, status: SmsStatus): StatusView {
  return { code: status, text: statusText(messages, status), active: isActive(status) }
}
