import { DEMO_PATRONS } from '../src/services/demoSeed.js'
import { LoginPage } from './pages/LoginPage.js'
import { ModpinfoPage } from './pages/ModpinfoPage.js'
import { SimulatorPage } from './pages/SimulatorPage.js'
import { expect, test } from './support/portal.js'
import { escapeRegExp, messages, texts } from './support/texts.js'

const ada = DEMO_PATRONS[0]!
const ADA_MOBILE = '+12015550123'

test('SPEC 4.3 US opt-in: a valid number with Opt In is Pending with an invitation SMS, and replying YES makes it Opted In with a confirmation SMS', async ({
  page,
  portal,
}) => {
  const patronId = await new LoginPage(page).logInAs(ada)
  const modpinfo = new ModpinfoPage(page)
  await modpinfo.goto(patronId)
  await expect(modpinfo.status).toHaveText(messages.SMS_STATUS_OPTED_OUT)

  await modpinfo.optInWith('(201) 555-0123')

  await expect(modpinfo.updated).toBeVisible()
  await expect(modpinfo.status).toHaveText(messages.SMS_STATUS_PENDING_OPTIN)
  await expect(modpinfo.mobile).toHaveValue('(201) 555-0123')
  await expect(modpinfo.optIn).toBeChecked()
  const invited = await portal.waitForTexts(ADA_MOBILE, 1)
  expect(invited.map((message) => message.text)).toEqual([texts.invitation])

  const simulator = new SimulatorPage(page)
  await simulator.goto(ADA_MOBILE)
  await expect(simulator.received()).toHaveText([new RegExp(escapeRegExp(texts.invitation))])
  await simulator.reply('Yes')

  await expect(simulator.received()).toHaveCount(2)
  await expect(simulator.received().last()).toContainText(texts.confirmation)
  const conversation = await portal.simulatorMessages(ADA_MOBILE)
  expect(conversation.map(({ direction, text }) => ({ direction, text }))).toEqual([
    { direction: 'outbound', text: texts.invitation },
    { direction: 'inbound', text: 'Yes' },
    { direction: 'outbound', text: texts.confirmation },
  ])

  await modpinfo.goto(patronId)
  await expect(modpinfo.status).toHaveText(messages.SMS_STATUS_OPTED_IN)
  await expect(modpinfo.history.getByRole('row')).toHaveText([
    /Date and time/,
    /You confirmed SMS alerts by replying YES.*Status: Opted In.*By text message/s,
    /You asked for SMS alerts to \+1 201 555 0123.*Status: Pending.*On this website/s,
  ])
})
