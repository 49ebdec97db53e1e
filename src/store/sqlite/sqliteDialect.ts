import type { Statement } from 'better-sqlite3'
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type TransactionSettings,
} from 'kysely'
import type { WriteHealth } from '../errors.js'
import { registerDirectRunner } from '../preparedQuery.js'
import { ConnectionLock } from './connectionLock.js'
import type { SqliteDatabase } from './openSqlite.js'

const STATEMENT_CACHE_SIZE = 500

// Kysely's own SQLite driver prepares every statement on every execution and opens
// transactions with a deferred BEGIN. This one keeps prepared statements (the same SQL
// text recurs for every request) and begins IMMEDIATE, so a second process writing the
// same file waits on busy_timeout instead of failing with SQLITE_BUSY mid-transaction.
//
// Prepared queries (PreparedQuery, the hot paths' queries) skip Kysely's executor here: they run
// on the statement at once, inside the transaction that holds the connection, or on their own
// when no transaction holds it. Only a query from outside while a transaction holds the
// connection goes the long way, through Kysely, and waits for the COMMIT: it must not read that
// transaction's uncommitted writes nor write into it.
export function sqliteDialect(db: SqliteDatabase, health: WriteHealth): Dialect {
  const connection = new CachingSqliteConnection(db, health)
  const lock = new ConnectionLock()
  return {
    createAdapter: () => {
      const adapter = new SqliteAdapter()
      registerDirectRunner(adapter, (query, fromTransaction) => (fromTransaction || !lock.held ? connection.executeNow(query) : undefined))
      return adapter
    },
    createDriver: () => new CachingSqliteDriver(db, connection, lock),
    createIntrospector: (kysely) => new SqliteIntrospector(kysely),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  }
}

class CachingSqliteDriver implements Driver {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly connection: CachingSqliteConnection,
    private readonly lock: ConnectionLock,
  ) {}

  async init(): Promise<void> {}

  // One connection: callers queue for it, so a transaction has it to itself.
  async acquireConnection(): Promise<DatabaseConnection> {
    await this.lock.acquire()
    return this.connection
  }

  async releaseConnection(): Promise<void> {
    this.lock.release()
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
  #transactionWrote = false

  constructor(
    private readonly db: SqliteDatabase,
    private readonly health: WriteHealth,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.executeNow(query)
  }

  /** Runs the query on its cached statement, synchronously: only by whoever may use the connection now. */
  executeNow<R>(query: CompiledQuery): QueryResult<R> {
    const statement = this.#prepare(query.sql)
    const parameters = query.parameters as unknown[]
    const inTransaction = this.db.inTransaction
    try {
      if (statement.reader) return { rows: statement.all(parameters) as R[] }
      const { changes, lastInsertRowid } = statement.run(parameters)
      this.#noteWrite(inTransaction, query.sql)
      return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) }
    } catch (error) {
      this.health.failed(error)
      throw error
    }
  }

  // What proves the disk takes writes again: a write outside a transaction, or the COMMIT of
  // a transaction that wrote (not a read-only one's COMMIT, not a ROLLBACK).
  #noteWrite(wasInTransaction: boolean, sql: string): void {
    if (!wasInTransaction) {
      if (!this.db.inTransaction) this.health.succeeded()
      this.#transactionWrote = false
    } else if (this.db.inTransaction) {
      this.#transactionWrote = true
    } else {
      if (sql === 'COMMIT' && this.#transactionWrote) this.health.succeeded()
      this.#transactionWrote = false
    }
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
