import type { ConfigSnapshot } from '../../config/configSnapshot.js'
import type { PatronSms } from '../../services/patronSmsView.js'
import { fieldErrorMap, type FieldError } from '../forms.js'
import type { NavLink } from '../middleware/setUpSiteLocals.js'
import { modpinfoPath, paths, patronTopPath } from '../paths.js'
import { statusView, type StatusView } from './smsStatus.js'

interface LoginPage {
  title: string
  action: string
  code: string
  errors: FieldError[]
  fieldErrors: Partial<Record<string, string>>
  notice: string | null
}

export function loginPage(options: { code?: string; errors?: FieldError[]; notice?: string | null } = {}): LoginPage {
  const errors = options.errors ?? []
  return {
    title: errors.length > 0 ? 'Error: Log in' : 'Log in',
    action: paths.patron.login,
    code: options.code ?? '',
    errors,
    fieldErrors: fieldErrorMap(errors),
    notice: options.notice ?? null,
  }
}

export interface TopPage {
  title: string
  name: string
  barcode: string
  status: StatusView
  modpinfoHref: string
}

export function topPage(view: PatronSms, config: ConfigSnapshot): TopPage {
  return {
    title: 'Your account',
    name: view.patron.name,
    barcode: view.patron.barcode,
    status: statusView(config.messages, view.status),
    modpinfoHref: modpinfoPath(view.patron.id),
  }
}

export function patronNav(patronId: number, path: string): NavLink[] {
  return [
    { href: patronTopPath(patronId), text: 'Your account' },
    { href: modpinfoPath(patronId), text: 'Modify Personal Information' },
  ].map((link) => ({ ...link, current: link.href === path }))
}
