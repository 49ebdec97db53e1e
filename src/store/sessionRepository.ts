import { sql, type Kysely } from 'kysely'
import { PreparedQuery } from './prepared.js'
import type { Tables } from './schema.js'

const LIVE_SESSION = new PreparedQuery((db, { sid, nowMs }: { sid: string; nowMs: number }) =>
  db.selectFrom('sessions').select(['data', 'expires_ms']).where('sid', '=', sid).where('expires_ms', '>', nowMs))

export class SessionRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  /** The session's data (JSON) and when it ends, unless it has ended. */
  get(sid: string, nowMs: number): Promise<{ data: string; expires_ms: number } | undefined> {
    return LIVE_SESSION.first(this.db, { sid, nowMs })
  }

  async set(sid: string, data: string, expiresMs: number): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({ sid, data, expires_ms: expiresMs })
      .onConflict((oc) => oc.column('sid').doUpdateSet({ data, expires_ms: expiresMs }))
      .execute()
  }

  async destroy(sid: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('sid', '=', sid).execute()
  }

  /**
   * Ends every session of this staff account (a disabled account, a new password). The JSON
   * keeps `staffUser` at its top level whichever session layer wrote it. A full scan, but only
   * when an administrator acts on an account.
   */
  async destroyForStaff(username: string): Promise<number> {
    const result = await this.db
      .deleteFrom('sessions')
      .where(sql<string>`json_extract(data, '$.staffUser')`, '=', username)
      .executeTakeFirst()
    return Number(result.numDeletedRows)
  }

  async deleteExpired(nowMs: number): Promise<number> {
    const result = await this.db.deleteFrom('sessions').where('expires_ms', '<=', nowMs).executeTakeFirst()
    return Number(result.numDeletedRows)
  }
}
