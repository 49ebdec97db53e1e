// sqlite-only: turns the disk under the SQLite file read-only; PostgreSQL's counterpart is postgresFaults.test.ts
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import Database from 'better-sqlite3'
import type { ConsentEvent } from '../../src/store/schema.js'
import { sqliteFileFor } from '../../src/store/store.js'
import { CookieJarClient, textOf } from '../support/cookieJar.js'
import { addPatron, WEB } from '../support/patrons.js'
import { eventually, startTestApp, type TestApp } from '../support/testApp.js'

const NUMBER = '+12015550123'
/** A number no patron registered: its texts are only recorded. */
const STRANGER = '+12015550199'
const UNAVAILABLE = 'The service is unavailable for a moment (its storage cannot be written). Please try again in a few minutes.'

// A tmpfs or bind mount cannot be remounted read-only while SQLite holds its files open
// (EBUSY). An ext4 image on a loop device, mounted with errors=remount-ro, can: writing to
// /sys/fs/ext4/<loopN>/trigger_fs_error makes the kernel switch it to read-only at once
// (emergency_ro), open files and all, as it does when a real disk reports an error. It
// cannot be remounted read-write afterwards; the way back is the admin's: unmount, e2fsck,
// mount again. All of this needs root (and loop devices); elsewhere these tests are skipped.
interface LoopDisk {
  base: string
  image: string
  mountPoint: string
  /** /sys/fs/ext4/<loopN>/trigger_fs_error of the current mount. */
  knob: string
}

function run(command: string, args: readonly string[]): void {
  execFileSync(command, args, { stdio: 'pipe' })
}

function mountImage(disk: Pick<LoopDisk, 'image' | 'mountPoint'>): string {
  run('mount', ['-t', 'ext4', '-o', 'loop,errors=remount-ro', disk.image, disk.mountPoint])
  const source = execFileSync('findmnt', ['-n', '-o', 'SOURCE', disk.mountPoint], { encoding: 'utf8' }).trim()
  return join('/sys/fs/ext4', basename(source), 'trigger_fs_error')
}

function isMounted(mountPoint: string): boolean {
  return spawnSync('findmnt', ['-n', mountPoint], { stdio: 'ignore' }).status === 0
}

// umount of a `-o loop` mount releases the loop device, but not necessarily before umount
// returns; e2fsck must not look at an image that is still attached.
async function unmountImage(disk: LoopDisk): Promise<void> {
  if (isMounted(disk.mountPoint)) run('umount', ['-l', disk.mountPoint])
  await eventually(() => execFileSync('losetup', ['-j', disk.image], { encoding: 'utf8' }).trim() === '')
}

function tryLoopDisk(): LoopDisk | string {
  if (process.getuid?.() !== 0) return 'needs root to mount an ext4 image on a loop device'
  const base = mkdtempSync(join(tmpdir(), 'webpac-rodisk-'))
  const image = join(base, 'disk.img')
  const mountPoint = join(base, 'mnt')
  mkdirSync(mountPoint)
  try {
    closeSync(openSync(image, 'w'))
    truncateSync(image, 64 * 1024 * 1024)
    run('mkfs.ext4', ['-q', '-F', image])
  } catch {
    rmSync(base, { recursive: true, force: true })
    return 'mkfs.ext4 is not available'
  }
  let knob: string
  try {
    knob = mountImage({ image, mountPoint })
  } catch {
    rmSync(base, { recursive: true, force: true })
    return 'cannot mount an ext4 image on a loop device (no loop devices?)'
  }
  if (!existsSync(knob)) {
    spawnSync('umount', ['-l', mountPoint], { stdio: 'ignore' })
    rmSync(base, { recursive: true, force: true })
    return `the kernel has no ${knob} to turn the file system read-only`
  }
  return { base, image, mountPoint, knob }
}

const disk = tryLoopDisk()
const skip = typeof disk === 'string' ? disk : false

function postInbound(app: TestApp, from: string, text: string, messageId: string): Promise<Response> {
  return fetch(`${app.url}/webhooks/sms/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ msisdn: from.slice(1), to: '82453', messageId, text }),
  })
}

describe('storage failures: the disk turns read-only', { skip }, () => {
  if (typeof disk === 'string') return
  const dataDir = join(disk.mountPoint, 'data')
  const file = sqliteFileFor(dataDir)
  let app: TestApp
  let patron: { id: number; barcode: string; pin: string }
  let client: CookieJarClient
  let consentBefore: ConsentEvent[]
  let inboundBefore: unknown[]
  let outboxBefore: number

  const modpinfo = () => `/patroninfo/${patron.id}/modpinfo`

  async function status(): Promise<string> {
    return (await app.services.store.repos.registrations.findByPatron(patron.id))?.status ?? 'none'
  }

  // Straight from the file, beside the app (WAL lets a second reader in).
  function count(sql: string, ...params: unknown[]): number {
    const db = new Database(file, { readonly: true })
    try {
      return db
        .prepare(sql)
        .pluck()
        .get(...params) as number
    } finally {
      db.close()
    }
  }

  /** The texts stored from the patron's number, newest first. */
  function inboundFromNumber(): unknown[] {
    const db = new Database(file, { readonly: true })
    try {
      return db.prepare('SELECT * FROM inbound_messages WHERE msisdn = ? ORDER BY received_at DESC').all(NUMBER.slice(1))
    } finally {
      db.close()
    }
  }

  before(async () => {
    mkdirSync(dataDir)
    app = await startTestApp({ env: { DATA_DIR: dataDir } })
    patron = await addPatron(app.services.store)
    await app.services.optInForm.submit(patron.id, { email: '', tele1: '', mobile: NUMBER, optin: true, confirm: null }, WEB)
    await app.services.outboxWorker.drain()
    assert.equal((await postInbound(app, NUMBER, 'YES', 'ro-yes')).status, 200)
    await app.services.outboxWorker.drain()
    assert.equal(await status(), 'opted_in')
    // The simulator's delivery receipts (invitation, confirmation) land just after the sends.
    await eventually(() => count('SELECT count(*) FROM delivery_receipts') === 2)

    client = new CookieJarClient(app.url)
    assert.equal((await client.logIn(patron.barcode, patron.pin)).status, 303)
    assert.equal((await client.get(modpinfo())).status, 200)

    consentBefore = await app.services.store.repos.consent.listForPatron(patron.id)
    inboundBefore = inboundFromNumber()
    outboxBefore = count('SELECT count(*) FROM outbox')
    assert.deepEqual(
      consentBefore.map((event) => event.to_status),
      ['opted_in', 'pending_optin'],
    )
    assert.equal(inboundBefore.length, 1)

    // No sync before the failure: what was answered 200 must already be on the disk (the last
    // test checks this one message; with synchronous = NORMAL it was lost).
    assert.equal((await postInbound(app, STRANGER, 'hello', 'ro-last-answered')).status, 200)

    writeFileSync(disk.knob, '1')
    assert.throws(() => writeFileSync(join(disk.mountPoint, 'probe'), 'x'), { code: 'EROFS' })
  })

  after(async () => {
    await app?.close()
    await unmountImage(disk)
    rmSync(disk.base, { recursive: true, force: true })
  })

  test('read-only disk: a webhook answers 503 with the clear sentence and nothing is stored, so Vonage retries it', async () => {
    for (let attempt = 1; attempt <= 2; attempt++) {
      const refused = await postInbound(app, NUMBER, 'STOP', 'ro-stop')
      assert.equal(refused.status, 503, `attempt ${attempt}`)
      assert.deepEqual(await refused.json(), { error: UNAVAILABLE })
    }
    assert.equal(await status(), 'opted_in')
    assert.deepEqual(await app.services.store.repos.consent.listForPatron(patron.id), consentBefore)
    assert.equal(count('SELECT count(*) FROM inbound_messages WHERE message_id = ?', 'ro-stop'), 0)
  })

  test("read-only disk: a patron's form submit answers 503 with the clear sentence on the page and changes nothing", async () => {
    const refused = await client.post(modpinfo(), { email: 'new@example.org', tele1: '', mobile: NUMBER, confirm: 'optout' })
    assert.equal(refused.status, 503)
    assert.ok(textOf(refused.html).includes(UNAVAILABLE), textOf(refused.html))
    assert.equal(await status(), 'opted_in')
    assert.equal((await app.services.store.repos.patrons.findById(patron.id))?.email, '')
    assert.deepEqual(await app.services.store.repos.consent.listForPatron(patron.id), consentBefore)
  })

  test("read-only disk: what only reads still answers: the patron's page and /healthz", async () => {
    const page = await client.get(modpinfo())
    assert.equal(page.status, 200)
    assert.match(page.html, /data-qa="sms-status">Opted In</)
    // /healthz answers too, and tells a monitor that writes fail (its probe write fails again).
    const health = await fetch(`${app.url}/healthz`)
    const body = (await health.json()) as { ok: boolean; database: { ok: boolean; detail?: string } }
    assert.equal(health.status, 503)
    assert.equal(body.database.ok, false)
    assert.match(body.database.detail ?? '', /writes are failing since .* \(SQLITE_IOERR/)
  })

  test('read-only disk: after the admin repairs the disk and restarts the server, nothing was half-written', async () => {
    // A file system that turned read-only cannot be remounted read-write: the server stops,
    // the admin unmounts, checks and mounts the disk again, and the server starts on it.
    await app.close()
    await unmountImage(disk)
    const fsck = spawnSync('e2fsck', ['-fy', disk.image], { encoding: 'utf8' })
    assert.ok(fsck.status === 0 || fsck.status === 1, `e2fsck exited ${fsck.status}: ${fsck.stdout}${fsck.stderr}`)
    disk.knob = mountImage(disk)

    const db = new Database(file, { readonly: true })
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok')
    } finally {
      db.close()
    }
    app = await startTestApp({ env: { DATA_DIR: dataDir } })
    assert.equal(await status(), 'opted_in')
    assert.deepEqual(await app.services.store.repos.consent.listForPatron(patron.id), consentBefore)
    assert.deepEqual(inboundFromNumber(), inboundBefore)
    assert.equal(count('SELECT count(*) FROM inbound_messages WHERE message_id = ?', 'ro-stop'), 0)
    assert.equal(count('SELECT count(*) FROM outbox'), outboxBefore)
    assert.equal((await app.services.store.repos.patrons.findById(patron.id))?.email, '')
  })

  test('read-only disk: on the repaired disk the retried webhook answers 200 and is applied exactly once', async () => {
    const retried = await postInbound(app, NUMBER, 'STOP', 'ro-stop')
    assert.equal(retried.status, 200)
    assert.deepEqual(await retried.json(), { ok: true, duplicate: false })
    const again = await postInbound(app, NUMBER, 'STOP', 'ro-stop')
    assert.equal(again.status, 200)
    assert.deepEqual(await again.json(), { ok: true, duplicate: true })

    // STOP is a silent opt-out (SPEC 4): opted_in -> not_opted_in, one event, no text queued.
    assert.equal(await status(), 'not_opted_in')
    const history = await app.services.store.repos.consent.listForPatron(patron.id)
    assert.deepEqual(history.slice(1), consentBefore)
    assert.deepEqual(
      history.slice(0, 1).map(({ from_status, to_status, channel, reason, inbound_message_id }) => ({
        from_status,
        to_status,
        channel,
        reason,
        inbound_message_id,
      })),
      [{ from_status: 'opted_in', to_status: 'not_opted_in', channel: 'sms', reason: 'sms_stop', inbound_message_id: 'ro-stop' }],
    )
    assert.equal(count('SELECT count(*) FROM inbound_messages WHERE message_id = ?', 'ro-stop'), 1)
    assert.equal(count('SELECT count(*) FROM outbox'), outboxBefore)
  })

  test('read-only disk: a webhook answered 200 just before the disk failed is still stored after the repair', () => {
    assert.equal(count('SELECT count(*) FROM inbound_messages WHERE message_id = ?', 'ro-last-answered'), 1)
  })
})
