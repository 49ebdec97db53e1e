import type { ConfigSnapshot } from '../../config/configSnapshot.js'
import type { PatronSms } from '../../services/patronSmsView.js'
import { type FieldError, fieldErrorMap } from '../forms.js'
import type { PageLanguage } from '../i18n/index.js'
import type { NavLink } from '../middleware/setUpSiteLocals.js'
import { modpinfoPath, paths, patronTopPath } from '../paths.js'
import { type StatusView, statusView } from './smsStatus.js'

interface LoginPage {
  title: string
  text: Record<'heading' | 'intro' | 'codeLabel' | 'codeHint' | 'pinLabel' | 'submit', string>
  action: string
  code: string
  errors: FieldError[]
  fieldErrors: Partial<Record<string, string>>
  notice: string | null
}

export function loginPage({ t }: PageLanguage, options: { code?: string; errors?: FieldError[]; notice?: string | null } = {}): LoginPage {
  const errors = options.errors ?? []
  const title = t('login.title')
  return {
    title: errors.length > 0 ? t('titles.error', { title }) : title,
    text: {
      heading: t('login.heading'),
      intro: t('login.intro'),
      codeLabel: t('login.codeLabel'),
      codeHint: t('login.codeHint'),
      pinLabel: t('login.pinLabel'),
      submit: t('login.submit'),
    },
    action: paths.patron.login,
    code: options.code ?? '',
    errors,
    fieldErrors: fieldErrorMap(errors),
    notice: options.notice ?? null,
  }
}

export interface TopPage {
  title: string
  text: Record<'name' | 'barcode' | 'sms' | 'modpinfo', string>
  name: string
  barcode: string
  status: StatusView
  modpinfoHref: string
}

/** `config` as localized for the page's language, so the status reads in it too. */
export function topPage(view: PatronSms, config: ConfigSnapshot, { t }: PageLanguage): TopPage {
  return {
    title: t('top.title'),
    text: { name: t('top.name'), barcode: t('top.barcode'), sms: t('top.sms'), modpinfo: t('top.modpinfo') },
    name: view.patron.name,
    barcode: view.patron.barcode,
    status: statusView(config.messages, view.status),
    modpinfoHref: modpinfoPath(view.patron.id),
  }
}

export function patronNav(patronId: number, path: string, { t }: PageLanguage): NavLink[] {
  return [
    { href: patronTopPath(patronId), text: t('nav.top') },
    { href: modpinfoPath(patronId), text: t('nav.modpinfo') },
  ].map((link) => ({ ...link, current: link.href === path }))
}
