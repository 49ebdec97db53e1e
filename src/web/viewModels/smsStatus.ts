import type { Messages } from '../../config/messages.js'
import { isActive, type SmsStatus } from '../../domain/optIn.js'

const STATUS_KEYS = {
  not_opted_in: 'SMS_STATUS_OPTED_OUT',
  pending_optin: 'SMS_STATUS_PENDING_OPTIN',
  opted_in: 'SMS_STATUS_OPTED_IN',
  rejected: 'SMS_STATUS_REJECTED',
  pending_optout: 'SMS_STATUS_PENDING_OPTOUT',
} as const satisfies Record<SmsStatus, keyof Messages>

export interface StatusView {
  code: SmsStatus
  /** The library's own words for it, from messages.conf (read per request, so edits show at once). */
  text: string
  /** Pending or opted in: the Opt In box starts checked, and leaving it asks first. */
  active: boolean
}

export function statusView(messages: Messages, status: SmsStatus): StatusView {
  return { code: status, text: messages[STATUS_KEYS[status]], active: isActive(status) }
}
