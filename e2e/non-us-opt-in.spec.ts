import { DEMO_PATRONS } from '../src/services/demoSeed.js'
import { LoginPage } from './pages/LoginPage.js'
import { ModpinfoPage } from './pages/ModpinfoPage.js'
import { SimulatorPage } from './pages/SimulatorPage.js'
import { expect, repoConfig, test } from './support/portal.js'
import { messages, texts } from './support/texts.js'

const ada = DEMO_PATRONS[0]!

test.describe('SPEC 4.3 outside the US (SMS_COUNTRY=GB)', () => {
  test.use({ portalOptions: { webOptions: `${repoConfig('webOptions')}\nSMS_COUNTRY=GB\n` } })

  test('a UK mobile in +44 form is Opted In at once and the phone gets the confirmation SMS, no invitation', async ({ page, portal }) => {
    const patronId = await new LoginPage(page).logInAs(ada)
    const modpinfo = new ModpinfoPage(page)
    await modpinfo.goto(patronId)
    await modpinfo.optInWith('+44 7400 123456')

    await expect(modpinfo.updated).toBeVisible()
    await expect(modpinfo.status).toHaveText(messages.SMS_STATUS_OPTED_IN)
    const received = await portal.waitForTexts('+447400123456', 1)
    expect(received.map(({ direction, text }) => ({ direction, text }))).toEqual([{ direction: 'outbound', text: texts.confirmation }])

    const simulator = new SimulatorPage(page)
    await simulator.goto('+447400123456')
    await expect(simulator.received()).toHaveCount(1)
    await expect(simulator.received().first()).toContainText(texts.confirmation)
  })
})
