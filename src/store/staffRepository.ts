import { type Kysely, sql } from 'kysely'
import type { Tables } from './schema.js'

export class StaffRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  /**
   * An account that may log in. A disabled one is not found, so every login path refuses it
   * exactly as it refuses an unknown name (webpac staff disable).
   */
  findByUsername(username: string) {
    return this.db
      .selectFrom('staff_users')
      .selectAll()
      .where('username', '=', username)
      .where('disabled_at', 'is', null)
      .executeTakeFirst()
  }

  /** The account whether it is enabled or not, for the CLI that manages it. */
  findAccount(username: string) {
    return this.db.selectFrom('staff_users').selectAll().where('username', '=', username).executeTakeFirst()
  }

  /** Creates the account, or gives an existing one a new password and enables it again. */
  async upsert(username: string, passwordHash: string, at: string): Promise<void> {
    await this.db
      .insertInto('staff_users')
      .values({ username, password_hash: passwordHash, created_at: at })
      .onConflict((oc) => oc.column('username').doUpdateSet({ password_hash: passwordHash, disabled_at: sql<null>`NULL` }))
      .execute()
  }

  async disable(username: string, at: string): Promise<void> {
    await this.db.updateTable('staff_users').set({ disabled_at: at }).where('username', '=', username).execute()
  }
}
