import type { GatewayHealth, OutgoingSms, SendResult, SmsGateway } from '../../src/sms/gateway.js'

/** A gateway whose answers a test scripts in advance; it records every send it is handed. */
export class ScriptedGateway implements SmsGateway {
  readonly name = 'simulator' as const
  readonly sent: OutgoingSms[] = []
  private readonly script: Array<SendResult | Error> = []
  private counter = 0

  /** The next sends answer these, in order; after that every send succeeds. */
  answerNext(...results: Array<SendResult | Error>): void {
    this.script.push(...results)
  }

  async send(sms: OutgoingSms): Promise<SendResult> {
    this.sent.push(sms)
    const next = this.script.shift()
    if (next instanceof Error) throw next
    if (next) return next
    this.counter += 1
    return { outcome: 'sent', messageId: `scripted-${this.counter}` }
  }

  to(e164: string): OutgoingSms[] {
    return this.sent.filter((sms) => sms.to === e164)
  }

  health(): GatewayHealth {
    return { ok: true, detail: 'scripted' }
  }
}
