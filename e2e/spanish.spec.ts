import { AxeBuilder } from '@axe-core/playwright'
import type { Page, TestInfo } from '@playwright/test'
import { fillSmsText } from '../src/config/messages.js'
import { SPANISH_DEFAULT_WEB_TEXTS as avisos, SPANISH_DEFAULT_MESSAGES as mensajes } from '../src/config/spanishDefaults.js'
import { DEMO_PATRONS } from '../src/services/demoSeed.js'
import { es } from '../src/web/i18n/es.js'
import { SpanishPages } from './pages/spanish.js'
import { expect, test } from './support/portal.js'
import { config } from './support/texts.js'

// SPEC 9 in Chromium. The e2e portal runs without messages.es.conf, so the built-in Spanish texts apply.
const ada = DEMO_PATRONS[0]!
const grace = DEMO_PATRONS[1]!
const GRACE_MOBILE = '+12015550142'
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']
const sms = (key: 'SMS_TEXT_INVITATION' | 'SMS_TEXT_CONFIRMATION' | 'SMS_TEXT_OPTOUT') =>
  fillSmsText(mensajes[key], { library: config.webOptions.libraryName, shortcode: config.webOptions.shortCodes[0] ?? '', name: '' })

async function expectNoViolations(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze()
  await testInfo.attach(`axe ${name}`, { body: JSON.stringify(results.violations, null, 2), contentType: 'application/json' })
  const summary = results.violations.map(
    (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
  )
  expect(summary, `axe violations on ${name}`).toEqual([])
}

test('SPEC 9 opt in in Spanish: the switch, a Spanish invitation, SÍ from the phone, a Spanish confirmation; axe finds nothing', async ({
  page,
  portal,
}, testInfo) => {
  const pages = new SpanishPages(page)
  const patronId = await pages.logInInSpanish(ada)
  await expectNoViolations(page, testInfo, 'top (es)')
  await pages.goto(patronId)
  await pages.optInWith('201-555-0123')
  await expect(pages.updated).toBeVisible()
  await expect(pages.status).toHaveText(mensajes.SMS_STATUS_PENDING_OPTIN)
  const invitation = await portal.waitForTexts('+12015550123', 1)
  expect(invitation.map((message) => message.text)).toEqual([sms('SMS_TEXT_INVITATION')])
  await expectNoViolations(page, testInfo, 'modpinfo updated (es)')

  await portal.replyFromPhone('+12015550123', 'SÍ')
  await pages.expectStatus(mensajes.SMS_STATUS_OPTED_IN)
  const received = await portal.waitForTexts('+12015550123', 2)
  expect(received.at(-1)?.text).toBe(sms('SMS_TEXT_CONFIRMATION'))
  await expect(pages.history.getByRole('row').nth(1)).toContainText(`${es.modpinfo.statusPrefix} ${mensajes.SMS_STATUS_OPTED_IN}`)
})

test('SPEC 9 the SMS_OPTOUT_WARN dialog in Spanish: Cancel keeps the alerts; OK stops them with a Spanish opt-out text', async ({
  page,
  portal,
}) => {
  const pages = new SpanishPages(page)
  const patronId = await pages.logInInSpanish(grace)
  await pages.goto(patronId)
  await pages.optIn.uncheck()
  const dismissed = pages.answerNextDialog(false)
  await pages.submitButton.click()
  expect(await dismissed).toBe(avisos.optOutWarn)
  await expect(pages.updated).toHaveCount(0)

  await pages.optIn.uncheck()
  const accepted = pages.answerNextDialog(true)
  await pages.submitButton.click()
  expect(await accepted).toBe(avisos.optOutWarn)
  await expect(pages.updated).toBeVisible()
  await pages.expectStatus(mensajes.SMS_STATUS_OPTED_OUT)
  const received = await portal.waitForTexts(GRACE_MOBILE, 1)
  expect(received.map((message) => message.text)).toEqual([sms('SMS_TEXT_OPTOUT')])
})

test('SPEC 9 the SMS_PHONE_WARN dialog in Spanish before a new number; OK invites the new number in Spanish', async ({ page, portal }) => {
  const pages = new SpanishPages(page)
  const patronId = await pages.logInInSpanish(grace)
  await pages.goto(patronId)
  await pages.mobile.fill('201-555-0177')
  const accepted = pages.answerNextDialog(true)
  await pages.submitButton.click()
  expect(await accepted).toBe(avisos.phoneWarn)
  await expect(pages.updated).toBeVisible()
  await expect(pages.status).toHaveText(mensajes.SMS_STATUS_PENDING_OPTIN)
  const received = await portal.waitForTexts('+12015550177', 1)
  expect(received.map((message) => message.text)).toEqual([sms('SMS_TEXT_INVITATION')])
})

test('SPEC 9 validation errors in Spanish: the error summary links each message to its field; axe finds nothing', async ({
  page,
}, testInfo) => {
  const pages = new SpanishPages(page)
  const patronId = await pages.logInInSpanish(ada)
  await pages.goto(patronId)
  await pages.email.fill('no-es-un-correo')
  await pages.optInWith('201555012')
  await expect(page.getByText(es.layout.errorSummaryTitle)).toBeVisible()
  await expect(pages.errorMessages).toHaveText([
    'Escriba una dirección de correo electrónico con la forma nombre@ejemplo.org.',
    mensajes.SMS_ERR_NUMBER_LENGTH,
  ])
  await expect(pages.mobile).toHaveAttribute('aria-invalid', 'true')
  await expect(page).toHaveTitle(new RegExp(`^Error: ${es.modpinfo.title}`))
  await expectNoViolations(page, testInfo, 'modpinfo with errors (es)')
})

test('SPEC 9 axe on the Spanish login page, with a wrong PIN, and on the Spanish 404 page', async ({ page }, testInfo) => {
  await page.goto('/patroninfo?lang=es')
  await expect(page.getByRole('heading', { level: 1, name: es.login.heading })).toBeVisible()
  await expectNoViolations(page, testInfo, 'login (es)')
  await page.getByLabel(es.login.codeLabel).fill(ada.barcode)
  await page.getByLabel(es.login.pinLabel, { exact: true }).fill('0000')
  await page.getByRole('button', { name: es.login.submit }).click()
  await expect(page.locator('[data-qa="error-summary"] h2.errormessage')).toHaveText([es.login.wrong])
  await expectNoViolations(page, testInfo, 'login with an error (es)')
  await page.goto('/no-existe')
  await expect(page.getByRole('heading', { level: 1, name: es.errors.notFoundTitle })).toBeVisible()
  await expectNoViolations(page, testInfo, '404 (es)')
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('SPEC 9 the no-JavaScript confirmation page in Spanish: the Spanish warning, Confirmar applies the opt-out', async ({
    page,
    portal,
  }) => {
    const pages = new SpanishPages(page)
    const patronId = await pages.logInInSpanish(grace)
    await pages.goto(patronId)
    await pages.optIn.uncheck()
    await pages.submitButton.click()
    await expect(page.getByRole('heading', { level: 1, name: es.confirm.optoutHeading })).toBeVisible()
    await expect(page.getByTestId('confirm-warning')).toHaveText(avisos.optOutWarn)
    // axe runs as a script in the page, so it cannot check this page with JavaScript off.
    await expect(page.locator('html')).toHaveAttribute('lang', 'es')
    await page.getByRole('button', { name: es.confirm.confirm }).click()
    await expect(pages.updated).toBeVisible()
    await pages.expectStatus(mensajes.SMS_STATUS_OPTED_OUT)
    expect((await portal.waitForTexts(GRACE_MOBILE, 1)).map((message) => message.text)).toEqual([sms('SMS_TEXT_OPTOUT')])
  })
})
