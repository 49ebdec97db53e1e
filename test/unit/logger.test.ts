import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { describe, test } from 'node:test'
import { createLogger } from '../../src/logger.js'

function capture() {
  const lines: string[] = []
  const log = createLogger({
    level: 'debug',
    destination: new Writable({
      write: (chunk, _enc, done) => {
        lines.push(String(chunk))
        done()
      },
    }),
  })
  return { log, lines }
}

const NUMBER = '+12015550123'

describe('SPEC 7 phone numbers are masked in logs', () => {
  for (const field of ['to', 'from', 'msisdn', 'e164', 'mobile', 'number']) {
    test(`a log line with the number in "${field}" shows only the first and last two digits`, () => {
      const { log, lines } = capture()
      log.warn({ [field]: NUMBER, outboxId: 7 }, 'SMS not sent')
      assert.equal(lines.length, 1)
      const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>
      assert.equal(line[field], '+12*******23')
      assert.equal(line.outboxId, 7)
      assert.ok(!(lines[0] ?? '').includes('2015550123'), lines[0])
    })
  }

  test('Vonage-style msisdn without + is masked too', () => {
    const { log, lines } = capture()
    log.info({ msisdn: '12015550123' }, 'inbound')
    assert.ok(!(lines[0] ?? '').includes('2015550123'), lines[0])
  })

  test('log lines are structured JSON with level and message', () => {
    const { log, lines } = capture()
    log.error({ to: NUMBER }, 'request failed')
    const line = JSON.parse(lines[0] ?? '{}') as { level?: number; msg?: string }
    assert.equal(line.level, 50)
    assert.equal(line.msg, 'request failed')
  })
})
