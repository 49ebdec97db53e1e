import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { MESSAGES_PER_PHONE } from '../../src/store/simulatorMessageRepository.js'
import { CookieJarClient, textOf } from '../support/cookieJar.js'
import { backendName, envFor } from '../support/database.js'
import { addPatron, WEB } from '../support/patrons.js'
import { eventually, startTestApp, type TestApp } from '../support/testApp.js'

// Issue 14: the simulated phones' conversations live in the database, not in one process.

async function messagesOf(app: TestApp, e164: string): Promise<Record<string, unknown>[]> {
  const response = await fetch(`${app.url}/simulator/messages?to=${encodeURIComponent(e164)}`)
  assert.equal(response.status, 200)
  return (await response.json()) as Record<string, unknown>[]
}

/** Opts a new patron in with `e164`, and waits until the invitation is on the simulated phone. */
async function invite(app: TestApp, e164: string): Promise<Record<string, unknown>[]> {
  const patron = await addPatron(app.services.store, { pin: null })
  const saved = await app.services.optInForm.submit(patron.id, { email: '', tele1: '', mobile: e164, optin: true, confirm: null }, WEB)
  assert.deepEqual(saved, { kind: 'saved', status: 'pending_optin' })
  return eventually(async () => {
    const messages = await messagesOf(app, e164)
    return messages.length === 1 ? messages : undefined
  })
}

/** Another app on the very same database: the SQLite file in `app`'s data directory, or its PostgreSQL schema. */
function sameDatabase(app: TestApp): Record<string, string> {
  return { DATA_DIR: join(app.dir, 'data'), ...envFor(app.services.store) }
}

describe(`the simulator's conversations are kept in the database (issue 14, ${backendName})`, () => {
  test('a conversation is still on the simulated phone, in the same JSON, after the portal restarts', async () => {
    const e164 = '+12015550301'
    const first = await startTestApp()
    let before: Record<string, unknown>[]
    try {
      before = await invite(first, e164)
      assert.match(String(before[0]?.text), /Reply YES/)
    } finally {
      await first.close()
    }
    const restarted = await startTestApp({ env: sameDatabase(first) })
    try {
      assert.deepEqual(await messagesOf(restarted, e164), before)
      const page = await fetch(`${restarted.url}/simulator`)
      assert.equal(page.status, 200)
      assert.match(textOf(await page.text()), /\+1 201 555 0301 1 message/, 'the phone is listed on /simulator')
    } finally {
      await restarted.close()
    }
  })

  test('two portal nodes on one database show the same conversation, whichever node sent or received each text', async () => {
    const e164 = '+12015550302'
    const one = await startTestApp()
    const two = await startTestApp({ env: sameDatabase(one) })
    try {
      const [invitation] = await invite(one, e164)
      assert.deepEqual(await messagesOf(two, e164), [invitation], 'the invitation one node delivered is on the other node too')

      // A reply typed on the other node's simulator goes through its webhook; the confirmation follows.
      const simulator = new CookieJarClient(two.url)
      await simulator.get(`/simulator?to=${encodeURIComponent(e164)}`)
      assert.equal((await simulator.post('/simulator/reply', { to: e164, text: 'YES' })).status, 303)
      const conversation = await eventually(async () => {
        const messages = await messagesOf(one, e164)
        return messages.length === 3 ? messages : undefined
      })
      assert.deepEqual(
        conversation.map((message) => message.direction),
        ['outbound', 'inbound', 'outbound'],
      )
      assert.deepEqual(conversation[0], invitation)
      assert.equal(conversation[1]?.text, 'YES')
      assert.match(String(conversation[2]?.text), /You are signed up for SMS alerts/)
      assert.deepEqual(await messagesOf(two, e164), conversation, 'both nodes answer the same JSON, oldest first')
    } finally {
      await two.close()
      await one.close()
    }
  })

  test(`a simulated phone keeps its newest ${MESSAGES_PER_PHONE} messages, oldest first, and other phones keep theirs`, async () => {
    const app = await startTestApp({ background: false })
    try {
      const { simulator } = app.services
      assert.ok(simulator)
      await simulator.recordInbound({ from: '+12015550399', to: '82453', text: 'other phone', messageId: 'other' })
      for (let n = 1; n <= MESSAGES_PER_PHONE + 5; n++) {
        await simulator.recordInbound({ from: '+12015550303', to: '82453', text: `text ${n}`, messageId: `in-${n}` })
      }
      const kept = await messagesOf(app, '+12015550303')
      assert.equal(kept.length, MESSAGES_PER_PHONE)
      assert.equal(kept[0]?.text, 'text 6')
      assert.equal(kept.at(-1)?.text, `text ${MESSAGES_PER_PHONE + 5}`)
      assert.deepEqual(
        (await messagesOf(app, '+12015550399')).map((message) => message.text),
        ['other phone'],
      )
    } finally {
      await app.close()
    }
  })
})
