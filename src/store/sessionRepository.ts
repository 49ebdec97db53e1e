import { type Kysely, sql } from 'kysely'
import { isPostgres } from './postgres/isPostgres.js'
import { PreparedQuery } from './preparedQuery.js'
import type { Tables } from './schema.js'

export interface SessionRow {
  data: string
  created_ms: number
  expires_ms: number
}

// Every page view reads its session: one indexed read of a statement compiled once.
const LIVE_SESSION = new PreparedQuery((db, { sid, nowMs }: { sid: string; nowMs: number }) =>
  db.selectFrom('sessions').select(['data', 'created_ms', 'expires_ms']).where('sid', '=', sid).where('expires_ms', '>', nowMs),
)

const INSERT = new PreparedQuery((db, row: { sid: string; data: string; created_ms: number; expires_ms: number }) =>
  db.insertInto('sessions').values(row),
)

// Both updates leave an ended row alone (deleted at logout, or past its end and not yet swept):
// a write for an existing session never brings back one that has ended.
const UPDATE = new PreparedQuery((db, { sid, data, expiresMs, nowMs }: { sid: string; data: string; expiresMs: number; nowMs: number }) =>
  db.updateTable('sessions').set({ data, expires_ms: expiresMs }).where('sid', '=', sid).where('expires_ms', '>', nowMs),
)

const EXTEND = new PreparedQuery((db, { sid, expiresMs, nowMs }: { sid: string; expiresMs: number; nowMs: number }) =>
  db.updateTable('sessions').set({ expires_ms: expiresMs }).where('sid', '=', sid).where('expires_ms', '>', nowMs),
)

export class SessionRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  /** The session's data (JSON), when it began and when it ends, unless it has ended. */
  get(sid: string, nowMs: number): Promise<SessionRow | undefined> {
    return LIVE_SESSION.first(this.db, { sid, nowMs })
  }

  /** A new session (a new, random id): fails if the id exists. */
  async insert(sid: string, data: string, createdMs: number, expiresMs: number): Promise<void> {
    await INSERT.execute(this.db, { sid, data, created_ms: createdMs, expires_ms: expiresMs })
  }

  /** Rewrites a live session; false when it has ended (nothing is written then). */
  async update(sid: string, data: string, expiresMs: number, nowMs: number): Promise<boolean> {
    const result = await UPDATE.execute(this.db, { sid, data, expiresMs, nowMs })
    return (result.numAffectedRows ?? 0n) > 0n
  }

  /** Moves a live session's end; false when it has ended. */
  async extend(sid: string, expiresMs: number, nowMs: number): Promise<boolean> {
    const result = await EXTEND.execute(this.db, { sid, expiresMs, nowMs })
    return (result.numAffectedRows ?? 0n) > 0n
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
      .where(isPostgres(this.db) ? sql<string>`data::jsonb->>'staffUser'` : sql<string>`json_extract(data, '$.staffUser')`, '=', username)
      .executeTakeFirst()
    return Number(result.numDeletedRows)
  }

  async deleteExpired(nowMs: number): Promise<number> {
    const result = await this.db.deleteFrom('sessions').where('expires_ms', '<=', nowMs).executeTakeFirst()
    return Number(result.numDeletedRows)
  }
}
