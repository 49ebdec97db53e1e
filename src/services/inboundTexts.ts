import { type ClassifiedText, classifyInboundText, type Keyword } from '../domain/keywords.js'
import { e164FromMsisdn } from '../domain/phone.js'
import type { InboundInput } from '../sms/gateway.js'
import type { Repositories } from '../store/store.js'
import type { ServiceDeps } from './deps.js'
import type { Ledger } from './ledger.js'
import { smsText } from './smsTexts.js'

interface InboundResult {
  duplicate: boolean
  keyword: Keyword
  outcome: string
}

// Texts from phones (SPEC 4.3, 4.6): each is stored once by its message id, read for a keyword,
// and applied to the registration that the number speaks for, in one transaction.
export class InboundTexts {
  constructor(private readonly deps: Pick<ServiceDeps, 'store' | 'config' | 'clock' | 'onQueued' | 'metrics'> & { ledger: Ledger }) {}

  async handle(message: InboundInput): Promise<InboundResult> {
    const classified = classifyInboundText(message.text)
    const { keyword } = classified
    const e164 = e164FromMsisdn(message.msisdn)
    const ours = this.deps.config().webOptions.shortCodes.includes(message.to.trim())
    const outcome = await this.deps.store.transaction(async (repos) => {
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
      const result =
        ours && e164 ? await this.apply(repos, e164, classified, message.messageId) : 'ignored: not sent to one of our short codes'
      await repos.inbox.setInboundOutcome(message.messageId, result)
      return result
    })
    if (outcome === null) return { duplicate: true, keyword, outcome: 'duplicate' }
    this.deps.metrics.inboundText(keyword)
    this.deps.onQueued()
    return { duplicate: false, keyword, outcome }
  }

  // SPEC 9: the reply to a Spanish keyword is in Spanish, to a stranger as to a patron. The
  // English keywords are the carriers' universal ones that Spanish speakers text too, so they
  // (and NO, the same in both) leave a patron's own language in force.
  private async apply(repos: Repositories, e164: string, { keyword, lang }: ClassifiedText, messageId: string): Promise<string> {
    const { clock, config, ledger } = this.deps
    if (keyword === 'stop') {
      // Whatever happens below, nothing else queued for this phone goes out.
      await repos.outbox.cancelQueuedForNumber(e164, 'recipient texted STOP', clock().toISOString())
    }
    const registration = await repos.registrations.findForNumber(e164)
    const patron = registration ? await repos.patrons.findById(registration.patron_id) : undefined
    if (!registration || !patron) {
      if (keyword !== 'help') return 'recorded; number not registered'
      const replyLang = lang ?? 'en'
      await repos.outbox.enqueue(
        { patron_id: null, e164, kind: 'help', text: smsText(config(), 'help', '', replyLang), lang: replyLang },
        clock(),
      )
      return 'help sent; number not registered'
    }
    const before = registration.status
    const source = { channel: 'sms', inboundMessageId: messageId, lang: lang === 'es' ? lang : null } as const
    const after = await ledger.apply(repos, patron, registration, { event: { type: 'inbound', keyword }, source })
    return before === after.status ? `recorded; status stays ${before}` : `status ${before} -> ${after.status}`
  }
}
