import type { Kysely } from 'kysely'
import type { Tables } from './schema.js'

export class StaffRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  findByUsername(username: string) {
    return this.db.selectFrom('staff_users').selectAll().where('username', '=', username).executeTakeFirst()
  }

  async upsert(username: string, passwordHash: string, at: string): Promise<void> {
    await this.db
      .insertInto('staff_users')
      .values({ username, password_hash: passwordHash, created_at: at })
      .onConflict((oc) => oc.column('username').doUpdateSet({ password_hash: passwordHash }))
      .execute()
  }
}
