import { paths } from '../paths.js'
import { formatPhone } from './format.js'

interface OptOutPage {
  title: string
  action: string
  /** Outside the US only (SPEC 6); the page says what to do instead. */
  offered: boolean
  number: string
  error: string | null
  notice: string | null
}

/** The opt-out-by-number form: empty, after an action (notice), or with a number that was not accepted (error). */
export function optOutPage(options: { offered: boolean; number: string; error?: string | null; notice: string | null }): OptOutPage {
  return {
    title: 'Opt out a number',
    action: paths.staff.optOut,
    offered: options.offered,
    number: options.number,
    error: options.error ?? null,
    notice: options.notice,
  }
}

export function nobodyHoldsError(e164: string): string {
  return `No patron is signed up for SMS alerts with ${formatPhone(e164)}.`
}

/** The notice after the opt-out, on the empty form. */
export function optedOutNotice(result: { e164: string; optedOut: number }): string {
  return `${formatPhone(result.e164)}: ${result.optedOut} registration${result.optedOut === 1 ? '' : 's'} opted out.`
}
