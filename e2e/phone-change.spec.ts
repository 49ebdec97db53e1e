import { DEMO_PATRONS } from '../src/services/demoSeed.js'
import { LoginPage } from './pages/LoginPage.js'
import { ModpinfoPage } from './pages/ModpinfoPage.js'
import { expect, test } from './support/portal.js'
import { messages, texts, webOptions } from './support/texts.js'

const grace = DEMO_PATRONS[1]!
const OLD_NUMBER = '+12015550142'
const NEW_NUMBER = '+12015550199'

test('SPEC 4.7 phone change: Cancel in the SMS_PHONE_WARN dialog keeps the old number; OK ends the old registration and invites only the new number', async ({
  page,
  portal,
}) => {
  const patronId = await new LoginPage(page).logInAs(grace)
  const modpinfo = new ModpinfoPage(page)
  await modpinfo.goto(patronId)

  await modpinfo.mobile.fill('201 555 0199')
  const dismissed = modpinfo.answerNextDialog(false)
  await modpinfo.submit()
  expect(await dismissed).toBe(webOptions.phoneWarn)
  await modpinfo.reload()
  await expect(modpinfo.mobile).toHaveValue(grace.mobile)
  await expect(modpinfo.status).toHaveText(messages.SMS_STATUS_OPTED_IN)

  // A reformatted but identical number is not a change: no question is asked.
  await modpinfo.mobile.fill('201.555.0142')
  await modpinfo.submit()
  await expect(modpinfo.updated).toBeVisible()
  await expect(modpinfo.status).toHaveText(messages.SMS_STATUS_OPTED_IN)

  await modpinfo.mobile.fill('201 555 0199')
  const accepted = modpinfo.answerNextDialog(true)
  await modpinfo.submit()
  expect(await accepted).toBe(webOptions.phoneWarn)
  await expect(modpinfo.updated).toBeVisible()
  await expect(modpinfo.status).toHaveText(messages.SMS_STATUS_PENDING_OPTIN)
  await expect(page.getByText('for +1 201 555 0199')).toBeVisible()
  await expect(modpinfo.history.getByRole('row').nth(1)).toContainText('You asked for SMS alerts to +1 201 555 0199')
  await expect(modpinfo.history.getByRole('row').nth(2)).toContainText('because your mobile number changed from +1 201 555 0142')

  const received = await portal.waitForTexts(NEW_NUMBER, 1)
  expect(received.map((message) => message.text)).toEqual([texts.invitation])
  expect(await portal.simulatorMessages(OLD_NUMBER)).toEqual([])
})
