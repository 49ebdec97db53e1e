import assert from 'node:assert/strict'
import { test } from 'node:test'
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/migrations.js'
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite/migrations.js'

// db copy and a rolling upgrade rely on both databases being at the same numbered schema.
test('SPEC 8: SQLite and PostgreSQL have the same migrations, numbered and named alike', () => {
  const list = (migrations: readonly { version: number; name: string }[]) => migrations.map(({ version, name }) => `${version} ${name}`)
  assert.deepEqual(list(POSTGRES_MIGRATIONS), list(SQLITE_MIGRATIONS))
})
