import { type Kysely, sql } from 'kysely'
import { isPostgres } from './postgres/isPostgres.js'
import type { ConfigSave, NewConfigSave, Tables } from './schema.js'

// The staff console's config saves (issue 14): append-only, the schema refuses UPDATE and DELETE.
export class ConfigSaveRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  /**
   * Call first in the transaction that saves `file`: saves of one file then run one at a time on
   * every node, so each sees the file as the previous one left it. On PostgreSQL a transaction
   * advisory lock per file, released at COMMIT or ROLLBACK; SQLite's write transactions already
   * hold the one write lock of the database.
   */
  async lockFile(file: string): Promise<void> {
    if (!isPostgres(this.db)) return
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`webpac config_saves ${file}`}, 0))`.execute(this.db)
  }

  async append(save: NewConfigSave): Promise<void> {
    await this.db.insertInto('config_saves').values(save).execute()
  }

  /** The file's newest `limit` saves, newest first. */
  recent(file: string, limit: number): Promise<ConfigSave[]> {
    return this.db.selectFrom('config_saves').selectAll().where('file', '=', file).orderBy('id', 'desc').limit(limit).execute()
  }
}
