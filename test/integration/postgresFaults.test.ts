import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { onPostgres } from '../support/database.js'
import { addPatron, WEB } from '../support/patrons.js'
import { type PrivatePostgres, privatePostgresUnavailable, startPrivatePostgres } from '../support/privatePostgres.js'
import { eventually, startTestApp, type TestApp } from '../support/testApp.js'

// SPEC 8: PostgreSQL going away while the portal runs. The test runs its own server (never the
// machine's), stops it under the running portal and starts it again.
const NUMBER = '+12015550123'
const skip = !onPostgres ? 'PostgreSQL only (TEST_DATABASE=postgres)' : (privatePostgresUnavailable() ?? false)

function postInbound(app: TestApp, text: string, messageId: string): Promise<Response> {
  return fetch(`${app.url}/webhooks/sms/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ msisdn: NUMBER.slice(1), to: '82453', messageId, text }),
  })
}

async function health(app: TestApp): Promise<{ status: number; database: { ok: boolean; detail?: string } }> {
  const response = await fetch(`${app.url}/healthz`)
  return { status: response.status, database: ((await response.json()) as { database: { ok: boolean; detail?: string } }).database }
}

describe('SPEC 8 PostgreSQL stops while the portal runs, and comes back', { skip }, () => {
  let server: PrivatePostgres
  let app: TestApp
  let patronId: number

  before(async () => {
    server = await startPrivatePostgres()
    app = await startTestApp({ env: { DATABASE_URL: server.url } })
    patronId = (await addPatron(app.services.store)).id
    await app.services.optInForm.submit(patronId, { email: '', tele1: '', mobile: NUMBER, optin: true, confirm: null }, WEB)
    await app.services.outboxWorker.drain()
  })

  after(async () => {
    await app?.close()
    server?.destroy()
  })

  const status = async () => (await app.services.store.repos.registrations.findByPatron(patronId))?.status

  test('server stopped: a webhook answers 503 (so Vonage retries) and /healthz says the database is down; started again: both recover without a restart', {
    timeout: 60_000,
  }, async () => {
    assert.deepEqual(await health(app), { status: 200, database: { ok: true } })
    server.stop()
    try {
      const refused = await postInbound(app, 'YES', 'pg-down-1')
      assert.equal(refused.status, 503)
      assert.match(((await refused.json()) as { error: string }).error, /unavailable/)
      const down = await health(app)
      assert.equal(down.status, 503)
      assert.equal(down.database.ok, false)
      assert.ok(down.database.detail, 'the reason is given')
      const page = await fetch(`${app.url}/webhooks/sms/inbound?msisdn=${NUMBER.slice(1)}&to=82453&messageId=pg-down-2&text=HELP`)
      assert.equal(page.status, 503, 'the GET form of the webhook too')
    } finally {
      server.start()
    }
    // The same process, its pool reconnecting by itself.
    await eventually(async () => (await health(app)).status === 200, 20_000)
    assert.deepEqual(await health(app), { status: 200, database: { ok: true } })
    const retried = await postInbound(app, 'YES', 'pg-down-1')
    assert.equal(retried.status, 200)
    assert.equal(await status(), 'opted_in', "Vonage's retry of the refused YES is applied once the database is back")
    const again = await postInbound(app, 'YES', 'pg-down-1')
    assert.deepEqual(await again.json(), { ok: true, duplicate: true })
  })
})
