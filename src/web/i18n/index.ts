import type { Request, Response } from 'express'
import i18next, { type i18n } from 'i18next'
import { LanguageDetector } from 'i18next-http-middleware'
import { DEFAULT_LANG, isLang, LANGS, type Lang } from '../../domain/language.js'
import { en } from './en.js'
import { es } from './es.js'

/** A translation function fixed to one language: `t('login.heading')`, `t('modpinfo.forNumber', { number })`. */
export type Translate = (key: string, values?: Record<string, string>) => string

/** The query parameter and the cookie that carry a patron's explicit choice (SPEC 9). */
export const LANG_PARAM = 'lang'
export const LANG_COOKIE = 'lang'

// The step between the cookie and Accept-Language: the logged-in patron's stored language, which
// login copies into the session (detectors are synchronous; the database is not).
const patronSession = {
  name: 'patronSession',
  lookup(req: Request): string | undefined {
    const session = req.session as Request['session'] | undefined
    return session && session.staffUser === undefined && typeof session.patronId === 'number'
      ? (session.patronLang ?? undefined)
      : undefined
  },
}

// One instance for the process. The middleware's own handle() clones an instance per request
// and rewrites the cookie on every answer; only its detector is used, with this order.
const instance: i18n = i18next.createInstance()
instance.use(LanguageDetector).init({
  initAsync: false,
  resources: { en: { translation: en }, es: { translation: es } },
  supportedLngs: [...LANGS],
  fallbackLng: DEFAULT_LANG,
  load: 'languageOnly',
  // EJS escapes every value it prints; escaping here too would show "&amp;".
  interpolation: { escapeValue: false },
  returnNull: false,
  detection: {
    order: ['querystring', 'cookie', patronSession.name, 'header'],
    lookupQuerystring: LANG_PARAM,
    lookupCookie: LANG_COOKIE,
    caches: false,
    // es-MX, es-419 and ES are all Spanish here.
    convertDetectedLanguage: (code: string) => code.split(/[-_]/)[0]?.toLowerCase() ?? code,
  },
})
const detector = instance.services.languageDetector as LanguageDetector
detector.addDetector(patronSession)

// i18next's t() costs 14 to 26 µs a call on this machine and a page asks for 20 or 30 strings, so
// each answer is kept per language: the strings never change while the process runs, and the
// values (a country, a phone number) repeat. Bounded, since the values come from patrons' records.
const MAX_KEPT = 10_000

const translators = new Map<Lang, Translate>(
  LANGS.map((lang) => {
    const t = instance.getFixedT(lang)
    const kept = new Map<string, string>()
    return [
      lang,
      (key: string, values?: Record<string, string>) => {
        const id = values === undefined ? key : `${key}\u0000${Object.entries(values).join('\u0000')}`
        let text = kept.get(id)
        if (text === undefined) {
          if (kept.size >= MAX_KEPT) kept.clear()
          text = t(key, values ?? {}) as string
          kept.set(id, text)
        }
        return text
      },
    ]
  }),
)

export function translator(lang: Lang): Translate {
  return translators.get(lang) ?? (translators.get(DEFAULT_LANG) as Translate)
}

/** The page language by SPEC 9's precedence, and whether it was chosen by `?lang=` just now. */
export function detectLanguage(req: Request, res: Response): { lang: Lang; chosen: boolean } {
  const found: unknown = (detector.detect as (req: Request, res: Response) => unknown)(req, res)
  const lang = isLang(found) ? found : DEFAULT_LANG
  return { lang, chosen: (req as { i18nextLookupName?: string }).i18nextLookupName === 'querystring' && isLang(found) }
}

/** What a page needs of its language: the code for `<html lang>`, the strings, the locale for dates. */
export interface PageLanguage {
  lang: Lang
  t: Translate
  /** For Intl: US Spanish and US English, since the library is in the US or names its own zone. */
  locale: string
}

const LOCALES: Record<Lang, string> = { en: 'en-US', es: 'es-US' }

export function pageLanguage(lang: Lang): PageLanguage {
  return { lang, t: translator(lang), locale: LOCALES[lang] }
}
