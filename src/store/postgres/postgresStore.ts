import { Kysely, sql } from 'kysely'
import type pg from 'pg'
import { isUniqueViolation, type WriteFailure, WriteHealth } from '../errors.js'
import type { RateLimits } from '../rateLimits.js'
import type { Tables } from '../schema.js'
import type { ConnectionUse, Repositories, Store } from '../store.js'
import { createPool, migratePostgres, waitForDatabase } from './openPostgres.js'
import { PostgresOutboxWakeUps } from './outboxWakeUps.js'
import { isRetryable } from './pgErrors.js'
import { postgresDialect } from './postgresDialect.js'
import { PostgresRateLimits } from './postgresRateLimits.js'

/** How often a transaction that lost a race for a row (40001, a deadlock) is run again before its error stands. */
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
// side by side on the pool, each on one snapshot (REPEATABLE READ). What the services count on
// from SQLite's single writer holds as follows: two transactions that change the same row (a
// patron's registration, an outbox row) cannot both commit: the second fails with 40001 and is
// run again, on a snapshot that has the first one's work. What no single row guards, a
// constraint does: one number, one patron (the partial unique index); a webhook or receipt
// stored once (their keys); an alert queued once (the unique dedupe key). A transaction that
// loses such a race (23505) is run again once: its check then sees the winner's row and the
// service answers as it would on SQLite ("duplicate"); a conflict that stays is the error it
// is. The work only touches the database, so running it again is safe. SERIALIZABLE would
// guard the same, but its page-level predicate locks made most concurrent webhooks abort and
// run again (over ten times slower under a webhook burst, and some gave up).
class PostgresStore implements Store {
  readonly rateLimits: RateLimits
  readonly repos: Repositories
  readonly outboxWakeUps: PostgresOutboxWakeUps

  constructor(
    private readonly db: Kysely<Tables>,
    private readonly pool: pg.Pool,
    readonly location: string,
    private readonly health: WriteHealth,
    private readonly repositories: (db: Kysely<Tables>) => Repositories,
  ) {
    this.repos = repositories(db)
    this.rateLimits = new PostgresRateLimits(db)
    this.outboxWakeUps = new PostgresOutboxWakeUps(pool, location)
  }

  async transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.db
          .transaction()
          .setIsolationLevel('repeatable read')
          .execute((trx) => work(this.repositories(trx)))
      } catch (error) {
        const again = isRetryable(error) ? attempt < MAX_ATTEMPTS : isUniqueViolation(error) && attempt < 2
        if (!again) throw error
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt))
      }
    }
  }

  // One snapshot for every query of `work`, as SQLite's read transaction gives.
  read<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    return this.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute((trx) => work(this.repositories(trx)))
  }

  async ping(): Promise<void> {
    await sql`SELECT 1`.execute(this.db)
  }

  writeFailure(): WriteFailure | null {
    return this.health.failure
  }

  connectionUse(): ConnectionUse {
    const { pool } = this
    return { database: 'postgres', max: pool.options.max, open: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }
  }

  // A real write that changes nothing: refused by a read-only server, failing on a full disk.
  async probeWrite(): Promise<void> {
    await sql`UPDATE schema_migrations SET name = name WHERE version = (SELECT max(version) FROM schema_migrations)`.execute(this.db)
  }

  async close(): Promise<void> {
    await this.outboxWakeUps.close()
    await this.db.destroy()
    // Kysely ends the pool only if it ran a query; idle connections would keep a CLI run alive.
    if (!this.pool.ending && !this.pool.ended) await this.pool.end()
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
  return new PostgresStore(db, pool, options.url, health, repositories)
}
