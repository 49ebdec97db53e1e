import type { Request } from 'express'

// A fresh session id at every login, so an id planted before login (session fixation) is worth
// nothing, and nothing from before login carries over: a patron login ends a staff session in
// the same browser, and the other way round.
export function startSession(req: Request, fill: (session: Request['session']) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.regenerate((error: unknown) => {
      if (error) return reject(error)
      fill(req.session)
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
