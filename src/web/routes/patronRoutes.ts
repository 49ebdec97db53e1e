import { Router, type NextFunction, type Request, type Response } from 'express'
import type { Services } from '../../services/index.js'
import type { ModpinfoForm } from '../../services/optInForm.js'
import { currentPatron, startPatronSession } from '../middleware/patronSession.js'
import { endSession, takeFlash } from '../middleware/sessionLifecycle.js'
import { SESSION_COOKIE } from '../middleware/setUpWebSession.js'
import { confirmPage } from '../viewModels/confirmView.js'
import { modpinfoPage, modpinfoPath, storedValues, submittedValues } from '../viewModels/modpinfoView.js'
import { loginPage, patronNav, topPage, topPath } from '../viewModels/patronPages.js'

const LOGIN_PATH = '/patroninfo'
const UPDATED = 'updated'
const MAX_USER_AGENT = 512

function field(body: unknown, name: string): string {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined
  return typeof value === 'string' ? value : ''
}

function readModpinfoForm(body: unknown, mobileOffered: boolean): ModpinfoForm {
  const confirm = field(body, 'confirm')
  return {
    email: field(body, 'email'),
    tele1: field(body, 'tele1'),
    // A mobile number posted while the field is not offered is ignored, not saved.
    mobile: mobileOffered ? field(body, 'mobile') : undefined,
    optin: field(body, 'optin') === 'on',
    confirm: confirm === 'optout' || confirm === 'phone' ? confirm : null,
  }
}

function webSource(req: Request): { ip: string | null; userAgent: string | null } {
  return { ip: req.ip ?? null, userAgent: req.get('user-agent')?.slice(0, MAX_USER_AGENT) ?? null }
}

// SPEC 3: a patron page for another patron's id answers 403; without a login, the login page.
function ownPatronOnly(req: Request, res: Response, next: NextFunction): void {
  const id = req.params.id
  if (typeof id !== 'string' || !/^\d{1,15}$/.test(id)) return next('route')
  const patronId = currentPatron(req)
  if (patronId === null) return res.redirect(303, LOGIN_PATH)
  if (Number(id) !== patronId) {
    res.status(403).render('pages/error', {
      title: 'Not your account',
      message: 'You can only see and change your own library account.',
      detail: null,
    })
    return
  }
  next()
}

export function patronRoutes(
  { optInForm, patronSmsView, patronAuth, config }: Pick<Services, 'optInForm' | 'patronSmsView' | 'patronAuth' | 'config'>,
): Router {
  const router = Router()

  router.use((req, res, next) => {
    const patronId = currentPatron(req)
    if (patronId !== null) {
      res.locals.nav = patronNav(patronId, req.path)
      res.locals.logout = { action: '/logout' }
    }
    next()
  })

  router.get('/', (req, res) => {
    const patronId = currentPatron(req)
    res.redirect(patronId === null ? LOGIN_PATH : topPath(patronId))
  })

  router.get(LOGIN_PATH, (req, res) => {
    const patronId = currentPatron(req)
    if (patronId !== null) return res.redirect(topPath(patronId))
    const notice = req.query.loggedout === '1' ? 'You have logged out.' : null
    res.render('pages/login', loginPage({ notice }))
  })

  router.post(LOGIN_PATH, async (req, res) => {
    const code = field(req.body, 'code').trim()
    const pin = field(req.body, 'pin')
    const missing = [
      ...(code === '' ? [{ field: 'code', message: 'Enter your library card number.' }] : []),
      ...(pin === '' ? [{ field: 'pin', message: 'Enter your PIN.' }] : []),
    ]
    if (missing.length > 0) return res.status(400).render('pages/login', loginPage({ code, errors: missing }))

    const result = await patronAuth.login(code, pin, req.ip ?? 'unknown')
    if (result.kind === 'throttled') {
      return res.status(429).render('pages/login', loginPage({ code, errors: [{ field: 'code', message: 'Too many attempts, try again later.' }] }))
    }
    if (result.kind === 'wrong') {
      const message = 'The library card number or PIN is not right. Check both and try again.'
      return res.status(401).render('pages/login', loginPage({ code, errors: [{ field: 'code', message }] }))
    }
    await startPatronSession(req, result.patronId)
    res.redirect(303, topPath(result.patronId))
  })

  router.post('/logout', async (req, res) => {
    await endSession(req)
    res.clearCookie(SESSION_COOKIE)
    res.redirect(303, `${LOGIN_PATH}?loggedout=1`)
  })

  // The address Sierra's WebPAC links to: the patron's own form, whoever is logged in.
  router.get('/modpinfo.html', (req, res) => {
    const patronId = currentPatron(req)
    res.redirect(patronId === null ? LOGIN_PATH : modpinfoPath(patronId))
  })

  router.get('/patroninfo/:id/top', ownPatronOnly, async (req, res) => {
    const view = await patronSmsView.read(Number(req.params.id))
    res.render('pages/top', topPage(view, config.current()))
  })

  router.get('/patroninfo/:id/modpinfo', ownPatronOnly, async (req, res) => {
    const view = await patronSmsView.read(Number(req.params.id))
    const updated = takeFlash(req) === UPDATED
    res.render('pages/modpinfo', modpinfoPage(view, config.current(), { updated }))
  })

  router.post('/patroninfo/:id/modpinfo', ownPatronOnly, async (req, res) => {
    const patronId = Number(req.params.id)
    const current = config.current()
    const form = readModpinfoForm(req.body, current.webOptions.mobileFieldOffered)
    const result = await optInForm.submit(patronId, form, webSource(req))
    switch (result.kind) {
      case 'saved':
        req.session.flash = UPDATED
        return res.redirect(303, modpinfoPath(patronId))
      case 'confirm':
        return res.render('pages/confirm', confirmPage(patronId, form, result.confirm, current.webOptions))
      case 'invalid': {
        const view = await patronSmsView.read(patronId)
        const values = submittedValues(form, storedValues(view))
        return res.status(422).render('pages/modpinfo', modpinfoPage(view, current, { form: values, errors: result.errors }))
      }
    }
  })

  return router
}
