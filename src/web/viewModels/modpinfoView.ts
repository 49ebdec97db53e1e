import type { ConfigSnapshot } from '../../config/configSnapshot.js'
import { perSnapshot } from '../../config/perSnapshot.js'
import { isActive, type SmsStatus } from '../../domain/optIn.js'
import { digitsOf } from '../../domain/phone.js'
import type { FieldError, ModpinfoForm } from '../../services/optInForm.js'
import type { PatronSms } from '../../services/patronSmsView.js'
import { termsText } from '../../services/smsTexts.js'
import { fieldErrorMap } from '../forms.js'
import { modpinfoPath, patronTopPath } from '../paths.js'
import { patronHistoryRows, type HistoryRow } from './consentHistory.js'
import { formatPhone } from './format.js'
import { statusView, type StatusView } from './smsStatus.js'

interface FormValues { email: string; tele1: string; mobile: string; optin: boolean }

export interface ModpinfoPage {
  title: string
  action: string
  topHref: string
  patronName: string
  form: FormValues
  mobileOffered: boolean
  status: StatusView
  /** What the status means for the patron and what they can do next. */
  statusHelp: string
  mobileHint: string
  registeredNumber: string | null
  /** For the confirm() script: the registered number's digits, to tell a new number from a reformatted one. */
  registeredDigits: string
  terms: string
  optOutWarn: string
  phoneWarn: string
  errors: FieldError[]
  fieldErrors: Partial<Record<FieldError['field'], string>>
  updated: boolean
  autoOptOut: string | null
  history: readonly HistoryRow[]
}

const STATUS_HELP: Record<SmsStatus, string> = {
  not_opted_in: 'Enter your mobile number and check Opt In to get library alerts by text.',
  pending_optin: 'We texted you an invitation. Reply YES to it to start your alerts.',
  opted_in: 'You get library alerts by text. To stop them, uncheck Opt In and submit, or text STOP.',
  rejected: 'Your SMS alerts were not started. To try again, check Opt In and submit.',
  pending_optout: 'We are stopping your alerts. You will get one last text to confirm it.',
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' })

const mobileHint = perSnapshot(({ webOptions: { country } }) => {
  const name = regionNames.of(country) ?? country
  return `For SMS alerts. If it is not a ${name} number, start with + and the country code.`
})

/** The record as stored: what the form shows before the patron types anything. */
export function storedValues(view: PatronSms): FormValues {
  const { patron } = view
  return { email: patron.email, tele1: patron.tele1, mobile: patron.mobile, optin: isActive(view.status) }
}

export function submittedValues(form: ModpinfoForm, stored: FormValues): FormValues {
  return { email: form.email, tele1: form.tele1, mobile: form.mobile ?? stored.mobile, optin: form.optin }
}

export function modpinfoPage(
  view: PatronSms,
  config: ConfigSnapshot,
  options: { form?: FormValues; errors?: FieldError[]; updated?: boolean } = {},
): ModpinfoPage {
  const errors = options.errors ?? []
  const updated = options.updated === true && errors.length === 0
  const { messages, webOptions } = config
  return {
    // The title is the first thing a screen reader says on arrival: it carries the outcome too.
    title: errors.length > 0 ? 'Error: Modify Personal Information' : updated ? 'Updated: Modify Personal Information' : 'Modify Personal Information',
    action: modpinfoPath(view.patron.id),
    topHref: patronTopPath(view.patron.id),
    patronName: view.patron.name,
    form: options.form ?? storedValues(view),
    mobileOffered: webOptions.mobileFieldOffered,
    status: statusView(messages, view.status),
    statusHelp: STATUS_HELP[view.status],
    mobileHint: mobileHint(config),
    registeredNumber: view.registeredNumber ? formatPhone(view.registeredNumber) : null,
    registeredDigits: view.registeredNumber ? digitsOf(view.registeredNumber) : '',
    terms: termsText(config),
    optOutWarn: webOptions.optOutWarn,
    phoneWarn: webOptions.phoneWarn,
    errors,
    fieldErrors: fieldErrorMap(errors),
    updated,
    autoOptOut: view.autoOptedOut ? messages.SMS_ERR_AUTO_OPTOUT : null,
    history: patronHistoryRows(view.patron.id, view.history, config),
  }
}
