import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import type { SessionRepository } from '../../store/sessionRepository.js'

export const SESSION_COOKIE = 'webpac.sid'
const LIFETIME_MS = 60 * 60 * 1000
/** Cookie values whose signature was checked, so a browser's every request is not one more HMAC. */
const VERIFIED_CACHE_SIZE = 10_000

/** What a browser's session holds, in the database row behind its cookie. */
export interface SessionData {
  /** Set at patron login; a patron session is never a staff session. */
  patronId?: number
  /** Set at staff login. */
  staffUser?: string
  csrfToken?: string
  /** A one-time notice for the next page after a redirect (post/redirect/get). */
  flash?: string
}

interface SessionState {
  sessions: SessionRepository
  /** null until the session is first stored (and its cookie sent). */
  id: string | null
  expiresMs: number
  /** The data as stored, so that only a change is written. */
  stored: string
}

const states = new WeakMap<Request, SessionState>()

/**
 * Sessions in the portal's own database, behind a signed cookie (HMAC-SHA256 of the id).
 * Express-session did the same with two hashes of the data per request and a wrapper per
 * response event; this keeps what the portal uses:
 * - no session until something is stored in it (a page renders a form: its CSRF token);
 * - a page view reads its row and writes only when the data changed;
 * - a fixed hour from the first write: the cookie is not rolling, so nothing is touched per view;
 * - in production the cookie is Secure, so over plain HTTP no session is made at all;
 * - the write happens before the response ends, so the next request finds it.
 */
export function setUpWebSession(options: { secret: string; production: boolean; sessions: SessionRepository; now?: () => number }): RequestHandler {
  const { secret, production, sessions } = options
  const now = options.now ?? Date.now
  const signature = (id: string) => createHmac('sha256', secret).update(id).digest('base64url')
  const verified = new Map<string, string>()

  function verifiedId(cookieHeader: string | undefined): string | null {
    const value = cookieValue(cookieHeader, SESSION_COOKIE)
    const dot = value?.lastIndexOf('.') ?? -1
    if (!value || dot <= 0) return null
    const known = verified.get(value)
    if (known !== undefined) return known
    const id = value.slice(0, dot)
    const sent = Buffer.from(value.slice(dot + 1))
    const expected = Buffer.from(signature(id))
    if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) return null
    if (verified.size >= VERIFIED_CACHE_SIZE) verified.clear()
    verified.set(value, id)
    return id
  }

  async function persist(req: Request, res: Response, state: SessionState): Promise<void> {
    const data = JSON.stringify(req.session)
    if (data === state.stored) return
    if (state.id === null) {
      // A new session needs its cookie: not over plain HTTP in production, nor after the headers.
      if (data === '{}' || res.headersSent || (production && !req.secure)) return
      state.id = randomBytes(24).toString('base64url')
      state.expiresMs = now() + LIFETIME_MS
      await sessions.set(state.id, data, state.expiresMs)
      res.cookie(SESSION_COOKIE, `${state.id}.${signature(state.id)}`, {
        httpOnly: true, sameSite: 'lax', secure: production, path: '/', expires: new Date(state.expiresMs),
      })
    } else {
      await sessions.set(state.id, data, state.expiresMs)
    }
    state.stored = data
  }

  return async (req: Request, res: Response, next: NextFunction) => {
    const id = verifiedId(req.headers.cookie)
    const row = id === null ? undefined : await sessions.get(id, now())
    const state: SessionState = row && id !== null
      ? { sessions, id, expiresMs: row.expires_ms, stored: row.data }
      : { sessions, id: null, expiresMs: 0, stored: '{}' }
    req.session = parseData(state.stored)
    states.set(req, state)

    const end = res.end as (...args: unknown[]) => Response
    let ending = false
    res.end = function (this: Response, ...args: unknown[]) {
      if (ending) return end.apply(this, args)
      ending = true
      persist(req, res, state).then(
        () => end.apply(this, args),
        // Not stored (the disk, say): the error handler answers instead of this response.
        (error: unknown) => next(error),
      )
      return this
    } as Response['end']
    next()
  }
}

/**
 * A fresh session id at every login, so an id planted before login (session fixation) is worth
 * nothing, and nothing from before login carries over. The old row is deleted now; the new
 * one is written (and its cookie sent) when the response ends.
 */
export async function regenerateSession(req: Request): Promise<void> {
  const state = stateOf(req)
  if (state.id !== null) await state.sessions.destroy(state.id)
  state.id = null
  state.stored = '{}'
  req.session = {}
}

function stateOf(req: Request): SessionState {
  const state = states.get(req)
  if (!state) throw new Error('setUpWebSession() must run before a session is changed')
  return state
}

function parseData(json: string): SessionData {
  try {
    const data: unknown = JSON.parse(json)
    return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as SessionData) : {}
  } catch {
    return {}
  }
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null
  for (const part of header.split(';')) {
    const equals = part.indexOf('=')
    if (equals > 0 && part.slice(0, equals).trim() === name) {
      try {
        return decodeURIComponent(part.slice(equals + 1).trim())
      } catch {
        return null
      }
    }
  }
  return null
}
