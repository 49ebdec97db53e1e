import { DEMO_PATRONS } from '../src/services/demoSeed.js'
import { LoginPage } from './pages/LoginPage.js'
import { ModpinfoPage } from './pages/ModpinfoPage.js'
import { expect, test } from './support/portal.js'

const grace = DEMO_PATRONS[1]!
// Everything on Grace's pages that would tell the next person at a shared PC who she is.
const GRACE_SECRETS = [grace.name, 'Hopper', grace.barcode, grace.email, '555-0142', '555 0142']

test("issue 10 finding 4: on a shared PC, Back after logout shows the login page, never the patron's name, card number, email, phone or consent history", async ({
  page,
}) => {
  const patronId = await new LoginPage(page).logInAs(grace)
  await expect(page.getByText(grace.barcode)).toBeVisible()
  const modpinfo = new ModpinfoPage(page)
  await modpinfo.goto(patronId)
  await expect(modpinfo.mobile).toHaveValue(grace.mobile)
  await expect(modpinfo.history).toBeVisible()

  await page.getByRole('button', { name: 'Log out' }).click()
  await expect(page.getByText('You have logged out.')).toBeVisible()

  // Back to modpinfo, then back once more to top (name and card number).
  for (const step of ['modpinfo', 'top']) {
    await page.goBack()
    const html = await page.content()
    for (const secret of GRACE_SECRETS) expect(html, `Back to ${step} must not show ${secret}`).not.toContain(secret)
    await expect(modpinfo.history).toHaveCount(0)
    await expect(page.getByRole('button', { name: 'Log in' }), `Back to ${step} asks for a login`).toBeVisible()
  }
})
