import type { ConfigSnapshot } from '../config/configSnapshot.js'
import { classifyInbound, type Keyword } from '../domain/keywords.js'
import { isActive, transition, type OptInEvent, type OutboundKind, type Region, type SmsStatus } from '../domain/optIn.js'
import { checkMobileNumber, e164FromMsisdn, recordMatchesNumber } from '../domain/phone.js'
import type { Logger } from '../logger.js'
import type { InboundInput, ReceiptInput } from '../sms/gateway.js'
import { isUniqueViolation } from '../store/errors.js'
import type { ConsentChannel, ConsentEvent, OutboxMessage, Patron, Registration } from '../store/schema.js'
import type { Repositories, Store } from '../store/store.js'
import { DomainError, NotFoundError } from './errors.js'
import { optInLimitReached } from './optInLimits.js'
import { smsText, termsHash } from './smsTexts.js'

/** Who or what caused a change: kept with every consent event as evidence. */
export interface EventSource {
  channel: ConsentChannel
  ip?: string | null
  userAgent?: string | null
  inboundMessageId?: string | null
  actor?: string | null
}

export interface ModpinfoForm {
  email: string
  tele1: string
  /** undefined when the mobile field is not offered (PATRON_NOTICES without `m`) */
  mobile: string | undefined
  optin: boolean
  /** the confirmation the patron gave, from the dialog or the no-JavaScript page */
  confirm: 'optout' | 'phone' | null
}

export type FormField = 'email' | 'tele1' | 'mobile'
export interface FieldError { field: FormField; message: string }

export type ModpinfoResult =
  | { kind: 'saved'; status: SmsStatus }
  | { kind: 'invalid'; errors: FieldError[] }
  | { kind: 'confirm'; confirm: 'optout' | 'phone' }

/** One send as the dispatcher saw it: the row, what the gateway said, and when to try again. */
export interface SendOutcome {
  row: { id: number; patron_id: number | null; e164: string; kind: OutboundKind }
  result: { outcome: 'sent'; messageId: string } | { outcome: 'retry' | 'refused'; error: string }
  retryAtMs: number | null
}

export interface PatronSmsView {
  patron: Patron
  status: SmsStatus
  registeredNumber: string | null
  /** SPEC 4.5: the last change opted the patron out because the number changed or went. */
  autoOptedOut: boolean
  history: ConsentEvent[]
}

export interface ConsentServiceDeps {
  store: Store
  config: () => ConfigSnapshot
  clock?: () => Date
  log: Logger
  /** Called after a commit that queued SMS, so the dispatcher can send without waiting. */
  onQueued?: () => void
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const NUMBER_GONE_REASONS = new Set(['number_changed', 'mobile_removed'])

function blankRegistration(patronId: number, at: string): Registration {
  return { patron_id: patronId, status: 'not_opted_in', e164: null, terms_hash: null, invited_at: null, status_changed_at: at }
}

function holdsNumber(status: SmsStatus): boolean {
  return isActive(status) || status === 'pending_optout'
}

// The one place where opt-in statuses change (SPEC 4): every operation is one transaction
// that writes the new status, its consent event and any SMS to send, together.
export class ConsentService {
  private readonly store: Store
  private readonly config: () => ConfigSnapshot
  private readonly clock: () => Date
  private readonly log: Logger
  private readonly onQueued: () => void

  constructor(deps: ConsentServiceDeps) {
    this.store = deps.store
    this.config = deps.config
    this.clock = deps.clock ?? (() => new Date())
    this.log = deps.log
    this.onQueued = deps.onQueued ?? (() => {})
  }

  // ---- the patron's own page --------------------------------------------------------

  async submitModpinfo(patronId: number, form: ModpinfoForm, web: { ip: string | null; userAgent: string | null }): Promise<ModpinfoResult> {
    const config = this.config()
    const { errors, e164 } = this.validateForm(form, config)
    if (errors.length > 0) return { kind: 'invalid', errors }
    const source: EventSource = { channel: 'web', ip: web.ip, userAgent: web.userAgent }
    try {
      const result = await this.store.transaction(async (repos) => {
        const patron = await this.requirePatron(repos, patronId)
        if (form.mobile === undefined) {
          await repos.patrons.update(patronId, { email: form.email.trim(), tele1: form.tele1.trim() }, this.nowIso())
          const registration = await repos.registrations.findByPatron(patronId)
          return { kind: 'saved', status: registration?.status ?? 'not_opted_in' } as const
        }
        return this.applyModpinfo(repos, patron, { ...form, mobile: form.mobile.trim() }, e164, source)
      })
      if (result.kind === 'saved') this.onQueued()
      return result
    } catch (error) {
      if (error instanceof DomainError && error.messageKey === 'SMS_ERR_NUMBER_TAKEN') {
        return { kind: 'invalid', errors: [{ field: 'mobile', message: config.messages.SMS_ERR_NUMBER_TAKEN }] }
      }
      throw error
    }
  }

  private validateForm(form: ModpinfoForm, config: ConfigSnapshot): { errors: FieldError[]; e164: string | null } {
    const errors: FieldError[] = []
    const email = form.email.trim()
    if (email !== '' && (email.length > 254 || !EMAIL.test(email))) {
      errors.push({ field: 'email', message: 'Enter an email address in the form name@example.org.' })
    }
    if (form.tele1.trim().length > 40) {
      errors.push({ field: 'tele1', message: 'Telephone numbers can be at most 40 characters long.' })
    }
    let e164: string | null = null
    const mobile = form.mobile?.trim()
    if (mobile !== undefined && (mobile !== '' || form.optin)) {
      const check = checkMobileNumber(mobile, config.webOptions.country)
      if (check.ok) e164 = check.e164
      else errors.push({ field: 'mobile', message: config.messages[check.error] })
    }
    return { errors, e164 }
  }

  private async applyModpinfo(
    repos: Repositories,
    patron: Patron,
    form: ModpinfoForm & { mobile: string },
    newE164: string | null,
    source: EventSource,
  ): Promise<ModpinfoResult> {
    let registration = (await repos.registrations.findByPatron(patron.id)) ?? blankRegistration(patron.id, this.nowIso())
    const numberChanged = holdsNumber(registration.status) && registration.e164 !== newE164
    const needed = confirmationNeeded(registration.status, numberChanged, form.optin && newE164 !== null)
    // Refused like a validation error, before anything is written or the patron is asked to confirm.
    const startsOptIn = form.optin && newE164 !== null && (numberChanged || !isActive(registration.status))
    if (startsOptIn && (await optInLimitReached(repos, this.config().webOptions, patron.id, newE164, this.clock()))) {
      return { kind: 'invalid', errors: [{ field: 'mobile', message: this.config().messages.SMS_ERR_TOO_MANY_ATTEMPTS }] }
    }
    if (needed && form.confirm !== needed) return { kind: 'confirm', confirm: needed }

    if (form.optin && newE164) {
      const holder = await repos.registrations.findActiveByNumber(newE164)
      if (holder && holder.patron_id !== patron.id) throw numberTaken(this.config())
    }
    await repos.patrons.update(patron.id, { email: form.email.trim(), tele1: form.tele1.trim(), mobile: form.mobile }, this.nowIso())

    if (numberChanged) {
      const event: OptInEvent = { type: newE164 ? 'number_changed' : 'mobile_removed' }
      registration = await this.apply(repos, patron, registration, event, source)
    }
    if (!holdsNumber(registration.status) && registration.e164 !== newE164) {
      registration = { ...registration, e164: newE164 }
      await this.saveRegistration(repos, registration)
    }
    if (form.optin && newE164) {
      registration = await this.apply(repos, patron, registration, { type: 'web_opt_in' }, source)
    } else if (!form.optin && !numberChanged) {
      registration = await this.apply(repos, patron, registration, { type: 'web_opt_out' }, source)
    }
    return { kind: 'saved', status: registration.status }
  }

  /** The patron's SMS status and history, after applying SPEC 4.5 if the record changed. */
  async patronView(patronId: number): Promise<PatronSmsView> {
    let { patron, registration, history } = await this.patronRecord(patronId)
    // Writes only when something is due: SPEC 4.5 (the record's number changed) or SPEC 4.3
    // (an unanswered invitation is overdue, even if the periodic expiry job has not run yet,
    // so the patron never sees a stale Pending). A plain page view only reads.
    const cutoff = this.expiryCutoff()
    if (registration && this.numberLeftRecord(patron, registration)) {
      await this.reconcile(patronId, { channel: 'system' })
      ;({ patron, registration, history } = await this.patronRecord(patronId))
    } else if (registration?.status === 'pending_optin' && (registration.invited_at ?? '') < cutoff) {
      await this.expireInvitation(patronId, cutoff)
      ;({ patron, registration, history } = await this.patronRecord(patronId))
    }
    const status = registration?.status ?? 'not_opted_in'
    const last = history[0]
    return {
      patron,
      status,
      registeredNumber: registration?.e164 ?? null,
      autoOptedOut: status === 'not_opted_in' && last !== undefined && NUMBER_GONE_REASONS.has(last.reason),
      history,
    }
  }

  /** The patron, their registration and their history, read from one snapshot of the database. */
  private patronRecord(patronId: number): Promise<{ patron: Patron; registration: Registration | undefined; history: ConsentEvent[] }> {
    return this.store.read(async (repos) => {
      const patron = await repos.patrons.findById(patronId)
      if (!patron) throw new NotFoundError('Patron')
      return { patron, registration: await repos.registrations.findByPatron(patronId), history: await repos.consent.listForPatron(patronId) }
    })
  }

  private numberLeftRecord(patron: Patron, registration: Registration): boolean {
    if (!holdsNumber(registration.status) || !registration.e164) return false
    return !recordMatchesNumber(patron.mobile, registration.e164, this.config().webOptions.country)
  }

  /**
   * SPEC 4.5: when the record's number no longer matches the registered one — whoever
   * changed it, through whatever door — the registration ends, silently.
   */
  async reconcile(patronId: number, source: EventSource): Promise<void> {
    await this.store.transaction(async (repos) => {
      const registration = await repos.registrations.findByPatron(patronId)
      const patron = await repos.patrons.findById(patronId)
      if (!registration || !patron || !this.numberLeftRecord(patron, registration)) return
      const event: OptInEvent = { type: patron.mobile.trim() === '' ? 'mobile_removed' : 'number_changed' }
      await this.apply(repos, patron, registration, event, source)
    })
  }

  /** Changes the MOBILE PH field from outside modpinfo (staff, CLI, an ILS load). */
  async setMobile(patronId: number, mobile: string, source: EventSource): Promise<void> {
    await this.store.transaction(async (repos) => {
      await this.requirePatron(repos, patronId)
      await repos.patrons.update(patronId, { mobile: mobile.trim() }, this.nowIso())
    })
    await this.reconcile(patronId, source)
  }

  // ---- texts from phones and receipts from the gateway --------------------------------

  async handleInbound(message: InboundInput): Promise<{ duplicate: boolean; keyword: Keyword; outcome: string }> {
    const config = this.config()
    const keyword = classifyInbound(message.text)
    const e164 = e164FromMsisdn(message.msisdn)
    const ours = config.webOptions.shortCodes.includes(message.to.trim())
    const outcome = await this.store.transaction(async (repos) => {
      const fresh = await repos.inbox.recordInbound({
        message_id: message.messageId,
        msisdn: message.msisdn,
        to_number: message.to,
        text: message.text,
        keyword,
        received_at: message.receivedAt.toISOString(),
        outcome: 'received',
      })
      if (!fresh) return null
      const result = !ours || !e164 ? 'ignored: not sent to one of our short codes' : await this.applyInbound(repos, e164, keyword, message.messageId)
      await repos.inbox.setInboundOutcome(message.messageId, result)
      return result
    })
    if (outcome === null) return { duplicate: true, keyword, outcome: 'duplicate' }
    this.onQueued()
    return { duplicate: false, keyword, outcome }
  }

  private async applyInbound(repos: Repositories, e164: string, keyword: Keyword, messageId: string): Promise<string> {
    const source: EventSource = { channel: 'sms', inboundMessageId: messageId }
    if (keyword === 'stop') {
      // Whatever happens below, nothing else queued for this phone goes out.
      await repos.outbox.cancelQueuedForNumber(e164, 'recipient texted STOP', this.nowIso())
    }
    const registration = await repos.registrations.findForNumber(e164)
    const patron = registration ? await repos.patrons.findById(registration.patron_id) : undefined
    if (!registration || !patron) {
      if (keyword === 'help') await this.enqueue(repos, null, e164, 'help', smsText(this.config(), 'help', ''))
      return keyword === 'help' ? 'help sent; number not registered' : 'recorded; number not registered'
    }
    const before = registration.status
    const after = await this.apply(repos, patron, registration, { type: 'inbound', keyword }, source)
    return before === after.status ? `recorded; status stays ${before}` : `status ${before} -> ${after.status}`
  }

  async handleReceipt(receipt: ReceiptInput): Promise<{ duplicate: boolean; outcome: string }> {
    const outcome = await this.store.transaction(async (repos) => {
      const row = await this.findOutboxRow(repos, receipt)
      const result = row ? await this.applyReceipt(repos, row, receipt) : 'ignored: unknown message'
      const fresh = await repos.inbox.recordReceipt({
        message_id: receipt.messageId,
        client_ref: receipt.clientRef,
        status: receipt.status,
        err_code: receipt.errCode,
        received_at: this.nowIso(),
        outcome: result,
      })
      if (!fresh) throw new DuplicateReceipt()
      return result
    }).catch((error: unknown) => {
      if (error instanceof DuplicateReceipt) return null
      throw error
    })
    if (outcome === null) return { duplicate: true, outcome: 'duplicate' }
    this.onQueued()
    return { duplicate: false, outcome }
  }

  private async findOutboxRow(repos: Repositories, receipt: ReceiptInput): Promise<OutboxMessage | undefined> {
    const byRef = receipt.clientRef && /^\d+$/.test(receipt.clientRef) ? await repos.outbox.findById(Number(receipt.clientRef)) : undefined
    return byRef ?? (await repos.outbox.findByGatewayMessageId(receipt.messageId))
  }

  private async applyReceipt(repos: Repositories, row: OutboxMessage, receipt: ReceiptInput): Promise<string> {
    const status = receipt.status.toLowerCase()
    const at = this.nowIso()
    const settled = ['sending', 'sent', 'unknown'].includes(row.state)
    if (status === 'delivered') {
      if (settled) await repos.outbox.update(row.id, { state: 'delivered', gateway_message_id: receipt.messageId, updated_at: at })
      return 'delivered'
    }
    if (!['failed', 'rejected', 'expired'].includes(status)) return `noted: ${status}`
    if (settled || row.state === 'delivered') {
      await repos.outbox.update(row.id, {
        state: 'failed',
        gateway_message_id: receipt.messageId,
        delivery_error_code: receipt.errCode,
        error: `delivery ${status}${receipt.errCode ? ` (err-code ${receipt.errCode})` : ''}`,
        updated_at: at,
      })
    }
    const event: OptInEvent | null =
      receipt.errCode === '9' ? { type: 'carrier_opt_out' }
      : row.kind === 'invitation' || row.kind === 'confirmation' ? { type: 'delivery_failed', message: row.kind }
      : null
    if (event && row.patron_id !== null) {
      await this.applyToCurrentNumber(repos, row.patron_id, row.e164, event, { channel: 'system', inboundMessageId: receipt.messageId })
    }
    return receipt.errCode === '9' ? 'failed: recipient opted out at the carrier' : `failed: ${status}`
  }

  // ---- the dispatcher's side -----------------------------------------------------------

  /** Records what the gateway said about a batch of sends, in one transaction. */
  async recordSendResults(outcomes: readonly SendOutcome[]): Promise<void> {
    if (outcomes.length === 0) return
    await this.store.transaction(async (repos) => {
      for (const outcome of outcomes) await this.recordSendResult(repos, outcome)
    })
    this.onQueued()
  }

  // `retryAtMs` null means no more tries.
  private async recordSendResult(repos: Repositories, { row, result, retryAtMs }: SendOutcome): Promise<void> {
    const at = this.nowIso()
    if (result.outcome === 'sent') {
      const moved = await repos.outbox.transition(row.id, 'sending', { state: 'sent', gateway_message_id: result.messageId, sent_at: at, error: null, updated_at: at })
      // A receipt may have arrived first and already settled the row.
      if (!moved) await repos.outbox.update(row.id, { gateway_message_id: result.messageId, sent_at: at })
      if (row.kind === 'optout') await this.completeOptOut(repos, row)
      return
    }
    if (result.outcome === 'retry' && retryAtMs !== null) {
      await repos.outbox.transition(row.id, 'sending', { state: 'queued', next_attempt_ms: retryAtMs, error: result.error, updated_at: at })
      return
    }
    await repos.outbox.transition(row.id, 'sending', { state: 'failed', error: result.error, updated_at: at })
    if (row.kind === 'optout') await this.completeOptOut(repos, row)
    else if (row.patron_id !== null && (row.kind === 'invitation' || row.kind === 'confirmation')) {
      await this.applyToCurrentNumber(repos, row.patron_id, row.e164, { type: 'delivery_failed', message: row.kind }, { channel: 'system' })
    }
  }

  // SPEC 4.4: the opt-out is processed once its one confirmation text has been handed to
  // the gateway — or could not be, which must not leave the patron half opted out.
  private async completeOptOut(repos: Repositories, row: { patron_id: number | null; e164: string }): Promise<void> {
    if (row.patron_id === null) return
    await this.applyToCurrentNumber(repos, row.patron_id, row.e164, { type: 'opt_out_sent' }, { channel: 'system' })
  }

  async expireInvitations(): Promise<number> {
    const cutoff = this.expiryCutoff()
    let expired = 0
    for (;;) {
      const batch = await this.store.repos.registrations.invitationsSentBefore(cutoff, 200)
      if (batch.length === 0) return expired
      for (const registration of batch) {
        if (await this.expireInvitation(registration.patron_id, cutoff)) expired += 1
      }
    }
  }

  private async expireInvitation(patronId: number, cutoff: string): Promise<boolean> {
    return this.store.transaction(async (repos) => {
      const current = await repos.registrations.findByPatron(patronId)
      const patron = await repos.patrons.findById(patronId)
      if (!current || !patron || current.status !== 'pending_optin' || (current.invited_at ?? '') >= cutoff) return false
      await this.apply(repos, patron, current, { type: 'invitation_expired' }, { channel: 'system' })
      return true
    })
  }

  private expiryCutoff(): string {
    const hours = this.config().webOptions.optInExpiryHours
    return new Date(this.clock().getTime() - hours * 3_600_000).toISOString()
  }

  // ---- staff actions (SPEC 4.8) -----------------------------------------------------------

  async deletePatron(patronId: number, actor: string): Promise<Patron> {
    return this.store.transaction(async (repos) => {
      const patron = await this.requirePatron(repos, patronId)
      const registration = await repos.registrations.findByPatron(patronId)
      const source: EventSource = { channel: 'staff', actor }
      if (registration && holdsNumber(registration.status)) {
        await this.apply(repos, patron, registration, { type: 'record_deleted' }, source)
      } else {
        // Still evidence: the record (and any number it held) left at this moment.
        const status = registration?.status ?? 'not_opted_in'
        await this.appendEvent(repos, patron, registration?.e164 ?? null, status, status, 'record_deleted', source, null)
      }
      await repos.outbox.cancelQueuedForPatron(patronId, 'patron record deleted', this.nowIso())
      await repos.patrons.delete(patronId)
      return patron
    })
  }

  async deleteMobile(patronId: number, actor: string): Promise<void> {
    await this.store.transaction(async (repos) => {
      const patron = await this.requirePatron(repos, patronId)
      await repos.patrons.update(patronId, { mobile: '' }, this.nowIso())
      let registration = await repos.registrations.findByPatron(patronId)
      const source: EventSource = { channel: 'staff', actor }
      if (registration && holdsNumber(registration.status)) {
        registration = await this.apply(repos, patron, registration, { type: 'mobile_removed' }, source)
      } else {
        // Every staff action is evidence, even one that leaves the SMS status as it was.
        const status = registration?.status ?? 'not_opted_in'
        await this.appendEvent(repos, patron, registration?.e164 ?? null, status, status, 'staff_mobile_deleted', source, null)
      }
      if (registration) await this.saveRegistration(repos, { ...registration, e164: null })
    })
  }

  /** Staff opt-out by number: every registration that holds it (Sierra's lookup-and-opt-out). */
  async staffOptOutNumber(typed: string, actor: string): Promise<number> {
    const check = checkMobileNumber(typed, this.config().webOptions.country)
    if (!check.ok) throw new DomainError(check.error, this.config().messages[check.error])
    const changed = await this.store.transaction(async (repos) => {
      let count = 0
      for (const registration of await repos.registrations.findAllByNumber(check.e164)) {
        const patron = await repos.patrons.findById(registration.patron_id)
        if (!patron || !holdsNumber(registration.status)) continue
        await this.apply(repos, patron, registration, { type: 'staff_opt_out' }, { channel: 'staff', actor })
        count += 1
      }
      return count
    })
    this.onQueued()
    return changed
  }

  // ---- the one way a status changes -----------------------------------------------------------

  private async applyToCurrentNumber(repos: Repositories, patronId: number, e164: string, event: OptInEvent, source: EventSource): Promise<void> {
    const registration = await repos.registrations.findByPatron(patronId)
    const patron = await repos.patrons.findById(patronId)
    // A receipt or send result for a number the patron has since left says nothing about them now.
    if (!registration || !patron || registration.e164 !== e164) return
    await this.apply(repos, patron, registration, event, source)
  }

  private async apply(repos: Repositories, patron: Patron, registration: Registration, event: OptInEvent, source: EventSource): Promise<Registration> {
    const config = this.config()
    const step = transition(registration.status, event, this.region(config))
    const at = this.nowIso()
    let next = registration
    if (step.status !== registration.status) {
      const optedInOnWeb = event.type === 'web_opt_in'
      next = {
        ...registration,
        status: step.status,
        status_changed_at: at,
        invited_at: step.send === 'invitation' ? at : registration.invited_at,
        terms_hash: optedInOnWeb ? termsHash(config) : registration.terms_hash,
      }
      await this.saveRegistration(repos, next)
      const terms = isActive(step.status) ? next.terms_hash : null
      await this.appendEvent(repos, patron, registration.e164, registration.status, step.status, reasonFor(event), source, terms)
    }
    if (step.cancelQueued) await repos.outbox.cancelQueuedForPatron(patron.id, `cancelled: ${reasonFor(event)}`, at)
    if (step.send && registration.e164) {
      const text = step.send === 'alert' ? '' : smsText(config, step.send, patron.name)
      await this.enqueue(repos, patron.id, registration.e164, step.send, text)
    }
    return next
  }

  private async saveRegistration(repos: Repositories, registration: Registration): Promise<void> {
    try {
      await repos.registrations.save(registration)
    } catch (error) {
      if (isUniqueViolation(error)) throw numberTaken(this.config())
      throw error
    }
  }

  private async appendEvent(
    repos: Repositories,
    patron: Patron,
    e164: string | null,
    from: SmsStatus,
    to: SmsStatus,
    reason: string,
    source: EventSource,
    terms: string | null,
  ): Promise<void> {
    await repos.consent.append({
      patron_id: patron.id,
      barcode: patron.barcode,
      e164,
      from_status: from,
      to_status: to,
      channel: source.channel,
      reason,
      terms_hash: terms,
      at: this.nowIso(),
      ip: source.ip ?? null,
      user_agent: source.userAgent ?? null,
      inbound_message_id: source.inboundMessageId ?? null,
      actor: source.actor ?? null,
    })
  }

  private async enqueue(repos: Repositories, patronId: number | null, e164: string, kind: OutboundKind, text: string): Promise<number> {
    return repos.outbox.enqueue({ patron_id: patronId, e164, kind, text }, this.clock())
  }

  private async requirePatron(repos: Repositories, patronId: number): Promise<Patron> {
    const patron = await repos.patrons.findById(patronId)
    if (!patron) throw new NotFoundError('Patron')
    return patron
  }

  private region(config: ConfigSnapshot): Region {
    return config.webOptions.usOptIn ? 'us' : 'intl'
  }

  private nowIso(): string {
    return this.clock().toISOString()
  }
}

class DuplicateReceipt extends Error {}

function numberTaken(config: ConfigSnapshot): DomainError {
  return new DomainError('SMS_ERR_NUMBER_TAKEN', config.messages.SMS_ERR_NUMBER_TAKEN)
}

/** SPEC 3: which warning the patron must confirm before this save may apply. */
function confirmationNeeded(status: SmsStatus, numberChanged: boolean, optingIn: boolean): 'optout' | 'phone' | null {
  if (!isActive(status)) return null
  if (numberChanged && optingIn) return 'phone'
  if (numberChanged || !optingIn) return 'optout'
  return null
}

function reasonFor(event: OptInEvent): string {
  if (event.type === 'inbound') return `sms_${event.keyword}`
  if (event.type === 'delivery_failed') return `${event.message}_undeliverable`
  return event.type
}
