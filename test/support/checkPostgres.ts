// scripts/test.sh asks this before the PostgreSQL half: exit 0 when TEST_DATABASE_URL answers.
import pg from 'pg'
import { maskedUrl } from '../../src/store/postgres/pgErrors.js'
import { TEST_DATABASE_URL } from './testDatabaseUrl.js'

const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5_000 })
try {
  await client.connect()
  await client.query('SELECT 1')
  await client.end()
} catch (error) {
  const reason: unknown = error instanceof AggregateError ? error.errors[0] : error
  const text = reason instanceof Error ? reason.message || String((reason as { code?: string }).code) : String(reason)
  process.stderr.write(`PostgreSQL at ${maskedUrl(TEST_DATABASE_URL)}: ${text}\n`)
  process.exit(1)
}
