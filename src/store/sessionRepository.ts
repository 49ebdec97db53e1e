import type { Kysely } from 'kysely'
import type { Tables } from './schema.js'

export class SessionRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  async get(sid: string, nowMs: number): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .select('data')
      .where('sid', '=', sid)
      .where('expires_ms', '>', nowMs)
      .executeTakeFirst()
    return row?.data
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

  async deleteExpired(nowMs: number): Promise<number> {
    const result = await this.db.deleteFrom('sessions').where('expires_ms', '<=', nowMs).executeTakeFirst()
    return Number(result.numDeletedRows)
  }
}
