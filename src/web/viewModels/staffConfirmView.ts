import type { Messages } from '../../config/messages.js'
import type { SmsStatus } from '../../domain/optIn.js'
import type { Patron } from '../../store/schema.js'
import { paths, staffDeleteMobilePath, staffDeletePatronPath, staffRecordPath } from '../paths.js'
import { formatPhone } from './format.js'
import { statusView } from './smsStatus.js'

// SPEC 4.8, 6: every staff action is a GET that shows this page, then a POST with confirm=yes.
interface StaffConfirmPage {
  title: string
  warning: string
  /** What the action will touch, one line each. */
  details: string[]
  action: string
  cancelHref: string
  confirmLabel: string
  /** Carried to the POST along with confirm=yes. */
  hidden: { name: string; value: string }[]
}

export function deletePatronConfirm(patron: Patron, status: SmsStatus, messages: Messages): StaffConfirmPage {
  return {
    title: `Delete patron ${patron.barcode}?`,
    warning:
      `The record of ${patron.name} (${patron.barcode}) will be deleted. ` +
      'The patron is opted out of SMS without any text being sent, queued messages are cancelled, and they can no longer log in. ' +
      'The consent history is kept.',
    details: [`SMS status now: ${statusView(messages, status).text}`],
    action: staffDeletePatronPath(patron.id),
    cancelHref: staffRecordPath(patron.id),
    confirmLabel: 'Delete the patron record',
    hidden: [],
  }
}

export function deleteMobileConfirm(patron: Patron): StaffConfirmPage {
  return {
    title: `Delete the MOBILE PH field of ${patron.barcode}?`,
    warning:
      `The mobile number ${patron.mobile} will be removed from the record of ${patron.name}. ` +
      'If the patron is signed up for SMS alerts, they are opted out without any text being sent.',
    details: [],
    action: staffDeleteMobilePath(patron.id),
    cancelHref: staffRecordPath(patron.id),
    confirmLabel: 'Delete the mobile number',
    hidden: [],
  }
}

/** The registrations that hold a number, each of which the opt-out ends. */
interface NumberHolders {
  e164: string
  holders: readonly { name: string; barcode: string; status: SmsStatus }[]
}

export function optOutConfirm(lookup: NumberHolders, messages: Messages): StaffConfirmPage {
  return {
    title: `Opt out ${formatPhone(lookup.e164)}?`,
    warning:
      'Every registration that holds this number is opted out of SMS alerts. ' +
      'An opted-in patron gets the one opt-out confirmation text; a pending invitation is withdrawn without a text.',
    details: lookup.holders.map((holder) => `${holder.name} (${holder.barcode}): ${statusView(messages, holder.status).text}`),
    action: paths.staff.optOut,
    cancelHref: paths.staff.optOut,
    confirmLabel: 'Opt out this number',
    hidden: [{ name: 'number', value: lookup.e164 }],
  }
}
