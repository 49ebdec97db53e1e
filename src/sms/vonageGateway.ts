import { SMS, SMSFailure } from '@vonage/sms'
import type { VonageEnv } from '../config/env.js'
import { maskPhone } from '../domain/phone.js'
import type { Logger } from '../logger.js'
import type { GatewayHealth, OutgoingSms, SendResult, SmsGateway } from './gateway.js'

interface VonageGatewayOptions {
  /** How long one send may take before it counts as a network fault (ms). */
  timeoutMs?: number
}

// Vonage SMS API status codes (@vonage/sms SMSStatus). Account problems are worth an alert:
// nothing will go out until someone fixes the account, so rows wait (retry) and /healthz says why.
const ACCOUNT_PROBLEMS: Readonly<Record<string, string>> = {
  '4': 'invalid credentials: check VONAGE_API_KEY and VONAGE_API_SECRET',
  '8': 'the Vonage account is barred',
  '9': 'the Vonage account is out of credit (partner quota exceeded)',
  '11': 'the Vonage account is not enabled for the SMS API',
  '14': 'Vonage rejected the request signature',
  '15': 'the sender (the first of SMS_SHORT_CODES) is not allowed on this Vonage account',
  '32': 'the Vonage account does not accept a signed request with an API secret',
}

// "Throttled": more requests per second than the account's throughput limit (30 by default).
const THROTTLED = '1'

// The message itself can never be delivered: invalid parameters or number, barred, too long,
// not whitelisted (demo accounts), deactivated.
const REFUSED = new Set(['2', '3', '6', '7', '12', '29', '33'])

export class VonageGateway implements SmsGateway {
  readonly name = 'vonage' as const
  readonly #client: SMS
  readonly #log: Logger
  #accountProblem: string | null = null
  #lastAnswerAt: string | null = null

  constructor(vonage: Pick<VonageEnv, 'apiKey' | 'apiSecret' | 'restHost'>, log: Logger, options: VonageGatewayOptions = {}) {
    const restHost = vonage.restHost?.replace(/\/+$/, '')
    this.#client = new SMS(
      { apiKey: vonage.apiKey, apiSecret: vonage.apiSecret },
      { timeout: options.timeoutMs ?? 10_000, ...(restHost ? { restHost } : {}) },
    )
    this.#log = log
  }

  async send(sms: OutgoingSms): Promise<SendResult> {
    let verdict: Verdict
    try {
      const response = await this.#client.send({
        to: sms.to.replace(/^\+/, ''),
        from: sms.from,
        text: sms.text,
        clientRef: sms.clientRef,
        statusReportReq: true,
      })
      const messageId = response.messages?.[0]?.messageId
      verdict = { result: messageId ? { outcome: 'sent', messageId } : { outcome: 'retry', error: 'Vonage answered without a message id' } }
    } catch (error) {
      verdict = classify(error)
    }
    this.#note(verdict)
    return verdict.result
  }

  health(): GatewayHealth {
    if (this.#accountProblem) return { ok: false, detail: `SMS are held and retried: ${this.#accountProblem}` }
    return { ok: true, detail: this.#lastAnswerAt ? `Vonage last accepted our account at ${this.#lastAnswerAt}` : 'no send yet' }
  }

  #note({ result, accountProblem }: Verdict): void {
    if (accountProblem) {
      if (this.#accountProblem !== accountProblem) {
        this.#log.error({ gateway: 'vonage', problem: accountProblem }, 'ALERT: Vonage will not send SMS until the account is fixed')
      }
      this.#accountProblem = accountProblem
      return
    }
    // A refusal is about one number: Vonage accepted the account to say so.
    if (result.outcome === 'retry' || result.outcome === 'throttled') return
    this.#lastAnswerAt = new Date().toISOString()
    if (this.#accountProblem) this.#log.info({ gateway: 'vonage' }, 'Vonage accepts our account again')
    this.#accountProblem = null
  }
}

interface Verdict {
  result: SendResult
  accountProblem?: string
}

function classify(error: unknown): Verdict {
  if (error instanceof SMSFailure) {
    // A long text goes out as several parts; once one was accepted, sending again would
    // repeat it, so a partly accepted message counts as sent.
    const accepted = error.getSuccessfulMessages().find((message) => message.messageId)
    if (accepted?.messageId) return { result: { outcome: 'sent', messageId: accepted.messageId } }
    const failed = error.getFailedMessages()[0]
    return fromStatus(failed?.status ?? '', failed?.errorText ?? 'no error text')
  }
  const httpStatus = responseStatus(error)
  if (httpStatus === 401 || httpStatus === 403) {
    return {
      result: { outcome: 'retry', error: `Vonage answered HTTP ${httpStatus}` },
      accountProblem: `Vonage refused our credentials (HTTP ${httpStatus}): check VONAGE_API_KEY and VONAGE_API_SECRET`,
    }
  }
  if (httpStatus !== null) return { result: { outcome: 'retry', error: `Vonage answered HTTP ${httpStatus}` } }
  if (error instanceof Error && error.name === 'AbortError') return { result: { outcome: 'retry', error: 'Vonage did not answer in time' } }
  return { result: { outcome: 'retry', error: `network: ${error instanceof Error ? error.message : String(error)}` } }
}

// Vonage's error texts may quote the number; they end up in logs and the outbox (SPEC 7).
function maskNumbers(text: string): string {
  return text.replace(/\+?\d{7,15}/g, (digits) => maskPhone(digits))
}

function fromStatus(status: string, errorText: string): Verdict {
  const error = `Vonage status ${status}: ${maskNumbers(errorText)}`
  const accountProblem = ACCOUNT_PROBLEMS[status]
  if (accountProblem) return { result: { outcome: 'retry', error }, accountProblem }
  if (REFUSED.has(status)) return { result: { outcome: 'refused', error } }
  if (status === THROTTLED) return { result: { outcome: 'throttled', error } }
  return { result: { outcome: 'retry', error } }
}

function responseStatus(error: unknown): number | null {
  if (typeof error !== 'object' || error === null) return null
  const response = (error as { response?: { status?: unknown } }).response
  return typeof response?.status === 'number' ? response.status : null
}
