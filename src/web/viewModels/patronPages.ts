import type { ConfigSnapshot } from '../../config/configFiles.js'
import type { PatronSms } from '../../services/patronSmsView.js'
import type { NavLink } from '../middleware/setUpSiteLocals.js'
import { modpinfoPath } from './modpinfoView.js'
import { statusView, type StatusView } from './smsStatus.js'

export interface PageError { field: string; message: string }

interface LoginPage {
  title: string
  code: string
  errors: PageError[]
  fieldErrors: Record<string, string>
  notice: string | null
}

export function loginPage(options: { code?: string; errors?: PageError[]; notice?: string | null } = {}): LoginPage {
  const errors = options.errors ?? []
  return {
    title: errors.length > 0 ? 'Error: Log in' : 'Log in',
    code: options.code ?? '',
    errors,
    fieldErrors: Object.fromEntries(errors.map((error) => [error.field, error.message])),
    notice: options.notice ?? null,
  }
}

interface TopPage {
  title: string
  name: string
  barcode: string
  status: StatusView
  modpinfoHref: string
}

export function topPath(patronId: number): string {
  return `/patroninfo/${patronId}/top`
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
    { href: topPath(patronId), text: 'Your account' },
    { href: modpinfoPath(patronId), text: 'Modify Personal Information' },
  ].map((link) => ({ ...link, current: link.href === path }))
}
