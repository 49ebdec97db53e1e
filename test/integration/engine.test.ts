import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { addPatron, WEB } from '../support/patrons.js'
import { eventually, startTestApp, type TestApp } from '../support/testApp.js'

const NUMBER = '+12015550123'

async function postInbound(app: TestApp, text: string, messageId: string): Promise<Response> {
  return fetch(`${app.url}/webhooks/sms/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      msisdn: NUMBER.slice(1),
      to: '82453',
      messageId,
      text,
      type: 'text',
      keyword: text.split(' ')[0]?.toUpperCase() ?? '',
    }),
  })
}

describe('the consent engine end to end (SPEC 4.3, 4.6, 4.9, 5)', () => {
  let app: TestApp
  before(async () => {
    app = await startTestApp()
  })
  after(async () => {
    await app.close()
  })

  test('a US patron opts in, confirms with YES, texts "stop": not opted in, nothing more sent, and each status change is consent evidence', async () => {
    const { optInForm, patronSmsView, simulator, store } = app.services
    const patron = await addPatron(store, { name: 'Ada Lovelace' })
    const phone = () => simulator!.conversation(NUMBER)

    const saved = await optInForm.submit(patron.id, { email: '', tele1: '', mobile: '(201) 555-0123', optin: true, confirm: null }, WEB)
    assert.deepEqual(saved, { kind: 'saved', status: 'pending_optin' })
    const invitation = await eventually(async () => (await phone()).find((m) => m.direction === 'outbound'))
    assert.match(invitation.text, /Reply YES/i)
    assert.equal(invitation.from, '82453')

    assert.equal((await postInbound(app, 'yes', 'in-1')).status, 200)
    assert.equal((await patronSmsView.read(patron.id)).status, 'opted_in')
    const confirmation = await eventually(async () => (await phone()).filter((m) => m.direction === 'outbound')[1])
    assert.match(confirmation.text, /STOP/)

    assert.equal((await postInbound(app, 'stop', 'in-2')).status, 200)
    const view = await patronSmsView.read(patron.id)
    assert.equal(view.status, 'not_opted_in')

    await app.services.outboxWorker.drain()
    assert.equal((await phone()).filter((m) => m.direction === 'outbound').length, 2, 'nothing is sent after STOP')
    const transitions = view.history.map((e) => `${e.from_status}->${e.to_status}:${e.channel}`).reverse()
    assert.deepEqual(transitions, ['not_opted_in->pending_optin:web', 'pending_optin->opted_in:sms', 'opted_in->not_opted_in:sms'])
    assert.equal(view.history.find((e) => e.channel === 'web')?.ip, WEB.ip)
    assert.equal(view.history[0]?.inbound_message_id, 'in-2')
    assert.ok(view.history.find((e) => e.to_status === 'pending_optin')?.terms_hash, 'the terms agreed to are named by hash')
  })
})
