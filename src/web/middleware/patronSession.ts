import type { Request } from 'express'
import type { Lang } from '../../domain/language.js'
import { startSession } from './sessionLifecycle.js'

/** The logged-in patron's id, or null. A staff session is never a patron session. */
export function currentPatron(req: Request): number | null {
  const { patronId, staffUser } = req.session
  return typeof patronId === 'number' && staffUser === undefined ? patronId : null
}

/** The patron's stored language goes with the session: it decides the page language (SPEC 9). */
export function startPatronSession(req: Request, patronId: number, lang: Lang | null): Promise<void> {
  return startSession(req, (session) => {
    session.patronId = patronId
    session.patronLang = lang
  })
}
