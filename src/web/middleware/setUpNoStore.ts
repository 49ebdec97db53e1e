import type { RequestHandler } from 'express'

/**
 * Issue 10 finding 4: libraries have shared PCs, and any page past the static files may show a
 * patron's or a librarian's data (or is a redirect or error on the way to one). `no-store` keeps
 * it out of the HTTP cache and out of Chromium's back/forward cache, so Back after logout asks
 * the server again and gets the login page. One rule for every dynamic response rather than a
 * list of private pages: a new page is covered without anyone remembering to add it.
 */
export function setUpNoStore(): RequestHandler {
  return (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store')
    next()
  }
}
