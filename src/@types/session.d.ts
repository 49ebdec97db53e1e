import 'express-session'

declare module 'express-session' {
  interface SessionData {
    /** Set at patron login; a patron session is never a staff session. */
    patronId?: number
    /** Set at staff login. */
    staffUser?: string
    csrfToken?: string
    /** A one-time notice for the next page after a redirect (post/redirect/get). */
    flash?: string
  }
}
