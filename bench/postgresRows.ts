// The PostgreSQL rows of `npm run bench`: modpinfo, webhooks and dispatch on a portal started
// with DATABASE_URL=postgres://…, each against a bare Express run measured just before it.
// Each run makes its own databases (webpac_bench_<random>) and drops them at the end.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LoadResult } from './lib/load.js'
import { type BenchDatabase, copyInto, countOn, createBenchDatabase, unreachableReason } from './lib/postgres.js'
import type { RunningServer } from './lib/processes.js'
import { seedDatabase } from './lib/seedDatabase.js'
import { benchDispatch, benchModpinfo, benchWebhooks, DISPATCH_MESSAGES, type ScenarioResult } from './scenarios.js'

/** The server and a database on it that this run may connect to and create databases from. */
export const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const PG_NAMES = ['modpinfo-pg', 'webhooks-pg', 'dispatch-pg'] as const

interface PostgresRowsOptions {
  /** Patrons copied to PostgreSQL: the copy takes a while, so fewer than the SQLite rows by default. */
  patrons: number
  registered: number
  durationSeconds: number
  wanted: (name: string) => boolean
  run: (name: string, scenario: () => Promise<ScenarioResult>) => Promise<void>
  freshBaseline: () => Promise<LoadResult>
  startPortal: (dataDir: string, extra?: Record<string, string>) => Promise<RunningServer>
  log: (line: string) => void
}

/** Runs the PostgreSQL rows the filter asks for; returns a note when PostgreSQL could not be reached. */
export async function runPostgresRows(options: PostgresRowsOptions): Promise<string | null> {
  const { patrons, registered, durationSeconds, wanted, run, freshBaseline, startPortal, log } = options
  if (!PG_NAMES.some(wanted)) return null
  const unreachable = await unreachableReason(PG_ADMIN_URL)
  if (unreachable) {
    const note = `PostgreSQL rows (${PG_NAMES.join(', ')}) skipped: ${unreachable} (set BENCH_PG_URL to another server)`
    log(note)
    return note
  }
  const databases: BenchDatabase[] = []
  const fresh = async (): Promise<BenchDatabase> => {
    const database = await createBenchDatabase(PG_ADMIN_URL)
    databases.push(database)
    return database
  }
  const count = patrons.toLocaleString('en')
  try {
    if (wanted('modpinfo-pg') || wanted('webhooks-pg')) {
      const dataDir = mkdtempSync(join(tmpdir(), 'webpac-bench-pg-'))
      const database = await fresh()
      log(`seeding ${count} patrons (${registered.toLocaleString('en')} opted in) and copying them to PostgreSQL ${database.name} …`)
      const started = performance.now()
      await seedDatabase(join(dataDir, 'webpac.sqlite'), patrons, registered)
      await copyInto(join(dataDir, 'webpac.sqlite'), database.url)
      log(`  seeded and copied in ${((performance.now() - started) / 1000).toFixed(1)} s`)
      const onPostgres = (dir: string, extra: Record<string, string> = {}) => startPortal(dir, { ...extra, DATABASE_URL: database.url })
      await run('modpinfo-pg (PostgreSQL)', async () =>
        benchModpinfo({
          dataDir,
          base: await freshBaseline(),
          durationSeconds,
          startPortal: onPostgres,
          name: 'modpinfo-pg',
          label: `PostgreSQL: logged-in GET /patroninfo/{id}/modpinfo, ${count} patrons`,
        }),
      )
      await run('webhooks-pg (PostgreSQL)', async () =>
        benchWebhooks({
          dataDir,
          base: await freshBaseline(),
          durationSeconds,
          registered,
          startPortal: onPostgres,
          name: 'webhooks-pg',
          label: `PostgreSQL: inbound webhook POST, mix of STOP/YES/HELP/other from ${registered.toLocaleString('en')} numbers`,
          countStored: (prefix) =>
            countOn(database.url, 'SELECT count(*) AS n FROM inbound_messages WHERE message_id LIKE $1', [`${prefix}%`]),
        }),
      )
    }
    const dispatchRegistered = Math.min(registered, 20_000)
    await run('dispatch-pg (PostgreSQL)', async () => {
      const database = await fresh()
      return benchDispatch({
        registered: dispatchRegistered,
        startPortal,
        name: 'dispatch-pg',
        label: `PostgreSQL: outbox dispatch of ${DISPATCH_MESSAGES.toLocaleString('en')} alerts to a mock Vonage through the real SDK`,
        moveStore: async (file) => {
          await copyInto(file, database.url)
          return { DATABASE_URL: database.url }
        },
      })
    })
  } finally {
    for (const database of databases)
      await database.drop().catch((error: Error) => log(`  could not drop ${database.name}: ${error.message}`))
    if (databases.length > 0) log(`dropped ${databases.map((database) => database.name).join(', ')}`)
  }
  return null
}
