import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { copySqliteToPostgres } from '../../src/store/postgres/copyFromSqlite.js'
import { createPool } from '../../src/store/postgres/openPostgres.js'
import { maskedUrl } from '../../src/store/postgres/pgErrors.js'

/** A database made for one bench run, and the way to get rid of it. */
export interface BenchDatabase {
  url: string
  name: string
  drop(): Promise<void>
}

/** The same server as `adminUrl`, another database. */
function urlFor(adminUrl: string, database: string): string {
  const url = new URL(adminUrl)
  url.pathname = `/${database}`
  return url.toString()
}

async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3_000 })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** Null when PostgreSQL answers at `adminUrl`, else one line saying why not (password masked). */
export async function unreachableReason(adminUrl: string): Promise<string | null> {
  try {
    await withAdmin(adminUrl, (client) => client.query('SELECT 1'))
    return null
  } catch (error) {
    const reason = error instanceof Error ? error.message || ((error as { code?: string }).code ?? error.name) : String(error)
    return `cannot connect to ${maskedUrl(adminUrl)}: ${reason.replace(/\s+/g, ' ')}`
  }
}

/**
 * Creates an empty database with a name of its own (webpac_bench_<random>), so a run never meets
 * a previous run's rows and two runs never meet each other. drop() ends its connections first:
 * a portal killed mid-request may leave one behind.
 */
export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `webpac_bench_${randomBytes(6).toString('hex')}`
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`))
  return {
    url: urlFor(adminUrl, name),
    name,
    drop: () => withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  }
}

/** Copies a seeded SQLite file into `url` with the portal's own `webpac db copy` code. */
export async function copyInto(sqliteFile: string, url: string): Promise<void> {
  const pool = createPool(url, { poolSize: 2 })
  try {
    await copySqliteToPostgres(sqliteFile, pool)
  } finally {
    await pool.end()
  }
}

/** One number from a query on `url`. */
export async function countOn(url: string, sql: string, values: unknown[]): Promise<number> {
  return withAdmin(url, async (client) => Number((await client.query<{ n: string }>(sql, values)).rows[0]?.n ?? 0))
}
