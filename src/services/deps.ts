import type { ConfigSnapshot } from '../config/configSnapshot.js'
import type { Logger } from '../logger.js'
import type { Store } from '../store/store.js'
import type { Metrics } from './metrics.js'

/**
 * What services are made from. Every service takes one object, `Pick`ing the parts it uses
 * from here and adding the other services it calls, so a constructor reads the same everywhere
 * and a test or the CLI passes only what that service needs.
 */
export interface ServiceDeps {
  store: Store
  /** The configuration files as last loaded; read on each use, so an edit applies at once. */
  config: () => ConfigSnapshot
  clock: () => Date
  log: Logger
  /** Called after a commit that queued SMS, so the outbox worker sends without waiting for its poll. */
  onQueued: () => void
  /** What /metrics counts: sends, receipts, inbound texts, throttled logins. */
  metrics: Metrics
}

export function systemClock(): Date {
  return new Date()
}
