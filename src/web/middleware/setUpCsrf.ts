import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { Request, RequestHandler } from 'express'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

function sessionToken(req: Request): string {
  req.session.csrfToken ??= randomBytes(32).toString('base64url')
  return req.session.csrfToken
}

function matches(sent: unknown, expected: string | undefined): boolean {
  if (typeof sent !== 'string' || !expected) return false
  const a = Buffer.from(sent)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * Synchronizer-token CSRF protection for every form. Templates call `csrfToken()`: the token
 * (and with it a session) is made only when a page renders a form, so a page without one
 * never creates or writes a session.
 */
export function setUpCsrf(): RequestHandler {
  return (req, res, next) => {
    res.locals.csrfToken = () => sessionToken(req)
    if (SAFE_METHODS.has(req.method)) return next()
    const sent = (req.body as Record<string, unknown> | undefined)?._csrf
    if (matches(sent, req.session.csrfToken)) return next()
    res.status(403)
    res.render('pages/error', {
      title: 'Form expired',
      message: 'This form has expired or did not come from this site. Go back, reload the page and try again.',
      detail: null,
    })
  }
}
