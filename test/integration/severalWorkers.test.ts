import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { freshDatabaseUrl, onPostgres, queryDb, writeDb } from '../support/database.js'
import { ScriptedGateway } from '../support/scriptedGateway.js'
import { eventually, startTestApp, type TestApp } from '../support/testApp.js'
import { addPatron, submitOptIn } from '../support/vonageApp.js'

// Issue 14 item 1: any number of worker nodes at once. Two apps on one database stand for two
// nodes (their own services, pools, timers); test/integration/workerRoles.test.ts runs processes.

const apps: TestApp[] = []
after(async () => {
  for (const app of apps) await app.close()
})

async function node(options: Parameters<typeof startTestApp>[0] = {}): Promise<TestApp> {
  const app = await startTestApp(options)
  apps.push(app)
  return app
}

const MINUTE = 60_000
const ago = (ms: number) => new Date(Date.now() - ms).toISOString()

/** A row the way a worker leaves it once it has claimed it, at `claimedAt`. */
async function claimedRow(app: TestApp, e164: string, claimedAt: string): Promise<number> {
  // In one transaction: the running worker never sees it queued.
  return app.services.store.transaction(async (repos) => {
    const id = await repos.outbox.enqueue({ patron_id: null, e164, kind: 'help', text: 'help' }, new Date())
    await repos.outbox.transition(id, 'queued', { state: 'sending', attempts: 1, updated_at: claimedAt })
    return id
  })
}

const stateOf = async (app: TestApp, id: number) => (await app.services.store.repos.outbox.findById(id))?.state

describe('issue 14 item 1: outbox claims and housekeeping with several workers', () => {
  test('the housekeeping of a running worker marks a claim older than the 5-minute lease unknown and never sends it; a claim within the lease stays sending', async () => {
    const gateway = new ScriptedGateway()
    const app = await node({ gateway, housekeepingMs: 50, outboxWorker: { pollMs: 20 } })
    const stale = await claimedRow(app, '+12015556001', ago(6 * MINUTE))
    const live = await claimedRow(app, '+12015556002', ago(4 * MINUTE))
    await eventually(async () => (await stateOf(app, stale)) === 'unknown')
    assert.equal((await app.services.store.repos.outbox.findById(stale))?.error, 'worker stopped while sending')
    assert.equal(await stateOf(app, live), 'sending', "another worker's send in flight is left alone")
    assert.deepEqual(gateway.sent, [], 'neither is sent (again)')
  })

  test('on PostgreSQL a worker starting leaves a row another worker claimed within the lease in sending, and marks one claimed before it unknown', {
    skip: onPostgres ? false : 'PostgreSQL only: on SQLite one process owns the outbox and marks every claim at start',
  }, async () => {
    const url = (await freshDatabaseUrl())!
    const first = await node({ env: { DATABASE_URL: url }, background: false })
    const live = await claimedRow(first, '+12015556011', ago(10_000))
    const stale = await claimedRow(first, '+12015556012', ago(6 * MINUTE))
    const gateway = new ScriptedGateway()
    await node({ env: { DATABASE_URL: url }, gateway, outboxWorker: { pollMs: 20 } })
    assert.equal(await stateOf(first, live), 'sending')
    assert.equal(await stateOf(first, stale), 'unknown')
    assert.deepEqual(gateway.sent, [])
  })

  test('the invitation-expiry sweep run by two nodes at once on one PostgreSQL database: each overdue invitation gets exactly one invitation_expired event', {
    skip: onPostgres ? false : 'PostgreSQL only: several nodes share a PostgreSQL database (SQLite serves one process)',
    timeout: 60_000,
  }, async () => {
    const url = (await freshDatabaseUrl())!
    const [a, b] = [
      await node({ env: { DATABASE_URL: url }, background: false }),
      await node({ env: { DATABASE_URL: url }, background: false }),
    ]
    const patrons: number[] = []
    for (let i = 0; i < 40; i += 1) {
      const patronId = await addPatron(a!.services.store, `Patron ${i}`)
      await submitOptIn(a!, patronId, `+1201555${String(7000 + i)}`)
      patrons.push(patronId)
    }
    // 73 hours ago: past SMS_OPTIN_EXPIRY_HOURS (72).
    await writeDb(url, "UPDATE sms_registrations SET invited_at = ? WHERE status = 'pending_optin'", ago(73 * 60 * MINUTE))

    const counts = await Promise.all([a!.services.invitationExpiry.expireOverdue(), b!.services.invitationExpiry.expireOverdue()])

    assert.equal(counts[0] + counts[1], patrons.length, `expired by one node or the other, each once: ${counts}`)
    const events = await queryDb<{ patron_id: number; n: number }>(
      url,
      "SELECT patron_id, count(*) AS n FROM consent_events WHERE reason = 'invitation_expired' GROUP BY patron_id ORDER BY patron_id",
    )
    assert.deepEqual(
      events,
      patrons.map((patron_id) => ({ patron_id, n: 1 })),
    )
    for (const patronId of patrons) {
      assert.equal((await a!.services.store.repos.registrations.findByPatron(patronId))?.status, 'rejected')
    }
  })

  test('the whole housekeeping round on two nodes at once (expiry, abandoned claims, sessions, attempt counters): both finish without error, and each row is handled once', {
    skip: onPostgres ? false : 'PostgreSQL only: several nodes share a PostgreSQL database (SQLite serves one process)',
    timeout: 60_000,
  }, async () => {
    const url = (await freshDatabaseUrl())!
    const [a, b] = [
      await node({ env: { DATABASE_URL: url }, background: false }),
      await node({ env: { DATABASE_URL: url }, background: false }),
    ]
    const patrons: number[] = []
    for (let i = 0; i < 20; i += 1) {
      const patronId = await addPatron(a!.services.store, `Patron ${i}`)
      await submitOptIn(a!, patronId, `+1201555${String(7100 + i)}`)
      patrons.push(patronId)
    }
    await writeDb(url, "UPDATE sms_registrations SET invited_at = ? WHERE status = 'pending_optin'", ago(73 * 60 * MINUTE))
    for (let i = 0; i < 10; i += 1) await claimedRow(a!, `+1201555${String(7200 + i)}`, ago(6 * MINUTE))
    const sessions = a!.services.store.repos.sessions
    for (let i = 0; i < 30; i += 1) await sessions.insert(`old-${i}`, '{}', Date.now() - 2 * MINUTE, Date.now() - MINUTE)
    await sessions.insert('live', '{}', Date.now(), Date.now() + MINUTE)

    const [first, second] = await Promise.all([a!.services.housekeeping.run(), b!.services.housekeeping.run()])

    assert.equal(first.expiredInvitations + second.expiredInvitations, 20)
    assert.equal(first.abandonedClaims + second.abandonedClaims, 10)
    assert.equal(first.expiredSessions + second.expiredSessions, 30)
    const [expired] = await queryDb<{ n: number }>(url, "SELECT count(*) AS n FROM consent_events WHERE reason = 'invitation_expired'")
    assert.equal(expired?.n, 20)
    assert.deepEqual(await queryDb(url, 'SELECT sid FROM sessions'), [{ sid: 'live' }])
  })
})
