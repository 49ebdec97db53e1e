import { RateLimiterRes, RateLimiterSQLite } from 'rate-limiter-flexible'
import { type Charge, grantedOf, type RateLimit, type RateLimits } from '../rateLimits.js'
import type { SqliteDatabase } from './openSqlite.js'

/** Made by migration 5, in RateLimiterSQLite's own layout (key, points, expire). */
const TABLE = 'rate_limits'

/** Runs `work` as one unit of the store's group commit (Store.transaction). */
export type Unit = <T>(work: () => Promise<T>) => Promise<T>

/** RateLimiterSQLite has it (its own timer calls it) but its type declarations leave it out. */
interface Sweeper {
  clearExpired(nowMs: number): Promise<void>
}

// RateLimiterSQLite runs its statements straight on the better-sqlite3 handle: the one
// connection that Kysely and the group commit share. Called on its own, a statement could land
// inside a transaction the group commit holds open for other requests, and commit or roll back
// with theirs. A second connection is no way out: it would wait for that transaction in
// busy_timeout with the event loop blocked, so the transaction could not finish either.
// So every call here runs as one unit of the group commit. The unit holds the connection alone,
// inside BEGIN IMMEDIATE and its own savepoint (the limiter's transaction nests as a savepoint
// within it), and its caller hears back only once it is committed. The library's own table
// creation and sweep timer stay off for the same reason; migration 5 makes the table, and
// housekeeping calls sweep().
export class SqliteRateLimits implements RateLimits {
  readonly #limiters = new Map<string, RateLimiterSQLite>()
  readonly #sweeper: Sweeper

  constructor(
    private readonly db: SqliteDatabase,
    private readonly unit: Unit,
  ) {
    // The sweep deletes across the whole table, whichever limiter runs it.
    this.#sweeper = this.#limiter({ name: 'sweep', points: 1, duration: 0 }) as unknown as Sweeper
  }

  async take(charges: readonly Charge[]): Promise<boolean> {
    try {
      // A refusal rejects the unit, and the group commit rolls back what it had counted.
      await this.unit(async () => {
        for (const { limit, key } of charges) await this.#limiter(limit).consume(key)
      })
      return true
    } catch (error) {
      if (error instanceof RateLimiterRes) return false
      throw error
    }
  }

  // consume() counts all `wanted` points even when it rejects for going past the limit (the
  // library's upsert comes first), so a rejection is caught inside the unit, which then commits.
  async takeUpTo(charge: Charge, wanted: number): Promise<number> {
    if (wanted <= 0) return 0
    const after = await this.unit(async () => {
      try {
        return (await this.#limiter(charge.limit).consume(charge.key, wanted)).consumedPoints
      } catch (error) {
        if (error instanceof RateLimiterRes) return error.consumedPoints
        throw error
      }
    })
    return grantedOf(after, wanted, charge.limit.points)
  }

  async giveBack(charges: readonly Charge[]): Promise<void> {
    await this.unit(async () => {
      for (const { limit, key } of charges) await this.#limiter(limit).reward(key)
    })
  }

  async forget(charges: readonly Charge[]): Promise<void> {
    await this.unit(async () => {
      for (const { limit, key } of charges) await this.#limiter(limit).delete(key)
    })
  }

  async sweep(): Promise<void> {
    await this.unit(() => this.#sweeper.clearExpired(Date.now()))
  }

  #limiter(limit: RateLimit): RateLimiterSQLite {
    let limiter = this.#limiters.get(limit.name)
    if (!limiter) {
      limiter = new RateLimiterSQLite({
        storeClient: this.db,
        storeType: 'better-sqlite3',
        tableName: TABLE,
        tableCreated: true,
        clearExpiredByTimeout: false,
        keyPrefix: limit.name,
        points: limit.points,
        duration: limit.duration,
      })
      this.#limiters.set(limit.name, limiter)
    }
    return limiter
  }
}
