import express, { type ErrorRequestHandler, type Express } from 'express'
import type { Services } from './services/index.js'
import { onlyUnder } from './web/middleware/onlyUnder.js'
import { setUpRequestMetrics } from './web/middleware/setUpRequestMetrics.js'
import { paths } from './web/paths.js'
import { healthRoutes } from './web/routes/healthRoutes.js'
import { metricsRoutes } from './web/routes/metricsRoutes.js'

/**
 * What a worker node (WEBPAC_ROLE=worker) serves: `/healthz` for the load balancer and the
 * service manager, `/metrics` for Prometheus (SPEC 8), and nothing else (404). No session, no pages, no webhooks: those are the web
 * nodes'. Plain answers, so no templates are loaded.
 */
export function createWorkerApp(services: Services): Express {
  const app = express()
  app.disable('x-powered-by')
  app.set('etag', false)
  app.use(setUpRequestMetrics(services.metrics))
  app.use(healthRoutes(services))
  app.use(onlyUnder([paths.metrics], metricsRoutes(services)))
  app.use((_req, res) => void res.status(404).type('text/plain').send('Not found: this is a WebPAC SMS worker node\n'))
  app.use(workerErrors(services))
  return app
}

function workerErrors({ log }: Pick<Services, 'log'>): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    log.error({ err: error, method: req.method, path: req.path }, 'request failed')
    if (!res.headersSent) res.status(500).type('text/plain').send('Internal error\n')
  }
}
