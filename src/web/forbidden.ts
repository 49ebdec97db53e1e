import type { Request, Response } from 'express'
import { applyPageLanguage } from './middleware/setUpLanguage.js'
import { errorPage } from './viewModels/errorPage.js'

// Why a logged-in visitor, or a forged form, is refused. Said plainly (errors.<reason> and
// errors.<reason>Title in the strings): the visitor did nothing wrong by following a link, and
// the page tells them what they can do instead.
type Reason = 'notYourAccount' | 'staffOnly' | 'formExpired'

/** The 403 page, the one place it is rendered, in the page's language (SPEC 9). */
export function forbidden(req: Request, res: Response, reason: Reason): void {
  applyPageLanguage(req, res)
  const { t } = res.locals.page
  res.status(403).render('pages/error', errorPage(res.locals.page, t(`errors.${reason}Title`), t(`errors.${reason}`)))
}
