import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import express, { type Express } from 'express'
import { silentLogger } from '../../src/logger.js'
import { sqliteFileFor } from '../../src/store/store.js'
import { errorHandler } from '../../src/web/errorHandler.js'
import { setUpViews } from '../../src/web/setUpViews.js'
import { databaseEnv, queryDb } from '../support/database.js'
import { MockVonage } from '../support/mockVonage.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'webpac-prod-'))
  writeFileSync(join(dir, 'messages.conf'), '')
  writeFileSync(join(dir, 'webpub.def'), '')
  return dir
}

/** `npm start` with exactly this environment (nothing inherited but PATH). */
function runServer(
  env: Record<string, string>,
  untilListening = false,
): Promise<Run & { url?: string; stop?: () => Promise<number | null> }> {
  const dir = tempDir()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      DATA_DIR: join(dir, 'data'),
      MESSAGES_CONF: join(dir, 'messages.conf'),
      WEB_OPTIONS: join(dir, 'webpub.def'),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  const killer = setTimeout(() => child.kill('SIGKILL'), 15_000)
  return new Promise((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += String(chunk)
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)
      if (untilListening && match?.[1]) {
        const stop = () =>
          new Promise<number | null>((done) => {
            child.once('exit', (code) => done(code))
            child.kill('SIGTERM')
          })
        resolve({ code: null, stdout, stderr, url: match[1], stop })
      }
    })
    child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)))
    child.on('exit', (code) => {
      clearTimeout(killer)
      resolve({ code, stdout, stderr })
    })
  })
}

function oneLine(text: string): string {
  const lines = text.trim().split('\n')
  assert.equal(lines.length, 1, `expected one line on stderr, got: ${text}`)
  return lines[0] ?? ''
}

const PRODUCTION = {
  NODE_ENV: 'production',
  SESSION_SECRET: 'a-long-random-production-session-secret',
  SMS_GATEWAY: 'vonage',
  VONAGE_API_KEY: 'key',
  VONAGE_API_SECRET: 'secret',
  VONAGE_SIGNATURE_SECRET: 'signature-secret',
}

function without(name: keyof typeof PRODUCTION): Record<string, string> {
  const env: Record<string, string> = { ...PRODUCTION }
  delete env[name]
  return env
}

describe('SPEC 1 NODE_ENV=production refuses to start without what it needs, in one clear line', () => {
  const refusals: Array<[string, Record<string, string>, RegExp]> = [
    ['SESSION_SECRET missing', without('SESSION_SECRET'), /SESSION_SECRET/],
    [
      'SESSION_SECRET shorter than 32 characters (finding 8)',
      { ...PRODUCTION, SESSION_SECRET: 'password123' },
      /SESSION_SECRET.*at least 32 characters/,
    ],
    ['SMS_GATEWAY not set (the simulator is never implied)', without('SMS_GATEWAY'), /SMS_GATEWAY=vonage.*SMS_GATEWAY=simulator/],
    ['SMS_GATEWAY=vonage without VONAGE_SIGNATURE_SECRET', without('VONAGE_SIGNATURE_SECRET'), /VONAGE_SIGNATURE_SECRET/],
    ['SMS_GATEWAY=vonage without VONAGE_API_KEY', without('VONAGE_API_KEY'), /VONAGE_API_KEY and VONAGE_API_SECRET/],
    ['SMS_GATEWAY=vonage without VONAGE_API_SECRET', without('VONAGE_API_SECRET'), /VONAGE_API_KEY and VONAGE_API_SECRET/],
    ['SEED_DEMO=1', { ...PRODUCTION, SEED_DEMO: '1' }, /SEED_DEMO/],
    [
      'an unknown VONAGE_SIGNATURE_METHOD',
      { ...PRODUCTION, VONAGE_SIGNATURE_METHOD: 'sha3' },
      /VONAGE_SIGNATURE_METHOD must be one of md5hash, md5hmac, sha1hmac, sha256hmac, sha512hmac/,
    ],
    [
      'a LOG_LEVEL pino does not know',
      { ...PRODUCTION, LOG_LEVEL: 'verbose' },
      /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/,
    ],
  ]
  for (const [name, env, names] of refusals) {
    test(`${name} → exit code 1 and one stderr line naming it`, async () => {
      const run = await runServer(env)
      assert.equal(run.code, 1)
      assert.match(oneLine(run.stderr), names)
      assert.match(run.stderr, /^webpac: /)
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace')
    })
  }
})

describe('SPEC 1 NODE_ENV=production with everything set', () => {
  test('starts with the Vonage gateway, seeds no demo data, /healthz 200, and SIGTERM exits 0', async () => {
    const mock = await MockVonage.start({ apiKey: PRODUCTION.VONAGE_API_KEY, apiSecret: PRODUCTION.VONAGE_API_SECRET })
    try {
      const dataDir = join(tempDir(), 'data')
      const database = await databaseEnv()
      const run = await runServer({ ...PRODUCTION, VONAGE_REST_HOST: mock.url, DATA_DIR: dataDir, ...database }, true)
      assert.ok(run.url && run.stop, `server did not start: ${run.stderr}`)
      assert.match(run.stdout, /SMS gateway: vonage/)
      assert.doesNotMatch(run.stdout, /Demo data seeded|Demo patron logins/)
      const health = await fetch(`${run.url}/healthz`)
      assert.equal(health.status, 200)
      const webhookUnsigned = await fetch(`${run.url}/webhooks/sms/inbound?msisdn=12015550123&to=82453&messageId=X1&text=STOP`)
      assert.equal(webhookUnsigned.status, 401)
      assert.equal(await run.stop(), 0)
      assert.deepEqual(await queryDb(database.DATABASE_URL ?? sqliteFileFor(dataDir), 'SELECT COUNT(*) AS n FROM patrons'), [{ n: 0 }])
    } finally {
      await mock.close()
    }
  })
})

describe('SPEC 7 no stack trace reaches a browser in production', () => {
  function appWith(production: boolean): Express {
    const app = express()
    setUpViews(app, join(ROOT, 'views'), production)
    app.get('/boom', () => {
      throw new Error('secret internals at /srv/webpac/src/services/consentService.ts')
    })
    app.get('/locked', () => {
      throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })
    })
    app.use(errorHandler(production, silentLogger()))
    return app
  }

  const servers: Server[] = []
  const urls: Record<'production' | 'development', string> = { production: '', development: '' }
  before(async () => {
    for (const mode of ['production', 'development'] as const) {
      const server = createServer(appWith(mode === 'production'))
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      servers.push(server)
      urls[mode] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    }
  })
  after(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve))
  })

  test('production: a route that throws → 500 page with a plain sentence, no message, no stack (HTML and JSON)', async () => {
    const html = await fetch(`${urls.production}/boom`, { headers: { accept: 'text/html' } })
    assert.equal(html.status, 500)
    const page = await html.text()
    assert.match(page, /Something went wrong on our side/)
    assert.doesNotMatch(page, /secret internals|consentService|\bat \w/)
    const json = await fetch(`${urls.production}/boom`, { headers: { accept: 'application/json' } })
    assert.equal(json.status, 500)
    assert.deepEqual(await json.json(), { error: 'Something went wrong on our side. Please try again in a moment.' })
  })

  test('development: the same error shows its stack to the developer', async () => {
    const page = await (await fetch(`${urls.development}/boom`, { headers: { accept: 'text/html' } })).text()
    assert.match(page, /secret internals/)
    assert.match(page, /at /)
  })

  test('a database that is busy or full → 503 in both modes (so Vonage retries a webhook)', async () => {
    for (const url of Object.values(urls)) {
      const response = await fetch(`${url}/locked`, { headers: { accept: 'application/json' } })
      assert.equal(response.status, 503)
    }
  })
})
