// sqlite-only: drives the SQLite dialect's statement cache directly (the PostgreSQL store's queries run in every other file)
import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { Kysely } from 'kysely'
import { WriteHealth } from '../../src/store/errors.js'
import { PreparedQuery } from '../../src/store/preparedQuery.js'
import type { Tables } from '../../src/store/schema.js'
import { openSqlite } from '../../src/store/sqlite/openSqlite.js'
import { sqliteDialect } from '../../src/store/sqlite/sqliteDialect.js'

const db = new Kysely<Tables>({ dialect: sqliteDialect(openSqlite(':memory:'), new WriteHealth()) })
after(() => db.destroy())

const at = '2026-11-28T12:00:00.000Z'
function patron(barcode: string, mobile = ''): Record<string, unknown> {
  return {
    barcode,
    name: `Patron ${barcode}`,
    pin_hash: null,
    email: '',
    tele1: '',
    mobile,
    mobile_digits: mobile.replace(/\D/g, ''),
    created_at: at,
    updated_at: at,
  }
}

describe('prepared queries: compiled once, each call binds its own values', () => {
  const insert = new PreparedQuery((kysely, row: Record<string, unknown>) =>
    kysely
      .insertInto('patrons')
      .values(row as never)
      .returning('id'),
  )
  // The values are named in one order and bound in another: the binding follows the SQL.
  const search = new PreparedQuery((kysely, { limit, name }: { name: string; limit: number }) =>
    kysely.selectFrom('patrons').select(['barcode', 'name']).where('name', '=', name).orderBy('barcode').limit(limit),
  )

  test('every call gets the rows for its own values, whatever order they are named in', async () => {
    for (const barcode of ['1001', '1002', '1003']) await insert.first(db, patron(barcode))
    await insert.first(db, { ...patron('1004'), name: 'Someone Else' })
    assert.deepEqual(await search.all(db, { name: 'Patron 1002', limit: 5 }), [{ barcode: '1002', name: 'Patron 1002' }])
    assert.deepEqual(await search.all(db, { limit: 1, name: 'Someone Else' }), [{ barcode: '1004', name: 'Someone Else' }])
    assert.deepEqual(await search.all(db, { name: 'Nobody', limit: 5 }), [])
  })

  test('a value used twice and constants written in the query are bound where they belong', async () => {
    const rename = new PreparedQuery((kysely, { barcode, name }: { barcode: string; name: string }) =>
      kysely.updateTable('patrons').set({ name, email: name, tele1: 'fixed' }).where('barcode', '=', barcode),
    )
    const result = await rename.execute(db, { barcode: '1001', name: 'Renamed' })
    assert.equal(result.numAffectedRows, 1n)
    const row = await db.selectFrom('patrons').select(['name', 'email', 'tele1']).where('barcode', '=', '1001').executeTakeFirstOrThrow()
    assert.deepEqual(row, { name: 'Renamed', email: 'Renamed', tele1: 'fixed' })
  })

  test('a row without an optional column gets a statement of its own shape', async () => {
    const { pin_hash: _none, ...withoutPin } = patron('1005')
    const inserted = await insert.first(db, { ...withoutPin, pin_hash: undefined })
    assert.ok(inserted && inserted.id > 0)
    const row = await db.selectFrom('patrons').select('pin_hash').where('barcode', '=', '1005').executeTakeFirstOrThrow()
    assert.equal(row.pin_hash, null)
  })

  test('a builder that does not bind a value it was given is refused at once, not run half-bound', async () => {
    const careless = new PreparedQuery((kysely, _values: { barcode: string }) =>
      kysely.selectFrom('patrons').selectAll().where('barcode', '=', '1001'),
    )
    await assert.rejects(careless.all(db, { barcode: '1002' }), /must bind every value as a parameter; not bound: barcode/)
  })
})
