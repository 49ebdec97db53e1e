import { expect, type Page } from '@playwright/test'
import type { DemoLogin } from '../../src/services/demoSeed.js'

export class LoginPage {
  constructor(private readonly page: Page) {}

  async goto(): Promise<void> {
    await this.page.goto('/patroninfo')
  }

  async logIn(barcode: string, pin: string): Promise<void> {
    await this.page.getByLabel('Library card number').fill(barcode)
    await this.page.getByLabel('PIN', { exact: true }).fill(pin)
    await this.page.getByRole('button', { name: 'Log in' }).click()
  }

  /** Logs a demo patron in and returns their patron id (from the top page's URL). */
  async logInAs(patron: DemoLogin): Promise<number> {
    await this.goto()
    await this.logIn(patron.barcode, patron.pin)
    await expect(this.page).toHaveURL(/\/patroninfo\/\d+\/top$/)
    return Number(/\/patroninfo\/(\d+)\/top$/.exec(this.page.url())?.[1])
  }
}
