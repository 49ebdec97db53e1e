import { type ConfigSnapshot, localized } from '../config/configSnapshot.js'
import type { Lang } from '../domain/language.js'
import { holdsNumber, isActive, type OptInEvent, type SmsStatus } from '../domain/optIn.js'
import { checkMobileNumber } from '../domain/phone.js'
import type { Patron } from '../store/schema.js'
import type { Repositories } from '../store/store.js'
import type { ServiceDeps } from './deps.js'
import { DomainError, NotFoundError } from './errors.js'
import type { EventSource, Ledger } from './ledger.js'
import { optInLimitReached } from './optInLimits.js'

export interface ModpinfoForm {
  email: string
  tele1: string
  /** undefined when the mobile field is not offered (PATRON_NOTICES without `m`) */
  mobile: string | undefined
  optin: boolean
  /** the confirmation the patron gave, from the dialog or the no-JavaScript page */
  confirm: 'optout' | 'phone' | null
}

type FormField = 'email' | 'tele1' | 'mobile'
export interface FieldError {
  field: FormField
  message: string
}

type ModpinfoResult =
  | { kind: 'saved'; status: SmsStatus }
  | { kind: 'invalid'; errors: FieldError[] }
  | { kind: 'confirm'; confirm: 'optout' | 'phone' }

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

// The form's own messages; the SMS ones come from that language's messages file.
const FORM_ERRORS: Record<Lang, { email: string; tele1: string }> = {
  en: {
    email: 'Enter an email address in the form name@example.org.',
    tele1: 'Telephone numbers can be at most 40 characters long.',
  },
  es: {
    email: 'Escriba una dirección de correo electrónico con la forma nombre@ejemplo.org.',
    tele1: 'El número de teléfono puede tener 40 caracteres como máximo.',
  },
}

/** Where a web submission came from, and the language of the page it was made on (SPEC 9). */
export interface WebOrigin {
  ip: string | null
  userAgent: string | null
  lang?: Lang
}

// The patron's own form, modpinfo (SPEC 3, 4.1–4.5, 7): checks what was typed, asks for the
// confirmation a change needs, keeps the opt-in text limits, and hands the change to the ledger,
// all in one transaction.
export class OptInForm {
  constructor(private readonly deps: Pick<ServiceDeps, 'store' | 'config' | 'clock' | 'onQueued'> & { ledger: Ledger }) {}

  async submit(patronId: number, form: ModpinfoForm, web: WebOrigin): Promise<ModpinfoResult> {
    const lang = web.lang ?? 'en'
    const config = localized(this.deps.config(), lang)
    const { errors, e164 } = validateForm(form, config, lang)
    if (errors.length > 0) return { kind: 'invalid', errors }
    const source: EventSource = { channel: 'web', ip: web.ip, userAgent: web.userAgent, lang: web.lang ?? null }
    try {
      const result = await this.deps.store.transaction(async (repos) => {
        const patron = await repos.patrons.findById(patronId)
        if (!patron) throw new NotFoundError('Patron')
        if (form.mobile === undefined) {
          await repos.patrons.update(patronId, { email: form.email.trim(), tele1: form.tele1.trim() }, this.nowIso())
          const registration = await repos.registrations.findByPatron(patronId)
          return { kind: 'saved', status: registration?.status ?? 'not_opted_in' } as const
        }
        return this.apply(repos, patron, { ...form, mobile: form.mobile.trim() }, e164, source)
      })
      if (result.kind === 'saved') this.deps.onQueued()
      return result
    } catch (error) {
      if (error instanceof DomainError && error.messageKey === 'SMS_ERR_NUMBER_TAKEN') return numberTaken(config)
      throw error
    }
  }

  private async apply(
    repos: Repositories,
    given: Patron,
    form: ModpinfoForm & { mobile: string },
    newE164: string | null,
    source: EventSource,
  ): Promise<ModpinfoResult> {
    let patron = given
    const { ledger } = this.deps
    const config = localized(this.deps.config(), source.lang ?? 'en')
    const registration = await ledger.registrationOf(repos, patron.id)
    const numberChanged = holdsNumber(registration.status) && registration.e164 !== newE164
    // The number the patron opts in with; null when they do not.
    const optInNumber = form.optin ? newE164 : null
    const needed = confirmationNeeded(registration.status, numberChanged, optInNumber !== null)
    // Refused like a validation error, before anything is written or the patron is asked to confirm.
    const startsOptIn = optInNumber !== null && (numberChanged || !isActive(registration.status))
    if (startsOptIn && (await optInLimitReached(repos, config.webOptions, patron.id, optInNumber, this.deps.clock()))) {
      return { kind: 'invalid', errors: [{ field: 'mobile', message: config.messages.SMS_ERR_TOO_MANY_ATTEMPTS }] }
    }
    if (needed && form.confirm !== needed) return { kind: 'confirm', confirm: needed }

    if (optInNumber) {
      const holder = await repos.registrations.findActiveByNumber(optInNumber)
      if (holder && holder.patron_id !== patron.id) return numberTaken(config)
    }
    // SPEC 9: opting in from a page in a language makes it the language of the patron's texts.
    const lang = optInNumber && source.lang ? { lang: source.lang } : {}
    await repos.patrons.update(
      patron.id,
      { email: form.email.trim(), tele1: form.tele1.trim(), mobile: form.mobile, ...lang },
      this.nowIso(),
    )
    if (lang.lang) patron = { ...patron, lang: lang.lang }

    // At most two changes: leaving the old number (SPEC 4.5), then the patron's choice, which
    // takes the new number with it when the first did not.
    let saved = registration
    if (numberChanged) {
      const event: OptInEvent = { type: newE164 ? 'number_changed' : 'mobile_removed' }
      saved = await ledger.apply(repos, patron, saved, { event, source, e164: newE164 })
    }
    if (optInNumber) {
      saved = await ledger.apply(repos, patron, saved, { event: { type: 'web_opt_in' }, source, e164: optInNumber })
    } else if (!form.optin && !numberChanged) {
      saved = await ledger.apply(repos, patron, saved, { event: { type: 'web_opt_out' }, source, e164: newE164 })
    }
    return { kind: 'saved', status: saved.status }
  }

  private nowIso(): string {
    return this.deps.clock().toISOString()
  }
}

function validateForm(form: ModpinfoForm, config: ConfigSnapshot, lang: Lang): { errors: FieldError[]; e164: string | null } {
  const errors: FieldError[] = []
  const email = form.email.trim()
  if (email !== '' && (email.length > 254 || !EMAIL.test(email))) {
    errors.push({ field: 'email', message: FORM_ERRORS[lang].email })
  }
  if (form.tele1.trim().length > 40) {
    errors.push({ field: 'tele1', message: FORM_ERRORS[lang].tele1 })
  }
  let e164: string | null = null
  const mobile = form.mobile?.trim()
  if (mobile !== undefined && (mobile !== '' || form.optin)) {
    const check = checkMobileNumber(mobile, config.webOptions.country)
    if (check.ok) e164 = check.value
    else errors.push({ field: 'mobile', message: config.messages[check.error] })
  }
  return { errors, e164 }
}

/** SPEC 3: which warning the patron must confirm before this save may apply. */
function confirmationNeeded(status: SmsStatus, numberChanged: boolean, optingIn: boolean): 'optout' | 'phone' | null {
  if (!isActive(status)) return null
  if (numberChanged && optingIn) return 'phone'
  if (numberChanged || !optingIn) return 'optout'
  return null
}

function numberTaken(config: ConfigSnapshot): ModpinfoResult {
  return { kind: 'invalid', errors: [{ field: 'mobile', message: config.messages.SMS_ERR_NUMBER_TAKEN }] }
}
