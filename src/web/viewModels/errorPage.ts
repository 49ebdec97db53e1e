import type { PageLanguage } from '../i18n/index.js'

interface ErrorPage {
  title: string
  message: string
  /** The stack, outside production only. */
  detail: string | null
  text: { goHome: string; technicalDetails: string }
}

/** title and message already in the page's language; `page` gives the words around them. */
export function errorPage({ t }: PageLanguage, title: string, message: string, detail: string | null = null): ErrorPage {
  return { title, message, detail, text: { goHome: t('errors.goHome'), technicalDetails: t('errors.technicalDetails') } }
}
