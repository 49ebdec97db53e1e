import pg from 'pg'
import { DatabaseUnreachableError } from '../errors.js'
import type { Migration } from '../sqlite/migrations.js'
import { POSTGRES_MIGRATIONS } from './migrations.js'
import { maskedUrl } from './pgErrors.js'

// Ids and epoch milliseconds are BIGINT, and so is count(*): node-postgres hands them over as
// strings. They stay far below 2^53, so numbers they become, as SQLite's rows have them.
const parserFor = (oid: number, format?: 'text' | 'binary') =>
  oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format)
const TYPES: pg.CustomTypesConfig = { getTypeParser: parserFor as pg.CustomTypesConfig['getTypeParser'] }

// One lock for every node of one database: the first to start migrates, the others wait.
const MIGRATION_LOCK = 0x77656270_6163 // "webpac"

export interface PoolOptions {
  poolSize: number
}

/** The pool behind Kysely. It reconnects by itself: a dead connection is dropped, not reused. */
export function createPool(url: string, { poolSize }: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    types: TYPES,
    // A request waits this long for a connection before it answers 503.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  })
  // An idle connection whose server went away reports here; the pool has already dropped it,
  // and without a listener the error would end the process.
  pool.on('error', () => {})
  pool.on('connect', (client) => {
    // A connection the server ends while it is checked out (between the queries of a
    // transaction) reports here too; its next query fails (503) and the pool drops it.
    client.on('error', () => {})
    // A 200 means committed: whatever the server's default, each session waits for its commits.
    client.query('SET synchronous_commit TO on').catch(() => {})
  })
  return pool
}

function reasonOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return reasonOf(error.errors[0])
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code
    const message = error.message.trim()
    return message || (typeof code === 'string' ? code : error.name)
  }
  return String(error)
}

/**
 * Waits for the database to answer, trying again for `retryMs` (a server that is starting up,
 * a network still coming up), then gives up with one line naming DATABASE_URL, password masked.
 */
export async function waitForDatabase(pool: pg.Pool, url: string, retryMs: number): Promise<void> {
  const deadline = Date.now() + retryMs
  for (let delay = 200; ; delay = Math.min(delay * 2, 1_000)) {
    try {
      const client = await pool.connect()
      client.release()
      return
    } catch (error) {
      if (Date.now() + delay > deadline) {
        throw new DatabaseUnreachableError(`cannot connect to DATABASE_URL ${maskedUrl(url)}: ${reasonOf(error).replace(/\s+/g, ' ')}`)
      }
      await new Promise((resolve) => setTimeout(resolve, delay))
    }
  }
}

/**
 * Applies the migrations this database lacks, each in its own transaction, under an advisory
 * lock: several nodes starting at once on an empty database migrate it once, and all come up.
 * Returns the versions applied now.
 */
export async function migratePostgres(pool: pg.Pool, migrations: readonly Migration[] = POSTGRES_MIGRATIONS): Promise<number[]> {
  const client = await pool.connect()
  let broken: unknown
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`)
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations')
      const applied = new Set(rows.map((row) => row.version))
      const newlyApplied: number[] = []
      for (const migration of migrations) {
        if (applied.has(migration.version)) continue
        await client.query('BEGIN')
        try {
          await client.query(migration.sql)
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
            migration.version,
            migration.name,
            new Date().toISOString(),
          ])
          await client.query('COMMIT')
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {})
          throw error
        }
        newlyApplied.push(migration.version)
      }
      return newlyApplied
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch((error: unknown) => {
        broken = error
      })
    }
  } catch (error) {
    broken = error
    throw error
  } finally {
    // A connection that failed midway may still hold the lock: it is closed, not pooled.
    client.release(broken instanceof Error ? broken : undefined)
  }
}
