import type { Request, RequestHandler, Response } from 'express'
import type { Services } from '../../services/index.js'
import { detectLanguage, LANG_COOKIE, pageLanguage } from '../i18n/index.js'
import { paths } from '../paths.js'
import { chrome } from '../viewModels/layout.js'
import { currentPatron } from './patronSession.js'

const A_YEAR_MS = 365 * 24 * 60 * 60 * 1000

// The staff console and the simulator stay English (SPEC 9); every other page is a patron's.
function englishOnly(path: string): boolean {
  return path === paths.staff.home || path.startsWith(`${paths.staff.home}/`) || path.startsWith(paths.simulator.home)
}

/** Sets the page language and the frame's words, once per request; the error pages call it too. */
export function applyPageLanguage(req: Request, res: Response): { chosen: boolean } {
  if (res.locals.page) return { chosen: false }
  if (englishOnly(req.path)) {
    res.locals.page = pageLanguage('en')
    res.locals.chrome = chrome(res.locals.page, null)
    return { chosen: false }
  }
  const { lang, chosen } = detectLanguage(req, res)
  res.locals.page = pageLanguage(lang)
  res.locals.chrome = chrome(res.locals.page, req.originalUrl)
  return { chosen }
}

// SPEC 9: `?lang=` on any patron URL chooses the language; a cookie keeps the choice, and a
// logged-in patron's choice becomes the language of their texts. Then the patron's stored
// language, then Accept-Language, then English (i18next-http-middleware's detector, with one
// detector of ours for the patron step).
export function setUpLanguage({ patronAuth, env }: Pick<Services, 'patronAuth' | 'env'>): RequestHandler {
  return async (req, res, next) => {
    const { chosen } = applyPageLanguage(req, res)
    if (chosen) {
      const { lang } = res.locals.page
      res.cookie(LANG_COOKIE, lang, { path: '/', httpOnly: true, sameSite: 'lax', secure: env.production, maxAge: A_YEAR_MS })
      const patronId = currentPatron(req)
      if (patronId !== null && req.session.patronLang !== lang) {
        await patronAuth.chooseLanguage(patronId, lang)
        req.session.patronLang = lang
      }
    }
    next()
  }
}
