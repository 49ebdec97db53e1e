import { createHash, timingSafeEqual } from 'node:crypto'
import { isIP } from 'node:net'
import type { Request } from 'express'

const BEARER = /^Bearer\s+(\S+)\s*$/i

/** Who may read /metrics: `ok`, or the refusal to give (403 for an address, 401 for a token). */
export type MetricsAccess = 'ok' | 'not-local' | 'bad-token'

/**
 * SPEC 8 and docs/decisions.md: without METRICS_TOKEN, loopback clients only; with it, the
 * bearer token from every address, loopback included (one rule, and a proxy that fails to say
 * who its client is cannot open the door).
 */
export function metricsAccess(req: Request, token: string | null): MetricsAccess {
  if (token !== null) return sameSecret(BEARER.exec(req.get('authorization') ?? '')?.[1] ?? '', token) ? 'ok' : 'bad-token'
  return isLocalClient(req) ? 'ok' : 'not-local'
}

/**
 * The client is on this host: the connection comes from loopback, and so does every address a
 * proxy put in X-Forwarded-For or X-Real-IP. A reverse proxy on this host connects from
 * 127.0.0.1 for everyone; its client is the first address that is not loopback, as `req.ip`
 * finds it with the app's `trust proxy` = loopback. Decided here from the headers, not from
 * `req.ip`, so that an app without that setting (a worker's) cannot let a proxied client in.
 * `Forwarded` (RFC 7239) is not read by Express: a request that carries it is taken as proxied.
 */
export function isLocalClient(req: Request): boolean {
  if (!isLoopback(req.socket.remoteAddress ?? '')) return false
  if (req.get('forwarded') !== undefined) return false
  const hops = [...(req.get('x-forwarded-for') ?? '').split(','), req.get('x-real-ip') ?? '']
  return hops.every((hop) => hop.trim() === '' || isLoopback(hop.trim()))
}

function isLoopback(address: string): boolean {
  const ipv4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address
  if (isIP(ipv4) === 4) return ipv4.startsWith('127.')
  return isIP(address) === 6 && /^(0{0,4}:){7}0{0,3}1$|^::1$/.test(address)
}

// Hashing both first gives equal lengths, so the comparison takes the same time whatever was sent.
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest()
  return timingSafeEqual(digest(given), digest(expected))
}
