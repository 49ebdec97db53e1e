import type { Response } from 'express'
import { errorPage } from './viewModels/errorPage.js'

// Why a logged-in visitor, or a forged form, is refused. Said plainly: the visitor did nothing
// wrong by following a link, and the page tells them what they can do instead.
const REASONS = {
  notYourAccount: { title: 'Not your account', message: 'You can only see and change your own library account.' },
  staffOnly: { title: 'Staff only', message: 'This part of the site is for library staff. You are logged in as a patron.' },
  formExpired: {
    title: 'Form expired',
    message: 'This form has expired or did not come from this site. Go back, reload the page and try again.',
  },
} as const

/** The 403 page, the one place it is rendered. */
export function forbidden(res: Response, reason: keyof typeof REASONS): void {
  const { title, message } = REASONS[reason]
  res.status(403).render('pages/error', errorPage(title, message))
}
