import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { SignatureMethod } from '../../src/config/env.js'
import { computeSignature } from '../../src/sms/signature.js'

/** One POST /sms/json as the mock received it. */
export interface MockSmsRequest {
  to: string
  from: string
  text: string
  clientRef: string | null
  statusReportReq: string | null
  authorization: string | null
  contentType: string | null
  /** What the mock answered. */
  answer: 'accepted' | 'http500' | 'hang' | 'throttled' | 'rejected' | 'bad-credentials'
  messageId: string | null
  /** When the request reached the mock (epoch ms). */
  receivedAt: number
}

export type MockFault =
  | { kind: 'http500' }
  | { kind: 'hang' }
  | { kind: 'throttle' }
  | { kind: 'reject'; status: string; errorText?: string }

export interface MockVonageOptions {
  apiKey?: string
  apiSecret?: string
  signatureSecret?: string
  signatureMethod?: SignatureMethod
}

export interface WebhookOptions {
  /** Default: signed when the mock has a signature secret. */
  sign?: boolean
  /** Default POST with a form body, as Vonage's dashboard offers. */
  via?: 'GET' | 'POST-form' | 'POST-json'
  /** Unix seconds for the signed `timestamp`; default now. */
  timestamp?: number
  /** Replaces the computed sig (to send a bad one). */
  sig?: string
  /** Sign with another secret or method than the mock's. */
  signWith?: { secret: string; method: SignatureMethod }
}

export interface InboundFields {
  msisdn: string
  to: string
  text: string
  messageId?: string
  concat?: { ref: string; total: number; part: number }
}

export interface ReceiptFields {
  messageId: string
  clientRef?: string | null
  status: string
  errCode?: string
  msisdn?: string
  to?: string
}

function vonageTime(at: Date): string {
  return at.toISOString().slice(0, 19).replace('T', ' ')
}

function scts(at: Date): string {
  return at.toISOString().slice(2, 16).replace(/[-T:]/g, '')
}

/**
 * A stand-in for rest.nexmo.com on 127.0.0.1 that speaks the SMS API wire format, so the real
 * @vonage/sms code runs in tests; and the sender of Vonage's webhooks to the app.
 */
export class MockVonage {
  readonly requests: MockSmsRequest[] = []
  readonly apiKey: string
  readonly apiSecret: string
  readonly signatureSecret: string | null
  readonly signatureMethod: SignatureMethod
  private readonly faults: MockFault[] = []
  private readonly hanging = new Set<ServerResponse>()
  private counter = 0
  /** While answers are held: what releases each waiting one. */
  private held: Array<() => void> | null = null

  private constructor(
    private readonly server: Server,
    options: MockVonageOptions,
  ) {
    this.apiKey = options.apiKey ?? 'mock-key'
    this.apiSecret = options.apiSecret ?? 'mock-secret'
    this.signatureSecret = options.signatureSecret ?? null
    this.signatureMethod = options.signatureMethod ?? 'md5hash'
  }

  static async start(options: MockVonageOptions = {}): Promise<MockVonage> {
    const server = createServer()
    const mock = new MockVonage(server, options)
    server.on('request', (req, res) => void mock.handle(req, res))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return mock
  }

  /** The base URL for VONAGE_REST_HOST. */
  get url(): string {
    const { port } = this.server.address() as AddressInfo
    return `http://127.0.0.1:${port}`
  }

  /** Environment for an app (or a child process) that sends through this mock. */
  env(): Record<string, string> {
    return {
      SMS_GATEWAY: 'vonage',
      VONAGE_API_KEY: this.apiKey,
      VONAGE_API_SECRET: this.apiSecret,
      VONAGE_REST_HOST: this.url,
      ...(this.signatureSecret ? { VONAGE_SIGNATURE_SECRET: this.signatureSecret, VONAGE_SIGNATURE_METHOD: this.signatureMethod } : {}),
    }
  }

  /** The next `count` sends answer with `fault`; later ones are accepted again. */
  failNext(count: number, fault: MockFault): void {
    for (let i = 0; i < count; i += 1) this.faults.push(fault)
  }

  /** Holds the answer to every later send until releaseAnswers(): the sends stay in flight, as over a stalled network. */
  holdAnswers(): void {
    this.held ??= []
  }

  releaseAnswers(): void {
    const waiting = this.held ?? []
    this.held = null
    for (const release of waiting) release()
  }

  /** Forgets queued faults: every later send is accepted. */
  heal(): void {
    this.faults.length = 0
  }

  accepted(): MockSmsRequest[] {
    return this.requests.filter((request) => request.answer === 'accepted')
  }

  /** How many times a message with this client-ref was accepted (i.e. really sent). */
  acceptedCount(clientRef: string): number {
    return this.accepted().filter((request) => request.clientRef === clientRef).length
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy()
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  // ---- the SMS API ------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = Date.now()
    const url = new URL(req.url ?? '/', 'http://mock')
    if (req.method !== 'POST' || url.pathname !== '/sms/json') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}')
      return
    }
    const body = await readBody(req)
    const contentType = req.headers['content-type'] ?? null
    const params: Record<string, string> = Object.fromEntries(url.searchParams)
    if (contentType?.startsWith('application/json')) {
      for (const [key, value] of Object.entries(JSON.parse(body || '{}') as Record<string, unknown>)) params[key] = String(value)
    } else {
      for (const [key, value] of new URLSearchParams(body)) params[key] = value
    }
    const request: MockSmsRequest = {
      to: params.to ?? '',
      from: params.from ?? '',
      text: params.text ?? '',
      clientRef: params['client-ref'] ?? null,
      statusReportReq: params['status-report-req'] ?? null,
      authorization: req.headers.authorization ?? null,
      contentType,
      answer: 'accepted',
      messageId: null,
      receivedAt,
    }
    this.requests.push(request)

    const expected = `Basic ${Buffer.from(`${this.apiKey}:${this.apiSecret}`).toString('base64')}`
    const bodyKey = params.api_key === this.apiKey && params.api_secret === this.apiSecret
    if (request.authorization !== expected && !bodyKey) {
      request.answer = 'bad-credentials'
      this.reply(res, { status: '4', 'error-text': 'Bad Credentials' })
      return
    }
    if (!request.to || !request.from || !request.text) {
      request.answer = 'rejected'
      this.reply(res, { status: '2', 'error-text': 'Missing to, from or text' })
      return
    }

    if (this.held) {
      await new Promise<void>((resolve) => this.held?.push(resolve))
      // The sender gave up waiting (its timeout): nothing was sent.
      if (res.destroyed) {
        request.answer = 'hang'
        return
      }
    }
    const fault = this.faults.shift()
    switch (fault?.kind) {
      case 'http500':
        request.answer = 'http500'
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"internal"}')
        return
      case 'hang':
        request.answer = 'hang'
        this.hanging.add(res)
        res.on('close', () => this.hanging.delete(res))
        return
      case 'throttle':
        request.answer = 'throttled'
        this.reply(res, { to: request.to, status: '1', 'error-text': 'Throughput Rate Exceeded - please wait [ 30 ] and retry' })
        return
      case 'reject':
        request.answer = 'rejected'
        this.reply(res, { to: request.to, status: fault.status, 'error-text': fault.errorText ?? 'Rejected by the mock' })
        return
      case undefined:
        break
    }
    this.counter += 1
    request.messageId = `0A0000${String(this.counter).padStart(10, '0')}`
    this.reply(res, {
      to: request.to,
      'message-id': request.messageId,
      status: '0',
      'remaining-balance': '15.53590000',
      'message-price': '0.03330000',
      network: '310004',
      ...(request.clientRef ? { 'client-ref': request.clientRef } : {}),
    })
  }

  private reply(res: ServerResponse, message: Record<string, string>): void {
    // message-count is a string on the wire (sms.yml), which is why the SDK throws
    // MessageSendPartialFailure for a single failed message.
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ 'message-count': '1', messages: [message] }))
  }

  // ---- webhooks, as Vonage calls them ---------------------------------------------------

  sendInbound(appUrl: string, fields: InboundFields, options: WebhookOptions = {}): Promise<Response> {
    const now = new Date()
    const params: Record<string, string> = {
      'api-key': this.apiKey,
      msisdn: fields.msisdn.replace(/^\+/, ''),
      to: fields.to,
      messageId: fields.messageId ?? randomMessageId(),
      text: fields.text,
      type: 'text',
      keyword: (fields.text.trim().split(/\s+/)[0] ?? '').toUpperCase(),
      'message-timestamp': vonageTime(now),
    }
    if (fields.concat) {
      params.concat = 'true'
      params['concat-ref'] = fields.concat.ref
      params['concat-total'] = String(fields.concat.total)
      params['concat-part'] = String(fields.concat.part)
    }
    return this.post(`${appUrl}/webhooks/sms/inbound`, params, options)
  }

  sendDeliveryReceipt(appUrl: string, fields: ReceiptFields, options: WebhookOptions = {}): Promise<Response> {
    const now = new Date()
    const sent = this.requests.find((request) => request.messageId === fields.messageId)
    const params: Record<string, string> = {
      'api-key': this.apiKey,
      msisdn: (fields.msisdn ?? sent?.to ?? '15555550100').replace(/^\+/, ''),
      to: fields.to ?? sent?.from ?? '82453',
      'network-code': '310004',
      messageId: fields.messageId,
      price: '0.03330000',
      status: fields.status,
      scts: scts(now),
      'err-code': fields.errCode ?? (fields.status === 'delivered' ? '0' : '99'),
      'message-timestamp': vonageTime(now),
    }
    const clientRef = fields.clientRef === undefined ? (sent?.clientRef ?? null) : fields.clientRef
    if (clientRef !== null) params['client-ref'] = clientRef
    return this.post(`${appUrl}/webhooks/sms/status`, params, options)
  }

  /** Adds timestamp, nonce and sig as Vonage does for a signed webhook. */
  sign(params: Record<string, string>, options: WebhookOptions = {}): Record<string, string> {
    const settings = options.signWith ?? (this.signatureSecret ? { secret: this.signatureSecret, method: this.signatureMethod } : null)
    if (!settings) throw new Error('the mock has no signature secret to sign with')
    const signed: Record<string, string> = {
      ...params,
      timestamp: String(options.timestamp ?? Math.floor(Date.now() / 1000)),
      nonce: randomBytes(8).toString('hex'),
    }
    return { ...signed, sig: options.sig ?? computeSignature(signed, settings) }
  }

  private post(url: string, params: Record<string, string>, options: WebhookOptions): Promise<Response> {
    const shouldSign = options.sign ?? this.signatureSecret !== null
    const final = shouldSign ? this.sign(params, options) : options.sig ? { ...params, sig: options.sig } : params
    return sendWebhook(url, final, options.via ?? 'POST-form')
  }
}

export function sendWebhook(url: string, params: Record<string, string>, via: 'GET' | 'POST-form' | 'POST-json'): Promise<Response> {
  if (via === 'GET') return fetch(`${url}?${new URLSearchParams(params)}`)
  if (via === 'POST-json') {
    return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) })
  }
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  })
}

function randomMessageId(): string {
  return randomBytes(8).toString('hex').toUpperCase()
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (body += chunk))
    req.on('end', () => resolve(body))
    req.on('error', reject)
  })
}
