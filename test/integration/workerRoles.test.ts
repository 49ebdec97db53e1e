import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { readEnv } from '../../src/config/env.js'
import { silentLogger } from '../../src/logger.js'
import { buildServices } from '../../src/services/index.js'
import { freshDatabaseUrl, onPostgres, queryDb, sqliteOnly } from '../support/database.js'
import { MockVonage } from '../support/mockVonage.js'
import { killAllServerProcesses, killServerProcess, type ServerProcess, serverEnv, startServerProcess } from '../support/serverProcess.js'
import { eventually } from '../support/testApp.js'
import { ALL_DAY, addPatron, outboxRow, SHORT_CODE, submitOptIn } from '../support/vonageApp.js'

// Issue 14 item 1 (SPEC 8): WEBPAC_ROLE, each node its own process on one PostgreSQL database.
const postgresOnly = onPostgres ? false : 'PostgreSQL only: web and worker nodes share a PostgreSQL database (SQLite refuses them)'

let mock: MockVonage
before(async () => {
  mock = await MockVonage.start()
})
after(async () => {
  killAllServerProcesses()
  await mock.close()
})

function nodeEnv(dir: string, databaseUrl: string | undefined, role: string): Record<string, string> {
  return serverEnv(dir, { WEBPAC_ROLE: role, ...mock.env(), ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) })
}

function configDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'webpac-roles-'))
  writeFileSync(join(dir, 'messages.conf'), '')
  writeFileSync(join(dir, 'webpub.def'), ALL_DAY)
  return dir
}

/** One node of the cluster: its own process, config copy and data directory, on the shared database. */
function startNode(databaseUrl: string, role: 'all' | 'web' | 'worker'): ServerProcess {
  return startServerProcess(nodeEnv(configDir(), databaseUrl, role))
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function rowState(url: string, id: number): Promise<string | undefined> {
  return (await queryDb<{ state: string }>(url, 'SELECT state FROM outbox WHERE id = ?', id))[0]?.state
}

// Each test has its own database, whose outbox ids (client-refs) start again at 1.
function resetMock(): void {
  mock.heal()
  mock.requests.length = 0
}

describe('issue 14 item 1 WEBPAC_ROLE: web and worker nodes (SPEC 8)', () => {
  test('a worker node answers /healthz and /metrics and nothing else: pages, webhooks and the simulator are 404', {
    skip: postgresOnly,
    timeout: 30_000,
  }, async () => {
    const worker = startNode((await freshDatabaseUrl())!, 'worker')
    const url = await worker.url
    assert.match(worker.output(), /WebPAC SMS worker is listening on http:\/\/127\.0\.0\.1:\d+ \(health and metrics only\)/)
    const health = await fetch(`${url}/healthz`)
    assert.equal(health.status, 200)
    const body = (await health.json()) as { ok: boolean; database: { ok: boolean }; outboxDepth: number }
    assert.equal(body.ok, true)
    assert.equal(body.database.ok, true)
    assert.equal(body.outboxDepth, 0)
    // Loopback, no METRICS_TOKEN: the worker's own counters, e.g. its outbox gauge (SPEC 8).
    const metrics = await fetch(`${url}/metrics`)
    assert.equal(metrics.status, 200)
    assert.match(await metrics.text(), /^webpac_outbox_messages\{state="queued"\} 0$/m)
    for (const path of ['/', '/patroninfo', '/staff', '/simulator', '/webhooks/sms/inbound', '/api/v1/alerts']) {
      assert.equal((await fetch(`${url}${path}`)).status, 404, path)
    }
    const webhook = await mock.sendInbound(url, { msisdn: '12015558001', to: SHORT_CODE, text: 'HELP' })
    assert.equal(webhook.status, 404)
    await killServerProcess(worker, 'SIGTERM')
    assert.equal(worker.child.exitCode, 0, 'SIGTERM drains and exits 0')
  })

  test('a web node sends nothing: the HELP reply it queues stays queued until a worker node runs, which sends it once', {
    skip: postgresOnly,
    timeout: 40_000,
  }, async () => {
    resetMock()
    const databaseUrl = (await freshDatabaseUrl())!
    const web = startNode(databaseUrl, 'web')
    const webUrl = await web.url
    assert.match(web.output(), /Role: web/)
    assert.equal((await fetch(`${webUrl}/patroninfo`)).status, 200, 'the web node serves the pages')
    assert.equal((await mock.sendInbound(webUrl, { msisdn: '12015558002', to: SHORT_CODE, text: 'HELP' })).status, 200)
    const [reply] = await queryDb<{ id: number }>(databaseUrl, "SELECT id FROM outbox WHERE kind = 'help'")
    assert.ok(reply, 'the HELP reply is queued')
    // An `all` node polls every second: in twice that, a web node has still sent nothing.
    await sleep(2_000)
    assert.equal(mock.requests.length, 0)
    assert.equal(await rowState(databaseUrl, reply.id), 'queued')

    const worker = startNode(databaseUrl, 'worker')
    await worker.url
    await eventually(() => mock.acceptedCount(String(reply.id)) === 1, 10_000)
    await eventually(async () => (await rowState(databaseUrl, reply.id)) === 'sent', 5_000)
    assert.equal(mock.requests.length, 1)
    await Promise.all([killServerProcess(web, 'SIGTERM'), killServerProcess(worker, 'SIGTERM')])
    assert.deepEqual([web.child.exitCode, worker.child.exitCode], [0, 0], 'both drain on SIGTERM and exit 0')
  })

  test("issue 14: worker B starting while worker A's send is in flight leaves A's row alone; A's real outcome is recorded and Vonage gets it once", {
    skip: postgresOnly,
    timeout: 60_000,
  }, async () => {
    resetMock()
    const databaseUrl = (await freshDatabaseUrl())!
    // The opt-in a web node took: one invitation committed in the outbox.
    const env = readEnv(nodeEnv(configDir(), databaseUrl, 'web'))
    const services = await buildServices(env, { log: silentLogger() })
    const patronId = await addPatron(services.store)
    await submitOptIn({ services }, patronId, '+12015558003')
    const invitation = (await outboxRow(services.store, patronId, 'invitation'))!
    await services.shutdown()
    const clientRef = String(invitation.id)

    // A's send hangs at Vonage (until the SDK's 10-second timeout): the row stays in 'sending'.
    mock.failNext(1, { kind: 'hang' })
    const a = startNode(databaseUrl, 'worker')
    await eventually(() => mock.requests.some((request) => request.clientRef === clientRef), 10_000)
    assert.equal(await rowState(databaseUrl, invitation.id), 'sending')

    const b = startNode(databaseUrl, 'worker')
    await b.url
    assert.equal(await rowState(databaseUrl, invitation.id), 'sending', "B's start does not declare A's send unknown")

    // A's timeout is a retry (the outcome B would have thrown away): the row is queued again and sent.
    await eventually(() => mock.acceptedCount(clientRef) === 1, 30_000)
    await eventually(async () => (await rowState(databaseUrl, invitation.id)) === 'sent', 5_000)
    await sleep(1_500)
    assert.equal(mock.acceptedCount(clientRef), 1)
    assert.equal(mock.requests.filter((request) => request.clientRef === clientRef).length, 2, 'the hung try and the accepted one')
    await Promise.all([killServerProcess(a), killServerProcess(b)])
  })

  test('on SQLite WEBPAC_ROLE=web or worker exits 1 before listening, with one line asking for PostgreSQL', {
    skip: sqliteOnly('the refusal is of SQLite itself'),
    timeout: 30_000,
  }, async () => {
    for (const role of ['web', 'worker']) {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
        cwd: new URL('../..', import.meta.url),
        env: { PATH: process.env.PATH ?? '', ...nodeEnv(configDir(), undefined, role) },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (chunk) => (stdout += String(chunk)))
      child.stderr.on('data', (chunk) => (stderr += String(chunk)))
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
      assert.equal(code, 1)
      assert.equal(stdout, '')
      assert.equal(
        stderr,
        `webpac: WEBPAC_ROLE=${role} needs DATABASE_URL=postgres://…: one SQLite file serves one process, so on SQLite only WEBPAC_ROLE=all runs\n`,
      )
    }
  })
})
