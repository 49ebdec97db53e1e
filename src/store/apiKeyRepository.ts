import type { Kysely } from 'kysely'
import type { Tables } from './schema.js'

/** What `webpac apikey list` may show of a key: never the key, nor its hash. */
export interface ApiKeySummary {
  name: string
  created_at: string
  last_used_at: string | null
  revoked_at: string | null
}

export class ApiKeyRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  /** The key behind this hash unless it was revoked. */
  findActiveByHash(keyHash: string) {
    return this.db
      .selectFrom('api_keys')
      .select(['id', 'name', 'last_used_at'])
      .where('key_hash', '=', keyHash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()
  }

  async insert(name: string, keyHash: string, at: string): Promise<number> {
    const row = await this.db
      .insertInto('api_keys')
      .values({ name, key_hash: keyHash, created_at: at })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }

  list(): Promise<ApiKeySummary[]> {
    return this.db
      .selectFrom('api_keys')
      .select(['name', 'created_at', 'last_used_at', 'revoked_at'])
      .orderBy('created_at')
      .orderBy('id')
      .execute()
  }

  async countByName(name: string): Promise<{ active: number; revoked: number }> {
    const rows = await this.db.selectFrom('api_keys').select('revoked_at').where('name', '=', name).execute()
    const active = rows.filter((row) => row.revoked_at === null).length
    return { active, revoked: rows.length - active }
  }

  /** Revokes every active key of that name; returns how many. */
  async revokeByName(name: string, at: string): Promise<number> {
    const result = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: at })
      .where('name', '=', name)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()
    return Number(result.numUpdatedRows)
  }

  async recordUse(id: number, at: string): Promise<void> {
    await this.db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute()
  }
}
