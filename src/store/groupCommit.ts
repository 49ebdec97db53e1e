import { CompiledQuery, type ControlledTransaction, type Kysely } from 'kysely'
import { executeCompiled } from './preparedQuery.js'

interface Unit<D, T> {
  work: (trx: Kysely<D>) => Promise<T>
  resolve: (value: T) => void
  reject: (error: unknown) => void
}

const MAX_UNITS_PER_COMMIT = 64
// Compiled once: each unit pays for its savepoint on every webhook.
const SAVEPOINT = CompiledQuery.raw('SAVEPOINT unit')
const ROLLBACK_TO = CompiledQuery.raw('ROLLBACK TO unit')
const RELEASE = CompiledQuery.raw('RELEASE unit')

/**
 * Group commit: units of work that queue up while a commit is under way share the next one.
 * Each unit runs inside its own SAVEPOINT, so it still commits or rolls back as a whole and a
 * failing unit never takes the others down; every caller hears of success only after the
 * COMMIT that made its writes durable. One writer, one COMMIT for many requests: that is what
 * lets a burst of webhooks through a single SQLite file.
 */
export class GroupCommit<D> {
  private readonly queue: Unit<D, unknown>[] = []
  private running = false

  constructor(private readonly db: Kysely<D>) {}

  /** Units queued behind the commit under way (a sustained backlog: the one writer cannot keep up). */
  get waiting(): number {
    return this.queue.length
  }

  run<T>(work: (trx: Kysely<D>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve, reject } as Unit<D, unknown>)
      if (!this.running) void this.drain()
    })
  }

  private async drain(): Promise<void> {
    this.running = true
    try {
      while (this.queue.length > 0) {
        // better-sqlite3 blocks the event loop while it commits (an fsync, with synchronous =
        // FULL), so requests arriving meanwhile are only read once the loop turns: one turn
        // before each batch lets them join it instead of each paying for its own fsync.
        await new Promise((resolve) => setImmediate(resolve))
        await this.commitBatch(this.queue.splice(0, MAX_UNITS_PER_COMMIT))
      }
    } finally {
      this.running = false
    }
  }

  private async commitBatch(batch: Unit<D, unknown>[]): Promise<void> {
    let trx: ControlledTransaction<D>
    try {
      trx = await this.db.startTransaction().execute()
    } catch (error) {
      for (const unit of batch) unit.reject(error)
      return
    }
    const done: { unit: Unit<D, unknown>; value: unknown }[] = []
    try {
      for (const unit of batch) {
        await executeCompiled(trx, SAVEPOINT)
        try {
          done.push({ unit, value: await unit.work(trx) })
        } catch (error) {
          // Undoes this unit only; a failure here means the whole transaction is gone.
          await executeCompiled(trx, ROLLBACK_TO)
          unit.reject(error)
        }
        await executeCompiled(trx, RELEASE)
      }
      await trx.commit().execute()
    } catch (error) {
      await trx
        .rollback()
        .execute()
        .catch(() => {})
      for (const { unit } of done) unit.reject(error)
      for (const unit of batch) if (!done.some((entry) => entry.unit === unit)) unit.reject(error)
      return
    }
    for (const { unit, value } of done) unit.resolve(value)
  }
}
