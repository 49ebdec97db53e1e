import type { Request, RequestHandler } from 'express'
import { startSession } from './sessionLifecycle.js'

export const STAFF_LOGIN_PATH = '/staff/login'

/** The logged-in staff user, or null. A patron session is never a staff session. */
export function currentStaff(req: Request): string | null {
  const { staffUser, patronId } = req.session
  return typeof staffUser === 'string' && patronId === undefined ? staffUser : null
}

export function startStaffSession(req: Request, username: string): Promise<void> {
  return startSession(req, (session) => { session.staffUser = username })
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
    res.status(403).render('pages/error', {
      title: 'Staff only',
      message: 'This part of the site is for library staff. You are logged in as a patron.',
      detail: null,
    })
    return
  }
  res.redirect(303, STAFF_LOGIN_PATH)
}
