import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { writeConfFileAtomically } from '../../src/config/atomicWrite.js'
import { ConfigError, type ConfigPaths, checkConfigFiles, readConfig, validateConfText } from '../../src/config/configSnapshot.js'
import { ConfigWatcher } from '../../src/config/configWatcher.js'
import { DEFAULT_MESSAGES } from '../../src/config/messages.js'
import { DEFAULT_WEB_OPTIONS } from '../../src/config/webOptions.js'

const RELOAD_DEADLINE_MS = 2000

interface LogLine {
  level: 'info' | 'warn' | 'error'
  obj: object
  msg: string
}

function recordingLog() {
  const lines: LogLine[] = []
  return {
    lines,
    info: (obj: object, msg: string) => void lines.push({ level: 'info', obj, msg }),
    warn: (obj: object, msg: string) => void lines.push({ level: 'warn', obj, msg }),
    error: (obj: object, msg: string) => void lines.push({ level: 'error', obj, msg }),
  }
}

async function within(ms: number, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + ms
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`condition not met within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

let dir: string
let paths: ConfigPaths

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'webpac-config-'))
  paths = { messagesConf: join(dir, 'messages.conf'), webOptions: join(dir, 'webpub.def') }
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('readConfig and checkConfigFiles (SPEC 2)', () => {
  test('SPEC 2: both files present and valid → a snapshot with their values, no problems', () => {
    writeFileSync(paths.messagesConf, 'SMS_STATUS_OPTED_IN=Subscribed\n')
    writeFileSync(paths.webOptions, 'SMS_COUNTRY=CA\n')

    const { snapshot, files } = readConfig(paths)

    assert.equal(snapshot?.messages.SMS_STATUS_OPTED_IN, 'Subscribed')
    assert.equal(snapshot?.webOptions.country, 'CA')
    assert.deepEqual([...files.messagesConf.errors, ...files.webOptions.errors], [])
    assert.ok(files.messagesConf.lastGoodAt instanceof Date)
  })

  test('decision: a missing file means built-in defaults plus a warning, not an error', () => {
    const { snapshot, files } = readConfig(paths)

    assert.deepEqual(snapshot?.messages, DEFAULT_MESSAGES)
    assert.deepEqual(snapshot?.webOptions, DEFAULT_WEB_OPTIONS)
    assert.deepEqual(files.webOptions.errors, [])
    assert.deepEqual(files.webOptions.warnings, [
      { file: paths.webOptions, line: 0, message: 'file not found; using the built-in defaults' },
    ])
  })

  test('SPEC 2: an error in either file → no snapshot, and the error names the file and line', () => {
    writeFileSync(paths.messagesConf, 'SMS_STATUS_OPTED_IN=Yes\n')
    writeFileSync(paths.webOptions, 'SMS_COUNTRY=US\n\nSMS_TIMEZONE=Atlantis\n')

    const { snapshot, files } = readConfig(paths)

    assert.equal(snapshot, null)
    assert.deepEqual(files.messagesConf.errors, [])
    assert.deepEqual(
      files.webOptions.errors.map((e) => [e.file, e.line]),
      [[paths.webOptions, 3]],
    )
    assert.equal(files.webOptions.lastGoodAt, null)
  })

  test('SPEC 2 / config check: checkConfigFiles lists every error of both files with line numbers; missing files are fine', () => {
    writeFileSync(paths.messagesConf, 'oops\nSMS_TEXT_HELP={phone}\n')

    const problems = checkConfigFiles(paths)

    assert.deepEqual(
      problems.map((p) => [p.file, p.line]),
      [
        [paths.messagesConf, 1],
        [paths.messagesConf, 2],
      ],
    )
  })

  test('decision: a file that is not valid UTF-8 is an error naming the line with the bad bytes', () => {
    writeFileSync(paths.messagesConf, Buffer.concat([Buffer.from('A=1\nB=caf'), Buffer.from([0xe9]), Buffer.from('\n')]))

    const { snapshot, files } = readConfig(paths)

    assert.equal(snapshot, null)
    assert.deepEqual(files.messagesConf.errors, [{ file: paths.messagesConf, line: 2, message: 'not valid UTF-8; save the file as UTF-8' }])
  })
})

describe('validateConfText (staff editor, SPEC 6)', () => {
  test('SPEC 6: returns only errors, with line numbers, for the kind of file being edited', () => {
    assert.deepEqual(validateConfText('webOptions', 'SMS_COUNTRY=US\nSMS_COUNTRY=GB\n', 'webpub.def'), [])
    assert.deepEqual(
      validateConfText('webOptions', 'SMS_OPTIN_EXPIRY_HOURS=soon\n', 'webpub.def').map((p) => p.line),
      [1],
    )
    assert.deepEqual(
      validateConfText('messagesConf', 'SMS_TEXT_HELP={who}\n', 'messages.conf').map((p) => p.line),
      [1],
    )
  })
})

describe('writeConfFileAtomically', () => {
  test('replaces the file content and leaves no temporary file behind', () => {
    writeFileSync(paths.webOptions, 'SMS_COUNTRY=US\n', { mode: 0o640 })

    writeConfFileAtomically(paths.webOptions, 'SMS_COUNTRY=GB\n')

    assert.equal(readFileSync(paths.webOptions, 'utf8'), 'SMS_COUNTRY=GB\n')
    assert.deepEqual(readdirSync(dir), ['webpub.def'])
    assert.equal(statSync(paths.webOptions).mode & 0o777, 0o640)
  })

  test('creates the file when it does not exist yet', () => {
    writeConfFileAtomically(paths.messagesConf, 'SMS_STATUS_OPTED_IN=On\n')

    assert.equal(readFileSync(paths.messagesConf, 'utf8'), 'SMS_STATUS_OPTED_IN=On\n')
  })
})

describe('ConfigWatcher (SPEC 2 reloading)', () => {
  let watcher: ConfigWatcher | null = null

  afterEach(() => {
    watcher?.stop()
    watcher = null
  })

  function started(): ConfigWatcher {
    watcher = new ConfigWatcher(paths, recordingLog())
    watcher.load()
    watcher.start()
    return watcher
  }

  test('SPEC 2: load() with a broken file throws ConfigError carrying the line-numbered problems', () => {
    writeFileSync(paths.webOptions, 'SMS_COUNTRY=US\nSMS_SEND_WINDOW=late\n')
    const w = new ConfigWatcher(paths, recordingLog())

    assert.throws(
      () => w.load(),
      (err: unknown) => err instanceof ConfigError && err.problems.length === 1 && err.problems[0]?.line === 2,
    )
    assert.throws(() => w.current())
  })

  test('SPEC 2: an edited messages.conf is in force within 2 seconds', async () => {
    writeFileSync(paths.messagesConf, 'SMS_STATUS_OPTED_IN=Opted In\n')
    const w = started()

    writeFileSync(paths.messagesConf, 'SMS_STATUS_OPTED_IN=Subscribed to alerts\n')

    await within(RELOAD_DEADLINE_MS, () => w.current().messages.SMS_STATUS_OPTED_IN === 'Subscribed to alerts')
  })

  test('SPEC 2: an edited webpub.def (same size, saved atomically) is in force within 2 seconds', async () => {
    writeFileSync(paths.webOptions, 'SMS_COUNTRY=US\n')
    const w = started()

    writeConfFileAtomically(paths.webOptions, 'SMS_COUNTRY=CA\n')

    await within(RELOAD_DEADLINE_MS, () => w.current().webOptions.country === 'CA')
    assert.equal(w.current().webOptions.usOptIn, false)
    assert.deepEqual(w.files().webOptions.errors, [])
  })

  test('SPEC 2: a broken edit is not applied — the last good value stays, and the error with its line shows in files()', async () => {
    writeFileSync(paths.webOptions, 'SMS_LIBRARY_NAME=Springfield Library\n')
    const log = recordingLog()
    const w = new ConfigWatcher(paths, log)
    watcher = w
    w.load()
    const lastGoodAt = w.files().webOptions.lastGoodAt
    w.start()

    writeFileSync(paths.webOptions, 'SMS_LIBRARY_NAME=Shelbyville Library\nSMS_COUNTRY=Freedonia\n')

    await within(RELOAD_DEADLINE_MS, () => w.files().webOptions.errors.length > 0)
    assert.equal(w.current().webOptions.libraryName, 'Springfield Library')
    const [error] = w.files().webOptions.errors
    assert.equal(error?.line, 2)
    assert.match(error?.message ?? '', /SMS_COUNTRY/)
    assert.equal(w.files().webOptions.lastGoodAt, lastGoodAt)
    assert.ok(log.lines.some((l) => l.level === 'error' && /keeping the last good version/.test(l.msg)))
  })

  test('SPEC 2: fixing a broken file applies it and clears its errors', async () => {
    writeFileSync(paths.messagesConf, 'SMS_STATUS_REJECTED=Declined\n')
    const w = started()
    writeFileSync(paths.messagesConf, 'SMS_STATUS_REJECTED=Refused\nbroken line\n')
    await within(RELOAD_DEADLINE_MS, () => w.files().messagesConf.errors.length > 0)

    writeFileSync(paths.messagesConf, 'SMS_STATUS_REJECTED=Refused\n')

    await within(RELOAD_DEADLINE_MS, () => w.current().messages.SMS_STATUS_REJECTED === 'Refused')
    assert.deepEqual(w.files().messagesConf.errors, [])
  })

  test('SPEC 2: each file is validated on its own — a broken messages.conf keeps its last good texts while a good webpub.def edit applies', async () => {
    writeFileSync(paths.messagesConf, 'SMS_STATUS_OPTED_IN=On\n')
    writeFileSync(paths.webOptions, 'SMS_OPTIN_EXPIRY_HOURS=72\n')
    const w = started()

    writeFileSync(paths.messagesConf, 'SMS_STATUS_OPTED_IN=Off\nSMS_TEXT_HELP={unknown}\n')
    writeFileSync(paths.webOptions, 'SMS_OPTIN_EXPIRY_HOURS=48\n')

    await within(RELOAD_DEADLINE_MS, () => w.current().webOptions.optInExpiryHours === 48 && w.files().messagesConf.errors.length > 0)
    assert.equal(w.current().messages.SMS_STATUS_OPTED_IN, 'On')
    assert.deepEqual(
      w.files().messagesConf.errors.map((e) => e.line),
      [2],
    )
  })

  test('SPEC 2: a deleted file is not applied — the last good version stays in force, with a warning in files()', async () => {
    writeFileSync(paths.webOptions, 'SMS_TIMEZONE=America/Chicago\n')
    const w = started()

    unlinkSync(paths.webOptions)

    await within(RELOAD_DEADLINE_MS, () => w.files().webOptions.warnings.length > 0)
    assert.equal(w.current().webOptions.timezone, 'America/Chicago')
    assert.match(w.files().webOptions.warnings[0]?.message ?? '', /missing; the last good version stays in force/)
  })

  test('SPEC 2: a garbled (binary) file is not applied — the last good version stays', async () => {
    writeFileSync(paths.messagesConf, 'SMS_STATUS_OPTED_IN=On\n')
    const w = started()

    writeFileSync(paths.messagesConf, Buffer.from([0x00, 0xff, 0xfe, 0x0a, 0x41, 0x3d, 0x80]))

    await within(RELOAD_DEADLINE_MS, () => w.files().messagesConf.errors.length > 0)
    assert.equal(w.current().messages.SMS_STATUS_OPTED_IN, 'On')
  })

  test('SPEC 2: a file caught mid-save (truncated, then written) is never applied: the defaults never flash into force', async () => {
    writeFileSync(paths.webOptions, 'SMS_LIBRARY_NAME=Springfield Library\n')
    const w = new ConfigWatcher(paths, recordingLog(), 400)
    watcher = w
    w.load()
    w.start()
    const seen = new Set<string>()
    const sampler = setInterval(() => seen.add(w.current().webOptions.libraryName), 5)

    // The file stays empty from 200 to 500 ms: the poll at 400 ms sees it, but no second poll does
    await sleep(200)
    writeFileSync(paths.webOptions, '')
    await sleep(300)
    writeFileSync(paths.webOptions, 'SMS_LIBRARY_NAME=Shelbyville Library\n')
    await within(RELOAD_DEADLINE_MS, () => w.current().webOptions.libraryName === 'Shelbyville Library')
    clearInterval(sampler)

    assert.deepEqual(
      [...seen].filter((name) => name !== 'Springfield Library' && name !== 'Shelbyville Library'),
      [],
    )
  })

  test('reloadNow() applies a saved file at once, without waiting for the poll', () => {
    writeFileSync(paths.webOptions, 'SMS_SHORT_CODES=82453\n')
    const w = new ConfigWatcher(paths, recordingLog(), 60_000)
    watcher = w
    w.load()

    writeConfFileAtomically(paths.webOptions, 'SMS_SHORT_CODES=35143\n')
    w.reloadNow()

    assert.deepEqual(w.current().webOptions.shortCodes, ['35143'])
    assert.ok(w.current().loadedAt instanceof Date)
  })

  test('SPEC 8 metrics: each edit read is reported once, applied or rejected; reloadNow() of unchanged files reports nothing', async () => {
    writeFileSync(paths.webOptions, 'SMS_SHORT_CODES=82453\n')
    const w = new ConfigWatcher(paths, recordingLog(), 50)
    watcher = w
    w.load()
    const reports: string[] = []
    w.onReload((kind, outcome) => reports.push(`${kind} ${outcome}`))

    w.reloadNow()
    assert.deepEqual(reports, [])
    writeConfFileAtomically(paths.webOptions, 'this line is broken\n')
    w.reloadNow()
    assert.deepEqual(reports, ['webOptions rejected'])
    w.start()
    writeConfFileAtomically(paths.messagesConf, 'SMS_STATUS_OPTED_IN=Subscribed\n')
    await within(RELOAD_DEADLINE_MS, () => reports.length === 2)
    writeConfFileAtomically(paths.webOptions, 'SMS_SHORT_CODES=35143\n')
    await within(RELOAD_DEADLINE_MS, () => reports.length === 3)
    await sleep(200)
    assert.deepEqual(reports, ['webOptions rejected', 'messagesConf applied', 'webOptions applied'])
  })

  test('after stop() edits are no longer picked up', async () => {
    writeFileSync(paths.webOptions, 'SMS_COUNTRY=US\n')
    const w = new ConfigWatcher(paths, recordingLog(), 50)
    watcher = w
    w.load()
    w.start()
    w.stop()

    writeFileSync(paths.webOptions, 'SMS_COUNTRY=GB\n')
    await sleep(200)

    assert.equal(w.current().webOptions.country, 'US')
  })

  test('files() returns copies: changing them does not change the watcher state', () => {
    writeFileSync(paths.webOptions, 'SMS_COUNTRY=US\n')
    const w = new ConfigWatcher(paths, recordingLog())
    watcher = w
    w.load()

    w.files().webOptions.errors.push({ file: 'x', line: 1, message: 'injected' })

    assert.deepEqual(w.files().webOptions.errors, [])
  })
})
