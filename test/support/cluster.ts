import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CliContext } from '../../src/cli/cliContext.js'
import { readEnv } from '../../src/config/env.js'
import type { Store } from '../../src/store/store.js'
import { freshPostgresUrl, queryDb } from './database.js'
import { MockVonage } from './mockVonage.js'
import { seedLibrary } from './seededLibrary.js'
import { killAllServerProcesses, killServerProcess, type ServerProcess, serverEnv, startServerProcess } from './serverProcess.js'
import { eventually } from './testApp.js'
import { ALL_DAY } from './vonageApp.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** WEBPAC_ROLE (SPEC 8): `all` serves HTTP and runs the outbox and timers, `web` the one, `worker` the other. */
export type Role = 'all' | 'web' | 'worker'

export interface NodeSpec {
  name: string
  role?: Role
  /** The Vonage this node sends through; default the cluster's. A mock per worker tells who sent what. */
  mock?: MockVonage
}

export interface PortalNode {
  name: string
  role: Role
  url: string
  server: ServerProcess
}

export interface ClusterOptions {
  /** webpub.def; default SMS_SEND_WINDOW open all day (alerts are held outside it). */
  webOptions?: string
  messagesConf?: string
  /** Bench patrons (PIN BENCH_PIN, numbers benchNumber(i)) written before any node starts. */
  seed?: { patrons: number; optedIn: number }
}

/**
 * Portal nodes as a consortium runs them (SPEC 8): separate `src/server.ts` processes on one
 * PostgreSQL database (a fresh one of this test file), sharing the config files in one directory
 * (the shared storage), one SESSION_SECRET, and a mock Vonage that counts what reached the phone.
 */
export class Cluster {
  private cli: CliContext | null = null

  private constructor(
    readonly dir: string,
    readonly databaseUrl: string,
    readonly mock: MockVonage,
  ) {}

  static async create(options: ClusterOptions = {}): Promise<Cluster> {
    const dir = mkdtempSync(join(tmpdir(), 'webpac-nodes-'))
    writeFileSync(join(dir, 'messages.conf'), options.messagesConf ?? '')
    writeFileSync(join(dir, 'webpub.def'), options.webOptions ?? ALL_DAY)
    const databaseUrl = await freshPostgresUrl()
    if (options.seed) await seedLibrary(join(dir, 'seed.sqlite'), options.seed.patrons, options.seed.optedIn, databaseUrl)
    return new Cluster(dir, databaseUrl, await MockVonage.start())
  }

  /** The environment of a node, and of the CLI beside them. */
  env(role: Role = 'all', mock: MockVonage = this.mock): Record<string, string> {
    return serverEnv(this.dir, { ...mock.env(), DATABASE_URL: this.databaseUrl, WEBPAC_ROLE: role })
  }

  /** Starts the nodes together (as a deployment's units do) and resolves once each listens. */
  async start(...specs: NodeSpec[]): Promise<PortalNode[]> {
    const launched = specs.map((spec) => ({ spec, server: startServerProcess(this.env(spec.role, spec.mock)) }))
    return Promise.all(
      launched.map(async ({ spec, server }) => ({ name: spec.name, role: spec.role ?? 'all', url: await server.url, server })),
    )
  }

  kill(node: PortalNode, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    return killServerProcess(node.server, signal)
  }

  /** What `npm run webpac -- …` would use: the same environment and database, in this process. */
  private context(): CliContext {
    this.cli ??= new CliContext(readEnv(this.env(), ROOT, { for: 'cli' }))
    return this.cli
  }

  /** `webpac apikey create NAME`: the key for the alerts API. */
  async apiKey(name = 'ils'): Promise<string> {
    return (await (await this.context().services()).apiKeys.create(name)).key
  }

  /** `webpac staff add USER`. */
  async addStaff(username: string, password: string): Promise<void> {
    await (await this.context().services()).staffAuth.setAccount(username, password)
  }

  /** The database as the CLI opens it, for what a test writes beside the nodes. */
  store(): Promise<Store> {
    return this.context().store()
  }

  query<T>(sql: string, ...params: unknown[]): Promise<T[]> {
    return queryDb<T>(this.databaseUrl, sql, ...params)
  }

  /** Waits until no outbox row is left in `states` (default: nothing queued or being sent). */
  async outboxSettled(ms = 30_000, states: readonly string[] = ['queued', 'sending']): Promise<void> {
    const list = states.map((state) => `'${state}'`).join(', ')
    const settled = async () => (await this.query<{ n: number }>(`SELECT count(*) AS n FROM outbox WHERE state IN (${list})`))[0]?.n === 0
    // Each look is a new connection (a new backend process): a few a second are enough.
    await eventually(settled, ms, 250)
  }

  async close(): Promise<void> {
    killAllServerProcesses()
    await this.cli?.close()
    await this.mock.close()
    rmSync(this.dir, { recursive: true, force: true })
  }
}

/** What the alerts API answers (docs/alerts-api.md), as far as these tests read it. */
interface AlertAnswer {
  status: number
  body: { id?: number; duplicate?: boolean; state?: string; error?: string }
}

/** POST /api/v1/alerts as the ILS sends it. */
export async function postAlert(
  node: Pick<PortalNode, 'url'>,
  key: string,
  alert: { barcode: string; text: string },
): Promise<AlertAnswer> {
  const response = await fetch(`${node.url}/api/v1/alerts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'hold', ...alert }),
  })
  return { status: response.status, body: (await response.json()) as AlertAnswer['body'] }
}
