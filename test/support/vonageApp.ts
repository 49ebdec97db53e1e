import type { OutboundKind } from '../../src/domain/optIn.js'
import type { OutboxMessage } from '../../src/store/schema.js'
import type { Store } from '../../src/store/store.js'
import type { MockVonage } from './mockVonage.js'
import { addPatron as addTestPatron, WEB } from './patrons.js'
import { startTestApp, type TestApp, type TestAppOptions } from './testApp.js'

export const SHORT_CODE = '82453'
export { WEB }
/** Alerts are held outside SMS_SEND_WINDOW; tests run at any hour. */
export const ALL_DAY = 'SMS_SEND_WINDOW=00:00-24:00\n'

/** The real app, sending through the real SDK to `mock` (its signature secret, if any, required on webhooks). */
export function startVonageApp(mock: MockVonage, options: TestAppOptions = {}): Promise<TestApp> {
  return startTestApp({ webOptions: ALL_DAY, outboxWorker: { pollMs: 50 }, ...options, env: { ...mock.env(), ...options.env } })
}

/** A patron without a PIN (these tests never log in). */
export async function addPatron(store: Store, name = 'Ada Lovelace'): Promise<number> {
  return (await addTestPatron(store, { name, pin: null })).id
}

/** Ticks the Opt In box with `mobile` on modpinfo, as the patron would. */
export async function submitOptIn(app: Pick<TestApp, 'services'>, patronId: number, mobile: string): Promise<void> {
  const result = await app.services.optInForm.submit(patronId, { email: '', tele1: '', mobile, optin: true, confirm: null }, WEB)
  if (result.kind !== 'saved') throw new Error(`opt-in not saved: ${JSON.stringify(result)}`)
}

export async function outboxRow(store: Store, patronId: number, kind: OutboundKind): Promise<OutboxMessage | undefined> {
  const rows = await store.repos.outbox.listForPatron(patronId)
  return rows.find((row) => row.kind === kind)
}

export async function statusOf(app: Pick<TestApp, 'services'>, patronId: number): Promise<string> {
  return (await app.services.store.repos.registrations.findByPatron(patronId))?.status ?? 'not_opted_in'
}

export { queryDb } from './database.js'

/** Queues an alert straight into the outbox, as the alerts API will (kept simple here). */
export async function queueAlert(app: TestApp, patronId: number, e164: string, text: string): Promise<number> {
  const id = await app.services.store.repos.outbox.enqueue(
    { patron_id: patronId, e164, kind: 'alert', alert_type: 'hold', text },
    app.services.clock(),
  )
  app.services.outboxWorker.wake()
  return id
}
