import { type CopyProgress, CopyRefused, copySqliteToPostgres } from '../store/postgres/copyFromSqlite.js'
import { createPool, migratePostgres, waitForDatabase } from '../store/postgres/openPostgres.js'
import { maskedUrl } from '../store/postgres/pgErrors.js'
import { openSqlite } from '../store/sqlite/openSqlite.js'
import { isPostgresUrl, sqliteFileFor } from '../store/store.js'
import type { CliContext } from './cliContext.js'
import { CliError } from './cliError.js'
import { ProgressDisplay } from './importReporter.js'

const count = (n: number) => n.toLocaleString('en-US')
const CONNECT_RETRY_MS = 5_000

/** `webpac db migrate`: applies the migrations the database named by DATABASE_URL (or DATA_DIR) lacks. */
export async function dbMigrateCommand(context: CliContext): Promise<void> {
  const url = context.env.databaseUrl
  let applied: number[]
  let versions: number[]
  let where: string
  if (url && isPostgresUrl(url)) {
    where = maskedUrl(url)
    const pool = createPool(url, { poolSize: 1 })
    try {
      await waitForDatabase(pool, url, CONNECT_RETRY_MS)
      applied = await migratePostgres(pool)
      const { rows } = await pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')
      versions = rows.map((row) => row.version)
    } finally {
      await pool.end()
    }
  } else {
    where = url ? url.replace(/^sqlite:(\/\/)?/, '') : sqliteFileFor(context.env.dataDir)
    const started = new Date().toISOString()
    const db = openSqlite(where)
    try {
      const rows = db.prepare('SELECT version, applied_at FROM schema_migrations ORDER BY version').all() as {
        version: number
        applied_at: string
      }[]
      versions = rows.map((row) => row.version)
      applied = rows.filter((row) => row.applied_at >= started).map((row) => row.version)
    } finally {
      db.close()
    }
  }
  const latest = versions.at(-1) ?? 0
  process.stdout.write(
    applied.length > 0
      ? `${where}: applied migration${applied.length === 1 ? '' : 's'} ${applied.join(', ')}; the schema is at version ${latest}.\n`
      : `${where}: nothing to apply; the schema is at version ${latest}.\n`,
  )
}

/** `webpac db copy --from sqlite:PATH --to postgres://URL`: moves a library to PostgreSQL, with its history. */
export async function dbCopyCommand(from: string, to: string): Promise<void> {
  if (!/^sqlite:/.test(from)) throw new CliError(`--from must be sqlite:PATH (the portal's SQLite file), got "${from}"`)
  if (!isPostgresUrl(to)) throw new CliError('--to must be a postgres:// URL')
  const file = from.replace(/^sqlite:(\/\/)?/, '')
  const pool = createPool(to, { poolSize: 2 })
  const display = new ProgressDisplay(process.stderr, 50_000)
  const started = Date.now()
  try {
    await waitForDatabase(pool, to, CONNECT_RETRY_MS)
    const tables = await copySqliteToPostgres(file, pool, ({ table, copied, total }: CopyProgress) => {
      const percent = total > 0 ? Math.floor((copied / total) * 100) : 100
      display.show(copied, percent, `${count(copied)} of ${count(total)} rows copied (${percent}%), now ${table}`)
    })
    display.clear()
    const width = Math.max(...tables.map(({ table }) => table.length))
    const lines = tables.map(({ table, rows }) => `  ${table.padEnd(width)}  ${count(rows).padStart(12)}`)
    const total = tables.reduce((sum, { rows }) => sum + rows, 0)
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    process.stdout.write(
      [
        `Copied ${count(total)} rows from ${file} to ${maskedUrl(to)} in ${seconds} s; row counts checked, table by table:`,
        ...lines,
        'Ids are kept and the id sequences moved past them. ' +
          'Sessions and login-throttle counts were not copied: everyone logs in once more.',
        '',
      ].join('\n'),
    )
  } catch (error) {
    display.clear()
    if (error instanceof CopyRefused) throw new CliError(error.message)
    throw error
  } finally {
    await pool.end()
  }
}
