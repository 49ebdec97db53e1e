import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { type ConfigPaths, checkConfigFiles, localized, readConfig } from '../../src/config/configSnapshot.js'
import { ConfigWatcher } from '../../src/config/configWatcher.js'
import { languagePath } from '../../src/config/languageFiles.js'
import { DEFAULT_MESSAGES, fillSmsText } from '../../src/config/messages.js'
import { SPANISH_DEFAULT_MESSAGES, SPANISH_DEFAULT_WEB_TEXTS } from '../../src/config/spanishDefaults.js'
import { smsSegments } from '../../src/domain/smsLength.js'

const RELOAD_DEADLINE_MS = 2000
const quietLog = { info: () => {}, warn: () => {}, error: () => {} }

async function within(ms: number, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + ms
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`condition not met within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

let dir: string
let paths: ConfigPaths
let watcher: ConfigWatcher | null = null

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'webpac-lang-'))
  paths = { messagesConf: join(dir, 'messages.conf'), webOptions: join(dir, 'webpub.def') }
  writeFileSync(paths.messagesConf, '')
  writeFileSync(paths.webOptions, '')
})

afterEach(() => {
  watcher?.stop()
  watcher = null
  rmSync(dir, { recursive: true, force: true })
})

describe('SPEC 9 the Spanish configuration files', () => {
  test('the Spanish file lies beside the English one with .es before the extension', () => {
    assert.equal(languagePath('/etc/webpac/messages.conf', 'es'), '/etc/webpac/messages.es.conf')
    assert.equal(languagePath('/etc/webpac/webpub.def', 'es'), '/etc/webpac/webpub.es.def')
  })

  test('without Spanish files every patron-facing key has its built-in Spanish default, and no English one', () => {
    const { snapshot } = readConfig(paths)
    assert.ok(snapshot)
    const es = localized(snapshot, 'es')
    for (const [key, value] of Object.entries(es.messages)) {
      assert.equal(value, SPANISH_DEFAULT_MESSAGES[key as keyof typeof SPANISH_DEFAULT_MESSAGES])
      assert.notEqual(value, DEFAULT_MESSAGES[key as keyof typeof DEFAULT_MESSAGES], key)
    }
    assert.equal(es.webOptions.optOutWarn, SPANISH_DEFAULT_WEB_TEXTS.optOutWarn)
    assert.equal(es.webOptions.phoneWarn, SPANISH_DEFAULT_WEB_TEXTS.phoneWarn)
    assert.equal(localized(snapshot, 'en'), snapshot)
  })

  test('the built-in Spanish SMS texts are GSM-7 and fit in one SMS with the default library name', () => {
    for (const key of ['SMS_TEXT_INVITATION', 'SMS_TEXT_CONFIRMATION', 'SMS_TEXT_OPTOUT', 'SMS_TEXT_HELP'] as const) {
      const text = (library: string) => fillSmsText(SPANISH_DEFAULT_MESSAGES[key], { library, shortcode: '82453', name: '' })
      assert.deepEqual(
        smsSegments(text('Demo Public Library')),
        { ...smsSegments(text('Demo Public Library')), encoding: 'GSM-7', segments: 1 },
        key,
      )
    }
  })

  test('messages.es.conf and webpub.es.def use the same parser and line-numbered errors, and config check reads them', () => {
    writeFileSync(languagePath(paths.messagesConf, 'es'), '# textos\nSMS_TEXT_HELP=Ayuda {telefono}\n')
    writeFileSync(languagePath(paths.webOptions, 'es'), 'SMS_OPTOUT_WARN=¿Seguro?\nno es clave\n')
    const problems = checkConfigFiles(paths).map((p) => [p.file, p.line])
    assert.deepEqual(problems, [
      [join(dir, 'messages.es.conf'), 2],
      [join(dir, 'webpub.es.def'), 2],
    ])
  })

  test('webpub.es.def holds texts only: a setting there is ignored with a warning, the texts apply', () => {
    writeFileSync(languagePath(paths.webOptions, 'es'), 'SMS_COUNTRY=MX\nSMS_PHONE_WARN=Cambiar el número reinicia la suscripción.\n')
    const { snapshot, files } = readConfig(paths)
    assert.ok(snapshot)
    assert.equal(localized(snapshot, 'es').webOptions.country, 'US')
    assert.equal(localized(snapshot, 'es').webOptions.phoneWarn, 'Cambiar el número reinicia la suscripción.')
    assert.match(files.webOptionsEs.warnings[0]?.message ?? '', /SMS_COUNTRY is a setting/)
  })

  test('a Spanish SMS text that leaves out PARAR, or takes three UCS-2 parts, is applied with warnings', () => {
    writeFileSync(languagePath(paths.messagesConf, 'es'), `SMS_TEXT_HELP=Ayuda: llame a la biblioteca. ${'Información útil. '.repeat(8)}\n`)
    const { files } = readConfig(paths)
    const warnings = files.messagesConfEs.warnings.map((w) => w.message)
    assert.ok(
      warnings.some((w) => /does not mention PARAR/.test(w)),
      warnings.join('\n'),
    )
    assert.ok(
      warnings.some((w) => /SMS parts .* keep it to 2 at most/.test(w)),
      warnings.join('\n'),
    )
  })

  test('a new messages.es.conf is in force within 2 seconds; a broken edit keeps the last good version', async () => {
    watcher = new ConfigWatcher(paths, quietLog, 100)
    watcher.load()
    watcher.start()
    const w = watcher
    const file = languagePath(paths.messagesConf, 'es')
    writeFileSync(file, 'SMS_STATUS_OPTED_IN=Inscrito\n')
    await within(RELOAD_DEADLINE_MS, () => localized(w.current(), 'es').messages.SMS_STATUS_OPTED_IN === 'Inscrito')
    writeFileSync(file, 'SMS_STATUS_OPTED_IN=Activo\nroto\n')
    await within(RELOAD_DEADLINE_MS, () => w.files().messagesConfEs.errors.length > 0)
    assert.equal(localized(w.current(), 'es').messages.SMS_STATUS_OPTED_IN, 'Inscrito')
    assert.equal(w.current().messages.SMS_STATUS_OPTED_IN, 'Opted In')
  })
})
