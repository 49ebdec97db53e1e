import type { Kysely } from 'kysely'
import type { NewPatron, Patron, Tables } from './schema.js'

export type PatronChanges = Partial<Pick<Patron, 'name' | 'email' | 'tele1' | 'mobile' | 'pin_hash'>>

export class PatronRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  findById(id: number): Promise<Patron | undefined> {
    return this.db.selectFrom('patrons').selectAll().where('id', '=', id).executeTakeFirst()
  }

  findByBarcode(barcode: string): Promise<Patron | undefined> {
    return this.db.selectFrom('patrons').selectAll().where('barcode', '=', barcode).executeTakeFirst()
  }

  async insert(patron: NewPatron): Promise<number> {
    const row = await this.db.insertInto('patrons').values(patron).returning('id').executeTakeFirstOrThrow()
    return row.id
  }

  async update(id: number, changes: PatronChanges, at: string): Promise<void> {
    await this.db.updateTable('patrons').set({ ...changes, updated_at: at }).where('id', '=', id).execute()
  }

  async delete(id: number): Promise<boolean> {
    const result = await this.db.deleteFrom('patrons').where('id', '=', id).executeTakeFirst()
    return result.numDeletedRows > 0n
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('patrons').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    return Number(row.n)
  }
}
