import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { benchNumber } from '../../bench/lib/seedDatabase.js'
import { Cluster, type PortalNode } from '../support/cluster.js'
import { eventually } from '../support/testApp.js'
import { SHORT_CODE } from '../support/vonageApp.js'

// Issue 14 item 6: two portal nodes (WEBPAC_ROLE=all) take Vonage's inbound webhooks, spread
// over both; node A is SIGKILLed in the middle. Vonage retries every webhook that did not get
// a 200; here each retry goes to B, as a load balancer sends it to the node still alive.
// Each phone texts once, so "one reply per message" is "at most one reply per phone".

const MESSAGES = 2_000
const IN_FLIGHT = 16
/** Only HELP gets a reply from an opted-in number; STOP is silent (the carrier confirms it). */
const MIX = ['HELP', 'STOP', 'HELP', 'thanks'] as const
const MAX_TRIES = 30

let cluster: Cluster
let a: PortalNode
let b: PortalNode
before(async () => {
  cluster = await Cluster.create({ seed: { patrons: MESSAGES, optedIn: MESSAGES } })
  ;[a, b] = (await cluster.start({ name: 'A' }, { name: 'B' })) as [PortalNode, PortalNode]
})
after(async () => {
  await cluster.close()
})

interface Delivery {
  messageId: string
  /** Who answered 200, in the end. */
  answeredBy: string
  /** Tries that got no 200 (no answer, or another status) before that. */
  failedTries: number
}

const textOf = (i: number) => MIX[i % MIX.length] ?? 'HELP'
const msisdnOf = (i: number) => benchNumber(i).slice(1)

/** Vonage delivering message `i`: first to its node by turn, then again (to B) until a 200. */
async function deliver(i: number): Promise<Delivery> {
  const fields = { msisdn: msisdnOf(i), to: SHORT_CODE, messageId: `multi-${i}`, text: textOf(i) }
  let node = i % 2 === 0 ? a : b
  for (let failedTries = 0; failedTries < MAX_TRIES; failedTries += 1) {
    const response = await cluster.mock.sendInbound(node.url, fields).catch(() => null)
    await response?.arrayBuffer()
    if (response?.status === 200) return { messageId: fields.messageId, answeredBy: node.name, failedTries }
    node = b
    await new Promise((resolve) => setTimeout(resolve, 20 * (failedTries + 1)))
  }
  throw new Error(`${fields.messageId}: no 200 after ${MAX_TRIES} tries`)
}

describe('issue 14.6: a node SIGKILLed under a webhook load spread over two nodes (SPEC 5, 8)', () => {
  test(`${MESSAGES} texts over A and B, A killed mid-load, every text without a 200 retried through B: nothing answered 200 is lost, nothing applied twice, no phone gets two replies`, {
    timeout: 180_000,
  }, async (t) => {
    const deliveries: Delivery[] = []
    let next = 0
    const vonage = async () => {
      while (next < MESSAGES) deliveries.push(await deliver(next++))
    }
    const load = Promise.all(Array.from({ length: IN_FLIGHT }, vonage))
    // Killed well into the load, whatever the pace: after A's 200th answer, and a bit.
    await eventually(() => deliveries.filter((delivery) => delivery.answeredBy === 'A').length >= 200, 60_000)
    await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 500)))
    await cluster.kill(a)
    const answeredAtKill = deliveries.length
    await load

    const retried = deliveries.filter((delivery) => delivery.failedTries > 0)
    t.diagnostic(`${answeredAtKill} answered when A was killed; ${retried.length} retried through B`)
    assert.equal(deliveries.length, MESSAGES, 'Vonage got a 200 for every text in the end')
    assert.ok(answeredAtKill < MESSAGES * 0.8 && retried.length > 0, 'A died mid-load, and texts sent to it were retried')

    // B's worker sends what is queued; A's sends caught in flight by the kill stay as they are (never re-sent).
    await cluster.outboxSettled(60_000, ['queued'])

    const stored = new Set(
      (await cluster.query<{ message_id: string }>("SELECT message_id FROM inbound_messages WHERE outcome <> 'received'")).map(
        (row) => row.message_id,
      ),
    )
    const lost = deliveries.filter((delivery) => !stored.has(delivery.messageId)).map((delivery) => delivery.messageId)
    assert.deepEqual(lost, [], 'every text answered 200 is stored with its outcome')

    const appliedTwice = await cluster.query<{ inbound_message_id: string; n: number }>(
      'SELECT inbound_message_id, count(*) AS n FROM consent_events WHERE inbound_message_id IS NOT NULL GROUP BY inbound_message_id HAVING count(*) > 1',
    )
    assert.deepEqual(appliedTwice, [], 'no text changed a status twice')
    const stops = Array.from({ length: MESSAGES }, (_, i) => i).filter((i) => textOf(i) === 'STOP').length
    const [optedOut] = await cluster.query<{ n: number }>("SELECT count(*) AS n FROM sms_registrations WHERE status = 'not_opted_in'")
    assert.equal(optedOut?.n, stops, 'each STOP opted its number out')

    const helps = Array.from({ length: MESSAGES }, (_, i) => i).filter((i) => textOf(i) === 'HELP')
    const replies = await cluster.query<{ e164: string; n: number }>(
      "SELECT e164, count(*) AS n FROM outbox WHERE kind = 'help' GROUP BY e164",
    )
    assert.deepEqual(
      replies.filter((row) => row.n > 1),
      [],
      'no text was answered twice',
    )
    assert.equal(replies.length, helps.length, 'each HELP was answered')

    const perPhone = new Map<string, number>()
    for (const sms of cluster.mock.accepted()) perPhone.set(sms.to, (perPhone.get(sms.to) ?? 0) + 1)
    const twice = [...perPhone].filter(([, n]) => n > 1)
    assert.deepEqual(twice, [], 'no phone got two replies')
    const [sent] = await cluster.query<{ n: number }>("SELECT count(*) AS n FROM outbox WHERE kind = 'help' AND state = 'sent'")
    t.diagnostic(
      `${perPhone.size} replies reached the phones; ${helps.length - (sent?.n ?? 0)} were caught mid-send by the kill (never sent again)`,
    )
    assert.ok((sent?.n ?? 0) > 0 && (sent?.n ?? 0) <= perPhone.size, 'each reply recorded as sent reached its phone')
  })
})
