import { expect, type Locator, type Page } from '@playwright/test'
import { en } from '../../src/web/i18n/en.js'

/** The page's words in one language: the portal's own strings, so a better wording breaks no test. */
type ModpinfoWords = Pick<typeof en.modpinfo, 'title' | 'email' | 'mobile' | 'optin' | 'submit' | 'updated'>

// Modify Personal Information (SPEC 3), found the way a patron (or a screen reader) finds it:
// by labels, roles and the data-qa="sms-status" hook.
export class ModpinfoPage {
  readonly status: Locator
  readonly email: Locator
  readonly mobile: Locator
  readonly optIn: Locator
  readonly submitButton: Locator
  readonly errorMessages: Locator
  readonly updated: Locator
  readonly history: Locator

  constructor(
    protected readonly page: Page,
    private readonly words: ModpinfoWords = en.modpinfo,
  ) {
    this.status = page.getByTestId('sms-status')
    this.email = page.getByLabel(words.email)
    this.mobile = page.getByLabel(words.mobile)
    this.optIn = page.getByLabel(words.optin)
    this.submitButton = page.getByRole('button', { name: words.submit })
    this.errorMessages = page.locator('[data-qa="error-summary"] h2.errormessage')
    this.updated = page.getByText(words.updated)
    this.history = page.getByTestId('consent-history')
  }

  async goto(patronId: number): Promise<void> {
    await this.page.goto(`/patroninfo/${patronId}/modpinfo`)
    await expect(this.page.getByRole('heading', { level: 1, name: this.words.title })).toBeVisible()
  }

  async reload(): Promise<void> {
    await this.page.reload()
  }

  async submit(): Promise<void> {
    await this.submitButton.click()
  }

  /** Types a number, ticks Opt In and submits: the patron's way to sign up. */
  async optInWith(number: string): Promise<void> {
    await this.mobile.fill(number)
    await this.optIn.check()
    await this.submit()
  }

  /** Accepts (true) or dismisses (false) the next confirm() dialog; returns its text. */
  answerNextDialog(accept: boolean): Promise<string> {
    return new Promise((resolve) => {
      this.page.once('dialog', (dialog) => {
        const message = dialog.message()
        void (accept ? dialog.accept() : dialog.dismiss()).then(() => resolve(message))
      })
    })
  }

  /** Reloads until the status shows `text` (texts and receipts are processed after the page loads). */
  async expectStatus(text: string): Promise<void> {
    await expect(async () => {
      await this.page.reload()
      await expect(this.status).toHaveText(text, { timeout: 500 })
    }).toPass({ timeout: 10_000 })
  }
}
