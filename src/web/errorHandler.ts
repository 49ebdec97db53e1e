import type { ErrorRequestHandler, Request, RequestHandler } from 'express'
import type { Logger } from '../logger.js'
import { DomainError } from '../services/errors.js'
import { isDatabaseUnavailable } from '../store/errors.js'
import { translator } from './i18n/index.js'
import { applyPageLanguage } from './middleware/setUpLanguage.js'
import { paths } from './paths.js'
import { errorPage } from './viewModels/errorPage.js'

// Machines (Vonage, API clients) get JSON whatever they accept; browsers get a page.
function wantsJson(req: Request): boolean {
  return req.path.startsWith(paths.webhooks.area) || req.path.startsWith(paths.api.area) || req.accepts(['html', 'json']) === 'json'
}

export const notFound: RequestHandler = (req, res) => {
  res.status(404)
  if (wantsJson(req)) return void res.json({ error: 'not found' })
  applyPageLanguage(req, res)
  const { page } = res.locals
  res.render('pages/error', errorPage(page, page.t('errors.notFoundTitle'), page.t('errors.notFound')))
}

// One place that turns errors into answers. In production nothing but a plain sentence
// reaches the browser (SPEC 7).
export function errorHandler(production: boolean, log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const status = httpStatus(error)
    if (status >= 500) log.error({ err: error, method: req.method, path: req.path }, 'request failed')
    if (res.headersSent) return
    const json = wantsJson(req)
    // Machines read English; a page is in the visitor's language, even before the session (a 413).
    if (!json) applyPageLanguage(req, res)
    const t = json ? translator('en') : res.locals.page.t
    const message =
      status === 413
        ? t('errors.tooLarge')
        : status === 503
          ? t('errors.unavailable')
          : status === 400
            ? t('errors.badRequest')
            : error instanceof DomainError
              ? error.message
              : status >= 500
                ? t('errors.failed')
                : t('errors.notCompleted')
    const detail = production || !(error instanceof Error) ? null : (error.stack ?? error.message)
    res.status(status)
    if (json) res.json({ error: message })
    else
      res.render(
        'pages/error',
        errorPage(res.locals.page, t(status >= 500 ? 'errors.failedTitle' : 'errors.notCompletedTitle'), message, detail),
      )
  }
}

function httpStatus(error: unknown): number {
  if (error instanceof DomainError) return error.status
  const status =
    typeof error === 'object' && error !== null
      ? ((error as { status?: unknown; statusCode?: unknown }).status ?? (error as { statusCode?: unknown }).statusCode)
      : undefined
  if (typeof status === 'number' && status >= 400 && status < 600) return status
  if (isDatabaseUnavailable(error)) return 503
  return 500
}
