import type { Request } from 'express'
import { regenerateSession, type SessionData } from './setUpWebSession.js'

// A fresh session id at every login, so an id planted before login (session fixation) is worth
// nothing, and nothing from before login carries over: a patron login ends a staff session in
// the same browser, and the other way round.
export async function startSession(req: Request, fill: (session: SessionData) => void): Promise<void> {
  await regenerateSession(req)
  fill(req.session)
}

/** Logging out: the session's row is deleted and the browser starts afresh. */
export async function endSession(req: Request): Promise<void> {
  await regenerateSession(req)
}

/** Reads and forgets a one-time notice set before a redirect. */
export function takeFlash(req: Request): string | null {
  const flash = req.session.flash ?? null
  if (flash !== null) delete req.session.flash
  return flash
}
