import type { Lang } from '../../domain/language.js'
import { LANG_PARAM, type PageLanguage } from '../i18n/index.js'

/** A link of the language switch: each language named in itself, the current one marked. */
interface LanguageLink {
  href: string
  text: string
  lang: Lang
  current: boolean
}

/** The words of the page frame (head, header, footer) in the page's language. */
export interface Chrome {
  lang: Lang
  skipLink: string
  accountNav: string
  logOut: string
  languageNav: string
  footerTagline: string
  simulatorLink: string
  simulatorNote: string
  /** For the error summary and each field's error, which the pages hand their partials. */
  errorSummaryTitle: string
  errorPrefix: string
  /** SPEC 9: "English | Español" on every patron page, plain links (no JavaScript); null on staff pages. */
  languages: LanguageLink[] | null
}

const NAMES: Record<Lang, string> = { en: 'English', es: 'Español' }

/** The same address with `lang` set: the switch keeps the patron on the page they are reading. */
export function withLanguage(originalUrl: string, lang: Lang): string {
  const [rawPath = '/', query = ''] = originalUrl.split('?', 2)
  // "//evil.example/x" as a link is another site's address: a page reached by such a path must
  // not offer it, so the path keeps one leading slash (and backslashes, which browsers read as /, go).
  const path = `/${rawPath.replace(/^[/\\]+/, '')}`
  const params = new URLSearchParams(query)
  params.set(LANG_PARAM, lang)
  return `${path}?${params.toString()}`
}

type Words = Omit<Chrome, 'languages'>
const wordsByLang = new Map<Lang, Words>()

// The frame's words depend only on the language: made once per language, not per request.
function words({ lang, t }: PageLanguage): Words {
  let found = wordsByLang.get(lang)
  if (!found) {
    found = frameWords(lang, t)
    wordsByLang.set(lang, found)
  }
  return found
}

function frameWords(lang: Lang, t: PageLanguage['t']): Words {
  return {
    lang,
    skipLink: t('layout.skipLink'),
    accountNav: t('layout.accountNav'),
    logOut: t('layout.logOut'),
    languageNav: t('layout.languageNav'),
    footerTagline: t('layout.footerTagline'),
    simulatorLink: t('layout.simulatorLink'),
    simulatorNote: t('layout.simulatorNote'),
    errorSummaryTitle: t('layout.errorSummaryTitle'),
    errorPrefix: t('layout.errorPrefix'),
  }
}

export function chrome(page: PageLanguage, originalUrl: string | null): Chrome {
  return {
    ...words(page),
    languages:
      originalUrl === null
        ? null
        : (Object.keys(NAMES) as Lang[]).map((code) => ({
            href: withLanguage(originalUrl, code),
            text: NAMES[code],
            lang: code,
            current: code === page.lang,
          })),
  }
}
