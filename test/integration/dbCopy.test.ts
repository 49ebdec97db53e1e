import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { DEMO_PATRONS, DEMO_STAFF } from '../../src/services/demoSeed.js'
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/migrations.js'
import { type Store, sqliteFileFor } from '../../src/store/store.js'
import { freshDatabaseUrl, onPostgres, queryDb } from '../support/database.js'
import { type PortalApp, startPortalApp } from '../support/portalApp.js'
import { WebClient } from '../support/staffClient.js'
import { startTestApp, type TestApp } from '../support/testApp.js'

// Issue 13: `webpac db copy` moves a library from its SQLite file to PostgreSQL, history and all.
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const GRACE = DEMO_PATRONS.find((patron) => patron.name.startsWith('Grace'))!
const ADA = DEMO_PATRONS.find((patron) => patron.name.startsWith('Ada'))!
const GRACE_NUMBER = '+12015550142'

interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

function webpac(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += String(chunk)))
  child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)))
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })))
}

/** What a patron's record says, as every page shows it: status, number and the whole consent history. */
async function patronState(store: Store, barcode: string) {
  const patron = await store.repos.patrons.findByBarcode(barcode)
  assert.ok(patron, barcode)
  const registration = await store.repos.registrations.findByPatron(patron.id)
  return {
    patron,
    registration,
    history: await store.repos.consent.listForPatron(patron.id),
    outbox: await store.repos.outbox.listForPatron(patron.id),
  }
}

describe('webpac db copy --from sqlite:PATH --to postgres://URL', {
  skip: onPostgres ? false : 'PostgreSQL only (TEST_DATABASE=postgres)',
}, () => {
  let library: PortalApp
  let file: string
  let target: string
  let copied: TestApp
  let copy: CliRun

  before(async () => {
    // A library on SQLite with some history: Grace opted in (the demo), Ada opted in and confirmed, Grace texted STOP.
    library = await startPortalApp({ env: { DATABASE_URL: '' } })
    file = sqliteFileFor(join(library.dir, 'data'))
    const adaId = await library.idOf(ADA)
    await library.services.optInForm.submit(
      adaId,
      { email: 'ada@example.org', tele1: '', mobile: '(201) 555-0123', optin: true, confirm: null },
      { ip: '192.0.2.1', userAgent: 'test' },
    )
    await library.services.outboxWorker.drain()
    await library.services.inboundTexts.handle({
      msisdn: '12015550123',
      to: '82453',
      messageId: 'copy-yes',
      text: 'YES',
      receivedAt: new Date(),
    })
    await library.services.inboundTexts.handle({
      msisdn: GRACE_NUMBER.slice(1),
      to: '82453',
      messageId: 'copy-stop',
      text: 'STOP',
      receivedAt: new Date(),
    })
    await library.services.outboxWorker.drain()
    await library.services.apiKeys.create('sierra-notices')
    const { configEditor } = library.services.staff
    const saved = await configEditor.save(
      'webpub.def',
      'SMS_LIBRARY_NAME=Copied Library\n',
      configEditor.file('webpub.def').version,
      'librarian',
    )
    assert.equal(saved.kind, 'saved')
    target = (await freshDatabaseUrl())!
    copy = await webpac(['db', 'copy', '--from', `sqlite:${file}`, '--to', target])
    copied = await startTestApp({ env: { DATABASE_URL: target } })
  })

  after(async () => {
    await copied?.close()
    await library?.close()
  })

  test('exits 0 and prints the row count of every table, each the same as in the SQLite file', async () => {
    assert.equal(copy.code, 0, copy.stderr)
    for (const table of [
      'patrons',
      'sms_registrations',
      'consent_events',
      'outbox',
      'inbound_messages',
      'staff_users',
      'api_keys',
      'config_saves',
    ]) {
      const [{ n }] = (await queryDb<{ n: number }>(file, `SELECT count(*) AS n FROM ${table}`)) as [{ n: number }]
      assert.match(copy.stdout, new RegExp(`^  ${table} +${n.toLocaleString('en-US')}$`, 'm'), table)
      assert.ok(n > 0 || table === 'inbound_parts', `${table} has rows to copy`)
    }
    assert.match(copy.stdout, /row counts checked/)
  })

  test('a server on the copy shows every patron with the same status, number, consent history and outbox, under the same ids', async () => {
    for (const { barcode } of DEMO_PATRONS) {
      assert.deepEqual(await patronState(copied.services.store, barcode), await patronState(library.services.store, barcode), barcode)
    }
    const grace = await patronState(copied.services.store, GRACE.barcode)
    assert.equal(grace.registration?.status, 'not_opted_in')
    assert.equal(grace.history.length, 2)
    assert.equal(grace.history[0]?.channel, 'sms', 'her STOP, newest first')
  })

  test("issue 14: the config files' save history is copied too", async () => {
    const history = await copied.services.staff.configHistory.recent()
    assert.deepEqual(history, await library.services.staff.configHistory.recent())
    assert.equal(history.find((entry) => entry.file === 'webpub.def')?.saves[0]?.staff_user, 'librarian')
  })

  test('the same PINs and the same staff password log in on the copy; the patron page shows the copied status', async () => {
    const patron = new WebClient(copied.url)
    const login = await patron.patronLogIn(ADA.barcode, ADA.pin)
    assert.equal(login.status, 303)
    const adaId = (await copied.services.store.repos.patrons.findByBarcode(ADA.barcode))!.id
    assert.match((await patron.get(`/patroninfo/${adaId}/top`)).text, /data-qa="sms-status">Opted In</)
    const staff = new WebClient(copied.url)
    assert.equal((await staff.staffLogIn(DEMO_STAFF.username, DEMO_STAFF.password)).location, '/staff')
  })

  test('new rows on the copy get ids after the copied ones (the sequences were reset)', async () => {
    const before = await queryDb<{ id: number }>(file, 'SELECT max(id) AS id FROM consent_events')
    const alan = (await copied.services.store.repos.patrons.findByBarcode(
      DEMO_PATRONS.find((patron) => patron.name.startsWith('Alan'))!.barcode,
    ))!
    await copied.services.optInForm.submit(
      alan.id,
      { email: '', tele1: '', mobile: '(201) 555-0177', optin: true, confirm: null },
      { ip: null, userAgent: null },
    )
    const [newest] = await copied.services.store.repos.consent.listForPatron(alan.id)
    assert.ok(newest && newest.id > before[0]!.id, `new event id ${newest?.id} after ${before[0]!.id}`)
  })

  test('a second copy into the same (now full) database is refused with exit 1, and changes nothing there', async () => {
    const count = async () => (await queryDb<{ n: number }>(target, 'SELECT count(*) AS n FROM consent_events'))[0]!.n
    const before = await count()
    const again = await webpac(['db', 'copy', '--from', `sqlite:${file}`, '--to', target])
    assert.equal(again.code, 1)
    assert.match(again.stderr, /^webpac: the target database already holds rows in patrons/)
    assert.equal(await count(), before)
  })

  test('db migrate on an empty database applies every migration, then has nothing to apply', async () => {
    const url = (await freshDatabaseUrl())!
    const first = await webpac(['db', 'migrate'], { DATABASE_URL: url })
    assert.equal(first.code, 0, first.stderr)
    const versions = POSTGRES_MIGRATIONS.map((migration) => migration.version)
    const latest = versions.at(-1)
    assert.ok(first.stdout.includes(`applied migrations ${versions.join(', ')}; the schema is at version ${latest}`), first.stdout)
    const second = await webpac(['db', 'migrate'], { DATABASE_URL: url })
    assert.ok(second.stdout.includes(`nothing to apply; the schema is at version ${latest}`), second.stdout)
  })
})
