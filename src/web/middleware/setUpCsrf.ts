import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { Request, RequestHandler } from 'express'
import { forbidden } from '../forbidden.js'
import { bodyField } from '../forms.js'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

function sessionToken(req: Request): string {
  req.session.csrfToken ??= randomBytes(32).toString('base64url')
  return req.session.csrfToken
}

function matches(sent: string, expected: string | undefined): boolean {
  if (sent === '' || !expected) return false
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
    if (matches(bodyField(req.body, '_csrf'), req.session.csrfToken)) return next()
    forbidden(req, res, 'formExpired')
  }
}
