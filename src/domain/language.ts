/** The languages patron pages and SMS come in (SPEC 9). English is the fallback everywhere. */
export const LANGS = ['en', 'es'] as const
export type Lang = (typeof LANGS)[number]
export const DEFAULT_LANG: Lang = 'en'

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value)
}

/** A stored or requested language, or English when there is none or it is not one we speak. */
export function langOrDefault(value: unknown): Lang {
  return isLang(value) ? value : DEFAULT_LANG
}
