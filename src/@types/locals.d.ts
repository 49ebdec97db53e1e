import type { PageLanguage } from '../web/i18n/index.js'
import type { NavLink } from '../web/middleware/setUpSiteLocals.js'
import type { Chrome } from '../web/viewModels/layout.js'

// What middleware puts in res.locals, which every template also reads. Each is set before any
// handler that reads it runs: the first four for every request (setUpSiteLocals, setUpCsrf),
// the rest only behind the middleware named, which is the only place a handler may read them.
declare global {
  namespace Express {
    interface Locals {
      /** simulatorHref: the footer's link to the simulated phones, with SMS_GATEWAY=simulator only. */
      site: { libraryName: string; simulatorHref: string | null }
      /** The header's account navigation; empty until a router knows who is logged in. */
      nav: NavLink[]
      /** The page's language and strings (SPEC 9): set by setUpLanguage, or by the error pages. */
      page: PageLanguage
      /** The frame's words and the language switch, in the page's language. */
      chrome: Chrome
      /** The header's log-out form, for a logged-in visitor. */
      logout: { action: string } | null
      /** The session's CSRF token, made on first call (by a form that needs it). */
      csrfToken: () => string
      /** A label after the library's name in the header, such as 'Staff'. */
      area?: string
      /** Extra stylesheets for this part of the site. */
      styles?: string[]
      /** The logged-in staff user: set by requireStaff. */
      staffUser: string
      /**
       * The patron the path's :id names: set by ownPatronOnly (patron pages: the logged-in patron)
       * and by the staff record routes' patronIdParam.
       */
      patronId: number
    }
  }
}
