import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import express, { type Express, type Request } from 'express'
import type { SessionRepository } from '../../src/store/sessionRepository.js'
import { openStore, type Store } from '../../src/store/store.js'
import { endSession, startSession } from '../../src/web/middleware/sessionLifecycle.js'
import { SESSION_COOKIE, setUpWebSession } from '../../src/web/middleware/setUpWebSession.js'
import { freshDatabaseUrl, onPostgres, queryDb } from '../support/database.js'

const MINUTE_MS = 60 * 1000

interface SessionServer {
  url: string
  store: Store
  close(): Promise<void>
}

/** Where one test's sessions live, across its servers: a data directory, and on PostgreSQL a database URL. */
interface Database {
  dataDir: string
  databaseUrl: string | undefined
}

async function freshDatabase(): Promise<Database> {
  return { dataDir: mkdtempSync(join(tmpdir(), 'webpac-session-')), databaseUrl: await freshDatabaseUrl() }
}

/** The session middleware alone in front of `routes`, over real HTTP and a real database file. */
async function sessionServer(
  options: { production: boolean; secret?: string | string[]; database?: Database; now?: () => number; writeDelayMs?: number },
  routes: (app: Express) => void,
): Promise<SessionServer> {
  const store = await openStore(options.database ?? (await freshDatabase()))
  const app = express()
  app.set('trust proxy', 'loopback')
  const sessions = options.writeDelayMs ? slowWrites(store.repos.sessions, options.writeDelayMs) : store.repos.sessions
  app.use(setUpWebSession({ secret: options.secret ?? 'test-secret', production: options.production, sessions, now: options.now }))
  routes(app)
  const server: Server = createServer(app)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    store,
    close: async () => {
      await new Promise((resolve) => server.close(resolve))
      await store.close()
    },
  }
}

/** The repository with each session write taking `ms` longer: a database across a network, on a bad day. */
function slowWrites(sessions: SessionRepository, ms: number): SessionRepository {
  const later = <T>(write: () => Promise<T>) => new Promise<T>((resolve, reject) => setTimeout(() => write().then(resolve, reject), ms))
  return Object.assign(Object.create(sessions) as SessionRepository, {
    insert: (...args: Parameters<SessionRepository['insert']>) => later(() => sessions.insert(...args)),
    update: (...args: Parameters<SessionRepository['update']>) => later(() => sessions.update(...args)),
  })
}

/** What the routes stored, without express-session's own cookie settings. */
function dataOf(req: Request): Record<string, unknown> {
  const { cookie: _cookie, ...data } = req.session as unknown as Record<string, unknown>
  return data
}

const cookieOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .join('; ')
/** The session id inside a signed cookie (`s:ID.SIGNATURE`, URL-encoded). */
const sidOf = (cookie: string) => {
  const value = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1)).replace(/^s:/, '')
  return value.slice(0, value.lastIndexOf('.'))
}
const rowCount = async (server: SessionServer) =>
  (await queryDb<{ n: number }>(server.store.location, 'SELECT COUNT(*) AS n FROM sessions'))[0]?.n

/**
 * A GET whose whole response has arrived. express-session sends the headers (the cookie) before
 * it has stored a new session, and ends the response once it has; a browser's next request comes
 * after that end. On PostgreSQL the insert takes a round trip, so a test that went on at the
 * headers would race the row.
 */
async function fetchWhole(url: string, cookie: string): Promise<Response> {
  const response = await fetch(url, { headers: cookie ? { cookie } : {} })
  const body = await response.arrayBuffer()
  return new Response(body, { status: response.status, headers: response.headers })
}

/** A promise the test resolves when it chooses. */
function gate(): { opened: Promise<void>; open(): void } {
  let open = () => {}
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return { opened, open }
}

// The session middleware on its own, over real HTTP and a real database, with a clock we move.
describe('web sessions: express-session, one row per session, written only when it changes', () => {
  let server: SessionServer
  let store: Store
  let url = ''
  let nowMs = Date.parse('2026-11-28T12:00:00Z')
  let slowArrived = gate()
  let slowRelease = gate()

  before(async () => {
    server = await sessionServer({ production: false, now: () => nowMs }, (app) => {
      app.get('/read', (req, res) => {
        res.json(dataOf(req))
      })
      app.get('/remember', (req, res) => {
        req.session.flash = String(req.query.value)
        res.send('ok')
      })
      app.get('/login', async (req, res) => {
        await startSession(req, (session) => {
          session.patronId = 7
        })
        res.send('ok')
      })
      app.get('/staff-login', async (req, res) => {
        await startSession(req, (session) => {
          session.staffUser = 'librarian'
        })
        res.send('ok')
      })
      app.get('/logout', async (req, res) => {
        await endSession(req, res)
        res.send('bye')
      })
      // A request still at work (a slow body, a slow service) when the same browser logs out.
      app.get('/slow', async (req, res) => {
        slowArrived.open()
        await slowRelease.opened
        req.session.flash = 'written after logout'
        res.send('late')
      })
    })
    ;({ store, url } = server)
  })

  after(() => server.close())

  const get = (path: string, cookie = '') => fetchWhole(`${url}${path}`, cookie)

  test('no session is made until something is stored in it, and then its cookie is sent once', async () => {
    const nothing = await get('/read')
    assert.equal(nothing.headers.get('set-cookie'), null)
    const first = await get('/remember?value=one')
    const setCookie = first.headers.get('set-cookie') ?? ''
    assert.match(setCookie, new RegExp(`^${SESSION_COOKIE}=s%3A[\\w-]+\\.[\\w%+/-]+; Path=/; HttpOnly; SameSite=Lax$`))
    const cookie = cookieOf(first)
    // express-session sends the headers and all but the last byte, stores the session, then ends.
    assert.equal(await first.text(), 'ok')
    assert.ok(await store.repos.sessions.get(sidOf(cookie), nowMs), 'the row is written before the response ends')
    const again = await get('/remember?value=two', cookie)
    assert.equal(again.headers.get('set-cookie'), null, 'an existing session keeps its cookie')
    assert.deepEqual(await (await get('/read', cookie)).json(), { flash: 'two' })
  })

  test('a page view that changes nothing writes nothing for five minutes, and a session idle for 20 minutes ends', async () => {
    const cookie = cookieOf(await get('/remember?value=kept'))
    const before = await store.repos.sessions.get(sidOf(cookie), nowMs)
    for (const minutes of [1, 3]) {
      nowMs += minutes * MINUTE_MS
      assert.deepEqual(await (await get('/read', cookie)).json(), { flash: 'kept' })
    }
    assert.deepEqual(await store.repos.sessions.get(sidOf(cookie), nowMs), before, 'the row is unchanged')
    nowMs += 20 * MINUTE_MS
    assert.deepEqual(await (await get('/read', cookie)).json(), {}, '20 idle minutes end the session')
  })

  test('a session in use moves its idle end, and still ends an hour after it began', async () => {
    const cookie = cookieOf(await get('/remember?value=busy'))
    for (let minute = 10; minute <= 50; minute += 10) {
      nowMs += 10 * MINUTE_MS
      assert.deepEqual(await (await get('/read', cookie)).json(), { flash: 'busy' }, `minute ${minute}`)
    }
    nowMs += 9 * MINUTE_MS
    assert.deepEqual(await (await get('/read', cookie)).json(), { flash: 'busy' }, 'minute 59')
    nowMs += 2 * MINUTE_MS
    assert.deepEqual(await (await get('/read', cookie)).json(), {}, 'after the hour the session is gone')
  })

  test('a cookie with a forged or missing signature, or from another secret, is no session at all', async () => {
    const cookie = cookieOf(await get('/remember?value=secret'))
    const name = cookie.slice(0, cookie.indexOf('='))
    const id = sidOf(cookie)
    for (const forged of [
      `${name}=${id}`,
      `${name}=s%3A${id}`,
      `${name}=s%3A${id}.AAAA`,
      `${name}=s%3A${id}.${'A'.repeat(43)}`,
      `${name}=%E0%A4%A`,
    ]) {
      assert.deepEqual(await (await get('/read', forged)).json(), {}, forged)
    }
  })

  test('login gives a new session id and forgets the old one (session fixation)', async () => {
    const planted = cookieOf(await get('/remember?value=planted'))
    const login = await get('/login', planted)
    const fresh = cookieOf(login)
    assert.notEqual(fresh, '', 'login sends a new cookie')
    assert.notEqual(fresh, planted)
    assert.deepEqual(await (await get('/read', fresh)).json(), { patronId: 7 }, 'nothing from before login carries over')
    assert.deepEqual(await (await get('/read', planted)).json(), {}, 'the planted id is worth nothing')
    assert.equal(await store.repos.sessions.get(sidOf(planted), nowMs), undefined)
  })

  test("a staff session's user is a top-level key of the stored JSON (its sessions can be found and ended)", async () => {
    const cookie = cookieOf(await get('/staff-login'))
    const staffUser = onPostgres ? "data::jsonb->>'staffUser'" : "json_extract(data, '$.staffUser')"
    const rows = await queryDb<{ sid: string }>(server.store.location, `SELECT sid FROM sessions WHERE ${staffUser} = ?`, 'librarian')
    assert.deepEqual(
      rows.map((row) => row.sid),
      [sidOf(cookie)],
    )
  })

  test("logout deletes the session's row and tells the browser to forget its cookie", async () => {
    const cookie = cookieOf(await get('/login'))
    const logout = await get('/logout', cookie)
    assert.match(logout.headers.get('set-cookie') ?? '', new RegExp(`^${SESSION_COOKIE}=; Path=/; Expires=Thu, 01 Jan 1970`))
    assert.equal(await store.repos.sessions.get(sidOf(cookie), nowMs), undefined)
    assert.deepEqual(await (await get('/read', cookie)).json(), {})
  })

  test('finding 5: a request still running at logout finishes and writes, and the logged-out session stays gone', async () => {
    slowArrived = gate()
    slowRelease = gate()
    const cookie = cookieOf(await get('/login'))
    const slow = get('/slow', cookie)
    await slowArrived.opened
    await get('/logout', cookie)
    assert.equal(await store.repos.sessions.get(sidOf(cookie), nowMs), undefined, 'logout deleted the row')

    slowRelease.open()
    assert.equal(await (await slow).text(), 'late')
    assert.equal(await store.repos.sessions.get(sidOf(cookie), nowMs), undefined, 'the late write did not put the row back')
    assert.deepEqual(await (await get('/read', cookie)).json(), {}, 'the old cookie is no longer logged in')
  })
})

describe('a redirect is sent only once the session it follows is stored (PostgreSQL: a write is a round trip)', () => {
  let server: SessionServer
  before(async () => {
    server = await sessionServer({ production: false, writeDelayMs: 300 }, (app) => {
      app.get('/read', (req, res) => {
        res.json(dataOf(req))
      })
      app.post('/login', async (req, res) => {
        await startSession(req, (session) => {
          session.patronId = 7
        })
        res.redirect(303, '/read')
      })
      app.post('/save', (req, res) => {
        req.session.flash = 'Patron information updated'
        res.redirect(303, '/read')
      })
    })
  })
  after(() => server.close())

  // A browser follows a 303 as soon as its headers arrive, without waiting for the body's end.
  const post = (path: string, cookie = '') =>
    fetch(`${server.url}${path}`, { method: 'POST', redirect: 'manual', headers: cookie ? { cookie } : {} })
  const follow = async (response: Response, cookie: string) =>
    (await fetch(`${server.url}${response.headers.get('location')}`, { headers: { cookie } })).json()

  test('login: the page the login redirects to finds the new session logged in', async () => {
    const login = await post('/login')
    assert.equal(login.status, 303)
    const cookie = cookieOf(login)
    assert.deepEqual(await follow(login, cookie), { patronId: 7 })
  })

  test('a form save: the page it redirects to finds the notice the save left in the session', async () => {
    const login = await post('/login')
    const cookie = cookieOf(login)
    await login.arrayBuffer()
    const saved = await post('/save', cookie)
    assert.equal(saved.status, 303)
    assert.deepEqual(await follow(saved, cookie), { patronId: 7, flash: 'Patron information updated' })
  })
})

describe('SPEC 1 session secrets rotate: the first signs, the others still verify', () => {
  const database = freshDatabase()
  const servers: SessionServer[] = []
  const serve = async (secret: string[]) => {
    const server = await sessionServer({ production: false, secret, database: await database }, (app) => {
      app.get('/read', (req, res) => {
        res.json(dataOf(req))
      })
      app.get('/remember', (req, res) => {
        req.session.flash = String(req.query.value)
        res.send('ok')
      })
    })
    servers.push(server)
    return (path: string, cookie = '') => fetchWhole(`${server.url}${path}`, cookie)
  }
  after(async () => {
    for (const server of servers) await server.close()
  })

  test('a cookie signed with the old secret still works after a new one is put first; the new one signs; a dropped secret logs out', async () => {
    const old = await serve(['old-secret'])
    const rotated = await serve(['new-secret', 'old-secret'])
    const dropped = await serve(['new-secret'])
    const oldCookie = cookieOf(await old('/remember?value=before rotation'))
    assert.deepEqual(await (await rotated('/read', oldCookie)).json(), { flash: 'before rotation' })
    const newCookie = cookieOf(await rotated('/remember?value=after rotation'))
    assert.deepEqual(await (await dropped('/read', newCookie)).json(), { flash: 'after rotation' }, 'signed with the first secret')
    assert.deepEqual(await (await dropped('/read', oldCookie)).json(), {})
  })
})

describe('SPEC 1 production session cookies are Secure and __Host-', () => {
  let server: SessionServer
  before(async () => {
    server = await sessionServer({ production: true }, (app) => {
      app.get('/touch', (req, res) => {
        req.session.flash = 'hello'
        res.send('ok')
      })
    })
  })
  after(() => server.close())

  test('behind an HTTPS proxy the cookie is __Host-, Secure and HttpOnly, for Path=/ and no Domain', async () => {
    const https = await fetch(`${server.url}/touch`, { headers: { 'x-forwarded-proto': 'https' } })
    const cookie = https.headers.get('set-cookie') ?? ''
    assert.match(cookie, new RegExp(`^__Host-${SESSION_COOKIE}=s%3A[^;]+; Path=/; HttpOnly; Secure; SameSite=Lax$`))
    assert.equal(await rowCount(server), 1)
  })

  test('over plain HTTP no session is made: no cookie and no row', async () => {
    const before = await rowCount(server)
    const plain = await fetch(`${server.url}/touch`)
    assert.equal(plain.status, 200)
    assert.equal(plain.headers.get('set-cookie'), null)
    assert.equal(await rowCount(server), before)
  })
})
