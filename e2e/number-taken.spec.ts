import { DEMO_PATRONS } from '../src/services/demoSeed.js'
import { LoginPage } from './pages/LoginPage.js'
import { ModpinfoPage } from './pages/ModpinfoPage.js'
import { expect, test } from './support/portal.js'
import { messages, texts } from './support/texts.js'

const ada = DEMO_PATRONS[0]!
const alan = DEMO_PATRONS[3]!

test('SPEC 4.2 a number another patron holds, typed in another format, shows SMS_ERR_NUMBER_TAKEN without revealing that patron', async ({
  page,
  portal,
}) => {
  const login = new LoginPage(page)
  const modpinfo = new ModpinfoPage(page)
  const adaId = await login.logInAs(ada)
  await modpinfo.goto(adaId)
  await modpinfo.optInWith('(201) 555-0123')
  await expect(modpinfo.status).toHaveText(messages.SMS_STATUS_PENDING_OPTIN)
  await page.getByRole('button', { name: 'Log out' }).click()
  await expect(page.getByText('You have logged out.')).toBeVisible()

  const alanId = await login.logInAs(alan)
  await modpinfo.goto(alanId)
  await modpinfo.optInWith('+1 201 555 0123')

  await expect(modpinfo.errorMessages).toHaveText([messages.SMS_ERR_NUMBER_TAKEN])
  await expect(modpinfo.status).toHaveText(messages.SMS_STATUS_OPTED_OUT)
  const body = await page.locator('body').textContent()
  for (const secret of [ada.name, 'Lovelace', ada.barcode, ada.email]) expect(body).not.toContain(secret)

  const store = await portal.openStore()
  expect((await store.repos.patrons.findById(alanId))?.mobile).toBe('')
  expect(await store.repos.registrations.findByPatron(alanId)).toBeUndefined()
  const received = await portal.waitForTexts('+12015550123', 1)
  expect(received.map((message) => message.text)).toEqual([texts.invitation])
})
