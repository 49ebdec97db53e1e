import { DEMO_PATRONS, seedDemoData } from '../../src/services/demoSeed.js'
import { startTestApp, type TestApp, type TestAppOptions } from './testApp.js'

function demoPatron(name: string): (typeof DEMO_PATRONS)[number] {
  const patron = DEMO_PATRONS.find((candidate) => candidate.name.startsWith(name))
  if (!patron) throw new Error(`no demo patron ${name}`)
  return patron
}

/** Ada: no mobile; Grace: opted in with (201) 555-0142; Alan: no mobile. */
export const ADA = demoPatron('Ada')
export const GRACE = demoPatron('Grace')
export const ALAN = demoPatron('Alan')

export interface PortalApp extends TestApp {
  /** The demo patron's id, by barcode. */
  idOf(patron: { barcode: string }): Promise<number>
}

/** The real app (test/support/testApp.ts) with the demo patrons of a fresh `npm start`. */
export async function startPortalApp(options: TestAppOptions = {}): Promise<PortalApp> {
  const app = await startTestApp(options)
  await seedDemoData(app.services.store)
  return {
    ...app,
    async idOf(patron) {
      const row = await app.services.store.repos.patrons.findByBarcode(patron.barcode)
      if (!row) throw new Error(`no patron ${patron.barcode}`)
      return row.id
    },
  }
}
