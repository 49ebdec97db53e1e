import { type FieldError, fieldErrorMap } from '../forms.js'
import type { NavLink } from '../middleware/setUpSiteLocals.js'
import { paths } from '../paths.js'

interface StaffLoginPage {
  title: string
  action: string
  username: string
  errors: FieldError[]
  fieldErrors: Partial<Record<string, string>>
  notice: string | null
}

export function staffLoginPage(options: { username?: string; errors?: FieldError[]; notice?: string | null } = {}): StaffLoginPage {
  const errors = options.errors ?? []
  return {
    title: 'Staff log in',
    action: paths.staff.login,
    username: options.username ?? '',
    errors,
    fieldErrors: fieldErrorMap(errors),
    notice: options.notice ?? null,
  }
}

/** The staff header's links; `path` is the request's path below the staff area ('/' for the search). */
export function staffNav(path: string, optOutOffered: boolean): NavLink[] {
  const { home, optOut, config } = paths.staff
  const links = [
    { href: home, text: 'Patron search' },
    ...(optOutOffered ? [{ href: optOut, text: 'Opt out a number' }] : []),
    { href: config, text: 'Configuration' },
  ]
  return links.map((link) => ({ ...link, current: link.href === home ? path === '/' : path.startsWith(link.href.slice(home.length)) }))
}
