import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test as base, expect } from '@playwright/test'
import pg from 'pg'
import type { SimulatedMessage } from '../../src/sms/simulatorGateway.js'
import { openSqliteStore, openStore, type Store, sqliteFileFor } from '../../src/store/store.js'

export { expect }

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

export type ConfigKind = 'messagesConf' | 'webOptions'

/** A message on a simulated phone, exactly as GET /simulator/messages returns it (SPEC 5). */
export type PhoneMessage = SimulatedMessage

export interface PortalOptions {
  /** Whole messages.conf text; default: a copy of the repository's messages.conf. */
  messagesConf?: string
  /** Whole webpub.def text; default: a copy of the repository's webpub.def. */
  webOptions?: string
  /** Extra environment for the server (SMS_GATEWAY, NODE_ENV, …). */
  env?: Record<string, string>
}

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

export interface Portal {
  /** e.g. http://127.0.0.1:41234 (also the tests' baseURL) */
  url: string
  dataDir: string
  /** Rewrites messages.conf or webpub.def as an admin would; the portal picks it up within 2 s. */
  writeConfig(kind: ConfigKind, text: string): void
  /** The conversation of one simulated phone, oldest first. */
  simulatorMessages(e164: string): Promise<PhoneMessage[]>
  /** Waits until the phone has received `count` texts from the library; returns them all. */
  waitForTexts(e164: string, count: number): Promise<PhoneMessage[]>
  /** A text from a phone, posted to the inbound webhook in Vonage's format. */
  replyFromPhone(e164: string, text: string): Promise<void>
  /** The portal's own store on the same database, for edits made outside the web pages. */
  openStore(): Promise<Store>
  /** Runs `webpac …` against this portal's data and config; needs src/cli/main.ts. */
  runCli(args: string[]): Promise<CliResult>
  /** The server's output so far (its log). */
  output(): string
  stop(): Promise<void>
}

/** The repository's own config file, as a starting point for a variation. */
export function repoConfig(kind: ConfigKind): string {
  return readFileSync(join(repoRoot, kind === 'messagesConf' ? 'messages.conf' : 'webpub.def'), 'utf8')
}

export const cliAvailable = existsSync(join(repoRoot, 'src', 'cli', 'main.ts'))

const STARTUP_MS = 30_000
let messageCounter = 0

function writeAtomically(path: string, text: string): void {
  // The watcher must never see a half-written file: write aside, then rename over it.
  const temp = `${path}.${process.pid}.tmp`
  writeFileSync(temp, text)
  renameSync(temp, path)
}

function waitForUrl(child: ChildProcess, output: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`portal did not start within ${STARTUP_MS} ms:\n${output()}`)), STARTUP_MS)
    const check = () => {
      const match = /listening on (http:\/\/[^\s]+)/.exec(output())
      if (match?.[1]) {
        clearTimeout(timer)
        child.stdout?.off('data', check)
        resolve(match[1])
      }
    }
    child.stdout?.on('data', check)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`portal exited with code ${code} before listening:\n${output()}`))
    })
  })
}

// With TEST_DATABASE=postgres (scripts/test.sh's PostgreSQL half) each portal gets a database of
// its own on TEST_DATABASE_URL, dropped when it stops.
const onPostgres = process.env.TEST_DATABASE === 'postgres'
const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

async function onServer(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> } | null> {
  if (!onPostgres) return null
  const name = `webpac_e2e_${randomBytes(6).toString('hex')}`
  await onServer(`CREATE DATABASE ${name}`)
  const url = new URL(TEST_DATABASE_URL)
  url.pathname = `/${name}`
  return { url: url.toString(), drop: () => onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) }
}

/** Starts `node --import tsx src/server.ts` on a fresh database with demo data, on a free port. */
export async function startPortal(options: PortalOptions = {}): Promise<Portal> {
  const dir = mkdtempSync(join(tmpdir(), 'webpac-e2e-'))
  const database = await freshDatabase()
  const dataDir = join(dir, 'data')
  const paths: Record<ConfigKind, string> = { messagesConf: join(dir, 'messages.conf'), webOptions: join(dir, 'webpub.def') }
  writeFileSync(paths.messagesConf, options.messagesConf ?? repoConfig('messagesConf'))
  writeFileSync(paths.webOptions, options.webOptions ?? repoConfig('webOptions'))
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    MESSAGES_CONF: paths.messagesConf,
    WEB_OPTIONS: paths.webOptions,
    SEED_DEMO: '1',
    SMS_GATEWAY: 'simulator',
    SESSION_SECRET: 'e2e-session-secret-not-for-production',
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...options.env,
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    log += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString()
  })
  const output = () => log
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))

  let url: string
  try {
    url = await waitForUrl(child, output)
  } catch (error) {
    child.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
    await database?.drop()
    throw error
  }
  const stores: Store[] = []

  const simulatorMessages = async (e164: string): Promise<PhoneMessage[]> => {
    const response = await fetch(`${url}/simulator/messages?to=${encodeURIComponent(e164)}`)
    if (!response.ok) throw new Error(`GET /simulator/messages answered ${response.status}`)
    return (await response.json()) as PhoneMessage[]
  }

  return {
    url,
    dataDir,
    writeConfig(kind, text) {
      writeAtomically(paths[kind], text)
    },
    simulatorMessages,
    async waitForTexts(e164, count) {
      let messages: PhoneMessage[] = []
      await expect
        .poll(
          async () => {
            messages = await simulatorMessages(e164)
            return messages.filter((message) => message.direction === 'outbound').length
          },
          { message: `texts received by ${e164}` },
        )
        .toBeGreaterThanOrEqual(count)
      return messages
    },
    async replyFromPhone(e164, text) {
      messageCounter += 1
      const at = new Date().toISOString().slice(0, 19).replace('T', ' ')
      const body = new URLSearchParams({
        msisdn: e164.replace(/^\+/, ''),
        to: /^SMS_SHORT_CODES=\s*(\d+)/m.exec(readFileSync(paths.webOptions, 'utf8'))?.[1] ?? '82453',
        messageId: `E2E-${process.pid}-${Date.now()}-${messageCounter}`,
        text,
        type: 'text',
        keyword: text.trim().split(/\s+/)[0]?.toUpperCase() ?? '',
        'message-timestamp': at,
      })
      const response = await fetch(`${url}/webhooks/sms/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      })
      if (!response.ok) throw new Error(`inbound webhook answered ${response.status}`)
    },
    async openStore() {
      const store = database ? await openStore({ databaseUrl: database.url, dataDir }) : openSqliteStore(sqliteFileFor(dataDir))
      stores.push(store)
      return store
    },
    async runCli(args) {
      if (!cliAvailable) throw new Error('src/cli/main.ts does not exist yet')
      const cli = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
        cwd: repoRoot,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stdout = ''
      let stderr = ''
      cli.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString()
      })
      cli.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString()
      })
      const code = await new Promise<number>((resolve) => cli.once('exit', (exitCode) => resolve(exitCode ?? 1)))
      return { code, stdout, stderr }
    },
    output,
    async stop() {
      for (const store of stores.splice(0)) await store.close()
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
        await exited
        clearTimeout(killer)
      }
      rmSync(dir, { recursive: true, force: true })
      await database?.drop()
    },
  }
}

/**
 * `portal`: a fresh server and database for each test. Set `portalOptions` with
 * `test.use({ portalOptions: { webOptions: repoConfig('webOptions') + 'SMS_COUNTRY=GB\n' } })`.
 * Pages open relative URLs against it (`page.goto('/patroninfo')`).
 */
export const test = base.extend<{ portalOptions: PortalOptions; portal: Portal }>({
  portalOptions: [{}, { option: true }],
  portal: async ({ portalOptions }, use, testInfo) => {
    const portal = await startPortal(portalOptions)
    try {
      await use(portal)
    } finally {
      if (testInfo.status !== testInfo.expectedStatus) {
        await testInfo.attach('server output', { body: portal.output(), contentType: 'text/plain' })
      }
      await portal.stop()
    }
  },
  baseURL: async ({ portal }, use) => {
    await use(portal.url)
  },
})
