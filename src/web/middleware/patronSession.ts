import type { Request } from 'express'
import { startSession } from './sessionLifecycle.js'

/** The logged-in patron's id, or null. A staff session is never a patron session. */
export function currentPatron(req: Request): number | null {
  const { patronId, staffUser } = req.session
  return typeof patronId === 'number' && staffUser === undefined ? patronId : null
}

export function startPatronSession(req: Request, patronId: number): Promise<void> {
  return startSession(req, (session) => { session.patronId = patronId })
}
