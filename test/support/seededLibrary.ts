import { seedDatabase } from '../../bench/lib/seedDatabase.js'
import { copySqliteToPostgres } from '../../src/store/postgres/copyFromSqlite.js'
import { createPool } from '../../src/store/postgres/openPostgres.js'

/**
 * A library of `patrons` bench patrons (bench/lib/seedDatabase.ts: PIN BENCH_PIN, numbers
 * benchNumber(i)), the first `optedIn` of them opted in, written to the SQLite `file`; given a
 * PostgreSQL URL, moved there as `webpac db copy` moves a library.
 */
export async function seedLibrary(file: string, patrons: number, optedIn: number, databaseUrl?: string): Promise<void> {
  await seedDatabase(file, patrons, optedIn)
  if (!databaseUrl) return
  const pool = createPool(databaseUrl, { poolSize: 2 })
  await copySqliteToPostgres(file, pool).finally(() => pool.end())
}
