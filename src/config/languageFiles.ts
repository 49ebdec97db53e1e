import { basename, dirname, extname, join } from 'node:path'
import type { Lang } from '../domain/language.js'
import type { ConfProblem, ParsedConf } from './confFile.js'
import { SPANISH_DEFAULT_WEB_TEXTS } from './spanishDefaults.js'
import { loadWebOptions, WEB_OPTION_KEYS, type WebOptions } from './webOptions.js'

/** The web options a language file may change: the words patrons read. The settings stay in webpub.def. */
export interface WebTexts {
  optOutWarn: string
  phoneWarn: string
  /** The library's name in this language; null keeps webpub.def's, so {library} reads the same in every SMS. */
  libraryName: string | null
}

const TEXT_KEYS: ReadonlySet<string> = new Set(['SMS_OPTOUT_WARN', 'SMS_PHONE_WARN', 'SMS_LIBRARY_NAME'])

export const DEFAULT_WEB_TEXTS: Readonly<Record<Exclude<Lang, 'en'>, WebTexts>> = Object.freeze({
  es: Object.freeze({ ...SPANISH_DEFAULT_WEB_TEXTS, libraryName: null }),
})

/** SPEC 9: a language's file lies beside the English one, `.es` before the extension (messages.conf → messages.es.conf). */
export function languagePath(path: string, lang: Exclude<Lang, 'en'>): string {
  const ext = extname(path)
  return join(dirname(path), `${basename(path, ext)}.${lang}${ext}`)
}

// The same parser and checks as webpub.def, so a line is wrong in both files for the same reason.
export function loadWebTexts(
  parsed: ParsedConf,
  lang: Exclude<Lang, 'en'>,
): { texts: WebTexts; errors: ConfProblem[]; warnings: ConfProblem[] } {
  const { options, errors, warnings } = loadWebOptions(parsed)
  const defaults = DEFAULT_WEB_TEXTS[lang]
  const given = (key: string) => parsed.entries.has(key)
  const settings = WEB_OPTION_KEYS.filter((key) => !TEXT_KEYS.has(key) && given(key)).map((key) => ({
    file: parsed.file,
    line: parsed.entries.get(key)?.line ?? 0,
    message: `${key} is a setting, not a text: it is read from webpub.def only, and ignored here`,
  }))
  const texts: WebTexts = Object.freeze({
    optOutWarn: given('SMS_OPTOUT_WARN') ? options.optOutWarn : defaults.optOutWarn,
    phoneWarn: given('SMS_PHONE_WARN') ? options.phoneWarn : defaults.phoneWarn,
    libraryName: given('SMS_LIBRARY_NAME') ? options.libraryName : defaults.libraryName,
  })
  return { texts, errors, warnings: [...warnings, ...settings].sort((a, b) => a.line - b.line) }
}

/** webpub.def's options with a language's texts in place. */
export function withWebTexts(options: WebOptions, texts: WebTexts): WebOptions {
  return Object.freeze({
    ...options,
    optOutWarn: texts.optOutWarn,
    phoneWarn: texts.phoneWarn,
    libraryName: texts.libraryName ?? options.libraryName,
  })
}
