import type { Request } from 'express'
import session from 'express-session'
import type { SessionRepository, SessionRow } from '../../store/sessionRepository.js'

/** A session ends an hour after login at the latest, however busy. */
const SESSION_LIFETIME_MS = 60 * 60 * 1000
/** …and sooner after 20 minutes without a request (a public PC left logged in). */
const SESSION_IDLE_MS = 20 * 60 * 1000
/**
 * A page view that changes nothing moves the idle end only when the stored end is this much
 * behind: at most one write per session every five minutes, so a session idle for 15 minutes may
 * have ended, and one idle for 20 always has.
 */
const SESSION_TOUCH_EVERY_MS = 5 * 60 * 1000

/**
 * Marks a session read from its row (not serialized: JSON and express-session's change hash skip
 * symbols). A write for a loaded session only updates its row, so a request that was still
 * running when its session was logged out cannot put the deleted row back; a session without the
 * mark (new, or regenerated at login) is inserted.
 */
const LOADED = Symbol('loaded session row')

type Callback = (error?: unknown) => void
type StoredSession = session.SessionData & { [LOADED]?: SessionRow }
type LiveSession = session.Session & Partial<session.SessionData> & { [LOADED]?: SessionRow; req?: Request }

/**
 * express-session's store over the portal's own SessionRepository, so the same class serves
 * SQLite now and PostgreSQL later. Expired rows are swept by the housekeeping job, never on a
 * request's path.
 */
export class DatabaseSessionStore extends session.Store {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly now: () => number = Date.now,
  ) {
    super()
  }

  override get(sid: string, callback: (error: unknown, session?: session.SessionData | null) => void): void {
    const nowMs = this.now()
    this.sessions
      .get(sid, nowMs)
      .then(async (row) => {
        if (!row) return null
        await this.moveIdleEnd(sid, row, nowMs)
        const stored = JSON.parse(row.data) as StoredSession
        stored[LOADED] = row
        return stored
      })
      .then((stored) => callback(null, stored), callback)
  }

  override createSession(req: Request, stored: session.SessionData): session.Session & session.SessionData {
    const row = (stored as StoredSession)[LOADED]
    const live = super.createSession(req, stored)
    if (row) markLoaded(live, row)
    return live
  }

  override set(sid: string, data: session.SessionData, callback: Callback = () => {}): void {
    const live = data as LiveSession
    const nowMs = this.now()
    const row = live[LOADED]
    const json = JSON.stringify(live)
    if (row) {
      const expiresMs = this.endOf(row.created_ms, nowMs)
      this.sessions.update(sid, json, expiresMs, nowMs).then(() => {
        row.expires_ms = expiresMs
        row.data = json
        callback()
      }, callback)
      return
    }
    // express-session sends no Secure cookie over plain HTTP, but would still store the session:
    // a row that no browser can name is not written.
    if (live.cookie.secure === true && live.req?.secure !== true) {
      callback()
      return
    }
    const created = { data: json, created_ms: nowMs, expires_ms: this.endOf(nowMs, nowMs) }
    this.sessions.insert(sid, json, created.created_ms, created.expires_ms).then(() => {
      markLoaded(live, created)
      callback()
    }, callback)
  }

  /**
   * Every request that brings the session moves its idle end, at most once every few minutes, as
   * it is read. Not in touch(): a store with touch() makes express-session, on every page view,
   * hash the session once more and split the response in two writes to wait for it.
   */
  private async moveIdleEnd(sid: string, row: SessionRow, nowMs: number): Promise<void> {
    const expiresMs = this.endOf(row.created_ms, nowMs)
    if (expiresMs - row.expires_ms < SESSION_TOUCH_EVERY_MS) return
    if (await this.sessions.extend(sid, expiresMs, nowMs)) row.expires_ms = expiresMs
  }

  override destroy(sid: string, callback: Callback = () => {}): void {
    this.sessions.destroy(sid).then(() => callback(), callback)
  }

  private endOf(createdMs: number, nowMs: number): number {
    return Math.min(createdMs + SESSION_LIFETIME_MS, nowMs + SESSION_IDLE_MS)
  }
}

/**
 * Whether the session holds something its row does not (yet): a new session with data in it, or
 * a loaded one whose data changed. What express-session would write when the response ends.
 */
export function hasUnsavedChanges(live: session.Session): boolean {
  const row = (live as LiveSession)[LOADED]
  if (row) return JSON.stringify(live) !== row.data
  const { cookie: _cookie, ...data } = live as unknown as Record<string, unknown>
  return Object.keys(data).length > 0
}

function markLoaded(live: session.Session, row: SessionRow): void {
  Object.defineProperty(live, LOADED, { value: row, enumerable: false, configurable: true })
}
