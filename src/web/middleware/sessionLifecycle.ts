import type { Request, Response } from 'express'
import { sessionCookieName } from './setUpWebSession.js'

// A fresh session id at every login, so an id planted before login (session fixation) is worth
// nothing, and nothing from before login carries over: a patron login ends a staff session in
// the same browser, and the other way round. The old row is deleted now; the new one is written
// (and its cookie sent) when the response ends.
export function startSession(req: Request, fill: (session: Request['session']) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.regenerate((error: unknown) => {
      if (error) return reject(error)
      fill(req.session)
      resolve()
    })
  })
}

/**
 * Logging out: the session's row is deleted and the browser forgets its cookie. Destroyed, not
 * regenerated: a regenerated session would be stored (empty) and sent a new cookie.
 */
export function endSession(req: Request, res: Response): Promise<void> {
  const secure = req.session.cookie.secure === true
  return new Promise((resolve, reject) => {
    req.session.destroy((error: unknown) => {
      if (error) return reject(error)
      res.clearCookie(sessionCookieName(secure), { path: '/', httpOnly: true, sameSite: 'lax', secure })
      resolve()
    })
  })
}

/** Reads and forgets a one-time notice set before a redirect. */
export function takeFlash(req: Request): string | null {
  const flash = req.session.flash ?? null
  if (flash !== null) delete req.session.flash
  return flash
}
