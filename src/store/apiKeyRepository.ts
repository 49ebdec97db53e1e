import type { Kysely } from 'kysely'
import type { Tables } from './schema.js'

export class ApiKeyRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  findByHash(keyHash: string) {
    return this.db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst()
  }

  async insert(name: string, keyHash: string, at: string): Promise<number> {
    const row = await this.db
      .insertInto('api_keys')
      .values({ name, key_hash: keyHash, created_at: at })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }
}
