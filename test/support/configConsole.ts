import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { queryDb } from './database.js'
import { addStaff, type Page, WebClient } from './staffClient.js'
import { startTestApp, type TestApp, type TestAppOptions } from './testApp.js'

// The staff console's config editor driven as a browser drives it, and the config_saves rows
// it leaves (issue 14), for test/integration/configHistory*.test.ts.

export const ALICE = { username: 'alice', password: 'alice-password-1' }
export const BOB = { username: 'bob', password: 'bob-password-22' }

export interface SaveRow {
  file: string
  staff_user: string
  saved_at: string
  old_sha256: string | null
  new_sha256: string
}

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

export function savesIn(app: TestApp): Promise<SaveRow[]> {
  return queryDb<SaveRow>(
    app.services.store.location,
    'SELECT file, staff_user, saved_at, old_sha256, new_sha256 FROM config_saves ORDER BY id',
  )
}

/** A test app whose library is in America/Los_Angeles, with staff users Alice and Bob. */
export async function startConfigApp(options: TestAppOptions = {}): Promise<TestApp> {
  const app = await startTestApp({ webOptions: 'SMS_TIMEZONE=America/Los_Angeles\n', ...options })
  await addStaff(app.services.store, ALICE.username, ALICE.password)
  await addStaff(app.services.store, BOB.username, BOB.password)
  return app
}

export async function staffOf(app: TestApp, who: { username: string; password: string }): Promise<WebClient> {
  const staff = new WebClient(app.url)
  assert.equal((await staff.staffLogIn(who.username, who.password)).status, 303)
  return staff
}

/** The version the editor shows, which a save names to detect someone else's change. */
export function editorVersion(editor: Page): string {
  return /name="version" value="([^"]+)"/.exec(editor.text)?.[1] ?? ''
}

/** Opens the editor, as a browser does, and posts `text` over the version it showed. */
export async function saveThroughConsole(staff: WebClient, file: string, text: string): Promise<Page> {
  const editor = await staff.get(`/staff/config/${file}`)
  assert.equal(editor.status, 200)
  return staff.post(`/staff/config/${file}`, { version: editorVersion(editor), text }, editor)
}

/** The section of one file on /staff/config, with its history table. */
export function historySection(html: string, file: string): string {
  const section = new RegExp(`<section[^>]*data-qa="config-${file.replace(/\./g, '\\.')}"[\\s\\S]*?</section>`).exec(html)?.[0]
  assert.ok(section, `the page has a section for ${file}`)
  return section
}
