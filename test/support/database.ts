import { randomBytes } from 'node:crypto'
import { after } from 'node:test'
import Database from 'better-sqlite3'
import pg from 'pg'
import { TEST_DATABASE_URL } from './testDatabaseUrl.js'

export { TEST_DATABASE_URL }

// Which database the integration tests run on: scripts/test.sh runs them once on SQLite and once
// with TEST_DATABASE=postgres. On PostgreSQL each test file gets a fresh database of its own
// (CREATE DATABASE, dropped WITH (FORCE) after its tests), and each app a fresh schema in it,
// so runs never leak into each other and every app starts empty, as on a new SQLite file.
export const onPostgres = process.env.TEST_DATABASE === 'postgres'
export const backendName = onPostgres ? 'PostgreSQL' : 'SQLite'

/** For `test(name, { skip: sqliteOnly('why') }, ...)`: skipped, with the reason, on PostgreSQL. */
export function sqliteOnly(reason: string): string | false {
  return onPostgres ? `SQLite only: ${reason}` : false
}

function urlFor(base: string, database: string, schema?: string): string {
  const url = new URL(base)
  url.pathname = `/${database}`
  if (schema) url.searchParams.set('options', `-c search_path=${schema}`)
  return url.toString()
}

/** Runs `work` on one client of the server at `url`, closed after. */
export async function onServer<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

let fileDatabase: Promise<string> | null = null
let schemas = 0

// Made at the first app of the file; CREATE DATABASE cannot run in a transaction, so on its own.
function databaseOfThisFile(): Promise<string> {
  fileDatabase ??= (async () => {
    const name = `webpac_test_${randomBytes(6).toString('hex')}`
    await onServer(TEST_DATABASE_URL, (client) => client.query(`CREATE DATABASE ${name}`))
    return name
  })()
  return fileDatabase
}

// Registered on SQLite too: the multi-node tests (test/multinode) use PostgreSQL whatever
// TEST_DATABASE says, and a file that made no database has nothing to drop.
after(async () => {
  if (!fileDatabase) return
  const name = await fileDatabase
  // FORCE ends what a killed server or an unclosed app left connected.
  await onServer(TEST_DATABASE_URL, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
})

/** DATABASE_URL for a new, empty schema in this test file's own PostgreSQL database, whatever TEST_DATABASE says. */
export async function freshPostgresUrl(): Promise<string> {
  const database = await databaseOfThisFile()
  const schema = `app_${++schemas}`
  await onServer(urlFor(TEST_DATABASE_URL, database), (client) => client.query(`CREATE SCHEMA ${schema}`))
  return urlFor(TEST_DATABASE_URL, database, schema)
}

/**
 * DATABASE_URL for a new, empty database of this test file (a schema of its own on PostgreSQL),
 * or undefined on SQLite, where each app's data directory holds its own file.
 */
export async function freshDatabaseUrl(): Promise<string | undefined> {
  return onPostgres ? freshPostgresUrl() : undefined
}

/** DATABASE_URL settings for a server process of this test: none on SQLite (its DATA_DIR holds the file). */
export async function databaseEnv(): Promise<Record<string, string>> {
  const url = await freshDatabaseUrl()
  return url ? { DATABASE_URL: url } : {}
}

// Numbers come back as numbers, as from the store (count(*) is a BIGINT).
const NUMBERS: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
}

/**
 * Reads rows no repository lists, beside the app: `location` is the store's (the SQLite file, or
 * the PostgreSQL URL). Write the SQL for both: `?` placeholders, no SQLite- or PostgreSQL-only
 * functions.
 */
export async function queryDb<T>(location: string, sql: string, ...params: unknown[]): Promise<T[]> {
  if (!/^postgres(ql)?:/.test(location)) {
    const db = new Database(location, { readonly: true, fileMustExist: true })
    try {
      return db.prepare(sql).all(...params) as T[]
    } finally {
      db.close()
    }
  }
  let n = 0
  const text = sql.replace(/\?/g, () => `$${++n}`)
  const client = new pg.Client({ connectionString: location, types: NUMBERS })
  await client.connect()
  try {
    return (await client.query(text, params)).rows as T[]
  } finally {
    await client.end()
  }
}

/** Writes rows beside the app (as queryDb reads them): SQL for both databases, `?` placeholders. */
export async function writeDb(location: string, sql: string, ...params: unknown[]): Promise<void> {
  if (!/^postgres(ql)?:/.test(location)) {
    const db = new Database(location, { fileMustExist: true })
    try {
      db.prepare(sql).run(...params)
    } finally {
      db.close()
    }
    return
  }
  let n = 0
  const client = new pg.Client({ connectionString: location })
  await client.connect()
  try {
    await client.query(
      sql.replace(/\?/g, () => `$${++n}`),
      params,
    )
  } finally {
    await client.end()
  }
}

/** DATABASE_URL for another process (a CLI run, a server) on the same database as `store`; none on SQLite. */
export function envFor(store: { location: string }): Record<string, string> {
  return /^postgres(ql)?:/.test(store.location) ? { DATABASE_URL: store.location } : {}
}
