import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely'
import type { Tables } from './schema.js'

/**
 * A store's own way to run an already compiled query at once (SQLite: on its better-sqlite3
 * statement, skipping Kysely's executor), or undefined when it cannot now and Kysely must.
 * `fromTransaction`: the caller is a transaction, which holds the connection.
 */
export type DirectRunner = (query: CompiledQuery, fromTransaction: boolean) => QueryResult<unknown> | undefined
const directRunners = new WeakMap<object, DirectRunner>()

/** Registered by a dialect for its adapter; PostgreSQL registers none and runs through Kysely. */
export function registerDirectRunner(adapter: object, runner: DirectRunner): void {
  directRunners.set(adapter, runner)
}

/** Runs a query compiled once (a SAVEPOINT, a prepared query's SQL) directly where the store can, else through Kysely. */
export function executeCompiled<R, D>(db: Kysely<D>, query: CompiledQuery): Promise<QueryResult<R>> {
  const executor = db.getExecutor()
  // Plugins would transform the query and its result; a direct run would skip them.
  const direct = executor.plugins.length === 0 ? directRunners.get(executor.adapter) : undefined
  if (direct) {
    try {
      const result = direct(query, db.isTransaction)
      if (result) return Promise.resolve(result as QueryResult<R>)
    } catch (error) {
      return Promise.reject(error)
    }
  }
  return db.executeQuery<R>(query)
}

type Values = Record<string, unknown>
/** Where each bound parameter comes from: a named value of the call, or a constant of the query. */
type Slot = { name: string } | { constant: unknown }

interface Compiled<R> {
  query: CompiledQuery<R>
  slots: Slot[]
}

/**
 * A query Kysely builds and compiles once; each call only binds its values to the same SQL.
 * On the hot paths (a page view, a webhook) building and compiling a query cost more than
 * SQLite takes to run it, and the unchanged SQL text lets the driver reuse its prepared
 * statement. `build` receives a stand-in for every value, so what it returns must bind each
 * one as a parameter (checked at the first compile); rows of different shapes (an insert
 * without an optional column) each get their own compiled query.
 */
export class PreparedQuery<V extends Values, R> {
  readonly #compiled = new Map<string, Compiled<R>>()

  constructor(private readonly build: (db: Kysely<Tables>, values: V) => Compilable<R>) {}

  async all(db: Kysely<Tables>, values: V): Promise<R[]> {
    return (await this.execute(db, values)).rows
  }

  async first(db: Kysely<Tables>, values: V): Promise<R | undefined> {
    return (await this.execute(db, values)).rows[0]
  }

  execute(db: Kysely<Tables>, values: V): Promise<QueryResult<R>> {
    const names = Object.keys(values).filter((name) => values[name] !== undefined)
    // The same query compiles to other SQL on PostgreSQL ($1 for ?): one cache per dialect.
    const shape = `${db.getExecutor().adapter.constructor.name}|${names.join(',')}`
    let compiled = this.#compiled.get(shape)
    if (!compiled) {
      compiled = this.compile(db, names)
      this.#compiled.set(shape, compiled)
    }
    const parameters = compiled.slots.map((slot) => ('name' in slot ? values[slot.name] : slot.constant))
    return executeCompiled<R, Tables>(db, { ...compiled.query, parameters })
  }

  private compile(db: Kysely<Tables>, names: string[]): Compiled<R> {
    const standIns = new Map(names.map((name) => [`\u0000prepared:${name}\u0000`, name]))
    const query = this.build(db, Object.fromEntries([...standIns].map(([standIn, name]) => [name, standIn])) as V).compile()
    const slots = query.parameters.map((parameter): Slot => {
      const name = typeof parameter === 'string' ? standIns.get(parameter) : undefined
      return name === undefined ? { constant: parameter } : { name }
    })
    const bound = new Set(slots.flatMap((slot) => ('name' in slot ? [slot.name] : [])))
    const unbound = names.filter((name) => !bound.has(name))
    if (unbound.length > 0 || query.sql.includes('\u0000prepared:')) {
      throw new Error(`prepared query must bind every value as a parameter; not bound: ${unbound.join(', ')}`)
    }
    return { query, slots }
  }
}
