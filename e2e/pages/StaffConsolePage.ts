import { expect, type Locator, type Page } from '@playwright/test'

// The staff console (SPEC 6), found the way a librarian finds it: labels, roles, headings.
export class StaffConsolePage {
  readonly searchBox: Locator
  readonly results: Locator
  readonly status: Locator
  readonly history: Locator
  readonly notice: Locator

  constructor(private readonly page: Page) {
    this.searchBox = page.getByLabel('Barcode, name or mobile number')
    this.results = page.getByTestId('search-results')
    this.status = page.getByTestId('sms-status')
    this.history = page.getByTestId('consent-history')
    this.notice = page.getByTestId('notice')
  }

  async logIn(username: string, password: string): Promise<void> {
    await this.page.goto('/staff/login')
    await this.page.getByLabel('Username').fill(username)
    await this.page.getByLabel('Password').fill(password)
    await this.page.getByRole('button', { name: 'Log in' }).click()
    await expect(this.page.getByRole('heading', { level: 1, name: 'Patron search' })).toBeVisible()
  }

  async search(query: string): Promise<void> {
    await this.page.goto('/staff')
    await this.searchBox.fill(query)
    await this.page.getByRole('button', { name: 'Search' }).click()
  }

  /** Searches and opens the one result named `name`. */
  async openRecord(query: string, name: string): Promise<void> {
    await this.search(query)
    await this.results.getByRole('link', { name }).click()
    await expect(this.page.getByRole('heading', { level: 1, name })).toBeVisible()
  }

  /** Clicks an action on the record page, then Confirm on its confirmation page. */
  async actAndConfirm(action: string, confirmLabel: string): Promise<void> {
    await this.page.getByRole('link', { name: action }).click()
    await expect(this.page.getByTestId('confirm-warning')).toBeVisible()
    await this.page.getByRole('button', { name: confirmLabel }).click()
  }
}
