// How PostgreSQL (and node-postgres) say that the database is away or cannot take writes.

function field(error: unknown, name: 'code' | 'message'): string {
  const value = typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[name] : undefined
  return typeof value === 'string' ? value : ''
}

// Socket errors from connecting or from a connection that broke.
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'])
// SQLSTATE: 08 connection exception; 57P01-57P03 the server shutting down, crashed or starting;
// 53 insufficient resources (disk full, too many connections); 25006 a read-only server
// (a standby after failover); 58030 an I/O error.
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53...|25006|58030)$/
// What the pool and the client throw without a code.
const UNAVAILABLE_MESSAGE =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly)/

/** The database cannot be reached, or cannot take writes for now: a request answers 503. */
export function isPostgresUnavailable(error: unknown): boolean {
  const code = field(error, 'code')
  if (SOCKET_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code)) return true
  return code === '' && UNAVAILABLE_MESSAGE.test(field(error, 'message'))
}

// Writes fail while reads may still answer: disk full, a read-only server, I/O errors.
const WRITE_FAILURE_SQLSTATE = /^(53100|25006|58030)$/

export function isPostgresWriteFailure(error: unknown): boolean {
  return WRITE_FAILURE_SQLSTATE.test(field(error, 'code'))
}

/** Serialization failure or deadlock: the transaction may simply be run again. */
export function isRetryable(error: unknown): boolean {
  const code = field(error, 'code')
  return code === '40001' || code === '40P01'
}

/** The URL with its password replaced by ***, fit for a message or a log line. */
export function maskedUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@')
  }
}
