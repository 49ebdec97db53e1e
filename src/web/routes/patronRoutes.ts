import { Router, type NextFunction, type Request, type Response } from 'express'
import type { Services } from '../../services/index.js'
import { forbidden } from '../forbidden.js'
import { bodyField, emptyFieldErrors, idParam } from '../forms.js'
import type { ModpinfoForm } from '../../services/optInForm.js'
import { currentPatron, startPatronSession } from '../middleware/patronSession.js'
import { endSession, takeFlash } from '../middleware/sessionLifecycle.js'
import type { Pages } from '../pages.js'
import { loggedOutPath, modpinfoPath, paths, patronTopPath } from '../paths.js'
import { confirmPage } from '../viewModels/confirmView.js'
import { modpinfoPage, storedValues, submittedValues } from '../viewModels/modpinfoView.js'
import { loginPage, patronNav, topPage } from '../viewModels/patronPages.js'

const UPDATED = 'updated'
const MAX_USER_AGENT = 512

function readModpinfoForm(body: unknown, mobileOffered: boolean): ModpinfoForm {
  const confirm = bodyField(body, 'confirm')
  return {
    email: bodyField(body, 'email'),
    tele1: bodyField(body, 'tele1'),
    // A mobile number posted while the field is not offered is ignored, not saved.
    mobile: mobileOffered ? bodyField(body, 'mobile') : undefined,
    optin: bodyField(body, 'optin') === 'on',
    confirm: confirm === 'optout' || confirm === 'phone' ? confirm : null,
  }
}

function webSource(req: Request): { ip: string | null; userAgent: string | null } {
  return { ip: req.ip ?? null, userAgent: req.get('user-agent')?.slice(0, MAX_USER_AGENT) ?? null }
}

// SPEC 3: a patron page for another patron's id answers 403; without a login, the login page.
function ownPatronOnly(req: Request, res: Response, next: NextFunction): void {
  const id = idParam(req.params.id)
  if (id === null) return next('route')
  const patronId = currentPatron(req)
  if (patronId === null) return res.redirect(303, paths.patron.login)
  if (id !== patronId) return forbidden(res, 'notYourAccount')
  res.locals.patronId = patronId
  next()
}

export function patronRoutes(
  { optInForm, patronSmsView, patronAuth, config }: Pick<Services, 'optInForm' | 'patronSmsView' | 'patronAuth' | 'config'>,
  pages: Pages,
): Router {
  const router = Router()

  router.use((req, res, next) => {
    const patronId = currentPatron(req)
    if (patronId !== null) {
      res.locals.nav = patronNav(patronId, req.path)
      res.locals.logout = { action: paths.patron.logout }
    }
    next()
  })

  router.get(paths.home, (req, res) => {
    const patronId = currentPatron(req)
    res.redirect(patronId === null ? paths.patron.login : patronTopPath(patronId))
  })

  router.get(paths.patron.login, (req, res) => {
    const patronId = currentPatron(req)
    if (patronId !== null) return res.redirect(patronTopPath(patronId))
    const notice = req.query.loggedout === '1' ? 'You have logged out.' : null
    res.render('pages/login', loginPage({ notice }))
  })

  router.post(paths.patron.login, async (req, res) => {
    const code = bodyField(req.body, 'code').trim()
    const pin = bodyField(req.body, 'pin')
    const missing = emptyFieldErrors([
      { field: 'code', value: code, message: 'Enter your library card number.' },
      { field: 'pin', value: pin, message: 'Enter your PIN.' },
    ])
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
    res.redirect(303, patronTopPath(result.patronId))
  })

  router.post(paths.patron.logout, async (req, res) => {
    await endSession(req, res)
    res.redirect(303, loggedOutPath(paths.patron.login))
  })

  // The address Sierra's WebPAC links to: the patron's own form, whoever is logged in.
  router.get(paths.patron.webpacModpinfo, (req, res) => {
    const patronId = currentPatron(req)
    res.redirect(patronId === null ? paths.patron.login : modpinfoPath(patronId))
  })

  router.get(paths.patron.top, ownPatronOnly, async (_req, res) => {
    const view = await patronSmsView.read(res.locals.patronId)
    pages.send(res, 'pages/top', topPage(view, config.current()))
  })

  router.get(paths.patron.modpinfo, ownPatronOnly, async (req, res) => {
    const view = await patronSmsView.read(res.locals.patronId)
    const updated = takeFlash(req) === UPDATED
    pages.send(res, 'pages/modpinfo', modpinfoPage(view, config.current(), { updated }))
  })

  router.post(paths.patron.modpinfo, ownPatronOnly, async (req, res) => {
    const { patronId } = res.locals
    const current = config.current()
    const form = readModpinfoForm(req.body, current.webOptions.mobileFieldOffered)
    const result = await optInForm.submit(patronId, form, webSource(req))
    switch (result.kind) {
      case 'saved':
        req.session.flash = UPDATED
        return res.redirect(303, modpinfoPath(patronId))
      case 'confirm':
        return pages.send(res, 'pages/confirm', confirmPage(patronId, form, result.confirm, current.webOptions))
      case 'invalid': {
        const view = await patronSmsView.read(patronId)
        const values = submittedValues(form, storedValues(view))
        return pages.send(res, 'pages/modpinfo', modpinfoPage(view, current, { form: values, errors: result.errors }), 422)
      }
    }
  })

  return router
}
