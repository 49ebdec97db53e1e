import type { Request } from 'express'

/** The logged-in patron's id, or null. A staff session is never a patron session. */
export function currentPatron(req: Request): number | null {
  const { patronId, staffUser } = req.session
  return typeof patronId === 'number' && staffUser === undefined ? patronId : null
}

// A fresh session id at login, so an id planted before login (session fixation) is worth nothing;
// nothing from before login (a staff login included) carries over.
export function startPatronSession(req: Request, patronId: number): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.regenerate((error: unknown) => {
      if (error) return reject(error)
      req.session.patronId = patronId
      resolve()
    })
  })
}

export function endSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.destroy((error: unknown) => (error ? reject(error) : resolve()))
  })
}

/** Reads and forgets a one-time notice set before a redirect. */
export function takeFlash(req: Request): string | null {
  const flash = req.session.flash ?? null
  if (flash !== null) delete req.session.flash
  return flash
}
