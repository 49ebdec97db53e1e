import autocannon from 'autocannon'

export interface LoadResult {
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  total: number
  non2xx: number
  errors: number
  /** The server's CPU (user + system) over the load divided by the requests it answered; null if not measured. */
  cpuUsPerRequest: number | null
}

export interface LoadOptions {
  url: string
  connections?: number
  durationSeconds?: number
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  body?: string
  /** Builds each request (for unique ids or a mix of bodies). */
  setupRequest?: (request: autocannon.Request) => autocannon.Request
  /** The server process's CPU so far in ms (RunningServer.cpuMs): steadier than req/s on a shared machine. */
  serverCpuMs?: () => number
}

// The load runs in this process, the server in another: on 2 cores each gets one.
export async function load(options: LoadOptions): Promise<LoadResult> {
  const cpuBefore = options.serverCpuMs?.()
  const result = await autocannon({
    url: options.url,
    connections: options.connections ?? 50,
    duration: options.durationSeconds ?? 8,
    method: options.method ?? 'GET',
    headers: options.headers,
    body: options.body,
    requests: options.setupRequest ? [{ setupRequest: options.setupRequest }] : undefined,
  })
  const cpuAfter = options.serverCpuMs?.()
  const cpuUsPerRequest =
    cpuBefore === undefined || cpuAfter === undefined || result.requests.total === 0
      ? null
      : Math.round(((cpuAfter - cpuBefore) * 1000) / result.requests.total)
  return {
    cpuUsPerRequest,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  }
}
