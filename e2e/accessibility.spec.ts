import { AxeBuilder } from '@axe-core/playwright'
import type { Page, TestInfo } from '@playwright/test'
import { DEMO_PATRONS } from '../src/services/demoSeed.js'
import { LoginPage } from './pages/LoginPage.js'
import { ModpinfoPage } from './pages/ModpinfoPage.js'
import { SimulatorPage } from './pages/SimulatorPage.js'
import { expect, test } from './support/portal.js'
import { messages, webOptions } from './support/texts.js'

const ada = DEMO_PATRONS[0]!
const grace = DEMO_PATRONS[1]!
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

async function expectNoViolations(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze()
  await testInfo.attach(`axe ${name}`, { body: JSON.stringify(results.violations, null, 2), contentType: 'application/json' })
  const summary = results.violations.map(
    (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
  )
  expect(summary, `axe violations on ${name}`).toEqual([])
}

async function keepScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`)
  await page.screenshot({ path, fullPage: true })
}

test.describe('SPEC 3 accessibility (WCAG 2.2 AA, axe-core)', () => {
  test('login, top, modpinfo with errors shown and the simulator have zero axe violations', async ({ page, portal }, testInfo) => {
    const login = new LoginPage(page)
    await login.goto()
    await expectNoViolations(page, testInfo, 'login')
    await keepScreenshot(page, testInfo, 'login')

    await login.logIn(ada.barcode, 'wrong')
    await expect(page.locator('h2.errormessage')).toHaveCount(1)
    await expectNoViolations(page, testInfo, 'login with an error')

    const patronId = await login.logInAs(ada)
    await expectNoViolations(page, testInfo, 'top')

    const modpinfo = new ModpinfoPage(page)
    await modpinfo.goto(patronId)
    await modpinfo.email.fill('not-an-email')
    await modpinfo.optInWith('201555012')
    await expect(modpinfo.errorMessages).toHaveText([
      'Enter an email address in the form name@example.org.',
      messages.SMS_ERR_NUMBER_LENGTH,
    ])
    await expect(modpinfo.mobile).toHaveAttribute('aria-invalid', 'true')
    await expectNoViolations(page, testInfo, 'modpinfo with errors')

    await modpinfo.email.fill('ada@example.org')
    await modpinfo.optInWith('201-555-0123')
    await expect(modpinfo.status).toHaveText(messages.SMS_STATUS_PENDING_OPTIN)
    await portal.waitForTexts('+12015550123', 1)
    await expectNoViolations(page, testInfo, 'modpinfo updated, with history')
    await page.setViewportSize({ width: 1280, height: 900 })
    await keepScreenshot(page, testInfo, 'modpinfo-1280')
    await page.setViewportSize({ width: 375, height: 812 })
    await keepScreenshot(page, testInfo, 'modpinfo-375')
    await page.setViewportSize({ width: 1280, height: 900 })

    const simulator = new SimulatorPage(page)
    await simulator.goto('+12015550123')
    await simulator.quickReply('YES')
    await expect(simulator.received()).toHaveCount(2)
    await expectNoViolations(page, testInfo, 'simulator')
    await keepScreenshot(page, testInfo, 'simulator')
    await page.setViewportSize({ width: 375, height: 812 })
    await keepScreenshot(page, testInfo, 'simulator-375')
  })

  test('the no-JavaScript opt-out confirmation page has zero axe violations', async ({ page }, testInfo) => {
    // axe itself needs JavaScript, so only the page's own script is held back: the form then
    // posts without an answer and the server shows its confirmation page, as for a no-JS browser.
    await page.route('**/js/modpinfo.js', (route) => route.fulfill({ contentType: 'text/javascript', body: '' }))
    const patronId = await new LoginPage(page).logInAs(grace)
    const modpinfo = new ModpinfoPage(page)
    await modpinfo.goto(patronId)
    await modpinfo.optIn.uncheck()
    await modpinfo.submit()
    await expect(page.getByTestId('confirm-warning')).toHaveText(webOptions.optOutWarn)
    await expectNoViolations(page, testInfo, 'confirmation page')
    await keepScreenshot(page, testInfo, 'confirm')
  })
})
