import type { Request, RequestHandler, Response } from 'express'
import session from 'express-session'
import type { SessionRepository } from '../../store/sessionRepository.js'
import { DatabaseSessionStore, hasUnsavedChanges } from './databaseSessionStore.js'

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
 * - the write reaches the database before the response ends, and before a redirect's headers
 *   leave, so the next request finds it;
 * - several secrets rotate: the first signs, every one verifies.
 */
export function setUpWebSession(options: {
  secret: string | string[]
  production: boolean
  sessions: SessionRepository
  now?: () => number
}): RequestHandler {
  const sessions = session({
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
  return (req, res, next) =>
    sessions(req, res, (error?: unknown) => {
      if (error) return next(error)
      saveBeforeRedirect(req, res)
      next()
    })
}

/**
 * express-session stores a changed session when the response ends, but sends the headers first,
 * and a browser follows a redirect as soon as its headers arrive: the next page (after a login,
 * after a form's "updated" notice) could be asked for before the write is in. On SQLite the
 * write is done before the headers leave anyway; on PostgreSQL it is a round trip. So a
 * redirect waits for the session to be stored; express-session then finds nothing left to write.
 */
function saveBeforeRedirect(req: Request, res: Response): void {
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void
  res.redirect = ((...args: unknown[]) => {
    if (!req.session || !hasUnsavedChanges(req.session)) return redirect(...args)
    req.session.save((error: unknown) => {
      if (error) req.next?.(error)
      else redirect(...args)
    })
  }) as Response['redirect']
}
