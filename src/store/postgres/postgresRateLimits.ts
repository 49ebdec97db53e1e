import { type Kysely, sql } from 'kysely'
import { type Charge, grantedOf, type RateLimits } from '../rateLimits.js'
import type { Tables } from '../schema.js'

/** The rate_limits table of migration 5 (rate-limiter-flexible's layout), which Tables leaves out. */
interface Counters {
  rate_limits: { key: string; points: number; expire: number | null }
}

/** rate-limiter-flexible's key: the limit's name (its keyPrefix), a colon, the key. */
const keyOf = ({ limit, key }: Charge) => `${limit.name}:${key}`

// The same counters as RateLimiterSQLite/RateLimiterPostgres keep, counted by one upsert per key
// (their own statement, in rate-limiter-flexible's table layout). The library's limiter cannot
// give `take` its all-or-none: it runs each key on a pooled connection of its own. Here the
// charges of one take run in one transaction; the upsert locks each counter row until the
// commit, so parallel takes queue on it and each sees the others' counts, and a refusal rolls
// back every count of that take. Keys are taken in one order, so two takes never deadlock.
export class PostgresRateLimits implements RateLimits {
  readonly #db: Kysely<Counters>

  constructor(db: Kysely<Tables>) {
    this.#db = db as unknown as Kysely<Counters>
  }

  async take(charges: readonly Charge[]): Promise<boolean> {
    const sorted = [...charges].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0))
    const refused = new Error('refused')
    try {
      await this.#db.transaction().execute(async (trx) => {
        const now = Date.now()
        for (const charge of sorted) {
          const expire = charge.limit.duration > 0 ? now + charge.limit.duration * 1000 : null
          const { rows } = await sql<{ points: number }>`
            INSERT INTO rate_limits (key, points, expire) VALUES (${keyOf(charge)}, 1, ${expire})
            ON CONFLICT (key) DO UPDATE SET
              points = CASE WHEN rate_limits.expire IS NULL OR rate_limits.expire > ${now}
                THEN rate_limits.points + 1 ELSE 1 END,
              expire = CASE WHEN rate_limits.expire IS NULL OR rate_limits.expire > ${now}
                THEN rate_limits.expire ELSE excluded.expire END
            RETURNING points`.execute(trx)
          if ((rows[0]?.points ?? 0) > charge.limit.points) throw refused
        }
      })
      return true
    } catch (error) {
      if (error === refused) return false
      throw error
    }
  }

  // One upsert, no transaction: it adds all `wanted` to the counter, locked until it commits, and
  // keeps the part of [count before, count after) that lies under the limit. Parallel callers
  // get disjoint parts, so together never more than the limit; the counter may run past it.
  async takeUpTo(charge: Charge, wanted: number): Promise<number> {
    if (wanted <= 0) return 0
    const now = Date.now()
    const expire = now + charge.limit.duration * 1000
    const { rows } = await sql<{ points: number }>`
      INSERT INTO rate_limits (key, points, expire) VALUES (${keyOf(charge)}, ${wanted}, ${expire})
      ON CONFLICT (key) DO UPDATE SET
        points = CASE WHEN rate_limits.expire IS NULL OR rate_limits.expire > ${now}
          THEN rate_limits.points + ${wanted} ELSE ${wanted} END,
        expire = CASE WHEN rate_limits.expire IS NULL OR rate_limits.expire > ${now}
          THEN rate_limits.expire ELSE excluded.expire END
      RETURNING points`.execute(this.#db)
    return grantedOf(Number(rows[0]?.points ?? 0), wanted, charge.limit.points)
  }

  async giveBack(charges: readonly Charge[]): Promise<void> {
    const now = Date.now()
    for (const charge of charges) {
      await sql`UPDATE rate_limits SET points = points - 1
        WHERE key = ${keyOf(charge)} AND points > 0 AND (expire IS NULL OR expire > ${now})`.execute(this.#db)
    }
  }

  async forget(charges: readonly Charge[]): Promise<void> {
    if (charges.length === 0) return
    await this.#db.deleteFrom('rate_limits').where('key', 'in', charges.map(keyOf)).execute()
  }

  async sweep(): Promise<void> {
    await this.#db.deleteFrom('rate_limits').where('expire', '<', Date.now()).execute()
  }
}
