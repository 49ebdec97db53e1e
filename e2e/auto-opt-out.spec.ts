import { DEMO_PATRONS } from '../src/services/demoSeed.js'
import { LoginPage } from './pages/LoginPage.js'
import { ModpinfoPage } from './pages/ModpinfoPage.js'
import { expect, type Portal, test } from './support/portal.js'
import { messages } from './support/texts.js'

const grace = DEMO_PATRONS[1]!

// What an ILS load, the CLI or staff would do: change the MOBILE PH field behind modpinfo's back.
async function setMobileOutOfBand(portal: Portal, patronId: number, mobile: string): Promise<void> {
  const store = await portal.openStore()
  await store.repos.patrons.update(patronId, { mobile }, new Date().toISOString())
}

test.describe('SPEC 4.5 automatic opt-out when the record number changes', () => {
  test('a different number set outside modpinfo opts the patron out silently and modpinfo shows SMS_ERR_AUTO_OPTOUT', async ({
    page,
    portal,
  }) => {
    const patronId = await new LoginPage(page).logInAs(grace)
    await setMobileOutOfBand(portal, patronId, '(201) 555-0199')

    const modpinfo = new ModpinfoPage(page)
    await modpinfo.goto(patronId)
    await expect(page.getByTestId('auto-optout')).toHaveText(messages.SMS_ERR_AUTO_OPTOUT)
    await expect(modpinfo.status).toHaveText(messages.SMS_STATUS_OPTED_OUT)
    await expect(modpinfo.mobile).toHaveValue('(201) 555-0199')
    await expect(modpinfo.optIn).not.toBeChecked()
    await expect(modpinfo.history.getByRole('row').nth(1)).toContainText('because your mobile number changed')
    await expect(modpinfo.history.getByRole('row').nth(1)).toContainText('Automatically')

    // Silent: neither the old nor the new number gets a text.
    await page.waitForTimeout(500)
    expect(await portal.simulatorMessages('+12015550142')).toEqual([])
    expect(await portal.simulatorMessages('+12015550199')).toEqual([])
  })

  test('a punctuation-only change of the same number does not opt out', async ({ page, portal }) => {
    const patronId = await new LoginPage(page).logInAs(grace)
    await setMobileOutOfBand(portal, patronId, '201.555.0142')

    const modpinfo = new ModpinfoPage(page)
    await modpinfo.goto(patronId)
    await expect(modpinfo.status).toHaveText(messages.SMS_STATUS_OPTED_IN)
    await expect(modpinfo.mobile).toHaveValue('201.555.0142')
    await expect(page.getByTestId('auto-optout')).toHaveCount(0)
    await expect(modpinfo.optIn).toBeChecked()
    expect(await portal.simulatorMessages('+12015550142')).toEqual([])
  })
})
