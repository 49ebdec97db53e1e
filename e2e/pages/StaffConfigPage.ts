import { expect, type Locator, type Page } from '@playwright/test'

// The configuration files page of the staff console and its editor (SPEC 2, 6).
export class StaffConfigPage {
  readonly editor: Locator
  readonly errors: Locator
  readonly problem: Locator

  constructor(private readonly page: Page) {
    this.editor = page.getByLabel(/^Contents of /)
    this.errors = page.getByTestId('config-errors')
    this.problem = page.getByTestId('config-problem')
  }

  async edit(file: 'messages.conf' | 'webpub.def'): Promise<void> {
    await this.page.goto('/staff/config')
    await this.page.getByRole('link', { name: `Edit ${file}` }).click()
    await expect(this.page.getByRole('heading', { level: 1, name: `Edit ${file}` })).toBeVisible()
  }

  async save(text: string): Promise<void> {
    await this.editor.fill(text)
    await this.page.getByRole('button', { name: 'Check and save' }).click()
  }

  state(file: 'messages.conf' | 'webpub.def'): Locator {
    return this.page.getByTestId(`config-${file}`).getByTestId('config-state')
  }
}
