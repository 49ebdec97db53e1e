// A second process opting a patron in, for the "one number, one patron" race (SPEC 4.2).
// argv: dataDir patronId mobile startAtMs — prints the OptInForm.submit result as JSON. On PostgreSQL,
// DATABASE_URL names the database.
import { DEFAULT_MESSAGES } from '../../src/config/messages.js'
import { DEFAULT_WEB_OPTIONS } from '../../src/config/webOptions.js'
import { silentLogger } from '../../src/logger.js'
import type { ServiceDeps } from '../../src/services/deps.js'
import { Ledger } from '../../src/services/ledger.js'
import { Metrics } from '../../src/services/metrics.js'
import { OptInForm } from '../../src/services/optInForm.js'
import { openStore } from '../../src/store/store.js'

const [dataDir, patronId, mobile, startAt] = process.argv.slice(2)
const store = await openStore({ dataDir: dataDir ?? '', databaseUrl: process.env.DATABASE_URL })
const snapshot = { messages: DEFAULT_MESSAGES, webOptions: DEFAULT_WEB_OPTIONS, loadedAt: new Date() }
const deps: ServiceDeps = {
  store,
  config: () => snapshot,
  clock: () => new Date(),
  log: silentLogger(),
  onQueued: () => {},
  metrics: new Metrics(),
}
const optInForm = new OptInForm({ ...deps, ledger: new Ledger(deps) })
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())))
const result = await optInForm.submit(
  Number(patronId),
  { email: '', tele1: '', mobile, optin: true, confirm: null },
  { ip: null, userAgent: 'worker' },
)
process.stdout.write(JSON.stringify(result))
await store.close()
