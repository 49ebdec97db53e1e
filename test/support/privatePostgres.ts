import { execFileSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'

const BIN = '/usr/lib/postgresql/15/bin'

/**
 * A PostgreSQL server of the test's own, in a temporary directory on a free port, that the test
 * may stop and start again (never the machine's server). initdb and postgres refuse to run as
 * root, so they run as the postgres user; the test itself runs as root.
 */
export interface PrivatePostgres {
  url: string
  stop(): void
  start(): void
  /** Stops it if it runs and deletes its directory. */
  destroy(): void
}

/** Why a private server cannot be made here, or null when it can. */
export function privatePostgresUnavailable(): string | null {
  if (!existsSync(join(BIN, 'initdb'))) return `no PostgreSQL binaries in ${BIN}`
  if (userInfo().uid !== 0) return 'needs root (to run initdb and pg_ctl as the postgres user)'
  return null
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'webpac-pgserver-'))
  const postgres = Number(execFileSync('id', ['-u', 'postgres']).toString().trim())
  chownSync(dir, postgres, -1)
  const asPostgres = (command: string, args: string[]) =>
    execFileSync('runuser', ['-u', 'postgres', '--', join(BIN, command), ...args], { stdio: 'ignore', timeout: 60_000 })
  asPostgres('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres'])
  const port = await freePort()
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`
  const pgCtl = (...args: string[]) => asPostgres('pg_ctl', ['-D', join(dir, 'data'), ...args])
  let running = false
  const server: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start() {
      pgCtl('-o', options, '-l', join(dir, 'log'), '-w', 'start')
      running = true
    },
    stop() {
      pgCtl('-m', 'fast', '-w', 'stop')
      running = false
    },
    destroy() {
      try {
        if (running) server.stop()
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
  server.start()
  return server
}
