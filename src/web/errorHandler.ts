import type { ErrorRequestHandler, Request, RequestHandler } from 'express'
import type { Logger } from '../logger.js'
import { DomainError } from '../services/errors.js'
import { isDatabaseUnavailable } from '../store/errors.js'
import { paths } from './paths.js'
import { errorPage } from './viewModels/errorPage.js'

// Machines (Vonage, API clients) get JSON whatever they accept; browsers get a page.
function wantsJson(req: Request): boolean {
  return req.path.startsWith(paths.webhooks.area) || req.path.startsWith(paths.api.area) || req.accepts(['html', 'json']) === 'json'
}

export const notFound: RequestHandler = (req, res) => {
  res.status(404)
  if (wantsJson(req)) res.json({ error: 'not found' })
  else res.render('pages/error', errorPage('Page not found', 'We could not find that page.'))
}

// One place that turns errors into answers. In production nothing but a plain sentence
// reaches the browser (SPEC 7).
export function errorHandler(production: boolean, log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const status = httpStatus(error)
    if (status >= 500) log.error({ err: error, method: req.method, path: req.path }, 'request failed')
    if (res.headersSent) return
    const message = status === 413 ? 'The request is too large.'
      : status === 503 ? 'The service is unavailable for a moment (its storage cannot be written). Please try again in a few minutes.'
      : status === 400 ? 'The request could not be understood.'
      : error instanceof DomainError ? error.message
      : status >= 500 ? 'Something went wrong on our side. Please try again in a moment.'
      : 'The request could not be completed.'
    const detail = production || !(error instanceof Error) ? null : error.stack ?? error.message
    res.status(status)
    if (wantsJson(req)) res.json({ error: message })
    else res.render('pages/error', errorPage(status >= 500 ? 'Something went wrong' : 'Request not completed', message, detail))
  }
}

function httpStatus(error: unknown): number {
  if (error instanceof DomainError) return error.status
  const status = typeof error === 'object' && error !== null ? (error as { status?: unknown; statusCode?: unknown }).status ?? (error as { statusCode?: unknown }).statusCode : undefined
  if (typeof status === 'number' && status >= 400 && status < 600) return status
  if (isDatabaseUnavailable(error)) return 503
  return 500
}
