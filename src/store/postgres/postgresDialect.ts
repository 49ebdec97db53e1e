import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  PostgresDialect,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely'
import type pg from 'pg'
import type { WriteHealth } from '../errors.js'

/**
 * Kysely's PostgresDialect over the pool, with the store's WriteHealth told what writes find:
 * a server that turned read-only or ran out of disk fails writes while reads still answer, and
 * /healthz says so until a write succeeds again (as SQLite's dialect does for its file).
 */
export function postgresDialect(pool: pg.Pool, health: WriteHealth): Dialect {
  const base = new PostgresDialect({ pool })
  return {
    createAdapter: () => base.createAdapter(),
    createDriver: () => new ObservedDriver(base.createDriver(), health),
    createIntrospector: (db) => base.createIntrospector(db),
    createQueryCompiler: () => base.createQueryCompiler(),
  }
}

const WRITE = /^\s*(insert|update|delete)\b/i

class ObservedConnection implements DatabaseConnection {
  /** Set between BEGIN and COMMIT/ROLLBACK of a read-write transaction. */
  writing = false
  inTransaction = false

  constructor(
    readonly inner: DatabaseConnection,
    private readonly health: WriteHealth,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    try {
      const result = await this.inner.executeQuery<R>(query)
      if (!this.inTransaction && WRITE.test(query.sql)) this.health.succeeded()
      return result
    } catch (error) {
      this.health.failed(error)
      throw error
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize)
  }
}

class ObservedDriver implements Driver {
  readonly #wrapped = new WeakMap<DatabaseConnection, ObservedConnection>()

  constructor(
    private readonly inner: Driver,
    private readonly health: WriteHealth,
  ) {}

  init(): Promise<void> {
    return this.inner.init()
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection()
    let wrapped = this.#wrapped.get(connection)
    if (!wrapped) {
      wrapped = new ObservedConnection(connection, this.health)
      this.#wrapped.set(connection, wrapped)
    }
    return wrapped
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const observed = connection as ObservedConnection
    await this.observe(() => this.inner.beginTransaction(observed.inner, settings))
    observed.inTransaction = true
    observed.writing = settings.accessMode !== 'read only'
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const observed = connection as ObservedConnection
    try {
      await this.observe(() => this.inner.commitTransaction(observed.inner))
      if (observed.writing) this.health.succeeded()
    } finally {
      observed.inTransaction = false
    }
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const observed = connection as ObservedConnection
    observed.inTransaction = false
    await this.inner.rollbackTransaction(observed.inner)
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.savepoint?.((connection as ObservedConnection).inner, name, compile)
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.rollbackToSavepoint?.((connection as ObservedConnection).inner, name, compile)
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.releaseSavepoint?.((connection as ObservedConnection).inner, name, compile)
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection((connection as ObservedConnection).inner)
  }

  destroy(): Promise<void> {
    return this.inner.destroy()
  }

  private async observe(work: () => Promise<void>): Promise<void> {
    try {
      await work()
    } catch (error) {
      this.health.failed(error)
      throw error
    }
  }
}
