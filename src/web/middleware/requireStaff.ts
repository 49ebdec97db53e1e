import type { Request, RequestHandler } from 'express'
import { forbidden } from '../forbidden.js'
import { paths } from '../paths.js'
import { startSession } from './sessionLifecycle.js'

/** The logged-in staff user, or null. A patron session is never a staff session. */
export function currentStaff(req: Request): string | null {
  const { staffUser, patronId } = req.session
  return typeof staffUser === 'string' && patronId === undefined ? staffUser : null
}

export function startStaffSession(req: Request, username: string): Promise<void> {
  return startSession(req, (session) => {
    session.staffUser = username
  })
}

/**
 * Every staff page but the login. A patron's session gets 403 (it is logged in, just not as
 * staff); no session at all goes to the staff login.
 */
export const requireStaff: RequestHandler = (req, res, next) => {
  const staffUser = currentStaff(req)
  if (staffUser !== null) {
    res.locals.staffUser = staffUser
    return next()
  }
  if (req.session.patronId !== undefined) {
    forbidden(req, res, 'staffOnly')
    return
  }
  res.redirect(303, paths.staff.login)
}
