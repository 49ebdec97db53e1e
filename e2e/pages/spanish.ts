import { expect, type Locator, type Page } from '@playwright/test'
import { es } from '../../src/web/i18n/es.js'

// The patron pages in Spanish (SPEC 9), found by their Spanish labels and roles, the way a
// Spanish-reading patron (or their screen reader) finds them. The words come from the portal's
// own Spanish strings, so a better translation does not break the test.
export class SpanishPages {
  readonly status: Locator
  readonly email: Locator
  readonly mobile: Locator
  readonly optIn: Locator
  readonly submitButton: Locator
  readonly errorMessages: Locator
  readonly updated: Locator
  readonly history: Locator

  constructor(private readonly page: Page) {
    this.status = page.getByTestId('sms-status')
    this.email = page.getByLabel(es.modpinfo.email)
    this.mobile = page.getByLabel(es.modpinfo.mobile)
    this.optIn = page.getByLabel(es.modpinfo.optin)
    this.submitButton = page.getByRole('button', { name: es.modpinfo.submit })
    this.errorMessages = page.locator('[data-qa="error-summary"] h2.errormessage')
    this.updated = page.getByText(es.modpinfo.updated)
    this.history = page.getByTestId('consent-history')
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

  async gotoModpinfo(patronId: number): Promise<void> {
    await this.page.goto(`/patroninfo/${patronId}/modpinfo`)
    await expect(this.page.getByRole('heading', { level: 1, name: es.modpinfo.title })).toBeVisible()
  }

  async optInWith(number: string): Promise<void> {
    await this.mobile.fill(number)
    await this.optIn.check()
    await this.submitButton.click()
  }

  answerNextDialog(accept: boolean): Promise<string> {
    return new Promise((resolve) => {
      this.page.once('dialog', (dialog) => {
        const message = dialog.message()
        void (accept ? dialog.accept() : dialog.dismiss()).then(() => resolve(message))
      })
    })
  }

  async expectStatus(text: string): Promise<void> {
    await expect(async () => {
      await this.page.reload()
      await expect(this.status).toHaveText(text, { timeout: 500 })
    }).toPass({ timeout: 10_000 })
  }
}
