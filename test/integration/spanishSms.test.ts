import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, test } from 'node:test'
import { SPANISH_DEFAULT_MESSAGES } from '../../src/config/spanishDefaults.js'
import { SPANISH_OPT_OUT_WORDS } from '../../src/domain/keywords.js'
import type { ModpinfoForm } from '../../src/services/optInForm.js'
import { termsHash } from '../../src/services/smsTexts.js'
import { addPatron, WEB } from '../support/patrons.js'
import { ScriptedGateway } from '../support/scriptedGateway.js'
import { startTestApp, type TestApp } from '../support/testApp.js'

const A = '+12015550123'
const STRANGER = '+12015550177'
const LIBRARY = 'Demo Public Library'
const spanish = (key: keyof typeof SPANISH_DEFAULT_MESSAGES) => SPANISH_DEFAULT_MESSAGES[key].replace('{library}', LIBRARY)

function form(fields: Partial<ModpinfoForm>): ModpinfoForm {
  return { email: '', tele1: '', mobile: '', optin: false, confirm: null, ...fields }
}

let app: TestApp | null = null
let counter = 0

async function setUp(): Promise<{
  app: TestApp
  gateway: ScriptedGateway
  inbound(from: string, text: string): Promise<void>
  flush(): Promise<void>
}> {
  const gateway = new ScriptedGateway()
  app = await startTestApp({ gateway, background: false })
  const started = app
  return {
    app: started,
    gateway,
    inbound: async (from, text) => {
      counter += 1
      await started.services.inboundTexts.handle({
        messageId: `es-${counter}`,
        msisdn: from.slice(1),
        to: '82453',
        text,
        receivedAt: new Date(),
      })
    },
    flush: async () => {
      await started.services.outboxWorker.drain()
    },
  }
}

afterEach(async () => {
  await app?.close()
  app = null
})

describe('SPEC 9 Spanish from the phone', () => {
  test('AYUDA from a number nobody registered is answered with the Spanish help text; HELP with the English', async () => {
    const { gateway, inbound, flush } = await setUp()
    await inbound(STRANGER, 'ayuda')
    await flush()
    await inbound(STRANGER, 'HELP')
    await flush()
    assert.deepEqual(
      gateway.to(STRANGER).map((sms) => sms.text),
      [
        spanish('SMS_TEXT_HELP'),
        `${LIBRARY} SMS alerts. Help: ask at your library or visit our website. Msg freq varies. Msg & data rates may apply. Reply STOP to cancel.`,
      ],
    )
  })

  for (const word of [...SPANISH_OPT_OUT_WORDS, 'Parár!', 'baja por favor']) {
    test(`${word} from an opted-in number opts the patron out at once, sends nothing, and the consent event says Spanish`, async () => {
      const { app, gateway, inbound, flush } = await setUp()
      const patron = await addPatron(app.services.store)
      await app.services.optInForm.submit(patron.id, form({ mobile: A, optin: true }), WEB)
      await inbound(A, 'YES')
      await flush()
      const before = gateway.to(A).length
      await inbound(A, word)
      await flush()
      const view = await app.services.patronSmsView.read(patron.id)
      assert.equal(view.status, 'not_opted_in')
      assert.equal(gateway.to(A).length, before, 'the gateway sends its own opt-out confirmation; we send none')
      assert.equal(view.history[0]?.reason, 'sms_stop')
      assert.equal(view.history[0]?.lang, 'es')
    })
  }

  for (const word of ['SI', 'SÍ', 'sí']) {
    test(`${word} confirms a pending invitation like YES, and the confirmation goes out in Spanish`, async () => {
      const { app, gateway, inbound, flush } = await setUp()
      const patron = await addPatron(app.services.store)
      await app.services.optInForm.submit(patron.id, form({ mobile: A, optin: true }), WEB)
      await inbound(A, word)
      await flush()
      assert.equal((await app.services.patronSmsView.read(patron.id)).status, 'opted_in')
      assert.equal(gateway.to(A).at(-1)?.text, spanish('SMS_TEXT_CONFIRMATION'))
    })
  }

  for (const word of ['COMENZAR', 'iniciar']) {
    test(`${word} from an opted-out number opts in again like START, with consent recorded in Spanish`, async () => {
      const { app, gateway, inbound, flush } = await setUp()
      const patron = await addPatron(app.services.store)
      await app.services.optInForm.submit(patron.id, form({ mobile: A, optin: true }), WEB)
      await inbound(A, 'STOP')
      await inbound(A, word)
      await flush()
      const view = await app.services.patronSmsView.read(patron.id)
      assert.equal(view.status, 'opted_in')
      assert.equal(view.history[0]?.reason, 'sms_start')
      assert.equal(view.history[0]?.lang, 'es')
      assert.equal(gateway.to(A).at(-1)?.text, spanish('SMS_TEXT_CONFIRMATION'))
    })
  }
})

describe("SPEC 9 SMS in the patron's language", () => {
  test('opting in on a Spanish page stores Spanish: the invitation, help and web opt-out texts are Spanish, the event has the Spanish terms hash', async () => {
    const { app, gateway, inbound, flush } = await setUp()
    const patron = await addPatron(app.services.store)
    const es = { ...WEB, lang: 'es' } as const
    await app.services.optInForm.submit(patron.id, form({ mobile: A, optin: true }), es)
    await flush()
    assert.equal(gateway.to(A).at(-1)?.text, spanish('SMS_TEXT_INVITATION'))
    assert.equal((await app.services.store.repos.patrons.findById(patron.id))?.lang, 'es')
    const optIn = (await app.services.patronSmsView.read(patron.id)).history[0]
    assert.equal(optIn?.lang, 'es')
    assert.equal(optIn?.terms_hash, termsHash(app.services.config.current(), 'es'))
    assert.notEqual(optIn?.terms_hash, termsHash(app.services.config.current(), 'en'))
    await inbound(A, 'YES')
    await inbound(A, 'HELP')
    await flush()
    assert.deepEqual(
      gateway
        .to(A)
        .slice(1)
        .map((sms) => sms.text),
      [spanish('SMS_TEXT_CONFIRMATION'), spanish('SMS_TEXT_HELP')],
    )
    await app.services.optInForm.submit(patron.id, form({ mobile: A, optin: false, confirm: 'optout' }), WEB)
    await flush()
    assert.equal(gateway.to(A).at(-1)?.text, spanish('SMS_TEXT_OPTOUT'))
  })

  test('a key missing from messages.es.conf falls back to the built-in Spanish text, not the English one', async () => {
    const { app, gateway, flush } = await setUp()
    writeFileSync(
      join(app.dir, 'messages.es.conf'),
      'SMS_TEXT_INVITATION={library}: Conteste SI para recibir avisos. AYUDA para ayuda, PARAR para cancelar.\n',
    )
    app.services.config.reloadNow()
    const patron = await addPatron(app.services.store)
    await app.services.optInForm.submit(patron.id, form({ mobile: A, optin: true }), { ...WEB, lang: 'es' })
    await flush()
    assert.equal(gateway.to(A).at(-1)?.text, `${LIBRARY}: Conteste SI para recibir avisos. AYUDA para ayuda, PARAR para cancelar.`)
    const es = app.services.config.current().es
    assert.equal(es?.messages.SMS_TEXT_HELP, SPANISH_DEFAULT_MESSAGES.SMS_TEXT_HELP)
  })

  test('a broken messages.es.conf keeps the last good Spanish version in force, with its line-numbered error', async () => {
    const { app } = await setUp()
    const file = join(app.dir, 'messages.es.conf')
    writeFileSync(file, 'SMS_STATUS_OPTED_IN=Inscrito\n')
    app.services.config.reloadNow()
    writeFileSync(file, 'SMS_STATUS_OPTED_IN=Activo\nesto no es una clave\n')
    app.services.config.reloadNow()
    assert.equal(app.services.config.current().es?.messages.SMS_STATUS_OPTED_IN, 'Inscrito')
    assert.deepEqual(
      app.services.config.files().messagesConfEs.errors.map((error) => [error.file, error.line]),
      [[file, 2]],
    )
  })
})

describe('SPEC 9 the alerts API lang', () => {
  async function alertRig() {
    const gateway = new ScriptedGateway()
    // Mid-afternoon in New York, inside the default send window.
    const started = await startTestApp({ gateway, background: false, clock: () => new Date('2026-01-15T19:00:00Z') })
    app = started
    const { key } = await started.services.apiKeys.create('test-ils')
    const post = (body: object) =>
      fetch(`${started.url}/api/v1/alerts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    const patron = await addPatron(started.services.store, { mobile: '(201) 555-0123' })
    await started.services.optInForm.submit(patron.id, form({ mobile: A, optin: true }), { ...WEB, lang: 'es' })
    await started.services.inboundTexts.handle({ messageId: 'si-1', msisdn: A.slice(1), to: '82453', text: 'SI', receivedAt: new Date() })
    await started.services.outboxWorker.drain()
    return { gateway, post, patron, app: started }
  }

  test("without lang the alert is recorded in the patron's language; with lang, in that one; the text is sent exactly as given", async () => {
    const { gateway, post, patron, app: started } = await alertRig()
    const plain = await post({ barcode: patron.barcode, type: 'hold', text: 'Su reserva está lista.' })
    assert.equal(plain.status, 202)
    assert.equal(((await plain.json()) as { lang: string }).lang, 'es')
    const english = await post({ barcode: patron.barcode, type: 'overdue', text: 'Your item is overdue.', lang: 'en' })
    assert.equal(english.status, 202)
    assert.equal(((await english.json()) as { lang: string }).lang, 'en')
    await started.services.outboxWorker.drain()
    assert.deepEqual(
      gateway
        .to(A)
        .slice(-2)
        .map((sms) => sms.text),
      ['Su reserva está lista.', 'Your item is overdue.'],
    )
  })

  test('a lang other than en or es answers 400 and queues nothing', async () => {
    const { post, patron, gateway, app: started } = await alertRig()
    const sent = gateway.to(A).length
    const refused = await post({ barcode: patron.barcode, type: 'hold', text: 'Prêt', lang: 'fr' })
    assert.equal(refused.status, 400)
    assert.match(((await refused.json()) as { error: string }).error, /lang must be one of en, es/)
    await started.services.outboxWorker.drain()
    assert.equal(gateway.to(A).length, sent)
  })
})
