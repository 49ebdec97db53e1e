// A second process opting a patron in, for the "one number, one patron" race (SPEC 4.2).
// argv: dataDir patronId mobile startAtMs — prints the submitModpinfo result as JSON. On PostgreSQL,
// DATABASE_URL names the database.
import { DEFAULT_MESSAGES } from '../../src/config/messages.js'
import { DEFAULT_WEB_OPTIONS } from '../../src/config/webOptions.js'
import { silentLogger } from '../../src/logger.js'
import { ConsentService } from '../../src/services/consentService.js'
import { openStore } from '../../src/store/store.js'

const [dataDir, patronId, mobile, startAt] = process.argv.slice(2)
const store = await openStore({ dataDir: dataDir ?? '', databaseUrl: process.env.DATABASE_URL })
const snapshot = { messages: DEFAULT_MESSAGES, webOptions: DEFAULT_WEB_OPTIONS, loadedAt: new Date() }
const consent = new ConsentService({ store, config: () => snapshot, log: silentLogger() })
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())))
const result = await consent.submitModpinfo(Number(patronId), { email: '', tele1: '', mobile, optin: true, confirm: null }, { ip: null, userAgent: 'worker' })
process.stdout.write(JSON.stringify(result))
await store.close()
