import type { SessionData } from '../web/middleware/setUpWebSession.js'

declare global {
  namespace Express {
    interface Request {
      /** The browser's session (web/middleware/setUpWebSession.ts); empty until something is stored. */
      session: SessionData
    }
  }
}
