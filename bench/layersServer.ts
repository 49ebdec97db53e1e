// Where a request's time goes. The portal's own middleware and services, stacked in
// createApp's order, answer with more of the real work at each BENCH_LAYER, so that
// `npm run bench` can show what each layer costs against bare Express.
// GET /patroninfo/:id/modpinfo:
//   stack  security headers, site locals, body parsers, the database session, CSRF, the
//          patron check; the answer is a fixed page of modpinfo's size
//   data   + the patron's record read as the page reads it (patronSmsView.read)
//   page   + the view model and the EJS render: the real page
// POST /webhooks/sms/inbound (any layer): the same middleware, the body parsed and the message
// read as the real route reads it, answered 200 without storing or applying it.

import { fileURLToPath } from 'node:url'
import express from 'express'
import { readEnv } from '../src/config/env.js'
import { createLogger } from '../src/logger.js'
import { buildServices } from '../src/services/index.js'
import { parseInbound, webhookParams } from '../src/sms/webhooks.js'
import { pageLanguage } from '../src/web/i18n/index.js'
import { currentPatron, startPatronSession } from '../src/web/middleware/patronSession.js'
import { setUpCsrf } from '../src/web/middleware/setUpCsrf.js'
import { setUpSiteLocals } from '../src/web/middleware/setUpSiteLocals.js'
import { setUpWebSecurity } from '../src/web/middleware/setUpWebSecurity.js'
import { setUpWebSession } from '../src/web/middleware/setUpWebSession.js'
import { setUpViews } from '../src/web/setUpViews.js'
import { modpinfoPage } from '../src/web/viewModels/modpinfoView.js'
import { patronNav } from '../src/web/viewModels/patronPages.js'

export const LAYERS = ['stack', 'data', 'page'] as const
const layer = LAYERS.indexOf((process.env.BENCH_LAYER ?? 'page') as (typeof LAYERS)[number])
const root = fileURLToPath(new URL('..', import.meta.url))
const env = readEnv()
const services = await buildServices(env, { log: createLogger({ level: env.logLevel }) })
const fixedPage = `<p data-qa="sms-status">${'x'.repeat(5400)}</p>`

const app = express()
const pages = setUpViews(app, `${root}views`, true)
app.set('trust proxy', 'loopback')
app.set('etag', false)
app.use(setUpWebSecurity(true))
app.use(setUpSiteLocals(services))
app.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 100 }))
app.use(express.json({ limit: '16kb' }))
app.get('/healthz', (_req, res) => {
  res.send('ok')
})
app.post('/webhooks/sms/inbound', (req, res) => {
  const parsed = parseInbound(webhookParams(req.query, req.body), new Date())
  res.status(parsed.ok ? 200 : 400).json(parsed.ok ? { ok: true, duplicate: false } : { error: parsed.error })
})
app.use(setUpWebSession({ secret: env.sessionSecrets, production: true, sessions: services.store.repos.sessions }))
app.use(setUpCsrf())
// Only here: a login without a PIN, so each layer measures the page and not the login.
app.get('/bench-login/:id', async (req, res) => {
  await startPatronSession(req, Number(req.params.id), null)
  res.send('ok')
})
app.get('/patroninfo/:id/modpinfo', async (req, res) => {
  const patronId = currentPatron(req)
  if (patronId === null || patronId !== Number(req.params.id)) return res.status(403).send('not yours')
  res.locals.nav = patronNav(patronId, req.path, pageLanguage('en'))
  res.locals.logout = { action: '/logout' }
  if (layer === 0) return res.send(fixedPage)
  const view = await services.patronSmsView.read(patronId)
  if (layer === 1) return res.send(fixedPage)
  pages.send(res, 'pages/modpinfo', modpinfoPage(view, services.config.current(), pageLanguage('en'), { updated: false }))
})

const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address()
  if (typeof address === 'object' && address) process.stdout.write(`listening on http://127.0.0.1:${address.port}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
