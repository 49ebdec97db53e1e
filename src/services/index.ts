import { ConfigWatcher } from '../config/configWatcher.js'
import type { Env } from '../config/env.js'
import type { Logger } from '../logger.js'
import type { SmsGateway } from '../sms/gateway.js'
import { SimulatorGateway } from '../sms/simulatorGateway.js'
import { VonageGateway } from '../sms/vonageGateway.js'
import { isPostgresUrl, openStore, type Store } from '../store/store.js'
import { AlertService } from './alertService.js'
import { ApiKeyService } from './apiKeyService.js'
import { ConcatService } from './concatService.js'
import { DeliveryReceipts } from './deliveryReceipts.js'
import type { ServiceDeps } from './deps.js'
import { Housekeeping } from './housekeeping.js'
import { InboundTexts } from './inboundTexts.js'
import { InvitationExpiry } from './invitationExpiry.js'
import { Ledger } from './ledger.js'
import { Metrics } from './metrics.js'
import { OptInForm } from './optInForm.js'
import { OutboxSignal } from './outboxSignal.js'
import { OutboxWorker, type OutboxWorkerOptions } from './outboxWorker.js'
import { PatronAuthService } from './patronAuthService.js'
import { PatronSmsView } from './patronSmsView.js'
import { registerScrapeGauges } from './scrapeGauges.js'
import { SendRateCap, UNCAPPED } from './sendRateCap.js'
import { SendResults } from './sendResults.js'
import { StaffActions } from './staffActions.js'
import { buildStaffServices, type StaffServices } from './staffServices.js'

export interface Services {
  env: Env
  log: Logger
  clock: () => Date
  store: Store
  config: ConfigWatcher
  gateway: SmsGateway
  /** The simulated phones, when SMS_GATEWAY=simulator. */
  simulator: SimulatorGateway | null
  /** The modpinfo form (SPEC 3, 4.1–4.5). */
  optInForm: OptInForm
  /** The patron's SMS status and history as the pages show it, after SPEC 4.5. */
  patronSmsView: PatronSmsView
  /** Texts from phones: STOP, START, YES, NO, HELP (SPEC 4.3, 4.6). */
  inboundTexts: InboundTexts
  /** Joins the parts of long inbound texts before they reach inboundTexts. */
  concat: ConcatService
  deliveryReceipts: DeliveryReceipts
  /** Unanswered invitations (SPEC 4.3); the housekeeping timer sweeps them. */
  invitationExpiry: InvitationExpiry
  /** Patron login by barcode and PIN, with the SPEC 7 throttle. */
  patronAuth: PatronAuthService
  /** The alerts API (SPEC 5): alerts for opted-in patrons, and the keys that may send them. */
  alerts: AlertService
  apiKeys: ApiKeyService
  /** The staff console (SPEC 6). */
  staff: StaffServices
  outboxWorker: OutboxWorker
  /** What GET /metrics shows (SPEC 8): this app's own registry. */
  metrics: Metrics
  /** Expiry, abandoned claims, old sessions and attempt counters: a worker node's periodic jobs. */
  housekeeping: Housekeeping
  /** Stops the timers and closes the database; in-flight sends and housekeeping finish first. */
  shutdown(): Promise<void>
  /**
   * Starts what env.role runs: every role the config watcher; `worker` and `all` the outbox
   * worker and the housekeeping timers. A `web` node only queues: the workers send.
   */
  startBackground(): Promise<void>
}

export interface BuildOptions {
  log: Logger
  clock?: () => Date
  /** A gateway made by the caller (the Vonage one, or a test's); default: from env. */
  gateway?: SmsGateway
  outboxWorker?: OutboxWorkerOptions
  configPollMs?: number
  /** How often invitations are checked for expiry and old sessions swept. */
  housekeepingMs?: number
  /** How long /metrics reuses its count of the whole outbox (default 60 s). */
  outboxTotalsMaxAgeMs?: number
}

// The composition root: the only place that opens the database, reads the config files and
// picks the SMS gateway. Nothing is started until startBackground(). Opening PostgreSQL waits for
// it (a few seconds at most): an unreachable one fails with a DatabaseUnreachableError.
export async function buildServices(env: Env, options: BuildOptions): Promise<Services> {
  const { log } = options
  const clock = options.clock ?? (() => new Date())
  const config = new ConfigWatcher({ messagesConf: env.messagesConfPath, webOptions: env.webOptionsPath }, log, options.configPollMs)
  config.load()
  const current = () => config.current()
  const store = await openStore({ databaseUrl: env.databaseUrl, dataDir: env.dataDir, poolSize: env.databasePoolSize })
  const vonage = !options.gateway && env.smsGateway === 'vonage' && env.vonage ? new VonageGateway(env.vonage, log) : null
  const simulator = options.gateway || vonage ? null : new SimulatorGateway(store, clock)
  const gateway = options.gateway ?? vonage ?? simulator
  if (!gateway) throw new Error('no SMS gateway')

  // One registry per app, never prom-client's global one: a process (a test run) may build many.
  const metrics = new Metrics()
  registerScrapeGauges(metrics.registry, { store, config, log, outboxTotalsMaxAgeMs: options.outboxTotalsMaxAgeMs })
  config.onReload((file, outcome) => metrics.configReloaded(file, outcome))

  // Made before both sides of the cycle: the services that queue SMS notify it, the worker listens.
  const queued = new OutboxSignal()
  const runsWorker = env.role !== 'web'
  // A node with a worker of its own wakes it in-process; a web node has none, so after its commit
  // it wakes the workers of the other processes (PostgreSQL's NOTIFY; all of them poll as well).
  const onQueued = runsWorker ? () => queued.notify() : () => store.outboxWakeUps?.notify()
  const deps: ServiceDeps = { store, config: current, clock, log, onQueued, metrics }
  const ledger = new Ledger(deps)
  const invitationExpiry = new InvitationExpiry({ ...deps, ledger })
  const patronSmsView = new PatronSmsView({ ...deps, ledger, expiry: invitationExpiry })
  const optInForm = new OptInForm({ ...deps, ledger })
  const inboundTexts = new InboundTexts({ ...deps, ledger })
  const deliveryReceipts = new DeliveryReceipts({ ...deps, ledger })
  const sendResults = new SendResults({ ...deps, ledger })
  // Vonage's account limit is what the cap keeps under; the simulator has none (docs/decisions.md).
  const sendCap =
    gateway.name === 'vonage'
      ? new SendRateCap({ counters: store.rateLimits, perSecond: env.smsMaxSendsPerSecond, onWait: (ms) => metrics.sendCapWaited(ms) })
      : UNCAPPED
  const outboxWorker = new OutboxWorker({
    ...deps,
    gateway,
    sendResults,
    queued,
    sendCap,
    options: { sharedOutbox: isPostgresUrl(env.databaseUrl), ...options.outboxWorker },
  })
  simulator?.onReceipt((receipt) => deliveryReceipts.handle(receipt))
  const concat = new ConcatService({ ...deps, inboundTexts })
  const patronAuth = new PatronAuthService(deps)
  const alerts = new AlertService({ ...deps, patronSmsView })
  const apiKeys = new ApiKeyService(deps)
  const actions = new StaffActions({ ...deps, ledger })
  const paths = { messagesConf: env.messagesConfPath, webOptions: env.webOptionsPath }
  const staff = buildStaffServices({ ...deps, patronSmsView, actions, watcher: config, paths })

  const housekeeping = new Housekeeping({ ...deps, invitationExpiry, outboxWorker })

  const services: Services = {
    env,
    log,
    clock,
    store,
    config,
    gateway,
    simulator,
    optInForm,
    patronSmsView,
    inboundTexts,
    concat,
    deliveryReceipts,
    invitationExpiry,
    patronAuth,
    alerts,
    apiKeys,
    staff,
    outboxWorker,
    metrics,
    housekeeping,
    async startBackground() {
      config.start()
      if (!runsWorker) return
      await outboxWorker.start()
      await store.outboxWakeUps?.listen(
        () => outboxWorker.wake(),
        (error) => log.warn({ err: error }, 'outbox wake-ups from other nodes lost: polling until the LISTEN connection is back'),
      )
      await housekeeping.start(options.housekeepingMs ?? 60_000)
    },
    async shutdown() {
      config.stop()
      await housekeeping.stop()
      await outboxWorker.stop()
      await store.close()
    },
  }
  return services
}
