import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { SPANISH_DEFAULT_MESSAGES, SPANISH_DEFAULT_WEB_TEXTS } from '../../src/config/spanishDefaults.js'
import { CookieJarClient, errorMessages, textOf } from '../support/cookieJar.js'
import { ADA, ALAN, GRACE, type PortalApp, startPortalApp } from '../support/portalApp.js'

const htmlLang = (html: string) => /<html lang="([^"]+)"/.exec(html)?.[1]
const MEXICO = { 'accept-language': 'es-MX,es;q=0.9,en;q=0.5' }

describe('SPEC 9 page language', () => {
  let app: PortalApp
  before(async () => {
    app = await startPortalApp()
  })
  after(async () => {
    await app.close()
  })

  test('a first visit follows Accept-Language: a Spanish browser gets the Spanish login page, <html lang="es">, and the switch', async () => {
    const client = new CookieJarClient(app.url)
    const page = await client.get('/patroninfo', MEXICO)
    assert.equal(htmlLang(page.html), 'es')
    assert.match(textOf(page.html), /Inicie sesión en su cuenta de la biblioteca/)
    assert.match(page.html, /<a class="site-lang__link" href="\/patroninfo\?lang=en" lang="en" hreflang="en">English<\/a>/)
    assert.match(page.html, /href="\/patroninfo\?lang=es" lang="es" hreflang="es" aria-current="true">Español<\/a>/)
  })

  test('without Accept-Language, or with one we do not speak, the page is English', async () => {
    const client = new CookieJarClient(app.url)
    assert.equal(htmlLang((await client.get('/patroninfo')).html), 'en')
    assert.equal(htmlLang((await client.get('/patroninfo', { 'accept-language': 'fr-FR,de;q=0.8' })).html), 'en')
  })

  test('?lang=es beats Accept-Language and a cookie keeps it on the next pages; ?lang=en switches back', async () => {
    const client = new CookieJarClient(app.url)
    const chosen = await client.get('/patroninfo?lang=es', { 'accept-language': 'en-US' })
    assert.equal(htmlLang(chosen.html), 'es')
    assert.equal(client.cookie('lang'), 'es')
    assert.match(chosen.headers.get('set-cookie') ?? '', /lang=es;.*HttpOnly/i)
    assert.equal(htmlLang((await client.get('/patroninfo', { 'accept-language': 'en-US' })).html), 'es')
    assert.equal(htmlLang((await client.get('/patroninfo?lang=en', MEXICO)).html), 'en')
    assert.equal(htmlLang((await client.get('/patroninfo', MEXICO)).html), 'en', 'the cookie beats Accept-Language')
  })

  test('a patron who chose Spanish while logged in gets Spanish pages on another browser, ahead of its Accept-Language', async () => {
    const first = new CookieJarClient(app.url)
    await first.logIn(GRACE.barcode, GRACE.pin)
    const graceId = await app.idOf(GRACE)
    await first.get(`/patroninfo/${graceId}/top?lang=es`)
    assert.equal((await app.services.store.repos.patrons.findById(graceId))?.lang, 'es')

    const second = new CookieJarClient(app.url)
    const login = await second.get('/patroninfo', { 'accept-language': 'en-US' })
    assert.equal(htmlLang(login.html), 'en', 'before login nobody is known')
    await second.post('/patroninfo', { code: GRACE.barcode, pin: GRACE.pin })
    const top = await second.get(`/patroninfo/${graceId}/top`, { 'accept-language': 'en-US' })
    assert.equal(htmlLang(top.html), 'es')
    assert.match(textOf(top.html), /Su cuenta .* Alertas por SMS Suscrito/)
    await first.get(`/patroninfo/${graceId}/top?lang=en`)
  })

  test("modpinfo in Spanish: the library's Spanish texts, Spanish interface words, dates in Spanish", async () => {
    const client = new CookieJarClient(app.url)
    await client.logIn(GRACE.barcode, GRACE.pin)
    const page = await client.get(`/patroninfo/${await app.idOf(GRACE)}/modpinfo?lang=es`)
    const text = textOf(page.html)
    assert.match(text, /Modificar datos personales/)
    assert.match(text, /Recibir alertas por SMS/)
    assert.ok(
      text.includes(
        SPANISH_DEFAULT_MESSAGES.SMS_TERMS.replace('{library}', 'Demo Public Library')
          .replaceAll('{shortcode}', '82453 or 35143')
          .slice(0, 60),
      ),
    )
    assert.ok(page.html.includes(`data-optout-warn="${SPANISH_DEFAULT_WEB_TEXTS.optOutWarn}"`))
    assert.match(text, /Su historial de consentimiento de SMS/)
    // es-US writes the month in Spanish, after the day: "28 nov 2026".
    const date = /<time datetime="[^"]+">([^<]+)<br>/.exec(page.html)?.[1] ?? ''
    assert.match(date, /^\d{1,2} (ene|feb|mar|abr|may|jun|jul|ago|sept?|oct|nov|dic)\.? \d{4}$/, date)
  })

  test("opting in on a page shown in Spanish by Accept-Language makes Spanish the patron's language at once, ahead of the browser", async () => {
    const client = new CookieJarClient(app.url)
    await client.logIn(ALAN.barcode, ALAN.pin)
    const alanId = await app.idOf(ALAN)
    assert.equal(htmlLang((await client.get(`/patroninfo/${alanId}/modpinfo`, MEXICO)).html), 'es')
    const saved = await client.post(
      `/patroninfo/${alanId}/modpinfo`,
      { email: '', tele1: '', mobile: '(201) 555-0188', optin: 'on' },
      MEXICO,
    )
    assert.equal(saved.status, 303)
    assert.equal((await app.services.store.repos.patrons.findById(alanId))?.lang, 'es')
    const top = await client.get(`/patroninfo/${alanId}/top`, { 'accept-language': 'en-US' })
    assert.equal(htmlLang(top.html), 'es')
  })

  test('validation errors, the error summary and the built-in Spanish SMS_ERR text on a Spanish page', async () => {
    const client = new CookieJarClient(app.url)
    await client.logIn(ADA.barcode, ADA.pin)
    const adaId = await app.idOf(ADA)
    await client.get(`/patroninfo/${adaId}/modpinfo?lang=es`)
    const page = await client.post(`/patroninfo/${adaId}/modpinfo`, { email: 'not-an-email', tele1: '', mobile: '12345', optin: 'on' })
    assert.equal(page.status, 422)
    assert.match(textOf(page.html), /Hay un problema/)
    assert.deepEqual(errorMessages(page.html), [
      'Escriba una dirección de correo electrónico con la forma nombre@ejemplo.org.',
      SPANISH_DEFAULT_MESSAGES.SMS_ERR_NUMBER_LENGTH,
    ])
    assert.match(page.html, /<title>Error: Modificar datos personales/)
  })

  test('the 404 and 403 pages follow the page language; the staff console stays English', async () => {
    const client = new CookieJarClient(app.url)
    const missing = await client.get('/nowhere?lang=es')
    assert.equal(missing.status, 404)
    assert.match(textOf(missing.html), /Página no encontrada/)
    await client.logIn(ADA.barcode, ADA.pin)
    const other = await client.get(`/patroninfo/${await app.idOf(GRACE)}/top`)
    assert.equal(other.status, 403)
    assert.match(textOf(other.html), /No es su cuenta/)
    const staff = await client.get('/staff/login')
    assert.equal(htmlLang(staff.html), 'en')
    assert.doesNotMatch(staff.html, /data-qa="language-switch"/)
  })

  test('the switch on a page reached by "//evil.example/x" links to this site, never to another host', async () => {
    const response = await fetch(`${app.url}//evil.example/x?lang=es`, { redirect: 'manual' })
    const html = await response.text()
    assert.equal(response.status, 404)
    const hrefs = [...html.matchAll(/class="site-lang__link" href="([^"]+)"/g)].map((match) => match[1])
    assert.deepEqual(hrefs, ['/evil.example/x?lang=en', '/evil.example/x?lang=es'])
  })

  test('a throttled login (429) answers in Spanish', async () => {
    const client = new CookieJarClient(app.url)
    await client.get('/patroninfo?lang=es')
    let page = await client.post('/patroninfo', { code: ADA.barcode, pin: 'wrong' })
    for (let i = 0; i < 30 && page.status !== 429; i++) page = await client.post('/patroninfo', { code: ADA.barcode, pin: 'wrong' })
    assert.equal(page.status, 429)
    assert.deepEqual(errorMessages(page.html), ['Demasiados intentos. Inténtelo de nuevo más tarde.'])
  })
})
