import { DEMO_PATRONS } from '../src/services/demoSeed.js'
import { LoginPage } from './pages/LoginPage.js'
import { ModpinfoPage } from './pages/ModpinfoPage.js'
import { expect, type Portal, test } from './support/portal.js'
import { escapeRegExp, messages } from './support/texts.js'

const ada = DEMO_PATRONS[0]!

async function expectNothingSaved(portal: Portal, patronId: number): Promise<void> {
  const store = await portal.openStore()
  expect((await store.repos.patrons.findById(patronId))?.mobile).toBe('')
  expect(await store.repos.registrations.findByPatron(patronId)).toBeUndefined()
  expect(await store.repos.consent.listForPatron(patronId)).toEqual([])
}

test.describe('SPEC 4.1 mobile number validation', () => {
  for (const [digits, typed] of [
    ['9', '201555012'],
    ['16', '2015550123456789'],
  ] as const) {
    test(`a ${digits}-digit number shows SMS_ERR_NUMBER_LENGTH in the summary and beside the field, and nothing is saved`, async ({
      page,
      portal,
    }) => {
      const patronId = await new LoginPage(page).logInAs(ada)
      const modpinfo = new ModpinfoPage(page)
      await modpinfo.goto(patronId)
      await modpinfo.optInWith(typed)

      await expect(page).toHaveTitle(/^Error: /)
      await expect(modpinfo.errorMessages).toHaveText([messages.SMS_ERR_NUMBER_LENGTH])
      await expect(modpinfo.errorMessages.getByRole('link')).toHaveAttribute('href', '#mobile')
      await expect(modpinfo.mobile).toHaveAttribute('aria-invalid', 'true')
      await expect(modpinfo.mobile).toHaveAccessibleDescription(new RegExp(escapeRegExp(messages.SMS_ERR_NUMBER_LENGTH)))
      await expect(modpinfo.mobile).toHaveValue(typed)
      await expect(modpinfo.status).toHaveText(messages.SMS_STATUS_OPTED_OUT)
      await expect(modpinfo.updated).toHaveCount(0)

      // The summary link takes keyboard and screen reader users straight to the field.
      await modpinfo.errorMessages.getByRole('link').click()
      await expect(modpinfo.mobile).toBeFocused()

      await expectNothingSaved(portal, patronId)
      expect(await portal.simulatorMessages('+12015550123')).toEqual([])
    })
  }

  test('a number that is not valid for its country shows SMS_ERR_NUMBER_INVALID and nothing is saved', async ({ page, portal }) => {
    const patronId = await new LoginPage(page).logInAs(ada)
    const modpinfo = new ModpinfoPage(page)
    await modpinfo.goto(patronId)
    await modpinfo.optInWith('123-456-7890')

    await expect(modpinfo.errorMessages).toHaveText([messages.SMS_ERR_NUMBER_INVALID])
    await expect(page.locator('#mobile-error')).toContainText(messages.SMS_ERR_NUMBER_INVALID)
    await expect(modpinfo.status).toHaveText(messages.SMS_STATUS_OPTED_OUT)
    await expectNothingSaved(portal, patronId)
    expect(await portal.simulatorMessages('+11234567890')).toEqual([])
  })
})
