import { type RequestHandler, Router } from 'express'
import type { Services } from '../../../services/index.js'
import { currentStaff, requireStaff } from '../../middleware/requireStaff.js'
import { paths } from '../../paths.js'
import { staffNav } from '../../viewModels/staffPages.js'
import { staffAuthRoutes } from './authRoutes.js'
import { staffConfigRoutes } from './configRoutes.js'
import { staffRecordRoutes } from './recordRoutes.js'

const STAFF_STYLES = ['/css/staff.css']

function staffLayout({ console: records }: Services['staff']): RequestHandler {
  return (req, res, next) => {
    res.locals.area = 'Staff'
    res.locals.styles = STAFF_STYLES
    if (currentStaff(req) !== null) {
      res.locals.nav = staffNav(req.path, records.staffOptOutOffered())
      res.locals.logout = { action: paths.staff.logout }
    }
    next()
  }
}

// SPEC 6: the staff console. Thin handlers: read the form, call a staff service, redirect
// after a POST (with a one-time notice) or render a view model.
export function staffRoutes(services: Pick<Services, 'staff' | 'config' | 'clock' | 'log'>): Router {
  const router = Router()
  router.use(paths.staff.home, staffLayout(services.staff))
  router.use(staffAuthRoutes(services))
  // Everything else under the staff path: a patron's session gets 403, no session the login page.
  router.use(paths.staff.home, requireStaff)
  router.use(staffRecordRoutes(services))
  router.use(staffConfigRoutes(services))
  return router
}
