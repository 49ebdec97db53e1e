import { expect, type Locator, type Page } from '@playwright/test'

// The simulated phones at /simulator: a conversation per number and a reply box that goes
// through the same inbound webhook as Vonage's.
export class SimulatorPage {
  readonly messages: Locator
  readonly replyBox: Locator

  constructor(private readonly page: Page) {
    this.messages = page.getByTestId('conversation').getByTestId('message')
    this.replyBox = page.getByLabel(/from this phone$/)
  }

  async goto(e164?: string): Promise<void> {
    await this.page.goto(e164 ? `/simulator?to=${encodeURIComponent(e164)}` : '/simulator')
  }

  async open(typedNumber: string): Promise<void> {
    await this.page.getByLabel('Open the phone with number').fill(typedNumber)
    await this.page.getByRole('button', { name: 'Open phone' }).click()
  }

  received(): Locator {
    return this.messages.and(this.page.locator('[data-direction="outbound"]'))
  }

  sent(): Locator {
    return this.messages.and(this.page.locator('[data-direction="inbound"]'))
  }

  async reply(text: string): Promise<void> {
    await this.replyBox.fill(text)
    await this.page.getByRole('button', { name: 'Send text' }).click()
    await expect(this.sent().last()).toContainText(text)
  }

  async quickReply(word: 'YES' | 'NO' | 'STOP' | 'START' | 'HELP'): Promise<void> {
    await this.page.getByRole('button', { name: `Text ${word}` }).click()
    await expect(this.sent().last()).toContainText(word)
  }
}
