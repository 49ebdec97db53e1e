import session from 'express-session'
import type { SessionRepository } from '../../store/sessionRepository.js'

const DEFAULT_TTL_MS = 60 * 60 * 1000

type Callback = (error?: unknown) => void

// Sessions live in the portal's own database, so every node of a deployment sees them and a
// restart logs nobody out. Expired rows are swept by the housekeeping job, not per request.
// No touch(): sessions end a fixed hour after they began (the cookie is not rolling either),
// so a page view reads the session and never writes it.
export class DatabaseSessionStore extends session.Store {
  constructor(private readonly sessions: SessionRepository, private readonly now: () => number = Date.now) {
    super()
  }

  override get(sid: string, callback: (error: unknown, session?: session.SessionData | null) => void): void {
    this.sessions.get(sid, this.now()).then(
      (data) => callback(null, data ? (JSON.parse(data) as session.SessionData) : null),
      (error: unknown) => callback(error),
    )
  }

  override set(sid: string, data: session.SessionData, callback?: Callback): void {
    this.sessions.set(sid, JSON.stringify(data), this.expiresAt(data)).then(() => callback?.(), (error: unknown) => callback?.(error))
  }

  override destroy(sid: string, callback?: Callback): void {
    this.sessions.destroy(sid).then(() => callback?.(), (error: unknown) => callback?.(error))
  }

  private expiresAt(data: session.SessionData): number {
    const expires = data.cookie?.expires
    return expires ? new Date(expires).getTime() : this.now() + DEFAULT_TTL_MS
  }
}
