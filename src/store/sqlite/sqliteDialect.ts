import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely'
import type { Statement } from 'better-sqlite3'
import type { SqliteDatabase } from './openSqlite.js'

const STATEMENT_CACHE_SIZE = 500

// Kysely's own SQLite driver prepares every statement on every execution and opens
// transactions with a deferred BEGIN. This one keeps prepared statements (the same SQL
// text recurs for every request) and begins IMMEDIATE, so a second process writing the
// same file waits on busy_timeout instead of failing with SQLITE_BUSY mid-transaction.
export function sqliteDialect(db: SqliteDatabase): Dialect {
  return {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new CachingSqliteDriver(db),
    createIntrospector: (kysely) => new SqliteIntrospector(kysely),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  }
}

class CachingSqliteDriver implements Driver {
  readonly #connection: CachingSqliteConnection
  #lock: Promise<void> = Promise.resolve()

  constructor(private readonly db: SqliteDatabase) {
    this.#connection = new CachingSqliteConnection(db)
  }

  async init(): Promise<void> {}

  // One connection: callers queue for it, so a transaction has it to itself.
  async acquireConnection(): Promise<DatabaseConnection> {
    let release!: () => void
    const previous = this.#lock
    this.#lock = new Promise((resolve) => { release = resolve })
    await previous
    this.#connection.release = release
    return this.#connection
  }

  async releaseConnection(): Promise<void> {
    this.#connection.release()
  }

  // A read-only transaction begins DEFERRED: it takes no write lock, only a snapshot.
  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(settings.accessMode === 'read only' ? 'BEGIN' : 'BEGIN IMMEDIATE'))
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('COMMIT'))
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    // SQLite may already have rolled back on its own (e.g. SQLITE_FULL).
    if (this.db.inTransaction) await connection.executeQuery(CompiledQuery.raw('ROLLBACK'))
  }

  async destroy(): Promise<void> {
    if (this.db.open) this.db.close()
  }
}

class CachingSqliteConnection implements DatabaseConnection {
  readonly #statements = new Map<string, Statement>()
  release: () => void = () => {}

  constructor(private readonly db: SqliteDatabase) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const statement = this.#prepare(query.sql)
    const parameters = query.parameters as unknown[]
    if (statement.reader) return { rows: statement.all(parameters) as R[] }
    const { changes, lastInsertRowid } = statement.run(parameters)
    return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) }
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const statement = this.#prepare(query.sql)
    for (const row of statement.iterate(query.parameters as unknown[])) yield { rows: [row as R] }
  }

  #prepare(sql: string): Statement {
    let statement = this.#statements.get(sql)
    if (!statement) {
      if (this.#statements.size >= STATEMENT_CACHE_SIZE) this.#statements.clear()
      statement = this.db.prepare(sql)
      this.#statements.set(sql, statement)
    }
    return statement
  }
}
