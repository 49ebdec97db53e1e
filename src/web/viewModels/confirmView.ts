import type { WebOptions } from '../../config/webOptions.js'
import type { ModpinfoForm } from '../../services/optInForm.js'
import type { PageLanguage } from '../i18n/index.js'
import { modpinfoPath } from '../paths.js'

export interface ConfirmPage {
  title: string
  heading: string
  /** The library's own warning, from webpub.def or webpub.es.def. */
  warning: string
  text: Record<'explain' | 'confirm' | 'cancel', string>
  action: string
  cancelHref: string
  /** What is about to change, in the patron's words; null when the warning says it all. */
  detail: string | null
  /** Everything the patron submitted travels along, so Confirm applies exactly that. */
  hidden: { name: string; value: string }[]
}

// SPEC 3 without JavaScript: the same warning as the confirm() dialog, as a page of its own.
export function confirmPage(
  patronId: number,
  form: ModpinfoForm,
  confirm: 'optout' | 'phone',
  webOptions: WebOptions,
  { t }: PageLanguage,
): ConfirmPage {
  const hidden = [
    { name: 'email', value: form.email },
    { name: 'tele1', value: form.tele1 },
    ...(form.mobile === undefined ? [] : [{ name: 'mobile', value: form.mobile }]),
    ...(form.optin ? [{ name: 'optin', value: 'on' }] : []),
    { name: 'confirm', value: confirm },
  ]
  const newNumber = form.mobile?.trim() ?? ''
  return {
    title: t(confirm === 'optout' ? 'confirm.optoutTitle' : 'confirm.phoneTitle'),
    heading: t(confirm === 'optout' ? 'confirm.optoutHeading' : 'confirm.phoneHeading'),
    warning: confirm === 'optout' ? webOptions.optOutWarn : webOptions.phoneWarn,
    text: { explain: t('confirm.explain'), confirm: t('confirm.confirm'), cancel: t('confirm.cancel') },
    action: modpinfoPath(patronId),
    cancelHref: modpinfoPath(patronId),
    detail: confirm === 'phone' && newNumber !== '' ? t('confirm.newNumber', { number: newNumber }) : null,
    hidden,
  }
}
