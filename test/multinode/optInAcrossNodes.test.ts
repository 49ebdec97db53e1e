import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { BENCH_PIN, benchBarcode, benchNumber } from '../../bench/lib/seedDatabase.js'
import { Cluster, type PortalNode, postAlert } from '../support/cluster.js'
import { CookieJarClient } from '../support/cookieJar.js'
import { eventually } from '../support/testApp.js'
import { SHORT_CODE } from '../support/vonageApp.js'

// Issue 14 item 6: two portal nodes (separate processes, both WEBPAC_ROLE=all, so both run an
// outbox worker) on one PostgreSQL database, sending through one mock Vonage: what it accepted
// is what reached the phones.

const OPTED_IN = 5

let cluster: Cluster
let a: PortalNode
let b: PortalNode
let key: string
before(async () => {
  cluster = await Cluster.create({ seed: { patrons: 10, optedIn: OPTED_IN } })
  ;[a, b] = (await cluster.start({ name: 'A' }, { name: 'B' })) as [PortalNode, PortalNode]
  key = await cluster.apiKey()
})
after(async () => {
  await cluster.close()
})

/** The SMS status the patron's modpinfo page shows (data-qa="sms-status"). */
async function statusShown(browser: CookieJarClient, patronId: number): Promise<string | undefined> {
  const page = await browser.get(`/patroninfo/${patronId}/modpinfo`)
  return /data-qa="sms-status">([^<]*)</.exec(page.html)?.[1]
}

/** The outbox rows of a patron, oldest first: what the portal queued. */
function queuedFor(patronId: number): Promise<{ id: number; kind: string; state: string }[]> {
  return cluster.query('SELECT id, kind, state FROM outbox WHERE patron_id = ? ORDER BY id', patronId)
}

describe('issue 14.6: opt-in across two nodes, each running an outbox worker (SPEC 4.3, 8)', () => {
  test("opt in on B: exactly one invitation reaches Vonage; YES through A's webhook shows Opted In on B; STOP through B: nothing more from either node, an alert after it is refused", {
    timeout: 60_000,
  }, async () => {
    const patronId = OPTED_IN + 1
    const msisdn = '12015550177'
    const toPhone = () => cluster.mock.accepted().filter((sms) => sms.to === msisdn)
    const onB = new CookieJarClient(b.url)
    assert.equal((await onB.logIn(benchBarcode(patronId - 1), BENCH_PIN)).status, 303)
    await onB.get(`/patroninfo/${patronId}/modpinfo`)
    const saved = await onB.post(`/patroninfo/${patronId}/modpinfo`, { email: '', tele1: '', mobile: '(201) 555-0177', optin: 'on' })
    assert.equal(saved.status, 303)
    assert.equal(await statusShown(onB, patronId), 'Pending')

    await cluster.outboxSettled()
    const [invitation, ...more] = await queuedFor(patronId)
    assert.deepEqual(more, [], 'one message queued')
    assert.equal(invitation?.kind, 'invitation')
    assert.equal(invitation?.state, 'sent')
    assert.equal(cluster.mock.acceptedCount(String(invitation.id)), 1, 'the invitation reached Vonage once')
    assert.equal(toPhone().length, 1, 'the phone got one text')

    const yes = await cluster.mock.sendInbound(a.url, { msisdn, to: SHORT_CODE, text: 'YES' })
    assert.equal(yes.status, 200)
    assert.equal(await statusShown(onB, patronId), 'Opted In', 'B shows what A applied')
    await cluster.outboxSettled()
    assert.deepEqual(
      (await queuedFor(patronId)).map((row) => [row.kind, row.state]),
      [
        ['invitation', 'sent'],
        ['confirmation', 'sent'],
      ],
    )
    assert.equal(toPhone().length, 2, 'invitation and confirmation, once each')

    // While opted in, an alert goes out (once): so the refusal after STOP is STOP's doing.
    const before = await postAlert(a, key, { barcode: benchBarcode(patronId - 1), text: 'Your hold is ready.' })
    assert.equal(before.status, 202)
    await eventually(() => toPhone().length === 3, 10_000)

    const stop = await cluster.mock.sendInbound(b.url, { msisdn, to: SHORT_CODE, text: 'STOP' })
    assert.equal(stop.status, 200)
    assert.equal(await statusShown(onB.at(a.url), patronId), 'Not Opted In', 'A shows what B applied')
    for (const node of [a, b]) {
      const refused = await postAlert(node, key, { barcode: benchBarcode(patronId - 1), text: 'Your hold is ready, again.' })
      assert.equal(refused.status, 409, `the alerts API on ${node.name} refuses the alert`)
    }
    await cluster.outboxSettled()
    assert.equal(toPhone().length, 3, 'nothing more reached the phone after STOP (the carrier sends its own STOP reply)')
  })

  test('the same alert posted to both nodes at the same moment is queued once (one 202, one 200 duplicate with its id) and reaches the phone once', {
    timeout: 60_000,
  }, async () => {
    const ids: number[] = []
    for (let i = 0; i < OPTED_IN; i += 1) {
      const alert = { barcode: benchBarcode(i), text: `Dune is ready for you at the main branch (${i}).` }
      const answers = await Promise.all([postAlert(a, key, alert), postAlert(b, key, alert)])
      assert.deepEqual(answers.map((answer) => answer.status).sort(), [200, 202], `alert ${i}: one queued, one duplicate`)
      const [first, second] = answers.map((answer) => answer.body)
      assert.equal(first?.id, second?.id, `alert ${i}: both answers name the one alert`)
      assert.equal(answers.find((answer) => answer.status === 200)?.body.duplicate, true)
      ids.push(first?.id ?? 0)
    }
    await cluster.outboxSettled()
    for (const [i, id] of ids.entries()) {
      assert.equal(cluster.mock.acceptedCount(String(id)), 1, `alert ${id} reached Vonage once`)
      const texts = cluster.mock.accepted().filter((sms) => sms.to === benchNumber(i).slice(1))
      assert.deepEqual(
        texts.map((sms) => sms.text),
        [`Dune is ready for you at the main branch (${i}).`],
        `phone ${i} got the alert once`,
      )
    }
  })
})
