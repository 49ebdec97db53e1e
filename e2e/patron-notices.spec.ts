import { DEMO_PATRONS } from '../src/services/demoSeed.js'
import { LoginPage } from './pages/LoginPage.js'
import { ModpinfoPage } from './pages/ModpinfoPage.js'
import { expect, repoConfig, test } from './support/portal.js'
import { messages } from './support/texts.js'

const grace = DEMO_PATRONS[1]!

test.describe('SPEC 2 PATRON_NOTICES without m', () => {
  test.use({ portalOptions: { webOptions: `${repoConfig('webOptions')}\nPATRON_NOTICES=zp\n` } })

  test('modpinfo offers no mobile field and no Opt In box, and saving other fields leaves SMS alone', async ({ page, portal }) => {
    const patronId = await new LoginPage(page).logInAs(grace)
    const modpinfo = new ModpinfoPage(page)
    await modpinfo.goto(patronId)
    await expect(page.locator('input[name="mobile"]')).toHaveCount(0)
    await expect(page.locator('input[name="optin"]')).toHaveCount(0)
    await expect(modpinfo.status).toHaveText(messages.SMS_STATUS_OPTED_IN)

    await modpinfo.email.fill('grace.hopper@example.org')
    await modpinfo.submit()
    await expect(modpinfo.updated).toBeVisible()
    await expect(modpinfo.email).toHaveValue('grace.hopper@example.org')
    await expect(modpinfo.status).toHaveText(messages.SMS_STATUS_OPTED_IN)

    const patron = await (await portal.openStore()).repos.patrons.findById(patronId)
    expect(patron?.mobile).toBe(grace.mobile)
    expect(await portal.simulatorMessages('+12015550142')).toEqual([])
  })
})
