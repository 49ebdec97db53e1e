import Database from 'better-sqlite3'
import type pg from 'pg'
import { SQLITE_MIGRATIONS } from '../sqlite/migrations.js'
import { migratePostgres } from './openPostgres.js'

// What `webpac db copy` moves, parents before children. Sessions and login-throttle counts stay
// behind: everyone logs in once more on the new database, and the counts start again.
export const COPIED_TABLES = [
  'patrons',
  'sms_registrations',
  'consent_events',
  'outbox',
  'inbound_messages',
  'inbound_parts',
  'delivery_receipts',
  'staff_users',
  'api_keys',
  'config_saves',
] as const
/** Tables whose id PostgreSQL draws from an identity sequence, to be moved past the copied ids. */
const IDENTITY_TABLES = ['patrons', 'consent_events', 'outbox', 'delivery_receipts', 'staff_users', 'api_keys', 'config_saves'] as const

/** PostgreSQL binds at most 65,535 parameters in one statement; the widest table has 17 columns. */
const ROWS_PER_INSERT = 500

export interface CopyProgress {
  table: string
  /** Rows copied so far, over all tables. */
  copied: number
  /** Rows to copy, over all tables. */
  total: number
}

export interface CopiedTable {
  table: string
  rows: number
}

/** The copy did not start: the reason says what to do. Nothing was changed in the target. */
export class CopyRefused extends Error {
  override name = 'CopyRefused'
}

function openSource(file: string): Database.Database {
  let db: Database.Database
  try {
    db = new Database(file, { fileMustExist: true })
  } catch (error) {
    throw new CopyRefused(`cannot open the SQLite database ${file}: ${(error as Error).message}`)
  }
  const latest = Math.max(...SQLITE_MIGRATIONS.map((migration) => migration.version))
  const row = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get()
  const version = row ? (db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null }).v : null
  if (version !== latest) {
    db.close()
    throw new CopyRefused(
      `${file} is at schema version ${version ?? 'none'}, not ${latest}: ` +
        'start this version of the portal on it once (it migrates), then copy',
    )
  }
  return db
}

async function rowsIn(client: pg.PoolClient, table: string): Promise<number> {
  const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)
  return rows[0]?.n ?? 0
}

/** The copied tables that already hold rows in the target (before any migration touches it). */
async function occupiedTables(client: pg.PoolClient): Promise<string[]> {
  const occupied: string[] = []
  for (const table of COPIED_TABLES) {
    const { rows } = await client.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [table])
    if (rows[0]?.exists && (await rowsIn(client, table)) > 0) occupied.push(table)
  }
  return occupied
}

async function columnsOf(client: pg.PoolClient, table: string): Promise<string[]> {
  const { rows } = await client.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  )
  return rows.map((row) => row.column_name)
}

async function insertBatch(client: pg.PoolClient, table: string, columns: readonly string[], batch: unknown[][]): Promise<void> {
  const values: unknown[] = []
  const tuples = batch.map((row) => {
    const placeholders = row.map((value) => {
      values.push(value)
      return `$${values.length}`
    })
    return `(${placeholders.join(', ')})`
  })
  await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, values)
}

/**
 * Copies a library's SQLite database into an empty PostgreSQL one: every table but sessions and
 * throttle counts, ids kept (so the consent history still points at its patrons and outbox rows),
 * in batches, in ONE transaction: a copy that fails leaves the target as it was. Refuses a target
 * that already holds rows. Migrates the target first, resets its id sequences past the copied
 * ids, and checks every table's row count against the source before committing.
 */
export async function copySqliteToPostgres(
  file: string,
  pool: pg.Pool,
  onProgress: (progress: CopyProgress) => void = () => {},
): Promise<CopiedTable[]> {
  const source = openSource(file)
  const client = await pool.connect()
  try {
    const occupied = await occupiedTables(client)
    if (occupied.length > 0) {
      const tables = occupied.join(', ')
      throw new CopyRefused(`the target database already holds rows in ${tables}; copy into an empty database (nothing was changed)`)
    }
    await migratePostgres(pool)
    // One snapshot of the source: a portal still writing to it cannot tear the copy.
    source.exec('BEGIN')
    const rowsOf = (table: string) => (source.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
    const counts = COPIED_TABLES.map((table) => ({ table, rows: rowsOf(table) }))
    const total = counts.reduce((sum, { rows }) => sum + rows, 0)
    let copied = 0
    await client.query('BEGIN')
    try {
      for (const { table } of counts) {
        const columns = await columnsOf(client, table)
        const select = source.prepare(`SELECT ${columns.join(', ')} FROM ${table} ORDER BY rowid`).raw(true)
        let batch: unknown[][] = []
        const flush = async () => {
          await insertBatch(client, table, columns, batch)
          copied += batch.length
          batch = []
          onProgress({ table, copied, total })
        }
        for (const row of select.iterate() as IterableIterator<unknown[]>) {
          batch.push(row)
          if (batch.length === ROWS_PER_INSERT) await flush()
        }
        if (batch.length > 0) await flush()
      }
      for (const table of IDENTITY_TABLES) {
        await client.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), coalesce(max(id), 0) + 1, false) FROM ${table}`)
      }
      for (const { table, rows } of counts) {
        const landed = await rowsIn(client, table)
        if (landed !== rows) {
          throw new Error(`row counts differ for ${table}: ${rows} in SQLite, ${landed} in PostgreSQL; nothing was copied`)
        }
      }
      await client.query('COMMIT')
      // Fresh statistics: the planner's first plans on the copy use the indexes, as they should.
      for (const { table } of counts) await client.query(`ANALYZE ${table}`)
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {})
      throw error
    }
    return counts
  } finally {
    client.release()
    if (source.inTransaction) source.exec('COMMIT')
    source.close()
  }
}
