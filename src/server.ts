import { createServer } from 'node:http'
import { createApp } from './app.js'
import { ConfigError } from './config/configSnapshot.js'
import { type Env, EnvError, readEnv } from './config/env.js'
import { createLogger } from './logger.js'
import { DEMO_PATRONS, DEMO_STAFF, seedDemoData } from './services/demoSeed.js'
import { buildServices, type Services } from './services/index.js'
import { DatabaseUnreachableError } from './store/errors.js'
import { createWorkerApp } from './workerApp.js'

function refuse(message: string): never {
  process.stderr.write(`webpac: ${message}\n`)
  process.exit(1)
}

function banner(env: Env, url: string, seeded: boolean): string {
  const gateway = `  SMS gateway: ${env.smsGateway}`
  // serverProcess.ts (tests) and operators' scripts wait for "listening on http://HOST:PORT".
  if (env.role === 'worker') return [`WebPAC SMS worker is listening on ${url} (health and metrics only)`, gateway].join('\n')
  const lines = [
    `WebPAC SMS is listening on ${url}`,
    `${gateway}${env.smsGateway === 'simulator' ? ` (simulated phones at ${url}/simulator)` : ''}`,
  ]
  if (env.role === 'web') lines.push('  Role: web. SMS are queued here and sent by the worker nodes (WEBPAC_ROLE=worker).')
  if (env.seedDemo) {
    lines.push(seeded ? '  Demo data seeded. Patron logins (barcode / PIN):' : '  Demo patron logins (barcode / PIN):')
    for (const patron of DEMO_PATRONS) lines.push(`    ${patron.barcode} / ${patron.pin}  ${patron.name}: ${patron.note}`)
    lines.push(`  Staff console ${url}/staff: ${DEMO_STAFF.username} / ${DEMO_STAFF.password}`)
  }
  return lines.join('\n')
}

async function main(): Promise<void> {
  let env: Env
  try {
    env = readEnv()
  } catch (error) {
    if (error instanceof EnvError) refuse(error.message)
    throw error
  }
  const log = createLogger({ level: env.logLevel })
  if (env.sessionSecretGenerated && env.role !== 'worker')
    log.warn({}, 'SESSION_SECRET not set: using a random one, so sessions end at restart')

  let services: Services
  try {
    services = await buildServices(env, { log })
  } catch (error) {
    if (error instanceof ConfigError || error instanceof DatabaseUnreachableError) refuse(error.message)
    throw error
  }
  // Demo patrons are for the pages, which a worker node does not serve.
  const seeded = env.seedDemo && env.role !== 'worker' ? await seedDemoData(services.store) : false
  await services.startBackground()

  const server = createServer(env.role === 'worker' ? createWorkerApp(services) : createApp(services))
  server.listen(env.port, env.host, () => {
    const address = server.address()
    const port = typeof address === 'object' && address ? address.port : env.port
    process.stdout.write(`${banner(env, `http://${env.host}:${port}`, seeded)}\n`)
  })

  // SIGTERM, whatever the role: stop accepting, let in-flight requests, the outbox batch and a
  // housekeeping round finish (what this role runs), close the db.
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down')
    server.close(async () => {
      await services.shutdown()
      process.exit(0)
    })
    server.closeIdleConnections()
    setTimeout(() => server.closeAllConnections(), 10_000).unref()
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

await main()
