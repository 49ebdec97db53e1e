import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { AxeBuilder } from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { DEMO_PATRONS, DEMO_STAFF } from '../src/services/demoSeed.js'
import { LoginPage } from './pages/LoginPage.js'
import { ModpinfoPage } from './pages/ModpinfoPage.js'
import { StaffConfigPage } from './pages/StaffConfigPage.js'
import { StaffConsolePage } from './pages/StaffConsolePage.js'
import { expect, test } from './support/portal.js'
import { messages } from './support/texts.js'

// Demo data: Grace Hopper is opted in with MOBILE PH "(201) 555-0142", registered as +12015550142.
const grace = DEMO_PATRONS[1]!
const GRACE_E164 = '+12015550142'
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze()
  return results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)
}

test.describe('SPEC 6 staff console', () => {
  test('search by a differently formatted number finds the patron: "+1 201.555.0142" finds the record holding "(201) 555-0142"', async ({
    page,
  }) => {
    const staff = new StaffConsolePage(page)
    await staff.logIn(DEMO_STAFF.username, DEMO_STAFF.password)
    await staff.search('+1 201.555.0142')
    await expect(page.getByTestId('search-summary')).toHaveText(/Patrons 1 to 1 of 1/)
    await expect(staff.results.getByRole('row')).toHaveCount(2)
    await expect(staff.results.getByRole('row').nth(1)).toContainText(grace.name)
    await expect(staff.results.getByRole('row').nth(1)).toContainText(messages.SMS_STATUS_OPTED_IN)
  })

  test('SPEC 4.8 delete patron: after confirming, the patron can no longer log in, no SMS is sent, and the consent history is kept', async ({
    page,
    portal,
  }) => {
    const staff = new StaffConsolePage(page)
    await staff.logIn(DEMO_STAFF.username, DEMO_STAFF.password)
    await staff.openRecord(grace.barcode, grace.name)
    await expect(staff.status).toHaveText(messages.SMS_STATUS_OPTED_IN)

    await staff.actAndConfirm('Delete patron record', 'Delete the patron record')

    await expect(staff.notice).toContainText(`Patron ${grace.barcode} (${grace.name}) was deleted`)
    await expect(staff.history.getByRole('row')).toHaveText([
      /Time/,
      /Opted In\s*Not Opted In\s*Staff\s*librarian\s*record_deleted/,
      /Not Opted In\s*Opted In\s*System\s*demo seed\s*demo_seed/,
    ])
    await staff.search(grace.barcode)
    await expect(page.getByTestId('search-summary')).toHaveText(/No patrons match/)

    await page.getByRole('button', { name: 'Log out' }).click()
    const login = new LoginPage(page)
    await login.goto()
    await login.logIn(grace.barcode, grace.pin)
    await expect(page.locator('h2.errormessage')).toContainText('not right')
    await expect(page).toHaveURL(/\/patroninfo$/)

    expect(await portal.simulatorMessages(GRACE_E164)).toEqual([])
  })

  test("SPEC 4.8 delete MOBILE PH: after confirming, the patron's own modpinfo shows Not Opted In and an empty mobile number, and no SMS is sent", async ({
    page,
    portal,
  }) => {
    const staff = new StaffConsolePage(page)
    await staff.logIn(DEMO_STAFF.username, DEMO_STAFF.password)
    await staff.openRecord('Grace', grace.name)
    await staff.actAndConfirm('Delete MOBILE PH field', 'Delete the mobile number')
    await expect(staff.notice).toContainText('The MOBILE PH field was deleted')
    await expect(staff.status).toHaveText(messages.SMS_STATUS_OPTED_OUT)
    await expect(staff.history.getByRole('row').nth(1)).toContainText(/Opted In\s*Not Opted In\s*Staff\s*librarian\s*mobile_removed/)
    await page.getByRole('button', { name: 'Log out' }).click()

    const patronId = await new LoginPage(page).logInAs(grace)
    const modpinfo = new ModpinfoPage(page)
    await modpinfo.goto(patronId)
    await expect(modpinfo.status).toHaveText(messages.SMS_STATUS_OPTED_OUT)
    await expect(modpinfo.mobile).toHaveValue('')
    expect(await portal.simulatorMessages(GRACE_E164)).toEqual([])
  })

  test('SPEC 2 config edit: messages.conf with a broken line is refused with its line number and the file is unchanged; a valid edit changes the patron page', async ({
    page,
    portal,
  }) => {
    const file = join(dirname(portal.dataDir), 'messages.conf')
    const original = readFileSync(file, 'utf8')
    const staff = new StaffConsolePage(page)
    await staff.logIn(DEMO_STAFF.username, DEMO_STAFF.password)
    const config = new StaffConfigPage(page)
    await config.edit('messages.conf')
    await expect(config.editor).toHaveValue(original)

    const broken = `${original}this line has no equals sign\n`
    const brokenLine = broken.split('\n').length - 1
    await config.save(broken)
    await expect(config.problem).toContainText('Not saved: messages.conf on the server is unchanged')
    await expect(config.errors).toContainText(`Line ${brokenLine}: expected KEY=VALUE`)
    await expect(page.locator('h2.errormessage')).toContainText(`Line ${brokenLine}`)
    await expect(config.editor).toHaveValue(broken)
    expect(readFileSync(file, 'utf8')).toBe(original)

    const renamed = original.replace(/^SMS_STATUS_OPTED_IN=.*$/m, 'SMS_STATUS_OPTED_IN=Signed up for texts')
    expect(renamed).not.toBe(original)
    await config.save(renamed)
    await expect(page.getByTestId('notice')).toContainText('messages.conf was saved and is in force now')
    await expect(config.state('messages.conf')).toHaveText('Valid')
    expect(readFileSync(file, 'utf8')).toBe(renamed)

    await page.getByRole('button', { name: 'Log out' }).click()
    await new LoginPage(page).logInAs(grace)
    await expect(page.getByTestId('sms-status')).toHaveText('Signed up for texts')
  })

  test('SPEC 6 roles: a logged-in patron who opens /staff is refused with 403', async ({ page }) => {
    await new LoginPage(page).logInAs(grace)
    const response = await page.goto('/staff')
    expect(response?.status()).toBe(403)
    await expect(page.getByRole('heading', { level: 1, name: 'Staff only' })).toBeVisible()
  })

  test('WCAG 2.2 AA (axe-core): the staff login, search results, record, confirmation, configuration and editor with errors have no violations', async ({
    page,
  }) => {
    const staff = new StaffConsolePage(page)
    await page.goto('/staff/login')
    expect(await axeViolations(page), 'login').toEqual([])
    await staff.logIn(DEMO_STAFF.username, DEMO_STAFF.password)
    await staff.search('a')
    expect(await axeViolations(page), 'search results').toEqual([])
    await staff.openRecord(grace.barcode, grace.name)
    expect(await axeViolations(page), 'record').toEqual([])
    await page.getByRole('link', { name: 'Delete patron record' }).click()
    expect(await axeViolations(page), 'confirmation').toEqual([])
    const config = new StaffConfigPage(page)
    await page.goto('/staff/config')
    expect(await axeViolations(page), 'configuration').toEqual([])
    await config.edit('webpub.def')
    await config.save('NOT A LINE\n')
    await expect(config.problem).toBeVisible()
    expect(await axeViolations(page), 'editor with errors').toEqual([])
  })

  test("issue 14 WCAG 2.2 AA (axe-core): the configuration page with a file's save history has no violations", async ({ page }) => {
    await new StaffConsolePage(page).logIn(DEMO_STAFF.username, DEMO_STAFF.password)
    const config = new StaffConfigPage(page)
    await config.edit('webpub.def')
    await config.save('SMS_LIBRARY_NAME=Demo Public Library\n')
    const history = page.getByTestId('config-webpub.def').getByRole('table', { name: 'Last 1 save of webpub.def, newest first' })
    await expect(history.getByRole('row').nth(1)).toContainText(DEMO_STAFF.username)
    expect(await axeViolations(page)).toEqual([])
  })
})
