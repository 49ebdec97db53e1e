import { DEMO_PATRONS } from '../src/services/demoSeed.js'
import { LoginPage } from './pages/LoginPage.js'
import { ModpinfoPage } from './pages/ModpinfoPage.js'
import { SimulatorPage } from './pages/SimulatorPage.js'
import { expect, repoConfig, test } from './support/portal.js'
import { messages, texts } from './support/texts.js'

const grace = DEMO_PATRONS[1]!
const GRACE_MOBILE = '+12015550142'

test.describe('SPEC 4.6 keywords texted from the phone', () => {
  // Alerts may go out at any hour in this test, so a held alert cannot pass for a refused one.
  test.use({ portalOptions: { webOptions: `${repoConfig('webOptions')}\nSMS_SEND_WINDOW=00:00-24:00\n` } })

  test('STOP opts out at once and nothing more is sent (alert, re-submit); HELP gets the help text; START opts in again with a confirmation', async ({
    page,
    portal,
  }) => {
    const patronId = await new LoginPage(page).logInAs(grace)
    const simulator = new SimulatorPage(page)
    await simulator.goto()
    await simulator.open('(201) 555-0142')
    await expect(page.getByRole('heading', { name: 'Phone +1 201 555 0142' })).toBeVisible()
    await simulator.reply('Stop')

    const modpinfo = new ModpinfoPage(page)
    await modpinfo.goto(patronId)
    await expect(modpinfo.status).toHaveText(messages.SMS_STATUS_OPTED_OUT)
    await expect(modpinfo.history.getByRole('row').nth(1)).toContainText('You stopped SMS alerts by texting STOP')
    await expect(modpinfo.history.getByRole('row').nth(1)).toContainText('By text message')

    // A hold alert queued afterwards is never sent to the opted-out number.
    const store = await portal.openStore()
    const alertId = await store.repos.outbox.enqueue(
      { patron_id: patronId, e164: GRACE_MOBILE, kind: 'alert', alert_type: 'hold', text: 'Demo Public Library: a hold is ready for you.' },
      new Date(),
    )
    await expect.poll(async () => (await store.repos.outbox.findById(alertId))?.state).toBe('cancelled')

    // Saving the form again without Opt In sends nothing either.
    await modpinfo.email.fill('grace.hopper@example.org')
    await modpinfo.submit()
    await expect(modpinfo.updated).toBeVisible()
    await expect(modpinfo.status).toHaveText(messages.SMS_STATUS_OPTED_OUT)
    await page.waitForTimeout(500)
    expect((await portal.simulatorMessages(GRACE_MOBILE)).filter((message) => message.direction === 'outbound')).toEqual([])

    await simulator.goto(GRACE_MOBILE)
    await simulator.quickReply('HELP')
    await expect(simulator.received()).toHaveCount(1)
    await expect(simulator.received().last()).toContainText(texts.help)
    await modpinfo.goto(patronId)
    await expect(modpinfo.status).toHaveText(messages.SMS_STATUS_OPTED_OUT)

    await simulator.goto(GRACE_MOBILE)
    await simulator.quickReply('START')
    await expect(simulator.received()).toHaveCount(2)
    await expect(simulator.received().last()).toContainText(texts.confirmation)
    await modpinfo.goto(patronId)
    await expect(modpinfo.status).toHaveText(messages.SMS_STATUS_OPTED_IN)
    await expect(modpinfo.history.getByRole('row').nth(1)).toContainText('You restarted SMS alerts by texting START')

    const conversation = await portal.simulatorMessages(GRACE_MOBILE)
    expect(conversation.map(({ direction, text }) => ({ direction, text }))).toEqual([
      { direction: 'inbound', text: 'Stop' },
      { direction: 'inbound', text: 'HELP' },
      { direction: 'outbound', text: texts.help },
      { direction: 'inbound', text: 'START' },
      { direction: 'outbound', text: texts.confirmation },
    ])
  })
})
