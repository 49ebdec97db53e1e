import { spawn } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type autocannon from 'autocannon'
import Database from 'better-sqlite3'
import { productionEnv } from './env.js'
import { type LoadResult, load } from './lib/load.js'
import { peakRssMb, type RunningServer, startServer } from './lib/processes.js'
import { BENCH_PIN, benchBarcode, benchNumber, seedDatabase } from './lib/seedDatabase.js'

export interface ScenarioResult {
  name: string
  ok: boolean
  summary: string
  rows: string[][]
  notes?: string
  /** Requests the load sent (for CPU per request). */
  requests?: number
}

interface PortalScenario {
  dataDir: string
  base: LoadResult
  durationSeconds: number
  startPortal: (dataDir: string, extra?: Record<string, string>) => Promise<RunningServer>
  /** The result's name and the row's label, when the scenario runs on another store than the default SQLite. */
  name?: string
  label?: string
}

// Production cookies are Secure; the portal trusts X-Forwarded-Proto from loopback, as it
// would from a TLS-terminating proxy on the same host.
export const HTTPS = { 'x-forwarded-proto': 'https' }

function cookieFrom(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .join('; ')
}

export async function logIn(url: string, barcode: string, pin: string): Promise<{ cookie: string; location: string }> {
  const page = await fetch(`${url}/patroninfo`, { headers: HTTPS })
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? ''
  const response = await fetch(`${url}/patroninfo`, {
    method: 'POST',
    redirect: 'manual',
    headers: { ...HTTPS, cookie: cookieFrom(page), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ code: barcode, pin, _csrf: csrf }),
  })
  const location = response.headers.get('location')
  if (response.status !== 303 || !location) throw new Error(`login failed with ${response.status}`)
  return { cookie: cookieFrom(response), location }
}

function ratio(result: LoadResult, base: LoadResult): string {
  return (result.requestsPerSecond / base.requestsPerSecond).toFixed(2)
}

/** The server's CPU per request, and its multiple of the same-run bare Express's. */
export function cpuCell(result: LoadResult, base: LoadResult): string {
  if (result.cpuUsPerRequest === null) return ''
  const times = base.cpuUsPerRequest ? ` (${(result.cpuUsPerRequest / base.cpuUsPerRequest).toFixed(2)}×)` : ''
  return `${result.cpuUsPerRequest} µs${times}`
}

export async function benchModpinfo({ dataDir, base, durationSeconds, startPortal, name, label }: PortalScenario): Promise<ScenarioResult> {
  const server = await startPortal(dataDir)
  try {
    const { cookie, location } = await logIn(server.url, benchBarcode(0), BENCH_PIN)
    const modpinfo = `${server.url}${location.replace(/\/top$/, '/modpinfo')}`
    const check = await fetch(modpinfo, { headers: { ...HTTPS, cookie } })
    if (check.status !== 200 || !(await check.text()).includes('data-qa="sms-status"')) throw new Error(`modpinfo answered ${check.status}`)
    const result = await load({ url: modpinfo, headers: { ...HTTPS, cookie }, durationSeconds, serverCpuMs: server.cpuMs })
    const r = Number(ratio(result, base))
    const cpuTimes = result.cpuUsPerRequest !== null && base.cpuUsPerRequest ? result.cpuUsPerRequest / base.cpuUsPerRequest : Infinity
    const ok = cpuTimes <= 2.5 && r > 0 && result.p99Ms <= 50 && result.non2xx === 0
    return {
      name: name ?? 'modpinfo',
      ok,
      requests: result.total,
      summary: `${result.requestsPerSecond} req/s (${ratio(result, base)} of bare), p99 ${result.p99Ms} ms, CPU ${cpuCell(result, base)}/request, non-2xx ${result.non2xx}`,
      rows: [
        [
          label ?? 'Logged-in GET /patroninfo/{id}/modpinfo, 1,000,000 patrons',
          String(result.requestsPerSecond),
          `${result.p50Ms} ms`,
          `${result.p99Ms} ms`,
          ratio(result, base),
          cpuCell(result, base),
          `${server.peakRssMb()} MB`,
          '≤ 2.5× bare CPU, p99 ≤ 50 ms',
          ok ? 'met' : 'missed',
        ],
      ],
    }
  } finally {
    await server.stop()
  }
}

const MIX = ['STOP', 'YES', 'HELP', 'HELP', 'where is my book', 'thanks', 'Stop please', 'ok', 'renew', 'hello'] as const

/** A realistic mix of inbound texts from `registered` numbers, with ids unique to `prefix`. */
function inboundMix(prefix: string, registered: number): (request: autocannon.Request) => autocannon.Request {
  let counter = 0
  return (request) => {
    counter += 1
    const index = Math.floor(Math.random() * registered)
    const text = MIX[counter % MIX.length] ?? 'hello'
    request.body = new URLSearchParams({
      msisdn: benchNumber(index).slice(1),
      to: '82453',
      messageId: `${prefix}${counter}`,
      text,
      type: 'text',
      keyword: text.split(' ')[0]?.toUpperCase() ?? '',
      'message-timestamp': '2026-11-28 12:00:00',
    }).toString()
    return request
  }
}

/** Inbound messages stored under ids starting with `prefix`, in the default SQLite file. */
function storedInSqlite(dataDir: string): (prefix: string) => Promise<number> {
  return async (prefix) => {
    const db = new Database(join(dataDir, 'webpac.sqlite'), { readonly: true })
    try {
      return (db.prepare('SELECT count(*) AS n FROM inbound_messages WHERE message_id LIKE ?').get(`${prefix}%`) as { n: number }).n
    } finally {
      db.close()
    }
  }
}

export async function benchWebhooks({
  dataDir,
  base,
  durationSeconds,
  startPortal,
  registered,
  name,
  label,
  countStored = storedInSqlite(dataDir),
}: PortalScenario & { registered: number; countStored?: (prefix: string) => Promise<number> }): Promise<ScenarioResult> {
  const server = await startPortal(dataDir)
  // Ids unique to this run: a message id seen before is a redelivery, answered without work.
  const prefix = `bench-${Date.now().toString(36)}-`
  let result: LoadResult
  try {
    result = await load({
      url: `${server.url}/webhooks/sms/inbound`,
      method: 'POST',
      durationSeconds,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      setupRequest: inboundMix(prefix, registered),
      serverCpuMs: server.cpuMs,
    })
  } finally {
    await server.stop()
  }
  const stored = await countStored(prefix)
  const answered = result.total - result.non2xx
  const r = Number(ratio(result, base))
  const ok = r >= 0.4 && stored >= answered
  return {
    name: name ?? 'webhooks',
    ok,
    requests: result.total,
    summary: `${result.requestsPerSecond} req/s (${ratio(result, base)} of bare), p99 ${result.p99Ms} ms, CPU ${cpuCell(result, base)}/request, ${answered} answered 200, ${stored} stored`,
    rows: [
      [
        label ?? `Inbound webhook POST, mix of STOP/YES/HELP/other from ${registered.toLocaleString('en')} numbers`,
        String(result.requestsPerSecond),
        `${result.p50Ms} ms`,
        `${result.p99Ms} ms`,
        ratio(result, base),
        cpuCell(result, base),
        `${server.peakRssMb()} MB`,
        '≥ 0.40, every 200 stored',
        ok ? 'met' : 'missed',
      ],
    ],
    notes: `${answered.toLocaleString('en')} webhooks answered 200 and ${stored.toLocaleString('en')} stored (every 200-answered message is stored when stored ≥ answered).`,
  }
}

export const DISPATCH_MESSAGES = 20_000

/** Queues alerts straight into the outbox of a seeded database, as if the API had taken them. */
function queueAlerts(file: string, count: number, registered: number): void {
  const db = new Database(file)
  const insert =
    db.prepare(`INSERT INTO outbox (patron_id, e164, kind, alert_type, text, state, attempts, next_attempt_ms, created_at, updated_at)
    VALUES (?, ?, 'alert', 'hold', ?, 'queued', 0, 0, ?, ?)`)
  const at = new Date().toISOString()
  db.transaction(() => {
    for (let i = 0; i < count; i++)
      insert.run((i % registered) + 1, benchNumber(i % registered), `Your hold ${i} is ready at Demo Public Library.`, at, at)
  })()
  db.close()
}

export async function benchDispatch({
  registered,
  startPortal,
  name,
  label,
  moveStore,
}: {
  registered: number
  startPortal: PortalScenario['startPortal']
  name?: string
  label?: string
  /** Moves the seeded, queued SQLite file to another store; returns the portal's extra environment for it. */
  moveStore?: (file: string) => Promise<Record<string, string>>
}): Promise<ScenarioResult> {
  const { MockVonage } = await import('../test/support/mockVonage.js')
  const mock = await MockVonage.start({ signatureSecret: 'bench-signature-secret' })
  const dataDir = mkdtempSync(join(tmpdir(), 'webpac-bench-dispatch-'))
  const file = join(dataDir, 'webpac.sqlite')
  await seedDatabase(file, registered, registered)
  queueAlerts(file, DISPATCH_MESSAGES, registered)
  const storeEnv = moveStore ? await moveStore(file) : {}
  const webOptions = join(dataDir, 'webpub.def')
  writeFileSync(webOptions, 'SMS_SEND_WINDOW=00:00-24:00\n')
  try {
    const server = await startPortal(dataDir, { ...mock.env(), WEB_OPTIONS: webOptions, ...storeEnv })
    const started = performance.now()
    let depth = Number.POSITIVE_INFINITY
    while (depth > 0) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      depth = ((await (await fetch(`${server.url}/healthz`)).json()) as { outboxDepth: number }).outboxDepth
    }
    const seconds = (performance.now() - started) / 1000
    const rss = server.peakRssMb()
    await server.stop()
    const accepted = mock.accepted().length
    const rate = Math.round(accepted / seconds)
    const ok = rate >= 1_000 && accepted === DISPATCH_MESSAGES
    return {
      name: name ?? 'dispatch',
      ok,
      summary: `${accepted} SMS in ${seconds.toFixed(1)} s = ${rate} SMS/s`,
      rows: [
        [
          label ?? `Outbox dispatch of ${DISPATCH_MESSAGES.toLocaleString('en')} alerts to a mock Vonage through the real SDK`,
          `${rate} SMS/s`,
          '',
          '',
          '',
          '',
          `${rss} MB`,
          '≥ 1,000 SMS/s',
          ok ? 'met' : 'missed',
        ],
      ],
      notes: `the mock accepted ${accepted.toLocaleString('en')} of ${DISPATCH_MESSAGES.toLocaleString('en')} queued alerts (start-up time of the server not counted).`,
    }
  } finally {
    await mock.close()
  }
}

/** Writes a patrons CSV: `rows` rows, the first `withPins` of them with a PIN. */
function writeImportCsv(file: string, rows: number, withPins: number): void {
  const fd = openSync(file, 'w')
  writeSync(fd, 'barcode,name,pin,email,mobile\n')
  let chunk = ''
  for (let i = 0; i < rows; i++) {
    const mobile = i % 3 === 0 ? `(201) ${String(200 + (i % 700)).padStart(3, '0')}-${String(i % 10_000).padStart(4, '0')}` : ''
    chunk += `${benchBarcode(i)},"Import Patron ${i}",${i < withPins ? '4321' : ''},import${i}@example.org,${mobile}\n`
    if (chunk.length > 1 << 20) {
      writeSync(fd, chunk)
      chunk = ''
    }
  }
  writeSync(fd, chunk)
  closeSync(fd)
}

/** Runs the CLI on its own, sampling its resident memory, as an admin would run it. */
async function runImport(root: string, csv: string): Promise<{ seconds: number; peakRssMb: number; output: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'webpac-bench-import-'))
  const started = performance.now()
  const child = spawn(process.execPath, [join(root, 'dist/cli/main.js'), 'patrons', 'import', csv], {
    env: { ...process.env, DATA_DIR: dataDir, MESSAGES_CONF: join(root, 'messages.conf'), WEB_OPTIONS: join(root, 'webpub.def') },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  let peak = 0
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, peakRssMb(child.pid ?? 0))
    } catch {
      /* exited */
    }
  }, 50)
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  clearInterval(sampler)
  if (code !== 0) throw new Error(`import exited with ${code}: ${output.slice(-500)}`)
  return { seconds: (performance.now() - started) / 1000, peakRssMb: peak, output }
}

export async function benchImport({ root, rows }: { root: string; rows: number }): Promise<ScenarioResult> {
  const dir = mkdtempSync(join(tmpdir(), 'webpac-bench-csv-'))
  const bulk = join(dir, 'patrons.csv')
  writeImportCsv(bulk, rows, 0)
  const big = await runImport(root, bulk)
  const pinned = join(dir, 'pins.csv')
  const pinRows = 300
  writeImportCsv(pinned, pinRows, pinRows)
  const pins = await runImport(root, pinned)
  const pinRate = Math.round(pinRows / pins.seconds)
  const ok = big.seconds <= 60 && big.peakRssMb <= 300
  return {
    name: 'import',
    ok,
    summary: `${rows} rows in ${big.seconds.toFixed(1)} s, peak RSS ${big.peakRssMb} MB; ${pinRate} PINs hashed/s`,
    rows: [
      [
        `webpac patrons import, ${rows.toLocaleString('en')} rows without PINs`,
        `${Math.round(rows / big.seconds).toLocaleString('en')} rows/s`,
        '',
        '',
        '',
        '',
        `${big.peakRssMb} MB`,
        '≤ 60 s, ≤ 300 MB',
        `${big.seconds.toFixed(1)} s: ${ok ? 'met' : 'missed'}`,
      ],
      [
        `webpac patrons import, ${pinRows.toLocaleString('en')} rows with PINs (scrypt)`,
        `${pinRate} PINs/s`,
        '',
        '',
        '',
        '',
        `${pins.peakRssMb} MB`,
        '(reported)',
        `${pins.seconds.toFixed(1)} s`,
      ],
    ],
    notes: `PIN hashing (scrypt N=16384) dominates an import with PINs: ${pinRate} rows/s on this machine.`,
  }
}

const LAYER_NAMES = {
  stack: "the page's middleware and session, answering a fixed page of the same size",
  data: "+ the patron's record read as the page reads it",
  page: '+ view model and EJS render: the whole page',
} as const

/**
 * The modpinfo page built up layer by layer from the portal's own modules (bench/layersServer.ts),
 * and the webhook route without its database work, to show where a request's time goes.
 */
export async function benchLayers({
  dataDir,
  baseline,
  durationSeconds,
}: {
  dataDir: string
  baseline: () => Promise<LoadResult>
  durationSeconds: number
}): Promise<ScenarioResult> {
  const root = new URL('..', import.meta.url).pathname
  const rows: string[][] = []
  const summaries: string[] = []
  for (const [layer, description] of Object.entries(LAYER_NAMES)) {
    const base = await baseline()
    const server = await startServer(['--import', 'tsx', join(root, 'bench/layersServer.ts')], {
      ...productionEnv(root, dataDir),
      BENCH_LAYER: layer,
    })
    try {
      const login = await fetch(`${server.url}/bench-login/1`, { headers: HTTPS })
      const cookie = cookieFrom(login)
      const url = `${server.url}/patroninfo/1/modpinfo`
      const check = await fetch(url, { headers: { ...HTTPS, cookie } })
      if (check.status !== 200) throw new Error(`layer ${layer} answered ${check.status}`)
      const result = await load({ url, headers: { ...HTTPS, cookie }, durationSeconds, serverCpuMs: server.cpuMs })
      rows.push([
        `modpinfo layers: ${description}`,
        String(result.requestsPerSecond),
        `${result.p50Ms} ms`,
        `${result.p99Ms} ms`,
        ratio(result, base),
        cpuCell(result, base),
        `${server.peakRssMb()} MB`,
        '(explains modpinfo)',
        '',
      ])
      summaries.push(`${layer} ${ratio(result, base)} (${cpuCell(result, base)})`)
    } finally {
      await server.stop()
    }
  }
  const base = await baseline()
  const server = await startServer(['--import', 'tsx', join(root, 'bench/layersServer.ts')], productionEnv(root, dataDir))
  try {
    const result = await load({
      url: `${server.url}/webhooks/sms/inbound`,
      method: 'POST',
      durationSeconds,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      setupRequest: inboundMix('layers-', 100_000),
      serverCpuMs: server.cpuMs,
    })
    rows.push([
      'webhook layers: the middleware and the message parsed, answered 200 without storing it',
      String(result.requestsPerSecond),
      `${result.p50Ms} ms`,
      `${result.p99Ms} ms`,
      ratio(result, base),
      cpuCell(result, base),
      `${server.peakRssMb()} MB`,
      '(explains webhooks)',
      '',
    ])
    summaries.push(`webhook stack ${ratio(result, base)} (${cpuCell(result, base)})`)
  } finally {
    await server.stop()
  }
  return { name: 'layers', ok: true, summary: summaries.join(', '), rows }
}
