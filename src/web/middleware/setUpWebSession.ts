import session from 'express-session'
import type { RequestHandler } from 'express'
import type { SessionRepository } from '../../store/sessionRepository.js'
import { DatabaseSessionStore } from './sessionStore.js'

export const SESSION_COOKIE = 'webpac.sid'

export function setUpWebSession(options: { secret: string; production: boolean; sessions: SessionRepository }): RequestHandler {
  return session({
    name: SESSION_COOKIE,
    secret: options.secret,
    store: new DatabaseSessionStore(options.sessions),
    // No writes on plain page views, and no session at all until something is stored in it.
    resave: false,
    saveUninitialized: false,
    rolling: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: options.production, maxAge: 60 * 60 * 1000 },
  })
}
