import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { afterEach, describe, test } from 'node:test'
import type { ModpinfoForm } from '../../src/services/optInForm.js'
import { envFor, writeDb } from '../support/database.js'
import { addPatron, WEB } from '../support/patrons.js'
import { ScriptedGateway } from '../support/scriptedGateway.js'
import { startTestApp, type TestApp } from '../support/testApp.js'

const A = '+12015550123'
const B = '+12015550177'
const UK = '+447400123456'

function form(fields: Partial<ModpinfoForm>): ModpinfoForm {
  return { email: '', tele1: '', mobile: '', optin: false, confirm: null, ...fields }
}

interface Rig {
  app: TestApp
  gateway: ScriptedGateway
  advance(ms: number): void
  /** Sends everything due, like the outbox worker does after each commit. */
  flush(): Promise<void>
  inbound(from: string, text: string, messageId?: string): Promise<void>
  status(patronId: number): Promise<string>
  /** Opts the patron in with number A on the web and confirms by texting YES; both texts sent. */
  optedIn(patronId: number): Promise<void>
}

let rig: Rig | null = null
let inboundCounter = 0

async function setUp(options: { webOptions?: string } = {}): Promise<Rig> {
  let now = Date.parse('2026-11-28T15:00:00Z')
  const gateway = new ScriptedGateway()
  const app = await startTestApp({ gateway, clock: () => new Date(now), background: false, ...options })
  rig = {
    app,
    gateway,
    advance: (ms) => {
      now += ms
    },
    flush: async () => {
      await app.services.outboxWorker.drain()
    },
    inbound: async (from, text, messageId) => {
      inboundCounter += 1
      await app.services.inboundTexts.handle({
        messageId: messageId ?? `in-${inboundCounter}`,
        msisdn: from.slice(1),
        to: '82453',
        text,
        receivedAt: new Date(now),
      })
    },
    status: async (patronId) => (await app.services.patronSmsView.read(patronId)).status,
    optedIn: async (patronId) => {
      await app.services.optInForm.submit(patronId, form({ mobile: A, optin: true }), WEB)
      await app.services.outboxWorker.drain()
      await rig?.inbound(A, 'YES')
      await app.services.outboxWorker.drain()
    },
  }
  return rig
}

afterEach(async () => {
  await rig?.app.close()
  rig = null
})

describe('SPEC 4.2 one number, one patron', () => {
  test('a second patron opting in with the same number in another format gets SMS_ERR_NUMBER_TAKEN and nothing of theirs changes', async () => {
    const { app } = await setUp()
    const { optInForm, store, config } = app.services
    const first = await addPatron(store)
    const second = await addPatron(store, { email: 'before@example.org' })
    await optInForm.submit(first.id, form({ mobile: '(201) 555-0123', optin: true }), WEB)
    const result = await optInForm.submit(second.id, form({ mobile: '+1 201 555 0123', optin: true, email: 'after@example.org' }), WEB)
    assert.deepEqual(result, { kind: 'invalid', errors: [{ field: 'mobile', message: config.current().messages.SMS_ERR_NUMBER_TAKEN }] })
    assert.equal((await store.repos.patrons.findById(second.id))?.email, 'before@example.org')
    assert.equal(await store.repos.registrations.findByPatron(second.id), undefined)
  })

  test('two processes opting two patrons in with one number at the same moment: exactly one wins, the other gets SMS_ERR_NUMBER_TAKEN', async () => {
    const { app } = await setUp()
    const { store, config } = app.services
    const patrons = [await addPatron(store), await addPatron(store)]
    const startAt = Date.now() + 1_500
    const results = await Promise.all(
      patrons.map((patron, i) =>
        runWorker([`${app.dir}/data`, String(patron.id), i === 0 ? '(201) 555-0123' : '+1 201 555 0123', String(startAt)], envFor(store)),
      ),
    )
    const kinds = results.map((result) => result.kind).sort()
    assert.deepEqual(kinds, ['invalid', 'saved'])
    const loser = results.find((result) => result.kind === 'invalid')
    assert.deepEqual(loser?.errors, [{ field: 'mobile', message: config.current().messages.SMS_ERR_NUMBER_TAKEN }])
    const holders = await store.repos.registrations.findAllByNumber(A)
    assert.equal(holders.length, 1)
  })
})

function runWorker(args: string[], env: Record<string, string>): Promise<{ kind: string; errors?: unknown }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'test/support/optInWorker.ts', ...args],
      { env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`))
        else resolve(JSON.parse(stdout) as { kind: string; errors?: unknown })
      },
    )
  })
}

describe('SPEC 4.3 opt in', () => {
  test('US: opting in makes the status pending and sends the invitation; NO makes it rejected', async () => {
    const { app, gateway, flush, inbound, status } = await setUp()
    const patron = await addPatron(app.services.store)
    await app.services.optInForm.submit(patron.id, form({ mobile: A, optin: true }), WEB)
    await flush()
    assert.equal(await status(patron.id), 'pending_optin')
    assert.match(gateway.to(A)[0]?.text ?? '', /YES/)
    await inbound(A, 'No')
    assert.equal(await status(patron.id), 'rejected')
  })

  test('US: an invitation the gateway refuses makes the status rejected', async () => {
    const { app, gateway, flush, status } = await setUp()
    const patron = await addPatron(app.services.store)
    gateway.answerNext({ outcome: 'refused', error: 'invalid number' })
    await app.services.optInForm.submit(patron.id, form({ mobile: A, optin: true }), WEB)
    await flush()
    assert.equal(await status(patron.id), 'rejected')
  })

  test('US: a failed delivery receipt for the invitation makes the status rejected', async () => {
    const { app, gateway, flush, status } = await setUp()
    const patron = await addPatron(app.services.store)
    await app.services.optInForm.submit(patron.id, form({ mobile: A, optin: true }), WEB)
    await flush()
    const clientRef = gateway.to(A)[0]?.clientRef ?? ''
    await app.services.deliveryReceipts.handle({ messageId: 'scripted-1', clientRef, status: 'failed', errCode: '3' })
    assert.equal(await status(patron.id), 'rejected')
  })

  test('US: no reply within SMS_OPTIN_EXPIRY_HOURS makes the status rejected; re-submitting starts again with a new invitation', async () => {
    const { app, gateway, flush, advance, status } = await setUp({ webOptions: 'SMS_OPTIN_EXPIRY_HOURS=72\n' })
    const patron = await addPatron(app.services.store)
    await app.services.optInForm.submit(patron.id, form({ mobile: A, optin: true }), WEB)
    await flush()
    advance(71 * 3_600_000)
    assert.equal(await app.services.invitationExpiry.expireOverdue(), 0)
    advance(2 * 3_600_000)
    assert.equal(await app.services.invitationExpiry.expireOverdue(), 1)
    assert.equal(await status(patron.id), 'rejected')
    await app.services.optInForm.submit(patron.id, form({ mobile: A, optin: true }), WEB)
    await flush()
    assert.equal(await status(patron.id), 'pending_optin')
    assert.equal(gateway.to(A).length, 2)
  })

  test('outside the US: opting in makes the status opted in at once and sends the confirmation; an undeliverable confirmation makes it rejected', async () => {
    const { app, gateway, flush, status } = await setUp({ webOptions: 'SMS_COUNTRY=GB\n' })
    const patron = await addPatron(app.services.store)
    const saved = await app.services.optInForm.submit(patron.id, form({ mobile: '+44 7400 123456', optin: true }), WEB)
    assert.deepEqual(saved, { kind: 'saved', status: 'opted_in' })
    gateway.answerNext({ outcome: 'refused', error: 'barred' })
    await flush()
    assert.match(gateway.to(UK)[0]?.text ?? '', /STOP/)
    assert.equal(await status(patron.id), 'rejected')
  })
})

describe('SPEC 4.4 opt out on the web', () => {
  test('unticking Opt In asks for confirmation first and changes nothing until confirmed', async () => {
    const { app, status, optedIn } = await setUp()
    const patron = await addPatron(app.services.store)
    await optedIn(patron.id)
    const unconfirmed = await app.services.optInForm.submit(patron.id, form({ mobile: A, optin: false }), WEB)
    assert.deepEqual(unconfirmed, { kind: 'confirm', confirm: 'optout' })
    assert.equal(await status(patron.id), 'opted_in')
  })

  test('a confirmed opt-out is pending until the one opt-out text is handed over, then not opted in; the number stays in the record', async () => {
    const { app, gateway, flush, status, optedIn } = await setUp()
    const patron = await addPatron(app.services.store)
    await optedIn(patron.id)
    const before = gateway.to(A).length
    const result = await app.services.optInForm.submit(patron.id, form({ mobile: A, optin: false, confirm: 'optout' }), WEB)
    assert.deepEqual(result, { kind: 'saved', status: 'pending_optout' })
    await flush()
    assert.equal(await status(patron.id), 'not_opted_in')
    assert.equal(gateway.to(A).length, before + 1, 'exactly one opt-out text')
    assert.equal((await app.services.store.repos.patrons.findById(patron.id))?.mobile, A)
  })
})

describe('SPEC 4.5 automatic opt-out', () => {
  test('a changed number in the record (whoever changed it) opts the patron out silently; the view says why', async () => {
    const { app, gateway, flush, status, optedIn } = await setUp()
    const patron = await addPatron(app.services.store)
    await optedIn(patron.id)
    const sent = gateway.sent.length
    // As an ILS load or the CLI would: the MOBILE PH field changes behind modpinfo's back.
    await app.services.store.repos.patrons.update(patron.id, { mobile: '(201) 555-0177' }, new Date().toISOString())
    assert.equal(await status(patron.id), 'not_opted_in')
    assert.equal((await app.services.patronSmsView.read(patron.id)).autoOptedOut, true)
    await flush()
    assert.equal(gateway.sent.length, sent, 'no SMS to either number')
  })

  test('a punctuation-only change of the number never opts out', async () => {
    const { app, inbound, status } = await setUp()
    const patron = await addPatron(app.services.store)
    await app.services.optInForm.submit(patron.id, form({ mobile: '201-555-0123', optin: true }), WEB)
    await inbound(A, 'YES')
    await app.services.store.repos.patrons.update(patron.id, { mobile: '(201) 555 0123' }, new Date().toISOString())
    assert.equal(await status(patron.id), 'opted_in')
    await app.services.store.repos.patrons.update(patron.id, { mobile: '+1.201.555.0123' }, new Date().toISOString())
    assert.equal(await status(patron.id), 'opted_in')
  })

  test('a number changed straight in the database is caught when the record is next read, and nothing more is sent to the old number', async () => {
    const { app, gateway, inbound, flush, status } = await setUp()
    const patron = await addPatron(app.services.store)
    await app.services.optInForm.submit(patron.id, form({ mobile: A, optin: true }), WEB)
    await flush()
    await inbound(A, 'YES')
    await app.services.store.repos.patrons.update(patron.id, { mobile: B }, new Date().toISOString())
    await flush()
    assert.equal(gateway.to(A).length, 1, 'the confirmation is not sent once the record names another number')
    assert.equal(await status(patron.id), 'not_opted_in')
  })
})

describe('SPEC 4.6 opt out by text', () => {
  for (const text of ['STOP', 'stop all', 'Stop.', 'END', 'quit', 'CANCEL my hold', 'Unsubscribe!', 'revoke', 'opt out', 'OPTOUT']) {
    test(`"${text}" from the registered number opts out at once and nothing else is sent`, async () => {
      const { app, gateway, inbound, flush, status } = await setUp()
      const patron = await addPatron(app.services.store)
      await app.services.optInForm.submit(patron.id, form({ mobile: A, optin: true }), WEB)
      await flush()
      await inbound(A, 'YES')
      await inbound(A, text)
      await flush()
      assert.equal(await status(patron.id), 'not_opted_in')
      assert.deepEqual(
        gateway.to(A).map((sms) => sms.text.includes('YES')),
        [true],
        'only the invitation went out: the queued confirmation was cancelled',
      )
    })
  }

  test('START from an opted-out number opts in again with consent recorded; HELP is answered whatever the status; other text is recorded and ignored', async () => {
    const { app, gateway, inbound, flush, status } = await setUp()
    const patron = await addPatron(app.services.store)
    await app.services.optInForm.submit(patron.id, form({ mobile: A, optin: true }), WEB)
    await inbound(A, 'STOP')
    await inbound(A, 'HELP')
    await inbound(A, 'where is my book')
    await flush()
    assert.equal(await status(patron.id), 'not_opted_in')
    assert.match(gateway.to(A).at(-1)?.text ?? '', /Help/)
    await inbound(A, 'START')
    await flush()
    assert.equal(await status(patron.id), 'opted_in')
    const last = (await app.services.patronSmsView.read(patron.id)).history[0]
    assert.equal(last?.channel, 'sms')
    assert.equal(last?.reason, 'sms_start')
  })

  test('HELP from a number we do not know is answered; STOP from it changes nothing', async () => {
    const { gateway, inbound, flush } = await setUp()
    await inbound(B, 'help')
    await flush()
    await inbound(B, 'stop')
    await inbound(B, 'help')
    await inbound(B, 'stop')
    await flush()
    assert.equal(gateway.to(B).length, 1, 'a STOP also withdraws a HELP reply not yet sent')
  })

  test('texts to a number that is not one of SMS_SHORT_CODES are ignored', async () => {
    const { app, flush, status } = await setUp()
    const patron = await addPatron(app.services.store)
    await app.services.optInForm.submit(patron.id, form({ mobile: A, optin: true }), WEB)
    await app.services.inboundTexts.handle({ messageId: 'x-1', msisdn: A.slice(1), to: '99999', text: 'STOP', receivedAt: new Date() })
    await flush()
    assert.equal(await status(patron.id), 'pending_optin')
  })

  test('the same inbound messageId twice is processed once', async () => {
    const { app, inbound, gateway, flush } = await setUp()
    await inbound(B, 'help', 'dup-1')
    await inbound(B, 'help', 'dup-1')
    await flush()
    assert.equal(gateway.to(B).length, 1)
    const result = await app.services.inboundTexts.handle({
      messageId: 'dup-1',
      msisdn: B.slice(1),
      to: '82453',
      text: 'help',
      receivedAt: new Date(),
    })
    assert.equal(result.duplicate, true)
  })

  test('a delivery receipt with err-code 9 (opted out at the carrier) opts the patron out', async () => {
    const { app, gateway, status, optedIn } = await setUp()
    const patron = await addPatron(app.services.store)
    await optedIn(patron.id)
    const confirmation = gateway.to(A)[1]
    await app.services.deliveryReceipts.handle({
      messageId: 'm-9',
      clientRef: confirmation?.clientRef ?? null,
      status: 'failed',
      errCode: '9',
    })
    assert.equal(await status(patron.id), 'not_opted_in')
  })
})

describe('SPEC 4.7 phone change', () => {
  test('a new number while opted in needs the phone warning confirmed, then ends the old registration and invites the new number only', async () => {
    const { app, gateway, flush, status, optedIn } = await setUp()
    const patron = await addPatron(app.services.store)
    await optedIn(patron.id)
    const toOld = gateway.to(A).length
    assert.deepEqual(await app.services.optInForm.submit(patron.id, form({ mobile: B, optin: true }), WEB), {
      kind: 'confirm',
      confirm: 'phone',
    })
    const result = await app.services.optInForm.submit(patron.id, form({ mobile: B, optin: true, confirm: 'phone' }), WEB)
    assert.deepEqual(result, { kind: 'saved', status: 'pending_optin' })
    await flush()
    assert.equal(gateway.to(A).length, toOld, 'nothing more to the old number')
    assert.match(gateway.to(B)[0]?.text ?? '', /YES/)
    const history = (await app.services.patronSmsView.read(patron.id)).history
    assert.deepEqual(
      history.slice(0, 2).map((e) => [e.e164, e.reason, e.to_status]),
      [
        [B, 'web_opt_in', 'pending_optin'],
        [A, 'number_changed', 'not_opted_in'],
      ],
    )
    assert.equal(await status(patron.id), 'pending_optin')
  })
})

describe('SPEC 4.8 staff deletions', () => {
  test('deleting the patron record opts out silently, cancels queued messages and keeps the consent history', async () => {
    const { app, gateway, flush } = await setUp()
    const patron = await addPatron(app.services.store)
    await app.services.optInForm.submit(patron.id, form({ mobile: A, optin: true }), WEB)
    await app.services.staff.console.deletePatron(patron.id, 'librarian')
    await flush()
    assert.equal(gateway.sent.length, 0, 'the queued invitation was cancelled and nothing else sent')
    const history = await app.services.store.repos.consent.listForPatron(patron.id)
    assert.deepEqual(
      history.map((e) => [e.reason, e.channel, e.actor]),
      [
        ['record_deleted', 'staff', 'librarian'],
        ['web_opt_in', 'web', null],
      ],
    )
    assert.equal(await app.services.store.repos.patrons.findById(patron.id), undefined)
  })

  test('deleting the MOBILE PH field opts out silently', async () => {
    const { app, gateway, flush, status, optedIn } = await setUp()
    const patron = await addPatron(app.services.store)
    await optedIn(patron.id)
    const sent = gateway.sent.length
    await app.services.staff.console.deleteMobile(patron.id, 'librarian')
    await flush()
    assert.equal(await status(patron.id), 'not_opted_in')
    assert.equal(gateway.sent.length, sent)
    assert.equal((await app.services.store.repos.patrons.findById(patron.id))?.mobile, '')
  })
})

describe('SPEC 4.9 consent history', () => {
  test('consent events can be neither updated nor deleted', async () => {
    const { app } = await setUp()
    const patron = await addPatron(app.services.store)
    await app.services.optInForm.submit(patron.id, form({ mobile: A, optin: true }), WEB)
    const location = app.services.store.location
    await assert.rejects(writeDb(location, "UPDATE consent_events SET to_status = 'opted_in'"), /append-only/)
    await assert.rejects(writeDb(location, 'DELETE FROM consent_events'), /append-only/)
    assert.equal((await app.services.store.repos.consent.listForPatron(patron.id)).length, 1)
  })
})

describe('SPEC 5 outbox', () => {
  test('a transient gateway failure is retried with backoff and the message goes out once', async () => {
    const { app, gateway, flush, advance } = await setUp()
    const patron = await addPatron(app.services.store)
    gateway.answerNext({ outcome: 'retry', error: 'throttled' }, new Error('socket hang up'))
    await app.services.optInForm.submit(patron.id, form({ mobile: A, optin: true }), WEB)
    await flush()
    assert.equal(gateway.to(A).length, 1)
    await flush()
    assert.equal(gateway.to(A).length, 1, 'not retried before the backoff has passed')
    advance(3_000)
    await flush()
    advance(10_000)
    await flush()
    const attempts = gateway.to(A)
    assert.equal(attempts.length, 3)
    assert.equal(new Set(attempts.map((sms) => sms.clientRef)).size, 1, 'one message, one client reference')
    const row = await app.services.store.repos.outbox.findById(Number(attempts[0]?.clientRef))
    assert.equal(row?.state, 'sent')
    await flush()
    assert.equal(gateway.to(A).length, 3)
  })

  test('a message caught mid-send by a crash is never sent again; a later receipt settles it', async () => {
    const { app, gateway, flush } = await setUp()
    const patron = await addPatron(app.services.store)
    await app.services.optInForm.submit(patron.id, form({ mobile: A, optin: true }), WEB)
    const [row] = await app.services.store.repos.outbox.listForPatron(patron.id)
    assert.ok(row)
    await app.services.store.repos.outbox.transition(row.id, 'queued', { state: 'sending', updated_at: '' })
    await app.services.outboxWorker.start()
    await app.services.outboxWorker.stop()
    await flush()
    assert.equal(gateway.sent.length, 0)
    assert.equal((await app.services.store.repos.outbox.findById(row.id))?.state, 'unknown')
    await app.services.deliveryReceipts.handle({ messageId: 'late', clientRef: String(row.id), status: 'delivered', errCode: '0' })
    assert.equal((await app.services.store.repos.outbox.findById(row.id))?.state, 'delivered')
  })
})
