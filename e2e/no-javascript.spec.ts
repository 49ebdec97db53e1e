import { DEMO_PATRONS } from '../src/services/demoSeed.js'
import { LoginPage } from './pages/LoginPage.js'
import { ModpinfoPage } from './pages/ModpinfoPage.js'
import { expect, test } from './support/portal.js'
import { messages, texts, webOptions } from './support/texts.js'

const grace = DEMO_PATRONS[1]!
const GRACE_MOBILE = '+12015550142'

test.describe('SPEC 3 without JavaScript the server asks on a confirmation page', () => {
  test.use({ javaScriptEnabled: false })

  test('opting out shows SMS_OPTOUT_WARN with Confirm and Cancel; Cancel changes nothing, Confirm opts out with one opt-out SMS', async ({
    page,
    portal,
  }) => {
    const patronId = await new LoginPage(page).logInAs(grace)
    const modpinfo = new ModpinfoPage(page)
    await modpinfo.goto(patronId)

    await modpinfo.optIn.uncheck()
    await modpinfo.submit()
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Stop SMS alerts?')
    await expect(page.getByTestId('confirm-warning')).toHaveText(webOptions.optOutWarn)
    await page.getByRole('button', { name: 'Cancel' }).click()
    await expect(modpinfo.status).toHaveText(messages.SMS_STATUS_OPTED_IN)
    await expect(modpinfo.optIn).toBeChecked()
    await expect(modpinfo.updated).toHaveCount(0)
    expect(await portal.simulatorMessages(GRACE_MOBILE)).toEqual([])

    await modpinfo.optIn.uncheck()
    await modpinfo.submit()
    await page.getByRole('button', { name: 'Confirm' }).click()
    await expect(modpinfo.updated).toBeVisible()
    await modpinfo.expectStatus(messages.SMS_STATUS_OPTED_OUT)
    await expect(modpinfo.mobile).toHaveValue(grace.mobile)
    const received = await portal.waitForTexts(GRACE_MOBILE, 1)
    expect(received.map((message) => message.text)).toEqual([texts.optout])
  })

  test('changing the number shows SMS_PHONE_WARN; after Confirm the new number is Pending with an invitation and the old one gets nothing', async ({
    page,
    portal,
  }) => {
    const patronId = await new LoginPage(page).logInAs(grace)
    const modpinfo = new ModpinfoPage(page)
    await modpinfo.goto(patronId)

    await modpinfo.mobile.fill('201-555-0199')
    await modpinfo.submit()
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Change your mobile number?')
    await expect(page.getByTestId('confirm-warning')).toHaveText(webOptions.phoneWarn)
    await expect(page.getByText('New mobile number: 201-555-0199')).toBeVisible()
    await page.getByRole('button', { name: 'Confirm' }).click()

    await expect(modpinfo.updated).toBeVisible()
    await expect(modpinfo.status).toHaveText(messages.SMS_STATUS_PENDING_OPTIN)
    await expect(modpinfo.mobile).toHaveValue('201-555-0199')
    const received = await portal.waitForTexts('+12015550199', 1)
    expect(received.map((message) => message.text)).toEqual([texts.invitation])
    expect(await portal.simulatorMessages(GRACE_MOBILE)).toEqual([])
  })
})
