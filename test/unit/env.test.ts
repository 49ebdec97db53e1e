import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import express from 'express'
import { pino } from 'pino'
import { EnvError, LOG_LEVELS, readEnv } from '../../src/config/env.js'

const PRODUCTION = { NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(32), SMS_GATEWAY: 'simulator' }

describe('TRUST_PROXY: whose X-Forwarded-For the login throttle believes (issue 14 item 5, SPEC 7)', () => {
  const isOneLine = (pattern: RegExp) => (error: unknown) =>
    error instanceof EnvError && pattern.test(error.message) && !error.message.includes('\n')

  test('unset, the portal trusts only a proxy on the same host (loopback), in development and production', () => {
    assert.deepEqual(readEnv({}).trustProxy, ['loopback'])
    assert.deepEqual(readEnv(PRODUCTION).trustProxy, ['loopback'])
  })

  const accepted: Array<[string, unknown]> = [
    ['10.0.1.5', ['10.0.1.5']],
    [' 10.0.1.5 , 10.0.1.6,', ['10.0.1.5', '10.0.1.6']],
    ['10.0.1.0/24, fd00::/8', ['10.0.1.0/24', 'fd00::/8']],
    ['10.0.0.0/255.0.0.0', ['10.0.0.0/255.0.0.0']],
    ['LoopBack,uniquelocal,linklocal', ['loopback', 'uniquelocal', 'linklocal']],
    ['2', 2],
    ['0', 0],
    ['false', false],
  ]
  for (const [raw, expected] of accepted) {
    test(`TRUST_PROXY="${raw}" is accepted in production, and Express takes it as its trust proxy setting`, () => {
      const { trustProxy } = readEnv({ ...PRODUCTION, TRUST_PROXY: raw })
      assert.deepEqual(trustProxy, expected)
      // Express compiles the setting when it is set: a value we accept must never fail there.
      assert.doesNotThrow(() => express().set('trust proxy', trustProxy))
    })
  }

  test('a named proxy is trusted and any other address is not: a forged X-Forwarded-For from elsewhere is ignored', () => {
    const app = express().set('trust proxy', readEnv({ ...PRODUCTION, TRUST_PROXY: '10.0.1.5,10.0.2.0/24' }).trustProxy)
    const trusted = app.get('trust proxy fn') as (address: string, hop: number) => boolean
    assert.equal(trusted('10.0.1.5', 0), true)
    assert.equal(trusted('10.0.2.77', 0), true)
    assert.equal(trusted('10.0.1.6', 0), false)
    assert.equal(trusted('127.0.0.1', 0), false)
  })

  for (const bad of [
    'proxy.example.org',
    '10.0.1.300',
    '10.0.1.0/33',
    '10.0.1.0/0',
    'fd00::/129',
    '10.0.0.0/255.0.255.0',
    '1.5',
    '-1',
    '100',
    ',',
    'loopback,10.0.1.5/8/1',
  ]) {
    test(`TRUST_PROXY="${bad}" is refused in one line naming TRUST_PROXY, in development too`, () => {
      assert.throws(() => readEnv({ TRUST_PROXY: bad }), isOneLine(/^TRUST_PROXY must be .*"/))
    })
  }

  test('NODE_ENV=production refuses TRUST_PROXY=true and *, in one line saying that anyone could forge X-Forwarded-For', () => {
    for (const everyone of ['true', 'TRUE', '*']) {
      assert.throws(() => readEnv({ ...PRODUCTION, TRUST_PROXY: everyone }), isOneLine(/TRUST_PROXY=.*forge X-Forwarded-For/))
    }
  })

  test('development accepts TRUST_PROXY=true (a trial behind any proxy), and the CLI, which serves no requests, too', () => {
    assert.equal(readEnv({ TRUST_PROXY: 'true' }).trustProxy, true)
    assert.equal(readEnv({ NODE_ENV: 'production', TRUST_PROXY: '*' }, '/', { for: 'cli' }).trustProxy, true)
  })
})

describe('environment (SPEC 1)', () => {
  test('development defaults: port 3000 on 127.0.0.1, the simulator, demo data, ./data', () => {
    const env = readEnv({}, '/srv/webpac')
    assert.equal(env.port, 3000)
    assert.equal(env.host, '127.0.0.1')
    assert.equal(env.smsGateway, 'simulator')
    assert.equal(env.seedDemo, true)
    assert.equal(env.dataDir, '/srv/webpac/data')
    assert.equal(env.messagesConfPath, '/srv/webpac/messages.conf')
  })

  const refusals: Array<[string, Record<string, string>, RegExp]> = [
    ['without SESSION_SECRET', { ...PRODUCTION, SESSION_SECRET: '' }, /SESSION_SECRET/],
    [
      'with a SESSION_SECRET of 31 characters (finding 8)',
      { ...PRODUCTION, SESSION_SECRET: 's'.repeat(31) },
      /SESSION_SECRET.*at least 32 characters/,
    ],
    [
      'with one SESSION_SECRET of several shorter than 32 characters (finding 8)',
      { ...PRODUCTION, SESSION_SECRET: `${'n'.repeat(32)},short` },
      /SESSION_SECRET.*at least 32 characters/,
    ],
    ['without an explicit SMS_GATEWAY', { ...PRODUCTION, SMS_GATEWAY: '' }, /SMS_GATEWAY/],
    ['with SEED_DEMO=1', { ...PRODUCTION, SEED_DEMO: '1' }, /SEED_DEMO/],
    [
      'with a METRICS_TOKEN of 31 characters (issue 14 item 4)',
      { ...PRODUCTION, METRICS_TOKEN: 'm'.repeat(31) },
      /METRICS_TOKEN of at least 32 characters/,
    ],
    [
      'with vonage but no signature secret',
      { ...PRODUCTION, SMS_GATEWAY: 'vonage', VONAGE_API_KEY: 'k', VONAGE_API_SECRET: 's' },
      /VONAGE_SIGNATURE_SECRET/,
    ],
  ]
  for (const [when, source, names] of refusals) {
    test(`NODE_ENV=production refuses to start ${when}, in one line naming what is missing`, () => {
      assert.throws(
        () => readEnv(source),
        (error: unknown) => error instanceof EnvError && names.test(error.message) && !error.message.includes('\n'),
      )
    })
  }

  test('SESSION_SECRET holds comma-separated secrets, the signing one first; without it development makes a throwaway one', () => {
    const rotating = readEnv({ ...PRODUCTION, SESSION_SECRET: ` ${'n'.repeat(32)} , ${'o'.repeat(40)} ` })
    assert.deepEqual(rotating.sessionSecrets, ['n'.repeat(32), 'o'.repeat(40)])
    assert.equal(rotating.sessionSecretGenerated, false)
    const development = readEnv({ SESSION_SECRET: 'short-is-fine-in-development' })
    assert.deepEqual(development.sessionSecrets, ['short-is-fine-in-development'])
    const generated = readEnv({})
    assert.equal(generated.sessionSecrets.length, 1)
    assert.equal(generated.sessionSecretGenerated, true)
  })

  test('production never seeds demo data, and accepts the simulator only when asked for by name', () => {
    const env = readEnv(PRODUCTION)
    assert.equal(env.seedDemo, false)
    assert.equal(env.smsGateway, 'simulator')
  })

  test('SPEC 8 METRICS_TOKEN: none by default (/metrics answers loopback only); production takes one of 32 characters or more, development any', () => {
    assert.equal(readEnv({}).metricsToken, null)
    assert.equal(readEnv(PRODUCTION).metricsToken, null)
    assert.equal(readEnv({ ...PRODUCTION, METRICS_TOKEN: ` ${'m'.repeat(32)} ` }).metricsToken, 'm'.repeat(32))
    assert.equal(readEnv({ METRICS_TOKEN: 'short' }).metricsToken, 'short')
  })

  test('bad values are refused with the variable named: PORT, SMS_GATEWAY, VONAGE_SIGNATURE_METHOD', () => {
    assert.throws(() => readEnv({ PORT: 'eighty' }), /PORT/)
    assert.throws(() => readEnv({ SMS_GATEWAY: 'twilio' }), /SMS_GATEWAY/)
    assert.throws(
      () => readEnv({ SMS_GATEWAY: 'vonage', VONAGE_API_KEY: 'k', VONAGE_API_SECRET: 's', VONAGE_SIGNATURE_METHOD: 'sha3' }),
      /VONAGE_SIGNATURE_METHOD/,
    )
  })

  test('LOG_LEVEL is info when unset and takes any pino level by name; another word is refused in one line naming it', () => {
    assert.equal(readEnv({}).logLevel, 'info')
    assert.equal(readEnv({ LOG_LEVEL: 'debug' }).logLevel, 'debug')
    assert.equal(readEnv({ LOG_LEVEL: 'silent' }).logLevel, 'silent')
    for (const bad of ['verbose', 'INFO', '30']) {
      assert.throws(
        () => readEnv({ LOG_LEVEL: bad }),
        (error: unknown) => error instanceof EnvError && /^LOG_LEVEL .*"/.test(error.message),
      )
    }
  })

  test('the LOG_LEVEL names accepted are exactly the levels pino knows, so a valid level never fails later in pino', () => {
    assert.deepEqual([...LOG_LEVELS].sort(), [...Object.keys(pino.levels.values), 'silent'].sort())
  })

  test("UV_THREADPOOL_SIZE is 4 when unset (libuv's default); anything but a whole number from 1 to 1024 is refused", () => {
    assert.equal(readEnv({}).threadpoolSize, 4)
    assert.equal(readEnv({ UV_THREADPOOL_SIZE: '16' }).threadpoolSize, 16)
    for (const bad of ['0', '1025', 'many', '2.5', '-3']) {
      assert.throws(
        () => readEnv({ UV_THREADPOOL_SIZE: bad }),
        (error: unknown) => error instanceof EnvError && /^UV_THREADPOOL_SIZE /.test(error.message),
      )
    }
  })

  test("issue 14: SMS_MAX_SENDS_PER_SECOND is 30 when unset (Vonage's default account limit) and takes a whole number from 1 to 10,000", () => {
    assert.equal(readEnv({}).smsMaxSendsPerSecond, 30)
    assert.equal(readEnv({ SMS_MAX_SENDS_PER_SECOND: '1' }).smsMaxSendsPerSecond, 1)
    assert.equal(readEnv({ SMS_MAX_SENDS_PER_SECOND: ' 250 ' }).smsMaxSendsPerSecond, 250)
    assert.equal(readEnv({ SMS_MAX_SENDS_PER_SECOND: '10000' }).smsMaxSendsPerSecond, 10_000)
  })

  test('issue 14: a bad SMS_MAX_SENDS_PER_SECOND (0, over 10,000, a fraction, negative, a word, an exponent) is refused in one line naming it and the range', () => {
    for (const bad of ['0', '10001', '2.5', '-3', 'fast', '1e3', '30/s', '0x1e']) {
      assert.throws(
        () => readEnv({ SMS_MAX_SENDS_PER_SECOND: bad }),
        (error: unknown) =>
          error instanceof EnvError &&
          /^SMS_MAX_SENDS_PER_SECOND must be a whole number from 1 to 10000 /.test(error.message) &&
          error.message.includes(`"${bad}"`) &&
          !error.message.includes('\n'),
        `refuses ${bad}`,
      )
    }
  })

  const PG = { DATABASE_URL: 'postgres://webpac@db.example/webpac' }

  test('issue 14 item 1 (SPEC 8): WEBPAC_ROLE is all when unset; web and worker are taken on PostgreSQL', () => {
    assert.equal(readEnv({}).role, 'all')
    assert.equal(readEnv({ WEBPAC_ROLE: 'all' }).role, 'all')
    assert.equal(readEnv({ ...PG, WEBPAC_ROLE: 'web' }).role, 'web')
    assert.equal(readEnv({ ...PG, WEBPAC_ROLE: 'worker' }).role, 'worker')
    assert.equal(readEnv({ DATABASE_URL: 'postgresql://db.example/webpac', WEBPAC_ROLE: 'worker' }).role, 'worker')
  })

  test('issue 14 item 1: another WEBPAC_ROLE is refused in one line naming the variable and the allowed values', () => {
    for (const bad of ['both', 'WEB', 'workers', 'web,worker']) {
      assert.throws(
        () => readEnv({ ...PG, WEBPAC_ROLE: bad }),
        (error: unknown) =>
          error instanceof EnvError &&
          error.message === `WEBPAC_ROLE must be one of all, web, worker, got "${bad}"` &&
          !error.message.includes('\n'),
      )
    }
  })

  test('issue 14 item 1: on SQLite (no DATABASE_URL, or sqlite:) WEBPAC_ROLE=web or worker is refused in one line asking for PostgreSQL', () => {
    for (const source of [{}, { DATABASE_URL: 'sqlite:/var/lib/webpac/webpac.sqlite' }]) {
      for (const role of ['web', 'worker']) {
        assert.throws(
          () => readEnv({ ...source, WEBPAC_ROLE: role }),
          (error: unknown) =>
            error instanceof EnvError &&
            error.message.startsWith(`WEBPAC_ROLE=${role} needs DATABASE_URL=postgres://`) &&
            /only WEBPAC_ROLE=all/.test(error.message) &&
            !error.message.includes('\n'),
        )
      }
    }
  })

  test("issue 14 item 1: the webpac CLI reads no role, so a node's WEBPAC_ROLE never stops a command", () => {
    assert.equal(readEnv({ WEBPAC_ROLE: 'worker' }, '/', { for: 'cli' }).role, 'all')
  })

  test('issue 14: a production worker node, which serves no pages and no webhooks, starts without SESSION_SECRET and VONAGE_SIGNATURE_SECRET; a web node still refuses', () => {
    const vonage = { SMS_GATEWAY: 'vonage', VONAGE_API_KEY: 'key', VONAGE_API_SECRET: 'secret' }
    const worker = readEnv({ NODE_ENV: 'production', ...PG, ...vonage, WEBPAC_ROLE: 'worker' })
    assert.equal(worker.role, 'worker')
    assert.equal(worker.vonage?.signatureSecret, null)
    for (const role of ['web', 'all']) {
      assert.throws(
        () => readEnv({ NODE_ENV: 'production', ...PG, ...vonage, WEBPAC_ROLE: role, VONAGE_SIGNATURE_SECRET: 'sig' }),
        /NODE_ENV=production needs SESSION_SECRET/,
      )
      assert.throws(
        () => readEnv({ NODE_ENV: 'production', ...PG, ...vonage, WEBPAC_ROLE: role, SESSION_SECRET: 's'.repeat(32) }),
        /needs VONAGE_SIGNATURE_SECRET/,
      )
    }
    // A secret that is given must still be a strong one, whatever the role.
    assert.throws(
      () => readEnv({ NODE_ENV: 'production', ...PG, ...vonage, WEBPAC_ROLE: 'worker', SESSION_SECRET: 'short' }),
      /at least 32 characters/,
    )
  })

  test('the webpac CLI shares the paths but not the web server refusals: no SESSION_SECRET needed in production', () => {
    const env = readEnv({ NODE_ENV: 'production', DATA_DIR: '/var/lib/webpac' }, '/', { for: 'cli' })
    assert.equal(env.dataDir, '/var/lib/webpac')
  })
})
