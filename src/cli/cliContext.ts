import { formatProblem } from '../config/confFile.js'
import { readConfig, type ConfigPaths, type ConfigSnapshot } from '../config/configSnapshot.js'
import { readEnv, type Env } from '../config/env.js'
import { openStore, type Store } from '../store/store.js'
import { CliError } from './cliError.js'


// The CLI reads the same environment as the server (DATA_DIR, DATABASE_URL, MESSAGES_CONF,
// WEB_OPTIONS) and opens the same database; WAL and busy_timeout let it run beside the server.
export class CliContext {
  #store: Store | null = null

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
    const { snapshot, files } = readConfig(this.configPaths)
    if (snapshot) return snapshot
    const problems = [...files.messagesConf.errors, ...files.webOptions.errors].map(formatProblem)
    throw new CliError(`the configuration has errors; fix them first (see "webpac config check"):\n${problems.join('\n')}`)
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
