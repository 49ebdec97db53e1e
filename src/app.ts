import { fileURLToPath } from 'node:url'
import express, { type Express } from 'express'
import type { Services } from './services/index.js'
import { errorHandler, notFound } from './web/errorHandler.js'
import { onlyUnder } from './web/middleware/onlyUnder.js'
import { setUpCsrf } from './web/middleware/setUpCsrf.js'
import { setUpLanguage } from './web/middleware/setUpLanguage.js'
import { setUpNoStore } from './web/middleware/setUpNoStore.js'
import { labelRequests, setUpRequestMetrics } from './web/middleware/setUpRequestMetrics.js'
import { setUpSiteLocals } from './web/middleware/setUpSiteLocals.js'
import { setUpWebSecurity } from './web/middleware/setUpWebSecurity.js'
import { setUpWebSession } from './web/middleware/setUpWebSession.js'
import { paths } from './web/paths.js'
import { apiErrors, apiRoutes } from './web/routes/apiRoutes.js'
import { healthRoutes } from './web/routes/healthRoutes.js'
import { metricsRoutes } from './web/routes/metricsRoutes.js'
import { patronRoutes } from './web/routes/patronRoutes.js'
import { simulatorRoutes } from './web/routes/simulatorRoutes.js'
import { exceptStaffConfig, staffConfigBody } from './web/routes/staff/configRoutes.js'
import { staffRoutes } from './web/routes/staff/index.js'
import { webhookRoutes } from './web/routes/webhookRoutes.js'
import { setUpViews } from './web/setUpViews.js'

const root = fileURLToPath(new URL('..', import.meta.url))

/**
 * The web application: request timing → security → body parsing → static → no-store → machine endpoints
 * (health, metrics, webhooks, API: no session, no CSRF) → session → page language → staff config body → CSRF → pages → 404 → errors.
 */
export function createApp(services: Services): Express {
  const production = services.env.production
  const app = express()
  const pages = setUpViews(app, `${root}views`, production)
  app.set('trust proxy', services.env.trustProxy)
  app.disable('x-powered-by')
  // Pages carry a per-session CSRF token, so an ETag (a hash of every body) would never match.
  app.set('etag', false)

  // First, so that every answer is timed, refusals and static files included.
  app.use(setUpRequestMetrics(services.metrics))
  app.use(setUpWebSecurity(production))
  app.use(setUpSiteLocals(services))
  // Every form stays within 16 KB but the staff config editor's, whose body is read after the staff check below.
  app.use(exceptStaffConfig(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 100 })))
  // JSON comes only from machines: the API and the webhooks (Vonage may post JSON).
  app.use(onlyUnder([paths.api.area, paths.webhooks.area], express.json({ limit: '16kb' })))
  // Mounted on its own folders only, so other requests never stat the file system.
  for (const folder of ['css', 'js']) {
    app.use(
      `/${folder}`,
      labelRequests(`/${folder}/*`),
      express.static(`${root}public/${folder}`, { maxAge: production ? '1h' : 0, index: false }),
    )
  }
  // Everything past the static files is dynamic and may be private: no browser keeps it.
  app.use(setUpNoStore())

  // Machine-to-machine endpoints: authenticated by signature or key, never by cookie.
  // Each behind its own path prefix, so that a page request does not walk their routers.
  app.use(onlyUnder([paths.health], healthRoutes(services)))
  app.use(onlyUnder([paths.metrics], metricsRoutes(services)))
  app.use(onlyUnder([paths.webhooks.area], webhookRoutes(services)))
  app.use(paths.api.v1, labelRequests(`${paths.api.v1}/*`), apiRoutes(services), apiErrors(services.log))

  app.use(setUpWebSession({ secret: services.env.sessionSecrets, production, sessions: services.store.repos.sessions }))
  // After the session: the logged-in patron's stored language is one step of SPEC 9's precedence.
  app.use(setUpLanguage(services))
  app.use(paths.staff.config, staffConfigBody())
  app.use(setUpCsrf())
  // Pages (each a router of its own):
  app.use(patronRoutes(services, pages))
  app.use(simulatorRoutes(services))
  app.use(staffRoutes(services))

  app.use(notFound)
  app.use(errorHandler(production, services.log))
  return app
}
