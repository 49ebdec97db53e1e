import { DEMO_PATRONS } from '../src/services/demoSeed.js'
import { LoginPage } from './pages/LoginPage.js'
import { ModpinfoPage } from './pages/ModpinfoPage.js'
import { SimulatorPage } from './pages/SimulatorPage.js'
import { expect, test } from './support/portal.js'
import { messages, texts, webOptions } from './support/texts.js'

// Katherine has 201-555-0173 on file and is not opted in.
const katherine = DEMO_PATRONS[2]!
const KATHERINE_MOBILE = '+12015550173'

test.describe('SPEC 4.3 an opt-in that is not confirmed becomes Rejected', () => {
  test('replying NO to the invitation makes the status Rejected and sends nothing more', async ({ page, portal }) => {
    const patronId = await new LoginPage(page).logInAs(katherine)
    const modpinfo = new ModpinfoPage(page)
    await modpinfo.goto(patronId)
    await expect(modpinfo.mobile).toHaveValue(katherine.mobile)
    await modpinfo.optIn.check()
    await modpinfo.submit()
    await expect(modpinfo.status).toHaveText(messages.SMS_STATUS_PENDING_OPTIN)
    await portal.waitForTexts(KATHERINE_MOBILE, 1)

    const simulator = new SimulatorPage(page)
    await simulator.goto(KATHERINE_MOBILE)
    await simulator.quickReply('NO')

    await modpinfo.goto(patronId)
    await modpinfo.expectStatus(messages.SMS_STATUS_REJECTED)
    await expect(modpinfo.optIn).not.toBeChecked()
    await expect(modpinfo.history.getByRole('row').nth(1)).toContainText('You declined SMS alerts by replying NO')
    const conversation = await portal.simulatorMessages(KATHERINE_MOBILE)
    expect(conversation.map(({ direction, text }) => ({ direction, text }))).toEqual([
      { direction: 'outbound', text: texts.invitation },
      { direction: 'inbound', text: 'NO' },
    ])
  })

  test('an invitation unanswered for SMS_OPTIN_EXPIRY_HOURS shows Rejected, never a stale Pending', async ({ page, portal }) => {
    const patronId = await new LoginPage(page).logInAs(katherine)
    const modpinfo = new ModpinfoPage(page)
    await modpinfo.goto(patronId)
    await modpinfo.optIn.check()
    await modpinfo.submit()
    await expect(modpinfo.status).toHaveText(messages.SMS_STATUS_PENDING_OPTIN)
    await portal.waitForTexts(KATHERINE_MOBILE, 1)

    // The invitation went out longer ago than the library allows (set in the database, as time passing would).
    const store = await portal.openStore()
    const registration = await store.repos.registrations.findByPatron(patronId)
    expect(registration?.status).toBe('pending_optin')
    const longAgo = new Date(Date.now() - (webOptions.optInExpiryHours + 1) * 3_600_000).toISOString()
    await store.repos.registrations.save({ ...registration!, invited_at: longAgo })

    await modpinfo.reload()
    await expect(modpinfo.status).toHaveText(messages.SMS_STATUS_REJECTED)
    await expect(modpinfo.history.getByRole('row').nth(1)).toContainText('was not answered in time')
    const conversation = await portal.simulatorMessages(KATHERINE_MOBILE)
    expect(conversation.map((message) => message.text)).toEqual([texts.invitation])
  })
})
