import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { benchNumber } from '../../bench/lib/seedDatabase.js'
import { alertDedupeKey } from '../../src/services/alertService.js'
import { Cluster } from '../support/cluster.js'
import { MockVonage } from '../support/mockVonage.js'
import { eventually } from '../support/testApp.js'

// Issue 14 items 1 and 6: two worker nodes (WEBPAC_ROLE=worker, separate processes) on an
// outbox that holds 5,000 alerts; the second starts while the first is sending, as when a worker
// is added or restarted under load. Each sends through a mock Vonage of its own, so the two mocks
// together are the phones, and each tells what its worker sent.

const PATRONS = 500
const ALERTS_PER_PATRON = 10
const ALERTS = PATRONS * ALERTS_PER_PATRON

let cluster: Cluster
const mocks: MockVonage[] = []
before(async () => {
  cluster = await Cluster.create({ seed: { patrons: PATRONS, optedIn: PATRONS } })
})
after(async () => {
  await cluster.close()
  await Promise.all(mocks.map((mock) => mock.close()))
})

/** Queues the alerts as the alerts API does (same row, same dedupe key), in one transaction: none is due before all are. */
async function queueAlerts(): Promise<number[]> {
  const store = await cluster.store()
  const now = new Date()
  return store.transaction(async (repos) => {
    const ids: number[] = []
    for (let n = 0; n < ALERTS; n += 1) {
      const patron = n % PATRONS
      const text = `Notice ${Math.floor(n / PATRONS)} for patron ${patron}.`
      const message = { patron_id: patron + 1, e164: benchNumber(patron), kind: 'alert', alert_type: 'hold', text } as const
      ids.push(await repos.outbox.enqueue({ ...message, dedupe_key: alertDedupeKey(patron + 1, 'hold', text) }, now))
    }
    return ids
  })
}

describe('issue 14.6: two workers share one outbox (SPEC 8, FOR UPDATE SKIP LOCKED)', () => {
  test(`two worker nodes on ${ALERTS} queued alerts, the second started while the first sends: each alert reaches Vonage exactly once, none is lost, both workers send, each row ends sent`, {
    timeout: 180_000,
  }, async (t) => {
    const ids = await queueAlerts()
    assert.equal(new Set(ids).size, ALERTS)
    const [mockX, mockY] = await Promise.all([MockVonage.start(), MockVonage.start()])
    mocks.push(mockX, mockY)
    const started = Date.now()
    await cluster.start({ name: 'worker X', role: 'worker', mock: mockX })
    await eventually(() => mockX.accepted().length > 0, 30_000)
    // X surely has messages in flight while Y starts: Vonage holds its answers until Y listens.
    mockX.holdAnswers()
    const before = mockX.requests.length
    await eventually(() => mockX.requests.length > before, 30_000)
    await cluster.start({ name: 'worker Y', role: 'worker', mock: mockY })
    mockX.releaseAnswers()
    await cluster.outboxSettled(120_000)
    t.diagnostic(`${ALERTS} alerts sent ${Date.now() - started} ms after the workers were started`)

    const byX = mockX.accepted().map((sms) => Number(sms.clientRef))
    const byY = mockY.accepted().map((sms) => Number(sms.clientRef))
    const sends = new Map<number, number>()
    for (const id of [...byX, ...byY]) sends.set(id, (sends.get(id) ?? 0) + 1)
    const twice = [...sends].filter(([, count]) => count > 1).map(([id]) => id)
    assert.deepEqual(twice, [], 'no alert reached Vonage twice')
    const lost = ids.filter((id) => !sends.has(id))
    assert.deepEqual(lost, [], 'every alert reached Vonage')
    assert.equal(sends.size, ALERTS, 'and nothing else did')
    t.diagnostic(`worker X sent ${byX.length}, worker Y ${byY.length}`)
    assert.ok(byX.length > 0 && byY.length > 0, `both workers sent (X ${byX.length}, Y ${byY.length})`)

    // Y's start left X's sends in flight alone (it did not take them for a crashed worker's): each row is recorded as sent.
    const states = await cluster.query<{ state: string; n: number }>('SELECT state, count(*) AS n FROM outbox GROUP BY state')
    assert.deepEqual(states, [{ state: 'sent', n: ALERTS }])
  })
})
