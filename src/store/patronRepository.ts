import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { SmsStatus } from '../domain/optIn.js'
import { digitsOf } from '../domain/phone.js'
import { isPostgres } from './postgres/isPostgres.js'
import { PreparedQuery } from './preparedQuery.js'
import type { NewPatron, Patron, Tables } from './schema.js'

type PatronChanges = Partial<Pick<Patron, 'name' | 'email' | 'tele1' | 'mobile' | 'pin_hash' | 'lang'>>

/** What staff search looks for; every criterion given adds matches (OR). */
export interface PatronSearchCriteria {
  barcode?: string
  barcodePrefix?: string
  /** Case-insensitive (ASCII) substring of the name. */
  nameContains?: string
  /** Digits of the MOBILE PH field, compared whole. */
  mobileDigits?: readonly string[]
  /** Numbers a registration holds or held. */
  e164s?: readonly string[]
}

export interface PatronSummary {
  id: number
  barcode: string
  name: string
  mobile: string
  status: SmsStatus | null
  e164: string | null
}

// Inserts are chunked so a statement stays far below SQLite's bound-parameter limit and the
// few chunk sizes that occur keep their prepared statements.
const INSERT_CHUNK = 100
const LOOKUP_CHUNK = 500
// Sorts after every character a barcode can hold, for prefix searches as an index range.
const AFTER_ALL = '\u{10FFFF}'

function withDigits<T extends { mobile?: string }>(row: T): T & { mobile_digits?: string } {
  return row.mobile === undefined ? row : { ...row, mobile_digits: digitsOf(row.mobile) }
}

function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`
}

const BY_ID = new PreparedQuery((db, { id }: { id: number }) => db.selectFrom('patrons').selectAll().where('id', '=', id))
const BY_BARCODE = new PreparedQuery((db, { barcode }: { barcode: string }) =>
  db.selectFrom('patrons').selectAll().where('barcode', '=', barcode),
)

export class PatronRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  findById(id: number): Promise<Patron | undefined> {
    return BY_ID.first(this.db, { id })
  }

  findByBarcode(barcode: string): Promise<Patron | undefined> {
    return BY_BARCODE.first(this.db, { barcode })
  }

  async insert(patron: NewPatron): Promise<number> {
    const row = await this.db.insertInto('patrons').values(withDigits(patron)).returning('id').executeTakeFirstOrThrow()
    return row.id
  }

  /** Adds the patrons whose barcode is new; returns those barcodes. Existing records are left as they are. */
  async insertMany(patrons: readonly NewPatron[]): Promise<Set<string>> {
    const inserted = new Set<string>()
    for (let start = 0; start < patrons.length; start += INSERT_CHUNK) {
      const rows = await this.db
        .insertInto('patrons')
        .values(patrons.slice(start, start + INSERT_CHUNK).map(withDigits))
        .onConflict((oc) => oc.column('barcode').doNothing())
        .returning('barcode')
        .execute()
      for (const row of rows) inserted.add(row.barcode)
    }
    return inserted
  }

  /** Which of these barcodes are already taken. */
  async existingBarcodes(barcodes: readonly string[]): Promise<Set<string>> {
    const existing = new Set<string>()
    for (let start = 0; start < barcodes.length; start += LOOKUP_CHUNK) {
      const rows = await this.db
        .selectFrom('patrons')
        .select('barcode')
        .where('barcode', 'in', barcodes.slice(start, start + LOOKUP_CHUNK))
        .execute()
      for (const row of rows) existing.add(row.barcode)
    }
    return existing
  }

  async update(id: number, changes: PatronChanges, at: string): Promise<void> {
    await this.db
      .updateTable('patrons')
      .set({ ...withDigits(changes), updated_at: at })
      .where('id', '=', id)
      .execute()
  }

  async search(criteria: PatronSearchCriteria, limit: number, offset: number): Promise<{ total: number; rows: PatronSummary[] }> {
    const postgres = isPostgres(this.db)
    const matches: RawBuilder<unknown>[] = []
    if (criteria.barcode) matches.push(sql`SELECT id FROM patrons WHERE barcode = ${criteria.barcode}`)
    if (criteria.barcodePrefix) {
      const prefix = criteria.barcodePrefix
      matches.push(sql`SELECT id FROM patrons WHERE barcode >= ${prefix} AND barcode < ${prefix + AFTER_ALL}`)
    }
    // SQLite's LIKE ignores ASCII case; PostgreSQL's needs ILIKE for that.
    const like = postgres ? sql`ILIKE` : sql`LIKE`
    if (criteria.nameContains) {
      matches.push(sql`SELECT id FROM patrons WHERE name ${like} ${likeContains(criteria.nameContains)} ESCAPE '\\'`)
    }
    if (criteria.mobileDigits?.length) {
      matches.push(sql`SELECT id FROM patrons WHERE mobile_digits IN (${sql.join(criteria.mobileDigits)})`)
    }
    if (criteria.e164s?.length) {
      matches.push(sql`SELECT patron_id AS id FROM sms_registrations WHERE e164 IN (${sql.join(criteria.e164s)})`)
    }
    if (matches.length === 0) return { total: 0, rows: [] }
    // Each branch can use its own index; an OR across them in one WHERE could not.
    const ids = sql.join(matches, sql` UNION `)
    const count = await sql<{ n: number }>`SELECT count(*) AS n FROM (${ids}) AS matches`.execute(this.db)
    const byName = postgres ? sql`lower(p.name)` : sql`p.name COLLATE NOCASE`
    const rows = await sql<PatronSummary>`
      SELECT p.id, p.barcode, p.name, p.mobile, r.status, r.e164
      FROM patrons p LEFT JOIN sms_registrations r ON r.patron_id = p.id
      WHERE p.id IN (${ids})
      ORDER BY ${byName}, p.barcode
      LIMIT ${limit} OFFSET ${offset}`.execute(this.db)
    return { total: Number(count.rows[0]?.n ?? 0), rows: rows.rows }
  }

  async delete(id: number): Promise<boolean> {
    const result = await this.db.deleteFrom('patrons').where('id', '=', id).executeTakeFirst()
    return result.numDeletedRows > 0n
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('patrons')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }
}
