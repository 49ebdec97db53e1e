import { type Kysely, PostgresAdapter } from 'kysely'
import type { Tables } from '../schema.js'

/** Whether this Kysely (or transaction) runs on PostgreSQL, for the few queries that must differ. */
export function isPostgres(db: Kysely<Tables>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter
}
