import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ALICE, editorVersion, savesIn, saveThroughConsole, staffOf, startConfigApp as startApp } from '../support/configConsole.js'
import { backendName, onPostgres, writeDb } from '../support/database.js'
import { visibleText } from '../support/staffClient.js'

// Issue 14 item 3: a config save and its record go together (docs/decisions.md). A file that
// cannot be written records nothing; a record that cannot commit puts the file back.

test(`issue 14 config history (${backendName}): a file that cannot be written is not saved (503) and nothing is recorded`, async () => {
  // The config files in a directory of their own that goes away, as an unmounted share would.
  const share = mkdtempSync(join(tmpdir(), 'webpac-share-'))
  const app = await startApp({ env: { MESSAGES_CONF: join(share, 'messages.conf') } })
  try {
    const alice = await staffOf(app, ALICE)
    const editor = await alice.get('/staff/config/messages.conf')
    const version = editorVersion(editor)
    rmSync(share, { recursive: true })
    const refused = await alice.post('/staff/config/messages.conf', { version, text: 'SMS_STATUS_OPTED_IN=Signed up\n' }, editor)
    assert.equal(refused.status, 503)
    assert.match(visibleText(refused.text), /Not saved: messages\.conf could not be written on the server .* The file is unchanged/)
    assert.equal(existsSync(join(share, 'messages.conf')), false)
    assert.deepEqual(await savesIn(app), [])
  } finally {
    await app.close()
    rmSync(share, { recursive: true, force: true })
  }
})

// Makes the database refuse the COMMIT of any transaction that added a config save: a deferred
// foreign key that the new row breaks, checked only at COMMIT, after the file was written.
async function refuseCommitsOfSaves(location: string): Promise<void> {
  await writeDb(location, 'CREATE TABLE refuse_parent (id INTEGER PRIMARY KEY)')
  await writeDb(location, 'CREATE TABLE refuse_child (parent_id INTEGER REFERENCES refuse_parent (id) DEFERRABLE INITIALLY DEFERRED)')
  if (onPostgres) {
    await writeDb(
      location,
      'CREATE FUNCTION refuse_save() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO refuse_child VALUES (1); RETURN NULL; END $$',
    )
    await writeDb(location, 'CREATE TRIGGER refuse_save AFTER INSERT ON config_saves FOR EACH ROW EXECUTE FUNCTION refuse_save()')
  } else {
    await writeDb(location, 'CREATE TRIGGER refuse_save AFTER INSERT ON config_saves BEGIN INSERT INTO refuse_child VALUES (1); END')
  }
}

test(`issue 14 config history (${backendName}): when the record of a save cannot commit, the file is put back as it was: no save stands unrecorded`, async () => {
  const app = await startApp({ messagesConf: 'SMS_STATUS_OPTED_IN=Opted In\n' })
  try {
    const path = join(app.dir, 'messages.conf')
    const before = readFileSync(path)
    await refuseCommitsOfSaves(app.services.store.location)
    const failed = await saveThroughConsole(await staffOf(app, ALICE), 'messages.conf', 'SMS_STATUS_OPTED_IN=Never recorded\n')
    assert.equal(failed.status, 500)
    assert.deepEqual(readFileSync(path), before)
    assert.deepEqual(await savesIn(app), [])
    app.services.config.reloadNow()
    assert.equal(app.services.config.current().messages.SMS_STATUS_OPTED_IN, 'Opted In')
  } finally {
    await app.close()
  }
})
