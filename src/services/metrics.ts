import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client'
import { CONF_KINDS, type ConfKind } from '../config/configSnapshot.js'
import type { ReloadOutcome } from '../config/configWatcher.js'
import type { Keyword } from '../domain/keywords.js'
import { KEYWORDS, OUTBOUND_KINDS, type OutboundKind } from '../domain/optIn.js'

const WEBHOOKS = ['inbound', 'status'] as const
const LOGINS = ['patron', 'staff'] as const
const RELOAD_OUTCOMES: readonly ReloadOutcome[] = ['applied', 'rejected']
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
const STATUS_CLASSES = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx']

/** The route label of a request that matched no route: one label, whatever the URL. */
export const UNMATCHED_ROUTE = 'unmatched'

type Webhook = (typeof WEBHOOKS)[number]
type Login = (typeof LOGINS)[number]

/**
 * What this process counts for GET /metrics (SPEC 8), on a registry of its own: every app built
 * in one process (the tests build many) counts apart. The gauges read at scrape time are added
 * by `registerScrapeGauges`. Counters start at 0 for every label value, so a rate is defined
 * from the first scrape and a missing series means a missing node, not a quiet one.
 */
export class Metrics {
  readonly registry = new Registry()
  private readonly requestSeconds: Histogram<'route' | 'method' | 'status'>
  private readonly smsSent: Counter<'kind'>
  private readonly smsRetries: Counter<'kind'>
  private readonly smsFailed: Counter<'kind' | 'stage'>
  private readonly smsDelivered: Counter<'kind'>
  private readonly smsThrottledCount: Counter<'kind'>
  private readonly sendCapWaits: Counter
  private readonly inbound: Counter<'keyword'>
  private readonly badSignatures: Counter<'webhook'>
  private readonly throttled: Counter<'login'>
  private readonly reloads: Counter<'file' | 'outcome'>

  constructor() {
    const registers = [this.registry]
    this.requestSeconds = new Histogram({
      name: 'webpac_http_request_duration_seconds',
      help: 'Time from a request to the last byte of its answer, by route pattern (never the URL itself; "unmatched" when no route took it), method and status class.',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    })
    this.smsSent = counter('webpac_sms_sent_total', 'SMS the gateway accepted, by kind.', ['kind'])
    this.smsRetries = counter(
      'webpac_sms_retries_total',
      'Sends the gateway turned away for now (throttled, down, timed out): queued again with backoff, by kind.',
      ['kind'],
    )
    this.smsFailed = counter(
      'webpac_sms_failed_total',
      'SMS that will not arrive, by kind and stage: send (the gateway refused it, or it ran out of tries) or delivery (a receipt said failed, rejected or expired).',
      ['kind', 'stage'],
    )
    this.smsThrottledCount = counter(
      'webpac_sms_throttled_total',
      'Sends the gateway answered "Throttled" (Vonage status 1: the account over its throughput limit), by kind; also in webpac_sms_retries_total. Queued again in about a second, without using up an attempt.',
      ['kind'],
    )
    this.sendCapWaits = counter(
      'webpac_sms_send_cap_wait_seconds_total',
      "Time this worker waited for the next second's send budget (SMS_MAX_SENDS_PER_SECOND, shared by all workers). Rising steadily: the outbox gets more SMS than the cap lets out.",
      [],
    )
    this.smsDelivered = counter('webpac_sms_delivered_total', 'Delivery receipts that said delivered, by kind.', ['kind'])
    this.inbound = counter(
      'webpac_inbound_texts_total',
      'Texts from phones (each message id once; a long text once, when whole), by keyword class.',
      ['keyword'],
    )
    this.badSignatures = counter(
      'webpac_webhook_signature_failures_total',
      'Webhook requests refused (401, nothing stored) for a missing or wrong signature, by webhook. Above zero: a wrong VONAGE_SIGNATURE_SECRET, or forged requests.',
      ['webhook'],
    )
    this.throttled = counter(
      'webpac_login_throttled_total',
      'Login attempts the throttle refused (429) before checking the PIN or password, by login.',
      ['login'],
    )
    this.reloads = counter(
      'webpac_config_reloads_total',
      'Edits of the config files this node read, by file and outcome: applied, or rejected (errors, missing, unreadable: the last good version stays in force).',
      ['file', 'outcome'],
    )
    for (const kind of OUTBOUND_KINDS) {
      for (const sms of [this.smsSent, this.smsRetries, this.smsDelivered, this.smsThrottledCount]) sms.inc({ kind }, 0)
      for (const stage of ['send', 'delivery'] as const) this.smsFailed.inc({ kind, stage }, 0)
    }
    for (const keyword of KEYWORDS) this.inbound.inc({ keyword }, 0)
    for (const webhook of WEBHOOKS) this.badSignatures.inc({ webhook }, 0)
    for (const login of LOGINS) this.throttled.inc({ login }, 0)
    for (const file of CONF_KINDS) for (const outcome of RELOAD_OUTCOMES) this.reloads.inc({ file, outcome }, 0)

    function counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
      return new Counter({ name, help, labelNames, registers })
    }
  }

  /**
   * One finished request. On every request's path: one observe (a label hash and a walk of 12
   * buckets; 1–3 µs with the two clock reads around the request). `route` must be a pattern from
   * the code, never from the URL, or an attacker could grow the series without end.
   */
  requestFinished(route: string, method: string, status: number, seconds: number): void {
    this.requestSeconds.observe(
      { route, method: METHODS.has(method) ? method : 'OTHER', status: STATUS_CLASSES[Math.floor(status / 100)] ?? '0xx' },
      seconds,
    )
  }

  smsSendOutcome(kind: OutboundKind, outcome: 'sent' | 'retry' | 'failed'): void {
    if (outcome === 'sent') this.smsSent.inc({ kind })
    else if (outcome === 'retry') this.smsRetries.inc({ kind })
    else this.smsFailed.inc({ kind, stage: 'send' })
  }

  smsThrottled(kind: OutboundKind): void {
    this.smsThrottledCount.inc({ kind })
  }

  sendCapWaited(ms: number): void {
    this.sendCapWaits.inc(ms / 1000)
  }

  smsReceipt(kind: OutboundKind, outcome: 'delivered' | 'failed'): void {
    if (outcome === 'delivered') this.smsDelivered.inc({ kind })
    else this.smsFailed.inc({ kind, stage: 'delivery' })
  }

  inboundText(keyword: Keyword): void {
    this.inbound.inc({ keyword })
  }

  webhookSignatureFailed(webhook: Webhook): void {
    this.badSignatures.inc({ webhook })
  }

  loginThrottled(login: Login): void {
    this.throttled.inc({ login })
  }

  configReloaded(file: ConfKind, outcome: ReloadOutcome): void {
    this.reloads.inc({ file, outcome })
  }

  get contentType(): string {
    return this.registry.contentType
  }

  /** The Prometheus text: this app's metrics, then the process's (CPU, memory, event loop, GC). */
  async scrape(): Promise<string> {
    return `${await this.registry.metrics()}\n${await processRegistry().metrics()}`
  }
}

let processMetrics: Registry | null = null

// prom-client's default metrics describe the process, not an app, and cannot be stopped once
// started (an event-loop delay monitor sampling every 10 ms, a GC observer): made once per
// process, at the first scrape, and shown by every app in it. Their cost: that monitor, and at
// each scrape a read of /proc/self/fd and a few counters.
function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry()
    collectDefaultMetrics({ register: processMetrics })
  }
  return processMetrics
}
