import { performance } from 'node:perf_hooks'
import { Gauge, type Registry } from 'prom-client'
import { CONF_KINDS } from '../config/configSnapshot.js'
import type { ConfigWatcher } from '../config/configWatcher.js'
import type { Logger } from '../logger.js'
import type { StateCount } from '../store/outboxRepository.js'
import type { OutboxState } from '../store/schema.js'
import type { Store } from '../store/store.js'

const OUTBOX_STATES: readonly OutboxState[] = ['queued', 'sending', 'sent', 'delivered', 'failed', 'cancelled', 'unknown']
const IN_FLIGHT: ReadonlySet<OutboxState> = new Set<OutboxState>(['queued', 'sending'])

export interface ScrapeSources {
  store: Pick<Store, 'repos' | 'connectionUse'>
  config: Pick<ConfigWatcher, 'files'>
  log: Pick<Logger, 'warn'>
  /** How long the full count of the outbox is reused between scrapes (default 60 s; 0: every scrape). */
  outboxTotalsMaxAgeMs?: number
}

/** The gauges read when /metrics is scraped: the outbox, the database connections, the config files. */
export function registerScrapeGauges(registry: Registry, sources: ScrapeSources): void {
  const registers = [registry]
  const outbox = new OutboxCounts(sources.store, sources.outboxTotalsMaxAgeMs ?? 60_000)
  new Gauge({
    name: 'webpac_outbox_messages',
    help: 'Outbox rows by state. queued and sending are counted at every scrape; the other states are recounted at most once a minute (a scan of the whole outbox).',
    labelNames: ['state'],
    registers,
    async collect() {
      try {
        const counts = await outbox.read()
        for (const state of OUTBOX_STATES) this.set({ state }, counts.get(state) ?? 0)
      } catch (error) {
        // No numbers rather than old ones; the rest of the scrape still answers.
        this.reset()
        sources.log.warn({ err: error }, 'metrics: the outbox could not be counted')
      }
    },
  })
  registerConnectionGauges(registers, sources.store)
  new Gauge({
    name: 'webpac_config_file_errors',
    help: 'Errors in each config file as this node last read it. Above zero: an edit was refused and the last good version is in force (the staff console lists the errors).',
    labelNames: ['file'],
    registers,
    collect() {
      const files = sources.config.files()
      for (const file of CONF_KINDS) this.set({ file }, files[file].errors.length)
    },
  })
}

// PostgreSQL's pool, or SQLite's group-commit queue: only what the running database has.
function registerConnectionGauges(registers: Registry[], store: ScrapeSources['store']): void {
  if (store.connectionUse().database === 'sqlite') {
    new Gauge({
      name: 'webpac_db_commit_queue',
      help: 'SQLite: units of work queued for the next group commit. Staying above zero: the one writer cannot keep up.',
      registers,
      collect() {
        const use = store.connectionUse()
        if (use.database === 'sqlite') this.set(use.commitQueue)
      },
    })
    return
  }
  const pool = () => {
    const use = store.connectionUse()
    return use.database === 'postgres' ? use : null
  }
  new Gauge({
    name: 'webpac_db_pool_connections',
    help: 'PostgreSQL connections this process holds, by state: busy (running a query or transaction) or idle.',
    labelNames: ['state'],
    registers,
    collect() {
      const use = pool()
      if (!use) return
      this.set({ state: 'busy' }, use.open - use.idle)
      this.set({ state: 'idle' }, use.idle)
    },
  })
  new Gauge({
    name: 'webpac_db_pool_max_connections',
    help: 'PostgreSQL connections this process may open (DATABASE_POOL_SIZE).',
    registers,
    collect() {
      const use = pool()
      if (use) this.set(use.max)
    },
  })
  new Gauge({
    name: 'webpac_db_pool_waiting',
    help: 'Queries and transactions waiting for a free PostgreSQL connection. Staying above zero: the pool is too small or the database too slow.',
    registers,
    collect() {
      const use = pool()
      if (use) this.set(use.waiting)
    },
  })
}

/**
 * Counting queued and sending rows reads the partial index outbox_in_flight only (an index-only
 * scan on both databases), so it runs at every scrape. No index covers the other states: their
 * count scans the whole outbox (on PostgreSQL about 0.6 µs a row: a second or more for millions
 * of rows, and on SQLite it blocks the event loop meanwhile), so it is reused for `maxAgeMs`,
 * and scrapes that arrive together share one count.
 */
class OutboxCounts {
  private totals: { at: number; counts: StateCount[] } | null = null
  private counting: Promise<StateCount[]> | null = null

  constructor(
    private readonly store: ScrapeSources['store'],
    private readonly maxAgeMs: number,
  ) {}

  async read(): Promise<Map<OutboxState, number>> {
    const counts = new Map<OutboxState, number>()
    for (const { state, count } of await this.settledTotals()) if (!IN_FLIGHT.has(state)) counts.set(state, count)
    for (const { state, count } of await this.store.repos.outbox.countInFlightByState()) counts.set(state, count)
    return counts
  }

  private settledTotals(): Promise<StateCount[]> {
    if (this.totals && performance.now() - this.totals.at < this.maxAgeMs) return Promise.resolve(this.totals.counts)
    this.counting ??= this.store.repos.outbox
      .countAllByState()
      .then((counts) => {
        this.totals = { at: performance.now(), counts }
        return counts
      })
      .finally(() => {
        this.counting = null
      })
    return this.counting
  }
}
