import { PostgresAdapter, type Kysely } from 'kysely'

/** Whether this Kysely (or transaction) runs on PostgreSQL, for the few queries that must differ. */
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter
}
