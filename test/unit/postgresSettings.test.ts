import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { EnvError, readEnv } from '../../src/config/env.js'
import { isDatabaseUnavailable } from '../../src/store/errors.js'
import { maskedUrl } from '../../src/store/postgres/pgErrors.js'

describe('PostgreSQL settings and failures (SPEC 1, SPEC 8)', () => {
  test('DATABASE_POOL_SIZE defaults to 10; anything but a whole number from 1 to 1000 is refused in one line', () => {
    assert.equal(readEnv({}).databasePoolSize, 10)
    assert.equal(readEnv({ DATABASE_POOL_SIZE: '25' }).databasePoolSize, 25)
    for (const bad of ['0', '-1', '2.5', 'ten', '1001']) {
      assert.throws(
        () => readEnv({ DATABASE_POOL_SIZE: bad }),
        (error: unknown) => error instanceof EnvError && /DATABASE_POOL_SIZE/.test(error.message),
        bad,
      )
    }
  })

  test('a URL in a message has its password masked, and only its password', () => {
    assert.equal(maskedUrl('postgres://webpac:s3cret@db.example.org:5432/webpac'), 'postgres://webpac:***@db.example.org:5432/webpac')
    assert.equal(maskedUrl('postgres://webpac@db.example.org/webpac'), 'postgres://webpac@db.example.org/webpac')
  })

  test('a lost or refused connection, a server shutting down or read-only, a full disk → 503; a constraint or syntax error → not', () => {
    const unavailable = [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
      Object.assign(new Error('could not extend file'), { code: '53100' }),
      Object.assign(new Error('cannot execute INSERT in a read-only transaction'), { code: '25006' }),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
    ]
    for (const error of unavailable) assert.equal(isDatabaseUnavailable(error), true, error.message)
    const errors = [
      Object.assign(new Error('duplicate key'), { code: '23505' }),
      Object.assign(new Error('syntax error'), { code: '42601' }),
      new Error('boom'),
    ]
    for (const error of errors) assert.equal(isDatabaseUnavailable(error), false, error.message)
  })
})
