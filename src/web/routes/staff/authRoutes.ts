import { Router } from 'express'
import type { Services } from '../../../services/index.js'
import { bodyField, emptyFieldErrors } from '../../forms.js'
import { currentStaff, startStaffSession } from '../../middleware/requireStaff.js'
import { endSession } from '../../middleware/sessionLifecycle.js'
import { loggedOutPath, paths } from '../../paths.js'
import { staffLoginPage } from '../../viewModels/staffPages.js'

// SPEC 6, SPEC 7: the staff login, throttled like the patron's, and the logout.
export function staffAuthRoutes({ staff }: Pick<Services, 'staff'>): Router {
  const router = Router()
  const { auth } = staff

  router.get(paths.staff.login, (req, res) => {
    if (currentStaff(req) !== null) return res.redirect(303, paths.staff.home)
    const notice = req.query.loggedout === '1' ? 'You have logged out of the staff console.' : null
    res.render('staff/login', staffLoginPage({ notice }))
  })

  router.post(paths.staff.login, async (req, res) => {
    const username = bodyField(req.body, 'username').trim()
    const password = bodyField(req.body, 'password')
    const missing = emptyFieldErrors([
      { field: 'username', value: username, message: 'Enter your staff username.' },
      { field: 'password', value: password, message: 'Enter your password.' },
    ])
    if (missing.length > 0) return res.status(400).render('staff/login', staffLoginPage({ username, errors: missing }))
    const result = await auth.login(username, password, req.ip ?? 'unknown')
    if (result.kind === 'throttled') {
      const errors = [{ field: 'username', message: 'Too many attempts, try again later.' }]
      return res.status(429).render('staff/login', staffLoginPage({ username, errors }))
    }
    if (result.kind === 'wrong') {
      const errors = [{ field: 'username', message: 'The username or password is not right.' }]
      return res.status(401).render('staff/login', staffLoginPage({ username, errors }))
    }
    await startStaffSession(req, result.username)
    res.redirect(303, paths.staff.home)
  })

  router.post(paths.staff.logout, async (req, res) => {
    await endSession(req, res)
    res.redirect(303, loggedOutPath(paths.staff.login))
  })

  return router
}
