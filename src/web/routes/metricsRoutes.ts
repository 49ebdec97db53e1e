import { Router } from 'express'
import type { Services } from '../../services/index.js'
import { metricsAccess } from '../middleware/metricsAccess.js'
import { paths } from '../paths.js'

/**
 * GET /metrics (SPEC 8): this app's registry in Prometheus text. Self-contained (its own access
 * rule, no session or CSRF), so the web app and a worker's app can both mount it.
 */
export function metricsRoutes({ env, metrics }: Pick<Services, 'env' | 'metrics'>): Router {
  const router = Router()
  router.get(paths.metrics, async (req, res) => {
    // Refusals carry no metrics, and say only what the scraper must change.
    const access = metricsAccess(req, env.metricsToken)
    if (access === 'bad-token') {
      res.set('WWW-Authenticate', 'Bearer realm="metrics"')
      res.status(401).type('text/plain').send('/metrics needs "Authorization: Bearer" with METRICS_TOKEN.\n')
      return
    }
    if (access === 'not-local') {
      res.status(403).type('text/plain').send('/metrics answers only clients on this host (or set METRICS_TOKEN).\n')
      return
    }
    res.set('Cache-Control', 'no-store')
    res.type(metrics.contentType).send(await metrics.scrape())
  })
  return router
}
