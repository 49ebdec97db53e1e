import { randomUUID } from 'node:crypto'
import pg from 'pg'
import type { OutboxWakeUps } from '../store.js'

const CHANNEL = 'webpac_outbox'
const RECONNECT_MIN_MS = 1_000
const RECONNECT_MAX_MS = 30_000

// LISTEN/NOTIFY between the nodes of one database: a web node that queued SMS wakes the workers
// of the other processes at once instead of at their next poll. Only a hint: every worker still
// polls the outbox, so a NOTIFY lost (a node down, the listening connection dropped) delays a
// message by at most one poll and loses nothing.
export class PostgresOutboxWakeUps implements OutboxWakeUps {
  // Each process's own NOTIFYs come back to it too; its own worker was already woken in-process.
  readonly #self = randomUUID()
  #notifying = false
  #notifyAgain = false
  #listener: pg.Client | null = null
  #reconnect: NodeJS.Timeout | null = null
  #reconnectMs = RECONNECT_MIN_MS
  #closed = false

  constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
  ) {}

  notify(): void {
    if (this.#closed) return
    // One NOTIFY on the wire at a time: commits that land meanwhile share the next one.
    if (this.#notifying) {
      this.#notifyAgain = true
      return
    }
    this.#notifying = true
    this.pool
      .query('SELECT pg_notify($1, $2)', [CHANNEL, this.#self])
      .catch(() => {})
      .finally(() => {
        this.#notifying = false
        if (this.#notifyAgain) {
          this.#notifyAgain = false
          this.notify()
        }
      })
  }

  async listen(wake: () => void, onLost: (error: Error) => void): Promise<void> {
    await this.#connect(wake, onLost)
  }

  async close(): Promise<void> {
    this.#closed = true
    if (this.#reconnect) clearTimeout(this.#reconnect)
    const listener = this.#listener
    this.#listener = null
    await listener?.end().catch(() => {})
  }

  // On its own client, not the pool's: a LISTEN belongs to one connection for its whole life.
  async #connect(wake: () => void, onLost: (error: Error) => void): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, keepAlive: true, keepAliveInitialDelayMillis: 10_000 })
    let lost = false
    const reconnectLater = (error: Error) => {
      if (lost || this.#closed) return
      lost = true
      if (this.#listener === client) this.#listener = null
      client.end().catch(() => {})
      onLost(error)
      this.#reconnect = setTimeout(() => void this.#connect(wake, onLost), this.#reconnectMs)
      this.#reconnect.unref()
      this.#reconnectMs = Math.min(this.#reconnectMs * 2, RECONNECT_MAX_MS)
    }
    client.on('notification', (message) => {
      if (message.payload !== this.#self) wake()
    })
    client.on('error', reconnectLater)
    client.on('end', () => reconnectLater(new Error('the LISTEN connection ended')))
    try {
      await client.connect()
      await client.query(`LISTEN ${CHANNEL}`)
    } catch (error) {
      reconnectLater(error instanceof Error ? error : new Error(String(error)))
      return
    }
    if (this.#closed) {
      await client.end().catch(() => {})
      return
    }
    this.#listener = client
    this.#reconnectMs = RECONNECT_MIN_MS
    // What was queued while nobody listened is found now, not at the next poll.
    wake()
  }
}
