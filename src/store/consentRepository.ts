import type { Kysely } from 'kysely'
import { PreparedQuery } from './prepared.js'
import type { ConsentEvent, NewConsentEvent, Tables } from './schema.js'

const APPEND = new PreparedQuery((db, event: NewConsentEvent) => db.insertInto('consent_events').values(event))
const FOR_PATRON = new PreparedQuery((db, { patronId, limit }: { patronId: number; limit: number }) =>
  db.selectFrom('consent_events').selectAll().where('patron_id', '=', patronId).orderBy('id', 'desc').limit(limit))

// Append-only: the schema refuses UPDATE and DELETE on this table.
export class ConsentRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  async append(event: NewConsentEvent): Promise<void> {
    await APPEND.execute(this.db, event)
  }

  listForPatron(patronId: number, limit = 200): Promise<ConsentEvent[]> {
    return FOR_PATRON.all(this.db, { patronId, limit })
  }

  /** By barcode, so the history of a deleted record can still be read (SPEC 4.9). */
  listForBarcode(barcode: string, limit = 200): Promise<ConsentEvent[]> {
    return this.db
      .selectFrom('consent_events')
      .selectAll()
      .where('barcode', '=', barcode)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute()
  }

  streamSince(sinceIso: string | null): AsyncIterableIterator<ConsentEvent> {
    let query = this.db.selectFrom('consent_events').selectAll().orderBy('id')
    if (sinceIso) query = query.where('at', '>=', sinceIso)
    return query.stream()
  }
}
