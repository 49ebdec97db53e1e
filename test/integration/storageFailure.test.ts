// sqlite-only: fills the disk under the SQLite file; PostgreSQL's counterpart is postgresFaults.test.ts
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { addPatron, WEB } from '../support/patrons.js'
import { startTestApp, type TestApp } from '../support/testApp.js'

const NUMBER = '+12015550123'

// A small tmpfs of our own is a disk that can really fill up or turn read-only. Mounting
// needs root, which CI and the developers' machines have; elsewhere these tests are skipped.
function tryMount(dir: string, sizeMb: number): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

function postInbound(app: TestApp, text: string, messageId: string): Promise<Response> {
  return fetch(`${app.url}/webhooks/sms/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ msisdn: NUMBER.slice(1), to: '82453', messageId, text }),
  })
}

const mountPoint = mkdtempSync(join(tmpdir(), 'webpac-disk-'))
const mounted = tryMount(mountPoint, 8)

describe('storage failures: the disk fills up', { skip: mounted ? false : 'needs root to mount a tmpfs' }, () => {
  let app: TestApp
  let patronId: number
  const _filler = join(mountPoint, 'filler')

  before(async () => {
    const dataDir = join(mountPoint, 'data')
    mkdirSync(dataDir)
    app = await startTestApp({ env: { DATA_DIR: dataDir } })
    patronId = (await addPatron(app.services.store)).id
    await app.services.optInForm.submit(patronId, { email: '', tele1: '', mobile: NUMBER, optin: true, confirm: null }, WEB)
    await app.services.outboxWorker.drain()
  })

  after(async () => {
    await app?.close()
    execFileSync('umount', [mountPoint])
  })

  function fillDisk(): void {
    // Ever smaller files until not even 512 bytes fit.
    let n = 0
    for (let size = 8 * 1024 * 1024; size >= 512; size = Math.floor(size / 2)) {
      for (;;) {
        try {
          writeFileSync(join(mountPoint, `filler-${n++}`), Buffer.alloc(size))
        } catch {
          break
        }
      }
    }
  }

  function freeDisk(): void {
    for (const name of readdirSync(mountPoint)) if (name.startsWith('filler-')) rmSync(join(mountPoint, name))
  }

  async function status(): Promise<string> {
    return (await app.services.store.repos.registrations.findByPatron(patronId))?.status ?? 'none'
  }

  async function health(): Promise<{ status: number; database: { ok: boolean; detail?: string } }> {
    const response = await fetch(`${app.url}/healthz`)
    return { status: response.status, database: ((await response.json()) as { database: { ok: boolean; detail?: string } }).database }
  }

  test('when the disk is full a webhook answers 503 with a clear message, nothing is half-written, and the retry succeeds once there is room', async () => {
    fillDisk()
    try {
      const refused = await postInbound(app, 'YES', 'full-1')
      assert.equal(refused.status, 503)
      assert.match(((await refused.json()) as { error: string }).error, /unavailable/)
      assert.equal(await status(), 'pending_optin')
      // Reads still work, yet /healthz tells a monitor that writes do not.
      const failing = await health()
      assert.equal(failing.status, 503)
      assert.equal(failing.database.ok, false)
      assert.match(failing.database.detail ?? '', /writes are failing since .* \(SQLITE_FULL\)/)
    } finally {
      freeDisk()
    }
    // The server recovers with the disk, without a restart: /healthz's probe write succeeds.
    assert.deepEqual(await health(), { status: 200, database: { ok: true } })
    const retried = await postInbound(app, 'YES', 'full-1')
    assert.equal(retried.status, 200)
    assert.equal(await status(), 'opted_in')
  })
})
