import { join } from 'node:path'
import { Kysely, sql } from 'kysely'
import { ApiKeyRepository } from './apiKeyRepository.js'
import { ConfigSaveRepository } from './configSaveRepository.js'
import { ConsentRepository } from './consentRepository.js'
import { type WriteFailure, WriteHealth } from './errors.js'
import { GroupCommit } from './groupCommit.js'
import { InboundPartRepository } from './inboundPartRepository.js'
import { InboxRepository } from './inboxRepository.js'
import { OutboxRepository } from './outboxRepository.js'
import { PatronRepository } from './patronRepository.js'
import { openPostgresStore } from './postgres/postgresStore.js'
import type { RateLimits } from './rateLimits.js'
import { RegistrationRepository } from './registrationRepository.js'
import type { Tables } from './schema.js'
import { SessionRepository } from './sessionRepository.js'
import { SimulatorMessageRepository } from './simulatorMessageRepository.js'
import { openSqlite } from './sqlite/openSqlite.js'
import { sqliteDialect } from './sqlite/sqliteDialect.js'
import { SqliteRateLimits, type Unit } from './sqlite/sqliteRateLimits.js'
import { StaffRepository } from './staffRepository.js'

export interface Repositories {
  patrons: PatronRepository
  registrations: RegistrationRepository
  consent: ConsentRepository
  outbox: OutboxRepository
  inbox: InboxRepository
  inboundParts: InboundPartRepository
  sessions: SessionRepository
  staff: StaffRepository
  apiKeys: ApiKeyRepository
  simulatorMessages: SimulatorMessageRepository
  configSaves: ConfigSaveRepository
}

/** How busy the database connections are; read when /metrics is scraped. */
export type ConnectionUse =
  /** PostgreSQL: the pool's open connections (at most `max`, DATABASE_POOL_SIZE), and the queries waiting for one. */
  | { database: 'postgres'; max: number; open: number; idle: number; waiting: number }
  /** SQLite has one connection: what can queue is units of work waiting for the next group commit. */
  | { database: 'sqlite'; commitQueue: number }

/**
 * Wake-ups for the outbox workers of other processes on the same database (PostgreSQL's
 * LISTEN/NOTIFY). A hint only: workers poll as well, so a lost one costs a poll's wait.
 */
export interface OutboxWakeUps {
  /** After a commit that queued SMS: the workers of every other process look at the outbox now. */
  notify(): void
  /**
   * Calls `wake` on each other process's notify, until the store closes. A dropped connection is
   * reported to `onLost` and made again in the background (the poll covers the gap).
   */
  listen(wake: () => void, onLost: (error: Error) => void): Promise<void>
}

/**
 * The only door services have to the database. Everything is async so that the same
 * services run on a networked database (PostgreSQL, for several portal nodes) unchanged.
 *
 * Writes. A write goes through `transaction()` (the group commit) together with every read that
 * decides it: a status change and its consent event and outbox rows, a check-then-insert, each
 * webhook's and form's writes. A burst of them then shares one COMMIT. A read outside the
 * transaction may only skip work early; the transaction reads again, or the write guards itself
 * (ON CONFLICT, a WHERE on the expected state), before anything is written.
 * A repository call may write alone (its own COMMIT) only when it is one statement that is right
 * whatever commits around it and nothing has to commit with it: the session store's rows, an
 * API key's last use and revocation, the housekeeping sweeps, the outbox worker's start-up
 * recovery. `rateLimits` runs its calls as units of the group commit itself.
 *
 * Queries. A query is a module-level `PreparedQuery` when it runs for every request on the paths
 * the benchmark measures (a page view and its session, an inbound text or delivery receipt, an
 * outbox send): there building and compiling it costs more than SQLite takes to run it. Anything
 * else (the form submit, the staff console, the CLI, the alerts API, once-per-batch polls and
 * sweeps) is built inline, where it reads more easily; so is a query whose SQL changes with its
 * input (an IN list, the patron search's optional filters).
 */
export interface Store {
  readonly repos: Repositories
  /** Attempt counters (the login throttle, SPEC 7), kept in the database. */
  readonly rateLimits: RateLimits
  /** Null on SQLite, whose one process wakes its own worker. */
  readonly outboxWakeUps: OutboxWakeUps | null
  /**
   * The SQLite file, or the PostgreSQL URL as DATABASE_URL gave it; tests open it to look at
   * rows no repository reads.
   */
  readonly location: string
  /** Runs `work` in one transaction: all of its writes commit together or not at all. */
  transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T>
  /**
   * Runs `work`, which only reads, on one snapshot of the database: what it reads belongs
   * together, and SQLite takes its read lock once instead of once per query.
   */
  read<T>(work: (repos: Repositories) => Promise<T>): Promise<T>
  ping(): Promise<void>
  /** Set while writes fail for want of storage (disk full, read-only, I/O errors). */
  writeFailure(): WriteFailure | null
  /** A write that changes nothing, to learn whether the disk has recovered. */
  probeWrite(): Promise<void>
  connectionUse(): ConnectionUse
  close(): Promise<void>
}

export function repositories(db: Kysely<Tables>): Repositories {
  return {
    patrons: new PatronRepository(db),
    registrations: new RegistrationRepository(db),
    consent: new ConsentRepository(db),
    outbox: new OutboxRepository(db),
    inbox: new InboxRepository(db),
    inboundParts: new InboundPartRepository(db),
    sessions: new SessionRepository(db),
    staff: new StaffRepository(db),
    apiKeys: new ApiKeyRepository(db),
    simulatorMessages: new SimulatorMessageRepository(db),
    configSaves: new ConfigSaveRepository(db),
  }
}

class KyselyStore implements Store {
  readonly repos: Repositories
  readonly rateLimits: RateLimits
  readonly outboxWakeUps = null
  private readonly commits: GroupCommit<Tables>

  constructor(
    private readonly db: Kysely<Tables>,
    readonly location: string,
    private readonly health: WriteHealth,
    rateLimits: (unit: Unit) => RateLimits,
  ) {
    this.repos = repositories(db)
    this.commits = new GroupCommit(db)
    this.rateLimits = rateLimits((work) => this.commits.run(() => work()))
  }

  transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    return this.commits.run((trx) => work(repositories(trx)))
  }

  read<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    return this.db
      .transaction()
      .setAccessMode('read only')
      .execute((trx) => work(repositories(trx)))
  }

  async ping(): Promise<void> {
    await sql`SELECT 1`.execute(this.db)
  }

  writeFailure(): WriteFailure | null {
    return this.health.failure
  }

  connectionUse(): ConnectionUse {
    return { database: 'sqlite', commitQueue: this.commits.waiting }
  }

  // Rewrites the header's user_version with its own value: a real write through the WAL.
  async probeWrite(): Promise<void> {
    const { rows } = await sql<{ user_version: number }>`PRAGMA user_version`.execute(this.db)
    await sql.raw(`PRAGMA user_version = ${Number(rows[0]?.user_version ?? 0)}`).execute(this.db)
  }

  async close(): Promise<void> {
    await this.db.destroy()
  }
}

export function sqliteFileFor(dataDir: string): string {
  return join(dataDir, 'webpac.sqlite')
}

export interface StoreOptions {
  databaseUrl?: string | undefined
  dataDir: string
  /** DATABASE_POOL_SIZE, for PostgreSQL (default 10). */
  poolSize?: number
  /** PostgreSQL: how long to keep trying to connect at start-up. */
  connectRetryMs?: number
}

export function isPostgresUrl(url: string | undefined): boolean {
  return url !== undefined && /^postgres(ql)?:\/\//.test(url)
}

/**
 * Opens the store named by DATABASE_URL (postgres://…, sqlite:PATH) or the SQLite file in the
 * data directory, applying pending migrations. PostgreSQL that cannot be reached within a few
 * seconds fails with a DatabaseUnreachableError.
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  const url = options.databaseUrl
  if (url && isPostgresUrl(url)) {
    return openPostgresStore({ url, poolSize: options.poolSize ?? 10, connectRetryMs: options.connectRetryMs }, repositories)
  }
  return openSqliteStore(url ? url.replace(/^sqlite:(\/\/)?/, '') : sqliteFileFor(options.dataDir))
}

/** The SQLite store on this file, opened at once (tests and tools that only ever use SQLite). */
export function openSqliteStore(file: string): Store {
  const db = openSqlite(file)
  const health = new WriteHealth()
  const kysely = new Kysely<Tables>({ dialect: sqliteDialect(db, health) })
  return new KyselyStore(kysely, file, health, (unit) => new SqliteRateLimits(db, unit))
}
