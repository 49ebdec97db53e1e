import session from 'express-session'
import type { RequestHandler } from 'express'
import type { SessionRepository } from '../../store/sessionRepository.js'
import { DatabaseSessionStore } from './databaseSessionStore.js'

export const SESSION_COOKIE = 'webpac.sid'
/** Production's name: the browser then takes the cookie only if Secure, with Path=/ and no Domain. */
const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`

export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE
}

/**
 * express-session (SPEC 1's stack) over the portal's database:
 * - no session until something is stored in it (a page renders a form: its CSRF token);
 * - a page view writes nothing unless the session changed, or its idle end is due to move;
 * - an hour at most, 20 minutes idle (databaseSessionStore.ts);
 * - in production the cookie is Secure, so over plain HTTP no session is made at all;
 * - the write reaches the database before the response ends, so the next request finds it;
 * - several secrets rotate: the first signs, every one verifies.
 */
export function setUpWebSession(options: {
  secret: string | string[]
  production: boolean
  sessions: SessionRepository
  now?: () => number
}): RequestHandler {
  return session({
    name: sessionCookieName(options.production),
    secret: options.secret,
    store: new DatabaseSessionStore(options.sessions, options.now),
    resave: false,
    saveUninitialized: false,
    rolling: false,
    // No Expires: the cookie ends with the browser (a library PC's next user starts afresh), and
    // the server ends the session after the hour or the idle minutes whatever the browser keeps.
    // An existing session's cookie is then never sent again.
    cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure: options.production },
  })
}
