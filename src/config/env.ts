import { randomBytes } from 'node:crypto'
import { isIP } from 'node:net'
import { resolve } from 'node:path'

export const SIGNATURE_METHODS = ['md5hash', 'md5hmac', 'sha1hmac', 'sha256hmac', 'sha512hmac'] as const
export type SignatureMethod = (typeof SIGNATURE_METHODS)[number]

/** pino's levels (its `levels.values`) and `silent`; a unit test holds the list to pino's. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
type LogLevel = (typeof LOG_LEVELS)[number]

// libuv's own bounds for its thread pool (MAX_THREADPOOL_SIZE) and its default size.
const THREADPOOL_MAX = 1024
const THREADPOOL_DEFAULT = 4

/**
 * WEBPAC_ROLE (SPEC 8): `all` serves HTTP and sends; on several nodes `web` serves HTTP only and
 * `worker` runs the outbox worker and the housekeeping timers, answering only /healthz and /metrics.
 */
export const ROLES = ['all', 'web', 'worker'] as const
export type Role = (typeof ROLES)[number]

/** Express's `trust proxy`: the proxies' addresses (and proxy-addr's names), a hop count, or all/none. */
export type TrustProxy = string[] | number | boolean

export interface VonageEnv {
  apiKey: string
  apiSecret: string
  signatureSecret: string | null
  signatureMethod: SignatureMethod
  restHost: string | null
}

export interface Env {
  production: boolean
  port: number
  host: string
  dataDir: string
  databaseUrl: string | undefined
  /** DATABASE_POOL_SIZE: PostgreSQL connections each process keeps at most (SPEC 8). */
  databasePoolSize: number
  /** WEBPAC_ROLE: what this process runs (`all` for the CLI, which reads no role). */
  role: Role
  messagesConfPath: string
  webOptionsPath: string
  logLevel: LogLevel
  /** UV_THREADPOOL_SIZE as libuv applies it: how many scrypt hashes can run at once. */
  threadpoolSize: number
  smsGateway: 'simulator' | 'vonage'
  vonage: VonageEnv | null
  /**
   * SMS_MAX_SENDS_PER_SECOND: sends to Vonage per second, shared by every worker on the database
   * (Vonage's account throughput limit, 30 by default; docs/vonage.md).
   */
  smsMaxSendsPerSecond: number
  /** SESSION_SECRET's comma-separated secrets: the first signs session cookies, every one verifies (rotation). */
  sessionSecrets: string[]
  /** True when SESSION_SECRET was not set and a throwaway one was made (development only). */
  sessionSecretGenerated: boolean
  seedDemo: boolean
  /** METRICS_TOKEN: when set, GET /metrics needs it as a bearer token, from every address (loopback too). */
  metricsToken: string | null
  /** TRUST_PROXY: whose X-Forwarded-For and -Proto to believe, so req.ip is the patron's (login throttle) and req.secure holds. */
  trustProxy: TrustProxy
}

/** A refusal to start: one line that names what is missing or wrong. */
export class EnvError extends Error {
  override name = 'EnvError'
}

const MIN_SESSION_SECRET_LENGTH = 32
// The metrics token is checked on every scrape from anywhere: as long as a session secret, so it cannot be guessed online.
const MIN_METRICS_TOKEN_LENGTH = 32

type Source = Readonly<Record<string, string | undefined>>

/**
 * Reads and checks the environment. The CLI (`for: 'cli'`) shares the paths and database
 * settings but serves no web requests, so the server's production refusals do not apply to it,
 * and it has no role.
 */
export function readEnv(source: Source = process.env, cwd = process.cwd(), options: { for: 'server' | 'cli' } = { for: 'server' }): Env {
  const production = source.NODE_ENV === 'production' && options.for === 'server'
  const value = (name: string): string | undefined => {
    const raw = source[name]?.trim()
    return raw ? raw : undefined
  }

  const port = Number(value('PORT') ?? '3000')
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new EnvError(`PORT must be a port number (0-65535), got "${source.PORT}"`)
  }

  const databaseUrl = value('DATABASE_URL')
  const role = options.for === 'server' ? readRole(value('WEBPAC_ROLE'), databaseUrl) : 'all'

  const sessionSecrets = (value('SESSION_SECRET') ?? '')
    .split(',')
    .map((secret) => secret.trim())
    .filter((secret) => secret !== '')
  // A worker node serves no pages and receives no webhooks: it signs no cookie and checks no
  // signature, so production does not make it hold those secrets (least privilege).
  const servesPages = role !== 'worker'
  if (production && servesPages && sessionSecrets.length === 0) {
    throw new EnvError('NODE_ENV=production needs SESSION_SECRET (a long random string) to sign session cookies')
  }
  // An HMAC key needs its length in entropy; a short one can be guessed offline from one cookie.
  if (production && sessionSecrets.some((secret) => secret.length < MIN_SESSION_SECRET_LENGTH)) {
    throw new EnvError(
      `NODE_ENV=production needs each SESSION_SECRET (comma-separated) of at least ${MIN_SESSION_SECRET_LENGTH} characters`,
    )
  }

  const gatewayName = value('SMS_GATEWAY')
  if (gatewayName && gatewayName !== 'simulator' && gatewayName !== 'vonage') {
    throw new EnvError(`SMS_GATEWAY must be "simulator" or "vonage", got "${gatewayName}"`)
  }
  if (production && !gatewayName) {
    throw new EnvError('NODE_ENV=production needs SMS_GATEWAY=vonage (or SMS_GATEWAY=simulator, explicitly, for a trial)')
  }
  const smsGateway: Env['smsGateway'] = gatewayName === 'vonage' ? 'vonage' : 'simulator'

  const seedValue = value('SEED_DEMO')
  if (production && seedValue === '1') {
    throw new EnvError('NODE_ENV=production never seeds demo data: unset SEED_DEMO')
  }
  const seedDemo = !production && (seedValue ?? '1') === '1'

  const metricsToken = value('METRICS_TOKEN') ?? null
  if (production && metricsToken !== null && metricsToken.length < MIN_METRICS_TOKEN_LENGTH) {
    throw new EnvError(
      `NODE_ENV=production needs METRICS_TOKEN of at least ${MIN_METRICS_TOKEN_LENGTH} characters (or none: /metrics then answers loopback only)`,
    )
  }

  return {
    production,
    port,
    host: value('HOST') ?? '127.0.0.1',
    dataDir: resolve(cwd, value('DATA_DIR') ?? 'data'),
    databaseUrl,
    databasePoolSize: readPoolSize(value('DATABASE_POOL_SIZE')),
    role,
    messagesConfPath: resolve(cwd, value('MESSAGES_CONF') ?? 'messages.conf'),
    webOptionsPath: resolve(cwd, value('WEB_OPTIONS') ?? 'webpub.def'),
    logLevel: readLogLevel(value('LOG_LEVEL')),
    threadpoolSize: readThreadpoolSize(value('UV_THREADPOOL_SIZE')),
    smsGateway,
    vonage: smsGateway === 'vonage' ? readVonage(value, production && servesPages) : null,
    smsMaxSendsPerSecond: readMaxSendsPerSecond(value('SMS_MAX_SENDS_PER_SECOND')),
    sessionSecrets: sessionSecrets.length > 0 ? sessionSecrets : [randomBytes(32).toString('hex')],
    sessionSecretGenerated: sessionSecrets.length === 0,
    seedDemo,
    metricsToken,
    trustProxy: readTrustProxy(value('TRUST_PROXY'), production),
  }
}

function readVonage(value: (name: string) => string | undefined, webhooksMustBeSigned: boolean): VonageEnv {
  const apiKey = value('VONAGE_API_KEY')
  const apiSecret = value('VONAGE_API_SECRET')
  if (!apiKey || !apiSecret) {
    throw new EnvError('SMS_GATEWAY=vonage needs VONAGE_API_KEY and VONAGE_API_SECRET')
  }
  const signatureSecret = value('VONAGE_SIGNATURE_SECRET') ?? null
  if (webhooksMustBeSigned && !signatureSecret) {
    throw new EnvError('NODE_ENV=production with SMS_GATEWAY=vonage needs VONAGE_SIGNATURE_SECRET to verify webhooks')
  }
  const method = value('VONAGE_SIGNATURE_METHOD') ?? 'md5hash'
  if (!(SIGNATURE_METHODS as readonly string[]).includes(method)) {
    throw new EnvError(`VONAGE_SIGNATURE_METHOD must be one of ${SIGNATURE_METHODS.join(', ')}, got "${method}"`)
  }
  return {
    apiKey,
    apiSecret,
    signatureSecret,
    signatureMethod: method as SignatureMethod,
    restHost: value('VONAGE_REST_HOST') ?? null,
  }
}

// One SQLite file serves one process (its single writer, the outbox worker's start-up recovery),
// so a web node and a worker node need PostgreSQL between them (docs/decisions.md).
function readRole(raw: string | undefined, databaseUrl: string | undefined): Role {
  if (raw === undefined) return 'all'
  if (!(ROLES as readonly string[]).includes(raw)) {
    throw new EnvError(`WEBPAC_ROLE must be one of ${ROLES.join(', ')}, got "${raw}"`)
  }
  // store.ts's isPostgresUrl, spelled here: config/ imports nothing from the app.
  const onPostgres = databaseUrl !== undefined && /^postgres(ql)?:\/\//.test(databaseUrl)
  if (raw !== 'all' && !onPostgres) {
    throw new EnvError(
      `WEBPAC_ROLE=${raw} needs DATABASE_URL=postgres://…: one SQLite file serves one process, so on SQLite only WEBPAC_ROLE=all runs`,
    )
  }
  return raw as Role
}

const POOL_SIZE_DEFAULT = 10

function readPoolSize(raw: string | undefined): number {
  if (raw === undefined) return POOL_SIZE_DEFAULT
  const size = Number(raw)
  if (!Number.isInteger(size) || size < 1 || size > 1000) {
    throw new EnvError(`DATABASE_POOL_SIZE must be a whole number from 1 to 1000, got "${raw}"`)
  }
  return size
}

// Vonage's default throughput limit per account (its support article 203993598); an account
// granted more sets its own figure.
const SENDS_PER_SECOND_DEFAULT = 30
const SENDS_PER_SECOND_MAX = 10_000

function readMaxSendsPerSecond(raw: string | undefined): number {
  if (raw === undefined) return SENDS_PER_SECOND_DEFAULT
  const rate = Number(raw)
  if (!/^\d+$/.test(raw) || rate < 1 || rate > SENDS_PER_SECOND_MAX) {
    throw new EnvError(
      `SMS_MAX_SENDS_PER_SECOND must be a whole number from 1 to ${SENDS_PER_SECOND_MAX} (SMS sent per second by all workers together; Vonage's default limit is ${SENDS_PER_SECOND_DEFAULT}), got "${raw}"`,
    )
  }
  return rate
}

function readLogLevel(raw: string | undefined): LogLevel {
  if (raw === undefined) return 'info'
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) {
    throw new EnvError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`)
  }
  return raw as LogLevel
}

// Read, never set: libuv reads UV_THREADPOOL_SIZE from the process environment itself, once, when
// its pool starts on the first asynchronous fs, crypto or dns call, which may come before any of our
// code runs (module loading). So it belongs in the service's environment; here it only tells the
// patron import how many PINs to hash at once (more would only queue for a thread).
function readThreadpoolSize(raw: string | undefined): number {
  if (raw === undefined) return THREADPOOL_DEFAULT
  const size = Number(raw)
  if (!/^\d+$/.test(raw) || size < 1 || size > THREADPOOL_MAX) {
    throw new EnvError(`UV_THREADPOOL_SIZE must be a whole number from 1 to ${THREADPOOL_MAX} (libuv's thread pool size), got "${raw}"`)
  }
  return size
}

// proxy-addr's names for address ranges (what Express's `trust proxy` takes besides addresses).
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal']

/**
 * Whom to trust for X-Forwarded-For/-Proto. Loopback by default (a proxy on the same host). A
 * proxy on another host must be named, or every patron gets its address and shares its login
 * throttle. "Trust everyone" lets any client forge the header and dodge the throttle.
 */
function readTrustProxy(raw: string | undefined, production: boolean): TrustProxy {
  if (raw === undefined) return ['loopback']
  const word = raw.toLowerCase()
  if (word === 'true' || word === '*') {
    if (production) {
      throw new EnvError(
        `NODE_ENV=production refuses TRUST_PROXY=${raw}: any client could forge X-Forwarded-For and dodge the login throttle; name the proxies' addresses`,
      )
    }
    return true
  }
  if (word === 'false') return false
  if (/^\d{1,2}$/.test(word)) return Number(word)
  const entries = word
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
  const bad = entries.find((entry) => !PROXY_RANGE_NAMES.includes(entry) && !isAddressOrRange(entry))
  if (bad !== undefined || entries.length === 0) {
    throw new EnvError(
      `TRUST_PROXY must be the proxies' addresses or CIDR ranges, comma-separated (or loopback, linklocal, uniquelocal), or a hop count; "${bad ?? raw}" is none of these`,
    )
  }
  return entries
}

function isAddressOrRange(entry: string): boolean {
  const [address = '', range, ...rest] = entry.split('/')
  const family = isIP(address)
  if (family === 0 || rest.length > 0) return false
  if (range === undefined) return true
  // proxy-addr refuses a /0 (it would trust everyone); an IPv4 range may also be a netmask.
  if (/^\d{1,3}$/.test(range)) return Number(range) >= 1 && Number(range) <= (family === 4 ? 32 : 128)
  return family === 4 && isNetmask(range)
}

function isNetmask(mask: string): boolean {
  if (isIP(mask) !== 4) return false
  const bits = mask
    .split('.')
    .map((octet) => Number(octet).toString(2).padStart(8, '0'))
    .join('')
  return /^1+0*$/.test(bits)
}
