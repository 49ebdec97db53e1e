import type { Keyword } from './keywords.js'

export const SMS_STATUSES = ['not_opted_in', 'pending_optin', 'opted_in', 'rejected', 'pending_optout'] as const
export type SmsStatus = (typeof SMS_STATUSES)[number]
export type OutboundKind = 'invitation' | 'confirmation' | 'optout' | 'help' | 'alert'
export type Region = 'us' | 'intl'

export type OptInEvent =
  | { type: 'web_opt_in' }
  | { type: 'web_opt_out' }
  | { type: 'staff_opt_out' }
  | { type: 'number_changed' }
  | { type: 'mobile_removed' }
  | { type: 'record_deleted' }
  | { type: 'inbound'; keyword: Keyword }
  | { type: 'delivery_failed'; message: OutboundKind }
  | { type: 'carrier_opt_out' }
  | { type: 'invitation_expired' }
  | { type: 'opt_out_sent' }

/** Every keyword class and every kind of outgoing SMS (the event samples below; the /metrics labels). */
export const KEYWORDS: readonly Keyword[] = ['stop', 'start', 'yes', 'no', 'help', 'other']
export const OUTBOUND_KINDS: readonly OutboundKind[] = ['invitation', 'confirmation', 'optout', 'help', 'alert']

export const EVENT_SAMPLES: readonly OptInEvent[] = [
  { type: 'web_opt_in' },
  { type: 'web_opt_out' },
  { type: 'staff_opt_out' },
  { type: 'number_changed' },
  { type: 'mobile_removed' },
  { type: 'record_deleted' },
  ...KEYWORDS.map((keyword): OptInEvent => ({ type: 'inbound', keyword })),
  ...OUTBOUND_KINDS.map((message): OptInEvent => ({ type: 'delivery_failed', message })),
  { type: 'carrier_opt_out' },
  { type: 'invitation_expired' },
  { type: 'opt_out_sent' },
]

export interface Transition {
  status: SmsStatus
  send: OutboundKind | null
  cancelQueued: boolean
}

export function isActive(status: SmsStatus): boolean {
  return status === 'pending_optin' || status === 'opted_in'
}

/** The statuses in which the registration holds its number: it may still get something from us (the opt-out text included). */
export function holdsNumber(status: SmsStatus): boolean {
  return isActive(status) || status === 'pending_optout'
}

export function mayReceive(status: SmsStatus, kind: OutboundKind): boolean {
  switch (kind) {
    case 'invitation':
      return status === 'pending_optin'
    case 'confirmation':
    case 'alert':
      return status === 'opted_in'
    case 'optout':
      return status === 'pending_optout'
    case 'help':
      return true
  }
}

function to(status: SmsStatus, send: OutboundKind | null = null, cancelQueued = false): Transition {
  return { status, send, cancelQueued }
}

function startOptIn(status: SmsStatus, region: Region): Transition {
  if (isActive(status)) return to(status)
  // From pending_optout the queued opt-out text must not go out after the patron opted back in.
  const cancel = status === 'pending_optout'
  return region === 'us' ? to('pending_optin', 'invitation', cancel) : to('opted_in', 'confirmation', cancel)
}

function optOutByPatron(status: SmsStatus): Transition {
  if (status === 'opted_in') return to('pending_optout', 'optout', true)
  // Never confirmed, so there is nothing to confirm the opt-out of.
  if (status === 'pending_optin') return to('not_opted_in', null, true)
  return to(status)
}

function silentOptOut(status: SmsStatus): Transition {
  return holdsNumber(status) ? to('not_opted_in', null, true) : to(status)
}

function inbound(status: SmsStatus, keyword: Keyword): Transition {
  switch (keyword) {
    // Silent: the gateway sends its own STOP confirmation, and only one is allowed.
    case 'stop':
      return silentOptOut(status)
    case 'yes':
      return status === 'pending_optin' ? to('opted_in', 'confirmation') : to(status)
    case 'start':
      // The texter holds the phone, so START is consent from any status that is not already opted in.
      if (status === 'opted_in') return to(status)
      return to('opted_in', 'confirmation', status === 'pending_optout')
    case 'no':
      return status === 'pending_optin' ? to('rejected', null, true) : to(status)
    case 'help':
      return to(status, 'help')
    case 'other':
      return to(status)
  }
}

// A number that cannot be reached becomes rejected; anything still queued for it is withdrawn so
// that a later re-opt-in does not release stale messages.
function deliveryFailed(status: SmsStatus, message: OutboundKind, region: Region): Transition {
  if (message === 'invitation' && status === 'pending_optin') return to('rejected', null, true)
  if (message === 'confirmation' && region === 'intl' && status === 'opted_in') return to('rejected', null, true)
  return to(status)
}

export function transition(status: SmsStatus, event: OptInEvent, region: Region): Transition {
  switch (event.type) {
    case 'web_opt_in':
      return startOptIn(status, region)
    case 'web_opt_out':
    case 'staff_opt_out':
      return optOutByPatron(status)
    case 'number_changed':
    case 'mobile_removed':
    case 'record_deleted':
    case 'carrier_opt_out':
      return silentOptOut(status)
    case 'inbound':
      return inbound(status, event.keyword)
    case 'delivery_failed':
      return deliveryFailed(status, event.message, region)
    case 'invitation_expired':
      return status === 'pending_optin' ? to('rejected', null, true) : to(status)
    case 'opt_out_sent':
      return status === 'pending_optout' ? to('not_opted_in') : to(status)
    default:
      return assertNever(event)
  }
}

function assertNever(event: never): never {
  throw new Error(`Unhandled opt-in event: ${JSON.stringify(event)}`)
}
