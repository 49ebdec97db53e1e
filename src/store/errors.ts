import { isPostgresUnavailable, isPostgresWriteFailure } from './postgres/pgErrors.js'

// Unique-constraint failures by backend: SQLite's extended code, PostgreSQL's SQLSTATE.
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const code = (error as { code?: unknown }).code
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505'
}

// The database file cannot be written: full, read-only, failing, or gone.
const STORAGE_FAILURE = /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN)/
// ...or, for a moment, another process holds the write lock beyond busy_timeout.
const UNAVAILABLE = /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|BUSY|LOCKED)/

function codeOf(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  return typeof code === 'string' ? code : ''
}

function isStorageFailure(error: unknown): boolean {
  return STORAGE_FAILURE.test(codeOf(error)) || isPostgresWriteFailure(error)
}

/** Errors a request answers with 503: try again later, nothing was changed. */
export function isDatabaseUnavailable(error: unknown): boolean {
  return UNAVAILABLE.test(codeOf(error)) || isPostgresUnavailable(error)
}

/** The database named by DATABASE_URL could not be opened at start-up (one line, password masked). */
export class DatabaseUnreachableError extends Error {
  override name = 'DatabaseUnreachableError'
}

export interface WriteFailure {
  /** SQLite's error code, e.g. SQLITE_FULL or SQLITE_IOERR_WRITE; PostgreSQL's SQLSTATE, e.g. 53100. */
  code: string
  since: string
}

/**
 * Whether the database file can be written, as the last write found it: /healthz reports a
 * disk that filled up or turned read-only even though every read still answers.
 */
export class WriteHealth {
  #failure: WriteFailure | null = null

  failed(error: unknown, now = new Date()): void {
    if (isStorageFailure(error) && this.#failure === null) this.#failure = { code: codeOf(error), since: now.toISOString() }
  }

  succeeded(): void {
    this.#failure = null
  }

  get failure(): WriteFailure | null {
    return this.#failure
  }
}
