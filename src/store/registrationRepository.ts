import { type Kysely, sql } from 'kysely'
import { PreparedQuery } from './preparedQuery.js'
import type { Registration, Tables } from './schema.js'

// Literals, so that the partial indexes (the unique one on active numbers, the one on pending
// invitations) can serve these queries.
const IS_ACTIVE = sql<boolean>`status IN ('pending_optin', 'opted_in')`

const BY_PATRON = new PreparedQuery((db, { patronId }: { patronId: number }) =>
  db.selectFrom('sms_registrations').selectAll().where('patron_id', '=', patronId),
)

// The registration a text from this number speaks for: the one holding the number
// (at most one, by the unique index), else the most recently changed one that had it.
const FOR_NUMBER = new PreparedQuery((db, { e164 }: { e164: string }) =>
  db
    .selectFrom('sms_registrations')
    .selectAll()
    .where('e164', '=', e164)
    .orderBy(sql`CASE WHEN status IN ('pending_optin', 'opted_in') THEN 0 ELSE 1 END`)
    .orderBy('status_changed_at', 'desc')
    .limit(1),
)

// Throws a unique violation when another patron holds the number (SPEC 4.2).
const SAVE = new PreparedQuery((db, registration: Registration) => {
  const { patron_id: _patronId, ...changes } = registration
  return db
    .insertInto('sms_registrations')
    .values(registration)
    .onConflict((oc) => oc.column('patron_id').doUpdateSet(changes))
})

export class RegistrationRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  findByPatron(patronId: number): Promise<Registration | undefined> {
    return BY_PATRON.first(this.db, { patronId })
  }

  findForNumber(e164: string): Promise<Registration | undefined> {
    return FOR_NUMBER.first(this.db, { e164 })
  }

  findActiveByNumber(e164: string): Promise<Registration | undefined> {
    return this.db.selectFrom('sms_registrations').selectAll().where('e164', '=', e164).where(IS_ACTIVE).executeTakeFirst()
  }

  findAllByNumber(e164: string): Promise<Registration[]> {
    return this.db.selectFrom('sms_registrations').selectAll().where('e164', '=', e164).execute()
  }

  async save(registration: Registration): Promise<void> {
    await SAVE.execute(this.db, registration)
  }

  invitationsSentBefore(cutoffIso: string, limit: number): Promise<Registration[]> {
    return this.db
      .selectFrom('sms_registrations')
      .selectAll()
      .where(sql<boolean>`status = 'pending_optin'`)
      .where('invited_at', '<', cutoffIso)
      .limit(limit)
      .execute()
  }
}
