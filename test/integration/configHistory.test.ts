import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { formatDateTime } from '../../src/web/viewModels/format.js'
import {
  ALICE,
  BOB,
  editorVersion,
  historySection,
  type SaveRow,
  savesIn,
  saveThroughConsole,
  sha256,
  staffOf,
  startConfigApp as startApp,
} from '../support/configConsole.js'
import { backendName, envFor, onPostgres, writeDb } from '../support/database.js'
import { addPatron } from '../support/patrons.js'
import { visibleText, WebClient } from '../support/staffClient.js'

// Issue 14 item 3 (SPEC 8): every save of a config file from the staff console is recorded in the
// database (who, when, which file, SHA-256 of the bytes before and after) and shown on
// /staff/config; configHistoryFailures.test.ts holds what happens when the file or the record fails.

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

test(`issue 14 config history (${backendName}): a save through the staff console records one row with the staff user, the file and the SHA-256 of the bytes before and after, and the page shows it`, async () => {
  const app = await startApp({ messagesConf: '# library texts\nSMS_STATUS_OPTED_IN=Opted In\n' })
  try {
    const alice = await staffOf(app, ALICE)
    const empty = await alice.get('/staff/config')
    for (const file of ['messages.conf', 'webpub.def', 'messages.es.conf', 'webpub.es.def']) {
      assert.match(
        visibleText(historySection(empty.text, file)),
        new RegExp(`No saves of ${file.replace('.', '\\.')} from the staff console are recorded`),
      )
    }

    const path = join(app.dir, 'messages.conf')
    const before = readFileSync(path)
    const saved = await saveThroughConsole(alice, 'messages.conf', '# library texts\r\nSMS_STATUS_OPTED_IN=Signed up\r\n')
    assert.equal(saved.status, 303)
    const after = readFileSync(path)
    assert.equal(after.toString('utf8'), '# library texts\nSMS_STATUS_OPTED_IN=Signed up\n')

    const rows = await savesIn(app)
    assert.equal(rows.length, 1)
    const [row] = rows
    assert.deepEqual(
      { ...row, saved_at: undefined },
      {
        file: 'messages.conf',
        staff_user: 'alice',
        saved_at: undefined,
        old_sha256: sha256(before),
        new_sha256: sha256(after),
      },
    )
    assert.ok(Math.abs(Date.parse(row!.saved_at) - Date.now()) < 60_000, 'saved_at is the time of the save')

    const page = await alice.get('/staff/config')
    const section = historySection(page.text, 'messages.conf')
    assert.match(section, /<table[^>]*data-qa="config-saves"/)
    assert.match(section, /<caption>Last 1 save of messages\.conf, newest first<\/caption>/)
    assert.match(
      section,
      /<th scope="col">Time<\/th><th scope="col">Staff user<\/th><th scope="col">SHA-256 before<\/th><th scope="col">SHA-256 after<\/th>/,
    )
    assert.match(section, new RegExp(`<time datetime="${row!.saved_at}">`))
    assert.equal(
      visibleText(section.slice(section.indexOf('<tbody>'))),
      `${formatDateTime(row!.saved_at, 'America/Los_Angeles')} alice ${sha256(before).slice(0, 12)} ${sha256(after).slice(0, 12)}`,
      "the time in the library's zone (SMS_TIMEZONE), who, and the short hashes",
    )
    assert.match(visibleText(historySection(page.text, 'webpub.def')), /No saves of webpub\.def from the staff console are recorded/)
  } finally {
    await app.close()
  }
})

test(`issue 14 config history (${backendName}): a save of a file that did not exist records no old hash, and the page says "no file"`, async () => {
  const app = await startApp()
  try {
    const path = join(app.dir, 'messages.es.conf')
    assert.equal(existsSync(path), false)
    const saved = await saveThroughConsole(await staffOf(app, BOB), 'messages.es.conf', 'SMS_STATUS_OPTED_IN=Suscrito\n')
    assert.equal(saved.status, 303)
    const [row] = await savesIn(app)
    assert.equal(row?.old_sha256, null)
    assert.equal(row?.new_sha256, sha256(readFileSync(path)))
    const text = visibleText(historySection((await (await staffOf(app, ALICE)).get('/staff/config')).text, 'messages.es.conf'))
    assert.match(text, new RegExp(`bob no file ${row!.new_sha256.slice(0, 12)}$`))
  } finally {
    await app.close()
  }
})

test(`issue 14 config history (${backendName}): an invalid save and a conflicting save record nothing and leave the file byte for byte as it was`, async () => {
  const app = await startApp({ messagesConf: 'SMS_STATUS_OPTED_IN=Opted In\n' })
  try {
    const path = join(app.dir, 'messages.conf')
    const before = readFileSync(path)
    const alice = await staffOf(app, ALICE)
    const invalid = await saveThroughConsole(alice, 'messages.conf', 'SMS_STATUS_OPTED_IN=Signed up\nnot a key value line\n')
    assert.equal(invalid.status, 422)
    assert.deepEqual(readFileSync(path), before)

    const editor = await alice.get('/staff/config/messages.conf')
    const version = editorVersion(editor)
    // Someone else saves the file (by hand, on the shared storage) while Alice edits it.
    writeFileSync(path, 'SMS_STATUS_OPTED_IN=Changed by hand\n')
    const meanwhile = readFileSync(path)
    const conflict = await alice.post('/staff/config/messages.conf', { version, text: 'SMS_STATUS_OPTED_IN=Alice\n' }, editor)
    assert.equal(conflict.status, 409)
    assert.deepEqual(readFileSync(path), meanwhile)

    assert.deepEqual(await savesIn(app), [])
    assert.match(visibleText(historySection((await alice.get('/staff/config')).text, 'messages.conf')), /No saves of messages\.conf/)
  } finally {
    await app.close()
  }
})

test(`issue 14 config history (${backendName}): two saves by two staff users show both, newest first`, async () => {
  const app = await startApp()
  try {
    const path = join(app.dir, 'webpub.def')
    const first = readFileSync(path)
    assert.equal(
      (
        await saveThroughConsole(
          await staffOf(app, ALICE),
          'webpub.def',
          'SMS_TIMEZONE=America/Los_Angeles\nSMS_LIBRARY_NAME=Alice Branch\n',
        )
      ).status,
      303,
    )
    const second = readFileSync(path)
    const bob = await staffOf(app, BOB)
    assert.equal(
      (await saveThroughConsole(bob, 'webpub.def', 'SMS_TIMEZONE=America/Los_Angeles\nSMS_LIBRARY_NAME=Bob Branch\n')).status,
      303,
    )
    const third = readFileSync(path)

    const rows = await savesIn(app)
    assert.deepEqual(
      rows.map((row) => [row.staff_user, row.old_sha256, row.new_sha256]),
      [
        ['alice', sha256(first), sha256(second)],
        ['bob', sha256(second), sha256(third)],
      ],
    )
    const section = historySection((await bob.get('/staff/config')).text, 'webpub.def')
    assert.match(section, /<caption>Last 2 saves of webpub\.def, newest first<\/caption>/)
    const who = [...section.matchAll(/<td class="staff-wrap">([^<]*)<\/td>/g)].map((match) => match[1])
    assert.deepEqual(who, ['bob', 'alice'])
    assert.match(
      visibleText(section),
      new RegExp(
        `bob ${sha256(second).slice(0, 12)} ${sha256(third).slice(0, 12)} .* alice ${sha256(first).slice(0, 12)} ${sha256(second).slice(0, 12)}`,
      ),
    )
  } finally {
    await app.close()
  }
})

test(`issue 14 config history (${backendName}): the history survives a restart: a new app on the same database shows it`, async () => {
  const app = await startApp()
  let saved: SaveRow[]
  const sameDatabase = { DATA_DIR: join(app.dir, 'data'), ...envFor(app.services.store) }
  try {
    assert.equal((await saveThroughConsole(await staffOf(app, ALICE), 'webpub.def', 'SMS_LIBRARY_NAME=Before the restart\n')).status, 303)
    saved = await savesIn(app)
    assert.equal(saved.length, 1)
  } finally {
    await app.close()
  }
  const restarted = await startApp({ env: sameDatabase })
  try {
    assert.deepEqual(await savesIn(restarted), saved)
    const text = visibleText(historySection((await (await staffOf(restarted, BOB)).get('/staff/config')).text, 'webpub.def'))
    assert.match(text, new RegExp(`alice ${saved[0]!.old_sha256!.slice(0, 12)} ${saved[0]!.new_sha256.slice(0, 12)}`))
  } finally {
    await restarted.close()
  }
})

test(`issue 14 config history (${backendName}): a patron cannot read the history (403), and a visitor is sent to the staff login`, async () => {
  const app = await startApp()
  try {
    assert.equal((await saveThroughConsole(await staffOf(app, ALICE), 'webpub.def', 'SMS_LIBRARY_NAME=Secret Branch\n')).status, 303)
    const [row] = await savesIn(app)
    const patron = await addPatron(app.services.store)
    const browser = new WebClient(app.url)
    assert.equal((await browser.patronLogIn(patron.barcode, patron.pin)).status, 303)
    const refused = await browser.get('/staff/config')
    assert.equal(refused.status, 403)
    assert.doesNotMatch(refused.text, /alice/)
    assert.doesNotMatch(refused.text, new RegExp(row!.new_sha256.slice(0, 12)))
    const visitor = await new WebClient(app.url).get('/staff/config')
    assert.equal(visitor.status, 303)
    assert.equal(visitor.location, '/staff/login')
  } finally {
    await app.close()
  }
})

test(`issue 14 config history (${backendName}): the rows are append-only: the database refuses UPDATE and DELETE`, async () => {
  const app = await startApp()
  try {
    assert.equal((await saveThroughConsole(await staffOf(app, ALICE), 'webpub.def', 'SMS_LIBRARY_NAME=Kept\n')).status, 303)
    const { location } = app.services.store
    await assert.rejects(writeDb(location, "UPDATE config_saves SET staff_user = 'mallory'"), /append-only/)
    await assert.rejects(writeDb(location, 'DELETE FROM config_saves'), /append-only/)
    if (onPostgres) await assert.rejects(writeDb(location, 'TRUNCATE config_saves'), /append-only/)
    assert.deepEqual(
      (await savesIn(app)).map((row) => row.staff_user),
      ['alice'],
    )
  } finally {
    await app.close()
  }
})

test(`issue 14 config history (${backendName}): webpac config history prints each file's saves, newest first, with the hashes in full`, async () => {
  const app = await startApp()
  try {
    const path = join(app.dir, 'webpub.def')
    const first = readFileSync(path)
    assert.equal((await saveThroughConsole(await staffOf(app, ALICE), 'webpub.def', 'SMS_LIBRARY_NAME=One\n')).status, 303)
    const second = readFileSync(path)
    assert.equal((await saveThroughConsole(await staffOf(app, BOB), 'webpub.def', 'SMS_LIBRARY_NAME=Two\n')).status, 303)
    const third = readFileSync(path)
    const rows = await savesIn(app)

    const cli = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'config', 'history', ...args], {
        cwd: repoRoot,
        env: {
          ...process.env,
          NODE_ENV: 'development',
          DATA_DIR: join(app.dir, 'data'),
          MESSAGES_CONF: join(app.dir, 'messages.conf'),
          WEB_OPTIONS: path,
          ...envFor(app.services.store),
        },
      })
    const { stdout } = await cli('webpub.def')
    const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)}`
    const lines = stdout.trimEnd().split('\n')
    assert.equal(lines[0], 'webpub.def: last 2 saves, newest first')
    assert.match(lines[1] ?? '', /^ {2}WHEN \(UTC\) +STAFF USER +SHA-256 BEFORE +SHA-256 AFTER$/)
    assert.match(lines[2] ?? '', new RegExp(`^  ${when(rows[1]!.saved_at)} +bob +${sha256(second)} +${sha256(third)}$`))
    assert.match(lines[3] ?? '', new RegExp(`^  ${when(rows[0]!.saved_at)} +alice +${sha256(first)} +${sha256(second)}$`))
    assert.equal(lines.length, 4)

    const all = await cli()
    assert.match(all.stdout, /^messages\.conf: no saves from the staff console recorded$/m)
    assert.match(all.stdout, /^webpub\.def: last 2 saves, newest first$/m)

    await assert.rejects(cli('passwords.txt'), (error: { code: number; stderr: string }) => {
      assert.equal(error.code, 1)
      assert.match(error.stderr, /unknown config file "passwords\.txt": name one of messages\.conf, webpub\.def/)
      return true
    })
  } finally {
    await app.close()
  }
})
