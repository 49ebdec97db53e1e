import { ConfigWatcher } from '../config/configFiles.js'
import type { Env } from '../config/env.js'
import type { Logger } from '../logger.js'
import { Dispatcher, type DispatcherOptions } from '../sms/dispatcher.js'
import type { SmsGateway } from '../sms/gateway.js'
import { SimulatorGateway } from '../sms/simulatorGateway.js'
import { openStore, type Store } from '../store/store.js'
import { ConsentService } from './consentService.js'

export interface Services {
  env: Env
  log: Logger
  clock: () => Date
  store: Store
  config: ConfigWatcher
  gateway: SmsGateway
  /** The simulated phones, when SMS_GATEWAY=simulator. */
  simulator: SimulatorGateway | null
  consent: ConsentService
  dispatcher: Dispatcher
  /** Stops the timers and closes the database; in-flight sends finish first. */
  shutdown(): Promise<void>
  /** Starts the watcher, the dispatcher and the periodic jobs. */
  startBackground(): Promise<void>
}

export interface BuildOptions {
  log: Logger
  clock?: () => Date
  /** A gateway made by the caller (the Vonage one, or a test's); default: from env. */
  gateway?: SmsGateway
  dispatcher?: DispatcherOptions
  configPollMs?: number
  /** How often invitations are checked for expiry and old sessions swept. */
  housekeepingMs?: number
}

// The composition root: the only place that opens the database, reads the config files and
// picks the SMS gateway. Nothing is started until startBackground().
export function buildServices(env: Env, options: BuildOptions): Services {
  const { log } = options
  const clock = options.clock ?? (() => new Date())
  const config = new ConfigWatcher({ messagesConf: env.messagesConf, webOptions: env.webOptions }, log, options.configPollMs)
  config.load()
  const current = () => config.current()
  const store = openStore({ databaseUrl: env.databaseUrl, dataDir: env.dataDir })
  const simulator = options.gateway ? null : new SimulatorGateway(clock)
  const gateway = options.gateway ?? simulator
  if (!gateway) throw new Error('no SMS gateway')

  let dispatcher: Dispatcher | null = null
  const consent = new ConsentService({ store, config: current, clock, log, onQueued: () => dispatcher?.wake() })
  dispatcher = new Dispatcher(store, gateway, consent, current, log, clock, options.dispatcher)
  simulator?.onReceipt((receipt) => consent.handleReceipt(receipt))

  const timers: NodeJS.Timeout[] = []
  const housekeepingMs = options.housekeepingMs ?? 60_000
  const housekeeping = async () => {
    try {
      const expired = await consent.expireInvitations()
      if (expired > 0) log.info({ expired }, 'unanswered invitations expired')
      await store.repos.sessions.deleteExpired(clock().getTime())
    } catch (error) {
      log.error({ err: error }, 'housekeeping failed')
    }
  }

  const services: Services = {
    env, log, clock, store, config, gateway, simulator, consent, dispatcher,
    async startBackground() {
      config.start()
      await dispatcher.start()
      await housekeeping()
      const timer = setInterval(housekeeping, housekeepingMs)
      timer.unref()
      timers.push(timer)
    },
    async shutdown() {
      for (const timer of timers) clearInterval(timer)
      config.stop()
      await dispatcher.stop()
      await store.close()
    },
  }
  return services
}
