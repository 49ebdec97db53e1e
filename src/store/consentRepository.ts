import type { Kysely } from 'kysely'
import type { ConsentEvent, NewConsentEvent, Tables } from './schema.js'

// Append-only: the schema refuses UPDATE and DELETE on this table.
export class ConsentRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  async append(event: NewConsentEvent): Promise<void> {
    await this.db.insertInto('consent_events').values(event).execute()
  }

  listForPatron(patronId: number, limit = 200): Promise<ConsentEvent[]> {
    return this.db
      .selectFrom('consent_events')
      .selectAll()
      .where('patron_id', '=', patronId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute()
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
