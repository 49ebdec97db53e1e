// How long an invitation takes from the patron's opt-in submit on a web node to the mock Vonage,
// sent by a worker node (issue 14 item 1): a web process and a worker process of CHECKOUT
// (default: this one) on a PostgreSQL database made for the run.
//
//   node --import tsx bench/wakeUpLatency.ts [CHECKOUT] [SUBMITS]
//
// Run it on a checkout without the NOTIFY to see the poll's wait. Submits are spaced at random
// (0–1 s) so they fall anywhere in the worker's 1-second poll.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { hashSecret } from '../src/services/passwords.js'
import { openStore } from '../src/store/store.js'
import { CookieJarClient } from '../test/support/cookieJar.js'
import { MockVonage } from '../test/support/mockVonage.js'
import { createBenchDatabase } from './lib/postgres.js'
import { type RunningServer, startServer } from './lib/processes.js'
import { PG_ADMIN_URL } from './postgresRows.js'

const checkout = resolve(process.argv[2] ?? new URL('..', import.meta.url).pathname)
const submits = Number(process.argv[3] ?? 30)
const PIN = '2468'

const database = await createBenchDatabase(PG_ADMIN_URL)
const mock = await MockVonage.start()
const servers: RunningServer[] = []
try {
  const store = await openStore({ databaseUrl: database.url, dataDir: tmpdir() })
  const pinHash = await hashSecret(PIN)
  const patrons: Array<{ id: number; barcode: string }> = []
  for (let i = 0; i < submits; i += 1) {
    const barcode = `21000${String(i).padStart(9, '0')}`
    const at = new Date().toISOString()
    const id = await store.repos.patrons.insert({
      barcode,
      name: `Bench Patron ${i}`,
      pin_hash: pinHash,
      email: '',
      tele1: '',
      mobile: '',
      created_at: at,
      updated_at: at,
    })
    patrons.push({ id, barcode })
  }
  await store.close()

  const node = async (role: 'web' | 'worker') => {
    const dir = mkdtempSync(join(tmpdir(), `webpac-wakeup-${role}-`))
    writeFileSync(join(dir, 'messages.conf'), '')
    writeFileSync(join(dir, 'webpub.def'), '')
    const env = {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      MESSAGES_CONF: join(dir, 'messages.conf'),
      WEB_OPTIONS: join(dir, 'webpub.def'),
      SESSION_SECRET: 'wake-up-latency-bench-secret-0123456789',
      SEED_DEMO: '0',
      LOG_LEVEL: 'warn',
      WEBPAC_ROLE: role,
      DATABASE_URL: database.url,
      ...mock.env(),
    }
    const server = await startServer(['--import', 'tsx', join(checkout, 'src/server.ts')], env)
    servers.push(server)
    return server
  }
  const web = await node('web')
  await node('worker')

  const latencies: number[] = []
  const answers: number[] = []
  for (const [i, patron] of patrons.entries()) {
    const mobile = `+1201555${String(3000 + i)}`
    const client = new CookieJarClient(web.url)
    await client.logIn(patron.barcode, PIN)
    const form = `/patroninfo/${patron.id}/modpinfo`
    await client.get(form)
    await new Promise((done) => setTimeout(done, Math.random() * 1_000))
    const started = performance.now()
    const answer = await client.post(form, { email: '', tele1: '', mobile, optin: 'on' })
    if (answer.status !== 303) throw new Error(`the opt-in answered ${answer.status}`)
    answers.push(performance.now() - started)
    while (!mock.requests.some((request) => request.to === mobile.slice(1))) await new Promise((done) => setTimeout(done, 1))
    latencies.push(performance.now() - started)
  }

  console.log(`${checkout}: ${latencies.length} opt-ins (ms)`)
  console.log(`  submit → 303 answer:   ${summary(answers)}`)
  console.log(`  submit → mock Vonage:  ${summary(latencies)}`)
} finally {
  for (const server of servers) await server.stop()
  await mock.close()
  await database.drop()
}

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]?.toFixed(0)
  const mean = sorted.reduce((sum, ms) => sum + ms, 0) / sorted.length
  return `min ${at(0)}, median ${at(0.5)}, mean ${mean.toFixed(0)}, p90 ${at(0.9)}, max ${at(1)}`
}
