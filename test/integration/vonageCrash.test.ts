import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { readEnv } from '../../src/config/env.js'
import { silentLogger } from '../../src/logger.js'
import { buildServices } from '../../src/services/index.js'
import { databaseEnv, onPostgres } from '../support/database.js'
import { MockVonage, sendWebhook } from '../support/mockVonage.js'
import { killAllServerProcesses, killServerProcess, type ServerProcess, serverEnv, startServerProcess } from '../support/serverProcess.js'
import { eventually } from '../support/testApp.js'
import { ALL_DAY, addPatron, outboxRow, queryDb, submitOptIn } from '../support/vonageApp.js'

let mock: MockVonage
before(async () => {
  mock = await MockVonage.start()
})
after(async () => {
  killAllServerProcesses()
  await mock.close()
})

/** `database`: DATABASE_URL on PostgreSQL, the same for every restart of one test's portal. */
function portalEnv(dir: string, database: Record<string, string>): Record<string, string> {
  return serverEnv(dir, { ...mock.env(), ...database })
}

/** A data directory whose outbox holds a committed, unsent invitation; returns its client-ref. */
async function committedInvitation(
  msisdn: string,
): Promise<{ dir: string; clientRef: string; db: string; database: Record<string, string> }> {
  const dir = mkdtempSync(join(tmpdir(), 'webpac-crash-'))
  writeFileSync(join(dir, 'messages.conf'), '')
  writeFileSync(join(dir, 'webpub.def'), ALL_DAY)
  const database = await databaseEnv()
  const env = readEnv(portalEnv(dir, database))
  // The portal process that took the opt-in stopped right after the commit: no outbox worker ran.
  const services = await buildServices(env, { log: silentLogger() })
  try {
    const patronId = await addPatron(services.store)
    await submitOptIn({ services }, patronId, `+${msisdn}`)
    const row = await outboxRow(services.store, patronId, 'invitation')
    assert.equal(row?.state, 'queued')
    return { dir, clientRef: String(row?.id), db: services.store.location, database }
  } finally {
    await services.shutdown()
  }
}

function startServer(dir: string, database: Record<string, string>): ServerProcess {
  return startServerProcess(portalEnv(dir, database))
}

const kill = (server: ServerProcess) => killServerProcess(server)

async function rowState(db: string, clientRef: string): Promise<{ state: string; attempts: number } | undefined> {
  return (await queryDb<{ state: string; attempts: number }>(db, 'SELECT state, attempts FROM outbox WHERE id = ?', Number(clientRef)))[0]
}

// Each test has a fresh database, whose outbox ids (client-refs) start again at 1.
function resetMock(): void {
  mock.heal()
  mock.requests.length = 0
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('SPEC 5 the outbox survives SIGKILL: never lost, never sent twice', () => {
  test('killed between commit and send (the invitation queued for a retry) → after restart Vonage accepts it exactly once, also after another kill', {
    timeout: 30_000,
  }, async () => {
    resetMock()
    const { dir, clientRef, db, database } = await committedInvitation('12015554001')
    mock.failNext(1_000, { kind: 'http500' })

    const first = startServer(dir, database)
    await eventually(() => mock.requests.some((request) => request.clientRef === clientRef), 10_000)
    await eventually(async () => {
      const row = await rowState(db, clientRef)
      return row?.state === 'queued' && row.attempts >= 1
    }, 5_000)
    await kill(first)
    assert.equal(mock.acceptedCount(clientRef), 0)

    mock.heal()
    const second = startServer(dir, database)
    await eventually(() => mock.acceptedCount(clientRef) === 1, 10_000)
    await eventually(async () => (await rowState(db, clientRef))?.state === 'sent', 5_000)
    await kill(second)

    const third = startServer(dir, database)
    await third.url
    await sleep(1_500)
    await kill(third)
    assert.equal(mock.acceptedCount(clientRef), 1)
    assert.equal((await rowState(db, clientRef))?.state, 'sent')
  })

  test('killed while the send was in flight → not sent again after restart (the mock saw it once); a later receipt settles it', {
    timeout: 30_000,
  }, async () => {
    resetMock()
    const { dir, clientRef, db, database } = await committedInvitation('12015554002')
    mock.failNext(1, { kind: 'hang' })

    const first = startServer(dir, database)
    await eventually(() => mock.requests.some((request) => request.clientRef === clientRef), 10_000)
    await kill(first)

    const second = startServer(dir, database)
    const url = await second.url
    await sleep(1_500)
    const seen = mock.requests.filter((request) => request.clientRef === clientRef).length
    assert.equal(seen, 1)
    // SQLite's one process knows the claim was its own; on PostgreSQL another worker may hold it,
    // so it is declared unknown only after the 5-minute lease (severalWorkers.test.ts).
    assert.equal((await rowState(db, clientRef))?.state, onPostgres ? 'sending' : 'unknown')

    const receipt = await sendWebhook(
      `${url}/webhooks/sms/status`,
      { messageId: '0E00000000000001', status: 'delivered', 'err-code': '0', 'client-ref': clientRef },
      'POST-form',
    )
    assert.equal(receipt.status, 200)
    assert.equal((await rowState(db, clientRef))?.state, 'delivered')
    await kill(second)
  })
})
