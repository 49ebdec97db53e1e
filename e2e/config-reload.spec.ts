import { DEMO_PATRONS } from '../src/services/demoSeed.js'
import { LoginPage } from './pages/LoginPage.js'
import { ModpinfoPage } from './pages/ModpinfoPage.js'
import { expect, repoConfig, test } from './support/portal.js'
import { messages } from './support/texts.js'

const ada = DEMO_PATRONS[0]!

test('SPEC 2 an edit of messages.conf shows the new status text within 2 seconds without a restart; a broken edit keeps the last good text', async ({
  page,
  portal,
  request,
}) => {
  const patronId = await new LoginPage(page).logInAs(ada)
  const modpinfo = new ModpinfoPage(page)
  await modpinfo.goto(patronId)
  await expect(modpinfo.status).toHaveText(messages.SMS_STATUS_OPTED_OUT)

  const edited = `${repoConfig('messagesConf')}\nSMS_STATUS_OPTED_OUT=Not signed up for texts\n`
  portal.writeConfig('messagesConf', edited)
  const editedAt = Date.now()
  await expect(async () => {
    await modpinfo.reload()
    await expect(modpinfo.status).toHaveText('Not signed up for texts', { timeout: 200 })
  }).toPass({ timeout: 5_000, intervals: [100] })
  expect(Date.now() - editedAt).toBeLessThan(2_500)

  portal.writeConfig('messagesConf', `${edited}SMS_STATUS_OPTED_OUT=Broken edit\nthis line is not KEY=VALUE\n`)
  // Wait until the portal has read (and refused) the broken file, then look again.
  await expect
    .poll(async () => {
      const health = (await (await request.get('/healthz')).json()) as { config: { messagesConf: { errors: number } } }
      return health.config.messagesConf.errors
    })
    .toBeGreaterThan(0)
  await modpinfo.reload()
  await expect(modpinfo.status).toHaveText('Not signed up for texts')
})
