import 'express-session'
import type { Lang } from '../domain/language.js'

// What a browser's session holds (web/middleware/setUpWebSession.ts). Each is a top-level key
// of the stored JSON, so a query can find, say, every session of one staff user.
declare module 'express-session' {
  interface SessionData {
    /** Set at patron login; a patron session is never a staff session. */
    patronId: number
    /** The patron's stored language, copied at login and on a choice, for the page language (SPEC 9). */
    patronLang: Lang | null
    /** Set at staff login. */
    staffUser: string
    csrfToken: string
    /** A one-time notice for the next page after a redirect (post/redirect/get). */
    flash: string
  }
}
