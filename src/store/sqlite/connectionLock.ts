/**
 * The one SQLite connection's owner. A Kysely transaction (a group-commit batch, a read snapshot)
 * holds it from BEGIN to COMMIT; while nobody does, a single better-sqlite3 statement can run at
 * once, synchronously, and nothing else can come between it and its result.
 */
export class ConnectionLock {
  #held = false
  readonly #waiters: (() => void)[] = []

  get held(): boolean {
    return this.#held
  }

  acquire(): Promise<void> {
    if (!this.#held) {
      this.#held = true
      return Promise.resolve()
    }
    return new Promise((resolve) => this.#waiters.push(resolve))
  }

  /** Hands the connection to the next waiter, if any: it stays held, so no one slips in between. */
  release(): void {
    const next = this.#waiters.shift()
    if (next) next()
    else this.#held = false
  }
}
