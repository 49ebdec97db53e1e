// sqlite-only: renders views from hand-made view models; no database is opened.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import express from 'express'
import type { ConfigSnapshot } from '../../src/config/configSnapshot.js'
import { DEFAULT_MESSAGES } from '../../src/config/messages.js'
import { DEFAULT_WEB_OPTIONS } from '../../src/config/webOptions.js'
import type { Lang } from '../../src/domain/language.js'
import type { SmsStatus } from '../../src/domain/optIn.js'
import type { ModpinfoForm } from '../../src/services/optInForm.js'
import type { PatronSms } from '../../src/services/patronSmsView.js'
import type { ConsentChannel, ConsentEvent } from '../../src/store/schema.js'
import { pageLanguage } from '../../src/web/i18n/index.js'
import type { PageName } from '../../src/web/pages.js'
import { setUpViews } from '../../src/web/setUpViews.js'
import { confirmPage } from '../../src/web/viewModels/confirmView.js'
import { chrome } from '../../src/web/viewModels/layout.js'
import { modpinfoPage } from '../../src/web/viewModels/modpinfoView.js'
import { patronNav, topPage } from '../../src/web/viewModels/patronPages.js'

// The hot patron pages are rendered by strict, precompiled templates called directly (pages.ts),
// not by res.render. The patron must get the same bytes either way: each page and view model
// below is rendered both ways and compared.
const views = fileURLToPath(new URL('../../views', import.meta.url))
const STATUSES: SmsStatus[] = ['not_opted_in', 'pending_optin', 'opted_in', 'rejected', 'pending_optout']
const REASONS = [
  'web_opt_in',
  'web_opt_out',
  'opt_out_sent',
  'sms_yes',
  'sms_start',
  'sms_no',
  'sms_stop',
  'number_changed',
  'mobile_removed',
  'staff_opt_out',
  'invitation_expired',
  'invitation_undeliverable',
  'confirmation_undeliverable',
  'carrier_opt_out',
  'demo_seed',
  'staff_mobile_deleted',
]
const CHANNELS: ConsentChannel[] = ['web', 'sms', 'staff', 'system']

function config(changes: Partial<ConfigSnapshot['webOptions']> = {}): ConfigSnapshot {
  return { messages: DEFAULT_MESSAGES, webOptions: { ...DEFAULT_WEB_OPTIONS, ...changes }, loadedAt: new Date(0) }
}

function history(count: number): ConsentEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    id: count - i,
    patron_id: 7,
    barcode: '21234000000007',
    e164: i % 5 === 0 ? null : `+1201555${String(1000 + i).slice(-4)}`,
    from_status: STATUSES[i % 5] as SmsStatus,
    to_status: STATUSES[(i + 2) % 5] as SmsStatus,
    channel: CHANNELS[i % 4] as ConsentChannel,
    reason: REASONS[i % REASONS.length] as string,
    terms_hash: null,
    at: new Date(Date.UTC(2026, 10, 28, 3, i)).toISOString(),
    ip: null,
    user_agent: null,
    inbound_message_id: null,
    actor: null,
    lang: i % 3 === 0 ? ('es' as const) : null,
  }))
}

function view(status: SmsStatus, events: ConsentEvent[], name = 'Ana <b>"O\'Brien"</b> & co'): PatronSms {
  return {
    patron: {
      id: 7,
      barcode: '21234000000007',
      name,
      pin_hash: null,
      email: 'ana@example.org',
      tele1: '555 0100',
      mobile: '(201) 555-0123',
      mobile_digits: '2015550123',
      created_at: '',
      updated_at: '',
      lang: null,
    },
    status,
    registeredNumber: status === 'not_opted_in' ? null : '+12015550123',
    autoOptedOut: status === 'not_opted_in' && events[0]?.reason === 'number_changed',
    history: events,
  }
}

const form: ModpinfoForm = { email: 'a@b"<c>', tele1: '', mobile: '+44 7700 900123', optin: true, confirm: null }

const en = pageLanguage('en')
const es = pageLanguage('es')

const cases: { name: string; page: PageName; model: object; loggedIn: boolean; lang?: Lang }[] = [
  ...STATUSES.flatMap((status) => [
    {
      name: `modpinfo, ${status}, no history`,
      page: 'pages/modpinfo' as const,
      loggedIn: true,
      model: modpinfoPage(view(status, []), config(), en),
    },
    {
      name: `modpinfo, ${status}, updated`,
      page: 'pages/modpinfo' as const,
      loggedIn: true,
      model: modpinfoPage(view(status, history(3)), config(), en, { updated: true }),
    },
    { name: `top, ${status}`, page: 'pages/top' as const, model: topPage(view(status, []), config(), en), loggedIn: true },
  ]),
  {
    name: 'modpinfo, 200 events of every kind',
    page: 'pages/modpinfo',
    loggedIn: true,
    model: modpinfoPage(view('opted_in', history(200)), config(), en),
  },
  {
    name: 'modpinfo, opted out because the number changed',
    page: 'pages/modpinfo',
    model: modpinfoPage(view('not_opted_in', [{ ...(history(1)[0] as ConsentEvent), reason: 'number_changed' }]), config(), en),
    loggedIn: true,
  },
  {
    name: 'modpinfo, errors on every field',
    page: 'pages/modpinfo',
    loggedIn: true,
    model: modpinfoPage(view('opted_in', history(2)), config(), en, {
      form: { ...form, mobile: 'x<y' },
      errors: [
        { field: 'email', message: 'Enter an email address like name@example.org.' },
        { field: 'tele1', message: 'Enter a telephone <number>.' },
        { field: 'mobile', message: 'Enter a mobile number & try again.' },
      ],
    }),
  },
  {
    name: 'modpinfo, mobile field not offered, outside the US',
    page: 'pages/modpinfo',
    loggedIn: true,
    model: modpinfoPage(
      view('not_opted_in', [{ ...(history(1)[0] as ConsentEvent), reason: 'mobile_removed' }]),
      config({ mobileFieldOffered: false, country: 'GB' }),
      en,
    ),
  },
  { name: 'modpinfo, logged out layout', page: 'pages/modpinfo', loggedIn: false, model: modpinfoPage(view('opted_in', []), config(), en) },
  {
    name: 'confirm, opt out',
    page: 'pages/confirm',
    loggedIn: true,
    model: confirmPage(7, { ...form, optin: false, confirm: 'optout' }, 'optout', DEFAULT_WEB_OPTIONS, en),
  },
  {
    name: 'confirm, new number',
    page: 'pages/confirm',
    loggedIn: true,
    model: confirmPage(7, { ...form, confirm: 'phone' }, 'phone', DEFAULT_WEB_OPTIONS, en),
  },
  {
    name: 'confirm, mobile not offered',
    page: 'pages/confirm',
    loggedIn: true,
    model: confirmPage(7, { ...form, mobile: undefined, optin: false }, 'phone', DEFAULT_WEB_OPTIONS, en),
  },
  // Spanish (SPEC 9): the same pages in the other language.
  {
    name: 'modpinfo in Spanish, errors and a long history',
    page: 'pages/modpinfo',
    loggedIn: true,
    lang: 'es',
    model: modpinfoPage(view('pending_optin', history(40)), config(), es, {
      form: { ...form, mobile: '+52 1 55 1234 5678' },
      errors: [{ field: 'mobile', message: 'Número <no> válido' }],
    }),
  },
  { name: 'top in Spanish', page: 'pages/top', loggedIn: true, lang: 'es', model: topPage(view('opted_in', []), config(), es) },
  {
    name: 'confirm in Spanish',
    page: 'pages/confirm',
    loggedIn: true,
    lang: 'es',
    model: confirmPage(7, { ...form, optin: false, confirm: 'optout' }, 'optout', DEFAULT_WEB_OPTIONS, es),
  },
]

describe('the hot patron pages, rendered directly and through res.render', () => {
  for (const production of [true, false]) {
    const app = express()
    const pages = setUpViews(app, views, production)
    for (const { name, page, model, loggedIn, lang = 'en' } of cases) {
      test(`${name} (${production ? 'production' : 'development'}): the same HTML`, async () => {
        const layout = {
          site: { libraryName: 'Demo & "Public" Library', simulatorHref: production ? null : '/simulator' },
          nav: loggedIn ? patronNav(7, '/patroninfo/7/modpinfo', pageLanguage(lang)) : [],
          logout: loggedIn ? { action: '/logout' } : null,
          csrfToken: () => 'csrf<token>&',
          chrome: chrome(pageLanguage(lang), '/patroninfo/7/modpinfo?x=1'),
        }
        const plain = await new Promise<string>((resolve, reject) => {
          app.render(page, { ...layout, ...model }, (error, html) => (error ? reject(error) : resolve(html ?? '')))
        })
        const lean = pages.render(page, model as never, layout)
        assert.ok(plain.length > 1000)
        assert.equal(lean, plain)
      })
    }
  }
})
