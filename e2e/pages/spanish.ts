import { expect, type Page } from '@playwright/test'
import { es } from '../../src/web/i18n/es.js'
import { ModpinfoPage } from './ModpinfoPage.js'

// The patron pages in Spanish (SPEC 9), found by their Spanish labels and roles, the way a
// Spanish-reading patron (or their screen reader) finds them. The words come from the portal's
// own Spanish strings, so a better translation does not break the test.
export class SpanishPages extends ModpinfoPage {
  constructor(page: Page) {
    super(page, es.modpinfo)
  }

  /** Chooses Español with the switch on the login page, then logs in; returns the patron id. */
  async logInInSpanish(patron: { barcode: string; pin: string }): Promise<number> {
    await this.page.goto('/patroninfo')
    await this.page.getByRole('navigation', { name: 'Language' }).getByRole('link', { name: 'Español' }).click()
    await expect(this.page.locator('html')).toHaveAttribute('lang', 'es')
    await this.page.getByLabel(es.login.codeLabel).fill(patron.barcode)
    await this.page.getByLabel(es.login.pinLabel, { exact: true }).fill(patron.pin)
    await this.page.getByRole('button', { name: es.login.submit }).click()
    await expect(this.page).toHaveURL(/\/patroninfo\/\d+\/top$/)
    return Number(/\/patroninfo\/(\d+)\/top$/.exec(this.page.url())?.[1])
  }
}
