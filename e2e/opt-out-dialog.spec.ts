import { DEMO_PATRONS } from '../src/services/demoSeed.js'
import { LoginPage } from './pages/LoginPage.js'
import { ModpinfoPage } from './pages/ModpinfoPage.js'
import { expect, test } from './support/portal.js'
import { messages, texts, webOptions } from './support/texts.js'

// Grace is opted in with (201) 555-0142.
const grace = DEMO_PATRONS[1]!
const GRACE_MOBILE = '+12015550142'

test('SPEC 4.4 opt-out with JavaScript: Cancel in the SMS_OPTOUT_WARN dialog changes nothing; OK makes it Pending, then Not Opted In with one opt-out SMS, and the number stays', async ({
  page,
  portal,
}) => {
  const patronId = await new LoginPage(page).logInAs(grace)
  const modpinfo = new ModpinfoPage(page)
  await modpinfo.goto(patronId)
  await expect(modpinfo.status).toHaveText(messages.SMS_STATUS_OPTED_IN)

  await modpinfo.optIn.uncheck()
  const dismissed = modpinfo.answerNextDialog(false)
  await modpinfo.submit()
  expect(await dismissed).toBe(webOptions.optOutWarn)
  await expect(modpinfo.updated).toHaveCount(0)
  await modpinfo.reload()
  await expect(modpinfo.status).toHaveText(messages.SMS_STATUS_OPTED_IN)
  await expect(modpinfo.optIn).toBeChecked()

  await modpinfo.optIn.uncheck()
  const accepted = modpinfo.answerNextDialog(true)
  await modpinfo.submit()
  expect(await accepted).toBe(webOptions.optOutWarn)
  await expect(modpinfo.updated).toBeVisible()
  await modpinfo.expectStatus(messages.SMS_STATUS_OPTED_OUT)
  await expect(modpinfo.mobile).toHaveValue(grace.mobile)
  await expect(modpinfo.optIn).not.toBeChecked()
  // Pending first (the opt-out waits for its one text), then Not Opted In.
  await expect(modpinfo.history.getByRole('row').nth(1)).toContainText(`Status: ${messages.SMS_STATUS_OPTED_OUT}`)
  await expect(modpinfo.history.getByRole('row').nth(2)).toContainText(`You asked to stop SMS alerts`)
  await expect(modpinfo.history.getByRole('row').nth(2)).toContainText(`Status: ${messages.SMS_STATUS_PENDING_OPTOUT}`)

  const received = await portal.waitForTexts(GRACE_MOBILE, 1)
  expect(received.map(({ direction, text }) => ({ direction, text }))).toEqual([{ direction: 'outbound', text: texts.optout }])
})
