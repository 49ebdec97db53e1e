import { type NextFunction, type Request, type Response, Router } from 'express'
import { localized } from '../../config/configSnapshot.js'
import type { Services } from '../../services/index.js'
import type { ModpinfoForm, WebOrigin } from '../../services/optInForm.js'
import { forbidden } from '../forbidden.js'
import { bodyField, emptyFieldErrors, idParam } from '../forms.js'
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

// The page's language goes with the submission: an opt-in from a Spanish page is a Spanish opt-in (SPEC 9).
function webSource(req: Request, res: Response): WebOrigin {
  return { ip: req.ip ?? null, userAgent: req.get('user-agent')?.slice(0, MAX_USER_AGENT) ?? null, lang: res.locals.page.lang }
}

// SPEC 3: a patron page for another patron's id answers 403; without a login, the login page.
function ownPatronOnly(req: Request, res: Response, next: NextFunction): void {
  const id = idParam(req.params.id)
  if (id === null) {
    next('route')
    return
  }
  const patronId = currentPatron(req)
  if (patronId === null) {
    res.redirect(303, paths.patron.login)
    return
  }
  if (id !== patronId) {
    forbidden(req, res, 'notYourAccount')
    return
  }
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
      res.locals.nav = patronNav(patronId, req.path, res.locals.page)
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
    const { page } = res.locals
    const notice = req.query.loggedout === '1' ? page.t('login.loggedOut') : null
    res.render('pages/login', loginPage(page, { notice }))
  })

  router.post(paths.patron.login, async (req, res) => {
    const code = bodyField(req.body, 'code').trim()
    const pin = bodyField(req.body, 'pin')
    const { page } = res.locals
    const missing = emptyFieldErrors([
      { field: 'code', value: code, message: page.t('login.missingCode') },
      { field: 'pin', value: pin, message: page.t('login.missingPin') },
    ])
    if (missing.length > 0) return res.status(400).render('pages/login', loginPage(page, { code, errors: missing }))

    const result = await patronAuth.login(code, pin, req.ip ?? 'unknown')
    if (result.kind === 'throttled') {
      return res
        .status(429)
        .render('pages/login', loginPage(page, { code, errors: [{ field: 'code', message: page.t('login.throttled') }] }))
    }
    if (result.kind === 'wrong') {
      return res.status(401).render('pages/login', loginPage(page, { code, errors: [{ field: 'code', message: page.t('login.wrong') }] }))
    }
    await startPatronSession(req, result.patronId, result.lang)
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
    const { page } = res.locals
    const view = await patronSmsView.read(res.locals.patronId)
    pages.send(res, 'pages/top', topPage(view, localized(config.current(), page.lang), page))
  })

  router.get(paths.patron.modpinfo, ownPatronOnly, async (req, res) => {
    const view = await patronSmsView.read(res.locals.patronId)
    const updated = takeFlash(req) === UPDATED
    const { page } = res.locals
    pages.send(res, 'pages/modpinfo', modpinfoPage(view, localized(config.current(), page.lang), page, { updated }))
  })

  router.post(paths.patron.modpinfo, ownPatronOnly, async (req, res) => {
    const { patronId, page } = res.locals
    const current = localized(config.current(), page.lang)
    const form = readModpinfoForm(req.body, current.webOptions.mobileFieldOffered)
    const result = await optInForm.submit(patronId, form, webSource(req, res))
    switch (result.kind) {
      case 'saved':
        req.session.flash = UPDATED
        // An opt-in made the page's language the patron's (SPEC 9); the session's copy follows.
        if (form.optin) req.session.patronLang = page.lang
        return res.redirect(303, modpinfoPath(patronId))
      case 'confirm':
        return pages.send(res, 'pages/confirm', confirmPage(patronId, form, result.confirm, current.webOptions, page))
      case 'invalid': {
        const view = await patronSmsView.read(patronId)
        const values = submittedValues(form, storedValues(view))
        return pages.send(res, 'pages/modpinfo', modpinfoPage(view, current, page, { form: values, errors: result.errors }), 422)
      }
    }
  })

  return router
}
