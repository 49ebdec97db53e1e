import { type ErrorRequestHandler, Router } from 'express'
import type { Logger } from '../../logger.js'
import type { Services } from '../../services/index.js'
import { parseAlertRequest } from '../api/alertRequest.js'
import { idParam } from '../forms.js'
import { requireApiKey } from '../middleware/requireApiKey.js'
import { alertPath, paths } from '../paths.js'

const { api } = paths
const NOT_FOUND = `Not found. The API has POST ${api.v1}${api.alerts} and GET ${api.v1}${api.alert.replace(':id', '{id}')}.`

// SPEC 5, Alerts: the ILS's door. A key, not a cookie, so it is mounted before the session
// and CSRF middleware; every answer is JSON.
export function apiRoutes({ alerts, apiKeys }: Pick<Services, 'alerts' | 'apiKeys'>): Router {
  const router = Router()
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store')
    next()
  })
  router.use(requireApiKey(apiKeys))

  router.post(paths.api.alerts, async (req, res) => {
    if (!req.is('application/json')) {
      res.status(400).json({ error: 'Send the alert as JSON with "Content-Type: application/json".' })
      return
    }
    const parsed = parseAlertRequest(req.body)
    if (!parsed.ok) {
      res.status(400).json({ error: parsed.error })
      return
    }
    const result = await alerts.create(parsed.value)
    switch (result.kind) {
      case 'queued':
        res.status(202).location(alertPath(result.alert.id)).json(result.alert)
        return
      case 'duplicate':
        res
          .status(200)
          .location(alertPath(result.alert.id))
          .json({ ...result.alert, duplicate: true })
        return
      case 'unknown_patron':
        res.status(404).json({ error: `No patron has barcode ${parsed.value.barcode}.` })
        return
      case 'not_opted_in':
        res.status(409).json({ error: result.reason, status: result.status })
        return
    }
  })

  router.get(paths.api.alert, async (req, res) => {
    const alertId = idParam(req.params.id)
    const alert = alertId === null ? null : await alerts.find(alertId)
    if (!alert) res.status(404).json({ error: 'No alert has that id.' })
    else res.json(alert)
  })

  router.use((_req, res) => {
    res.status(404).json({ error: NOT_FOUND })
  })
  return router
}

/** Every failure under /api answers in JSON, the body parser's included, never the HTML error page. */
export function apiErrors(log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error)
    const status = typeof error === 'object' && error !== null ? (error as { status?: unknown }).status : undefined
    if (status === 400) res.status(400).json({ error: 'The body is not valid JSON.' })
    else if (status === 413) res.status(413).json({ error: 'The body is too large (16 KB at most).' })
    else {
      log.error({ err: error, method: req.method, path: req.path }, 'API request failed')
      res.status(500).json({ error: 'Something went wrong on our side; try again later.' })
    }
  }
}
