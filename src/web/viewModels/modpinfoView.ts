import type { ConfigSnapshot } from '../../config/configSnapshot.js'
import { isActive, type SmsStatus } from '../../domain/optIn.js'
import { digitsOf } from '../../domain/phone.js'
import type { FieldError, ModpinfoForm } from '../../services/optInForm.js'
import type { PatronSms } from '../../services/patronSmsView.js'
import { termsText } from '../../services/smsTexts.js'
import { fieldErrorMap } from '../forms.js'
import type { PageLanguage } from '../i18n/index.js'
import { modpinfoPath, patronTopPath } from '../paths.js'
import { type HistoryRow, patronHistoryRows } from './consentHistory.js'
import { formatPhone } from './format.js'
import { type StatusView, statusView } from './smsStatus.js'

interface FormValues {
  email: string
  tele1: string
  mobile: string
  optin: boolean
}

type ModpinfoText = Record<
  | 'heading'
  | 'updated'
  | 'statusHeading'
  | 'contactHeading'
  | 'email'
  | 'tele1'
  | 'smsLegend'
  | 'mobile'
  | 'optin'
  | 'submit'
  | 'historyHeading'
  | 'historyEmpty'
  | 'historyCaption'
  | 'when'
  | 'what'
  | 'how'
  | 'statusPrefix',
  string
>

export interface ModpinfoPage {
  title: string
  text: ModpinfoText
  /** "for +1 201 555 0123" beside the status; null when no number is registered. */
  forNumber: string | null
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

const TEXT_KEYS: readonly (keyof ModpinfoText)[] = [
  'updated',
  'statusHeading',
  'contactHeading',
  'email',
  'tele1',
  'smsLegend',
  'mobile',
  'optin',
  'submit',
  'historyHeading',
  'historyEmpty',
  'historyCaption',
  'when',
  'what',
  'how',
  'statusPrefix',
]
// Per language and country: the sentence is fixed text around a country name, and naming the
// country (Intl.DisplayNames) plus i18next's interpolation cost more than the rest of the text.
const mobileHints = new Map<string, string>()

// The country in the page's language: "United States" or "Estados Unidos".
function mobileHint(country: string, { t, lang }: PageLanguage): string {
  const key = `${lang}:${country}`
  let hint = mobileHints.get(key)
  if (hint === undefined) {
    const name = new Intl.DisplayNames([lang], { type: 'region' }).of(country) ?? country
    hint = t('modpinfo.mobileHint', { country: name })
    mobileHints.set(key, hint)
  }
  return hint
}

function pageText({ t }: PageLanguage): ModpinfoText {
  const text = { heading: t('modpinfo.title') } as ModpinfoText
  for (const key of TEXT_KEYS) text[key] = t(`modpinfo.${key}`)
  return text
}

function statusHelp(status: SmsStatus, { t }: PageLanguage): string {
  return t(`modpinfo.statusHelp.${status}`)
}

/** The record as stored: what the form shows before the patron types anything. */
export function storedValues(view: PatronSms): FormValues {
  const { patron } = view
  return { email: patron.email, tele1: patron.tele1, mobile: patron.mobile, optin: isActive(view.status) }
}

export function submittedValues(form: ModpinfoForm, stored: FormValues): FormValues {
  return { email: form.email, tele1: form.tele1, mobile: form.mobile ?? stored.mobile, optin: form.optin }
}

/** `config` as localized for the page's language (SPEC 9): the library's texts in that language. */
export function modpinfoPage(
  view: PatronSms,
  config: ConfigSnapshot,
  page: PageLanguage,
  options: { form?: FormValues; errors?: FieldError[]; updated?: boolean } = {},
): ModpinfoPage {
  const errors = options.errors ?? []
  const updated = options.updated === true && errors.length === 0
  const { messages, webOptions } = config
  const { t } = page
  const heading = t('modpinfo.title')
  const registeredNumber = view.registeredNumber ? formatPhone(view.registeredNumber) : null
  return {
    // The title is the first thing a screen reader says on arrival: it carries the outcome too.
    title: errors.length > 0 ? t('titles.error', { title: heading }) : updated ? t('titles.updated', { title: heading }) : heading,
    text: pageText(page),
    forNumber: registeredNumber ? t('modpinfo.forNumber', { number: registeredNumber }) : null,
    action: modpinfoPath(view.patron.id),
    topHref: patronTopPath(view.patron.id),
    patronName: view.patron.name,
    form: options.form ?? storedValues(view),
    mobileOffered: webOptions.mobileFieldOffered,
    status: statusView(messages, view.status),
    statusHelp: statusHelp(view.status, page),
    mobileHint: mobileHint(webOptions.country, page),
    registeredNumber,
    registeredDigits: view.registeredNumber ? digitsOf(view.registeredNumber) : '',
    terms: termsText(config),
    optOutWarn: webOptions.optOutWarn,
    phoneWarn: webOptions.phoneWarn,
    errors,
    fieldErrors: fieldErrorMap(errors),
    updated,
    autoOptOut: view.autoOptedOut ? messages.SMS_ERR_AUTO_OPTOUT : null,
    history: patronHistoryRows(view.patron.id, view.history, config, page),
  }
}
