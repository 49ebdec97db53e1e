import { Kysely, sql } from 'kysely'
import { WriteHealth, type WriteFailure } from '../errors.js'
import type { RateLimits } from '../rateLimits.js'
import type { Tables } from '../schema.js'
import type { Repositories, Store } from '../store.js'
import { createPool, migratePostgres, waitForDatabase } from './openPostgres.js'
import { isRetryable } from './pgErrors.js'
import { postgresDialect } from './postgresDialect.js'
import { PostgresRateLimits } from './postgresRateLimits.js'

/** How often a transaction that lost a serialization race is run again before its error stands. */
const MAX_ATTEMPTS = 10

export interface PostgresStoreOptions {
  url: string
  poolSize: number
  /** How long to keep trying to reach the database at start-up (default 5 s). */
  connectRetryMs?: number
  /** Apply pending migrations (servers do; `webpac db copy` checks the target first). Default true. */
  migrate?: boolean
}

// On SQLite, one writer runs transactions one after another (the group commit); here they run
// side by side on the pool. SERIALIZABLE gives the services the same guarantee: every
// transaction behaves as if it had run alone, so a check and the write that follows it (one
// number, one patron; the opt-in limits; a webhook's dedupe) cannot interleave with another's.
// A transaction PostgreSQL aborts to keep that promise (40001, or a deadlock) is run again: its
// work only touches the database, so running it again is safe.
class PostgresStore implements Store {
  readonly rateLimits: RateLimits
  readonly repos: Repositories

  constructor(
    private readonly db: Kysely<Tables>,
    readonly location: string,
    private readonly health: WriteHealth,
    private readonly repositories: (db: Kysely<Tables>) => Repositories,
  ) {
    this.repos = repositories(db)
    this.rateLimits = new PostgresRateLimits(db)
  }

  async transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.db.transaction().setIsolationLevel('serializable').execute((trx) => work(this.repositories(trx)))
      } catch (error) {
        if (!isRetryable(error) || attempt >= MAX_ATTEMPTS) throw error
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt))
      }
    }
  }

  // One snapshot for every query of `work`, as SQLite's read transaction gives.
  read<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    return this.db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute((trx) => work(this.repositories(trx)))
  }

  async ping(): Promise<void> {
    await sql`SELECT 1`.execute(this.db)
  }

  writeFailure(): WriteFailure | null {
    return this.health.failure
  }

  // A real write that changes nothing: refused by a read-only server, failing on a full disk.
  async probeWrite(): Promise<void> {
    await sql`UPDATE schema_migrations SET name = name WHERE version = (SELECT max(version) FROM schema_migrations)`.execute(this.db)
  }

  async close(): Promise<void> {
    await this.db.destroy()
  }
}

/** Connects (retrying briefly), migrates under the advisory lock, and returns the store. */
export async function openPostgresStore(options: PostgresStoreOptions, repositories: (db: Kysely<Tables>) => Repositories): Promise<Store> {
  const pool = createPool(options.url, { poolSize: options.poolSize })
  try {
    await waitForDatabase(pool, options.url, options.connectRetryMs ?? 5_000)
    if (options.migrate !== false) await migratePostgres(pool)
  } catch (error) {
    await pool.end().catch(() => {})
    throw error
  }
  const health = new WriteHealth()
  const db = new Kysely<Tables>({ dialect: postgresDialect(pool, health) })
  return new PostgresStore(db, options.url, health, repositories)
}
