import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createApp } from '../../src/app.js'
import { readEnv } from '../../src/config/env.js'
import { silentLogger } from '../../src/logger.js'
import { type BuildOptions, buildServices, type Services } from '../../src/services/index.js'
import { databaseEnv } from './database.js'

export interface TestApp {
  url: string
  services: Services
  dir: string
  /** Writes messages.conf or webpub.def in this app's directory and reloads them now. */
  writeConfig(kind: 'messagesConf' | 'webOptions', text: string): void
  close(): Promise<void>
}

export interface TestAppOptions extends Partial<Omit<BuildOptions, 'log'>> {
  env?: Record<string, string>
  messagesConf?: string
  webOptions?: string
  /** Start the outbox worker, watcher and housekeeping (default true). */
  background?: boolean
  /** The address to listen on (default 127.0.0.1); another one makes clients arrive from off loopback. */
  host?: string
}

/**
 * The real app on 127.0.0.1:random, on a fresh database: a new SQLite file in a fresh temporary
 * directory, or with TEST_DATABASE=postgres an empty PostgreSQL schema (test/support/database.ts).
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'webpac-test-'))
  const messagesConf = join(dir, 'messages.conf')
  const webOptions = join(dir, 'webpub.def')
  writeFileSync(messagesConf, options.messagesConf ?? '')
  writeFileSync(webOptions, options.webOptions ?? '')
  const env = readEnv({
    PORT: '0',
    DATA_DIR: join(dir, 'data'),
    MESSAGES_CONF: messagesConf,
    WEB_OPTIONS: webOptions,
    SESSION_SECRET: 'test-session-secret-of-32-characters',
    SEED_DEMO: '0',
    ...(await databaseEnv()),
    ...options.env,
  })
  const { env: _env, messagesConf: _m, webOptions: _w, background = true, host = '127.0.0.1', ...build } = options
  const services = await buildServices(env, { log: silentLogger(), configPollMs: 100, ...build })
  if (background) await services.startBackground()
  const server: Server = createServer(createApp(services))
  await new Promise<void>((resolve) => server.listen(0, host, resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${host}:${port}`,
    services,
    dir,
    writeConfig(kind, text) {
      writeFileSync(kind === 'messagesConf' ? messagesConf : webOptions, text)
      services.config.reloadNow()
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await services.shutdown()
    },
  }
}

/** Polls (every `everyMs`) until `check` returns a value that is not undefined/false, or fails after `ms`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 5_000,
  everyMs = 20,
): Promise<T> {
  const deadline = Date.now() + ms
  let last: unknown
  for (;;) {
    try {
      const value = await check()
      if (value !== undefined && value !== false) return value
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) throw last instanceof Error ? last : new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
}
