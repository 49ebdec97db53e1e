import { formatProblem } from '../config/confFile.js'
import { allErrors, type ConfigPaths, type ConfigSnapshot, readConfig } from '../config/configSnapshot.js'
import { type Env, readEnv } from '../config/env.js'
import { silentLogger } from '../logger.js'
import { ApiKeyService } from '../services/apiKeyService.js'
import { ConfigHistory } from '../services/configHistory.js'
import { type ServiceDeps, systemClock } from '../services/deps.js'
import { Ledger } from '../services/ledger.js'
import { Metrics } from '../services/metrics.js'
import { StaffActions } from '../services/staffActions.js'
import { StaffAuthService } from '../services/staffAuthService.js'
import { openStore, type Store } from '../store/store.js'
import { CliError } from './cliError.js'

/** The services the commands use, built in one place as the server's composition root does. */
export interface CliServices {
  apiKeys: ApiKeyService
  staffAuth: StaffAuthService
  staffActions: StaffActions
  configHistory: ConfigHistory
}

// The CLI reads the same environment as the server (DATA_DIR, DATABASE_URL, MESSAGES_CONF,
// WEB_OPTIONS) and opens the same database; WAL and busy_timeout let it run beside the server.
export class CliContext {
  #store: Store | null = null
  #config: ConfigSnapshot | null = null
  #services: CliServices | null = null

  constructor(readonly env: Env = readEnv(process.env, process.cwd(), { for: 'cli' })) {}

  get configPaths(): ConfigPaths {
    return { messagesConf: this.env.messagesConfPath, webOptions: this.env.webOptionsPath }
  }

  async store(): Promise<Store> {
    this.#store ??= await openStore({ databaseUrl: this.env.databaseUrl, dataDir: this.env.dataDir, poolSize: this.env.databasePoolSize })
    return this.#store
  }

  /** The configuration as the server would load it; a broken file stops the command. */
  config(): ConfigSnapshot {
    if (this.#config) return this.#config
    const { snapshot, files } = readConfig(this.configPaths)
    if (snapshot) {
      this.#config = snapshot
      return snapshot
    }
    const problems = allErrors(files).map(formatProblem)
    throw new CliError(`the configuration has errors; fix them first (see "webpac config check"):\n${problems.join('\n')}`)
  }

  /** The commands' services; the configuration is read only when one of them needs it. */
  async services(): Promise<CliServices> {
    if (this.#services) return this.#services
    // No outbox worker runs in the CLI: what a command queues, the server's worker finds on its next poll.
    const deps: ServiceDeps = {
      store: await this.store(),
      config: () => this.config(),
      clock: systemClock,
      log: silentLogger(),
      onQueued: () => {},
      // The CLI serves no /metrics: what its services count goes nowhere.
      metrics: new Metrics(),
    }
    this.#services = {
      apiKeys: new ApiKeyService(deps),
      staffAuth: new StaffAuthService(deps),
      staffActions: new StaffActions({ ...deps, ledger: new Ledger(deps) }),
      configHistory: new ConfigHistory(deps),
    }
    return this.#services
  }

  async close(): Promise<void> {
    await this.#store?.close()
    this.#store = null
  }
}

export async function withContext<T>(work: (context: CliContext) => Promise<T>): Promise<T> {
  const context = new CliContext()
  try {
    return await work(context)
  } finally {
    await context.close()
  }
}
