import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import express, { type Express } from 'express'
import { openStore, type Store } from '../../src/store/store.js'
import { startSession } from '../../src/web/middleware/sessionLifecycle.js'
import { SESSION_COOKIE, setUpWebSession } from '../../src/web/middleware/setUpWebSession.js'

const HOUR_MS = 60 * 60 * 1000

interface SessionServer { url: string; store: Store; close(): Promise<void> }

/** The session middleware alone in front of `routes`, over real HTTP and a real database file. */
async function sessionServer(options: { production: boolean; now?: () => number }, routes: (app: Express) => void): Promise<SessionServer> {
  const store = openStore({ dataDir: mkdtempSync(join(tmpdir(), 'webpac-session-')) })
  const app = express()
  app.set('trust proxy', 'loopback')
  app.use(setUpWebSession({ secret: 'test-secret', production: options.production, sessions: store.repos.sessions, now: options.now }))
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

// The session middleware on its own, over real HTTP and a real database, with a clock we move.
describe('web sessions: a signed cookie, one row, written only when it changes', () => {
  let server: SessionServer
  let store: Store
  let url = ''
  let nowMs = Date.parse('2026-11-28T12:00:00Z')

  before(async () => {
    server = await sessionServer({ production: false, now: () => nowMs }, (app) => {
      app.get('/read', (req, res) => { res.json(req.session) })
      app.get('/remember', (req, res) => {
        req.session.flash = String(req.query.value)
        res.send('ok')
      })
      app.get('/login', async (req, res) => {
        await startSession(req, (session) => { session.patronId = 7 })
        res.send('ok')
      })
    })
    ;({ store, url } = server)
  })

  after(() => server.close())

  const cookieOf = (response: Response) => response.headers.getSetCookie().map((cookie) => cookie.split(';')[0]).join('; ')
  const get = (path: string, cookie = '') => fetch(`${url}${path}`, { headers: cookie ? { cookie } : {} })

  test('no session is made until something is stored in it, and then its cookie is sent once', async () => {
    const nothing = await get('/read')
    assert.equal(nothing.headers.get('set-cookie'), null)
    const first = await get('/remember?value=one')
    const setCookie = first.headers.get('set-cookie') ?? ''
    assert.match(setCookie, new RegExp(`^${SESSION_COOKIE}=[\\w-]+\\.[\\w-]+; Path=/; Expires=`))
    assert.match(setCookie, /HttpOnly/)
    assert.match(setCookie, /SameSite=Lax/)
    const cookie = cookieOf(first)
    const again = await get('/remember?value=two', cookie)
    assert.equal(again.headers.get('set-cookie'), null, 'an existing session keeps its cookie')
    assert.deepEqual(await (await get('/read', cookie)).json(), { flash: 'two' })
  })

  test('a page view that changes nothing writes nothing, and the session ends an hour after it began', async () => {
    const cookie = cookieOf(await get('/remember?value=kept'))
    const id = decodeURIComponent(cookie.split('=')[1] ?? '').split('.')[0] ?? ''
    const before = await store.repos.sessions.get(id, nowMs)
    nowMs += HOUR_MS - 1_000
    assert.deepEqual(await (await get('/read', cookie)).json(), { flash: 'kept' })
    assert.deepEqual(await store.repos.sessions.get(id, nowMs), before, 'the row is unchanged: not touched, not extended')
    nowMs += 2_000
    assert.deepEqual(await (await get('/read', cookie)).json(), {}, 'after the hour the session is gone')
  })

  test('a cookie with a forged or missing signature, or from another secret, is no session at all', async () => {
    const cookie = cookieOf(await get('/remember?value=secret'))
    const [name, value = ''] = cookie.split('=')
    const [id = ''] = value.split('.')
    for (const forged of [`${name}=${id}`, `${name}=${id}.AAAA`, `${name}=${id}.${'A'.repeat(43)}`, `${name}=s%3A${id}.x`, `${name}=%E0%A4%A`]) {
      assert.deepEqual(await (await get('/read', forged)).json(), {}, forged)
    }
  })

  test('login gives a new session id and forgets the old one (session fixation)', async () => {
    const planted = cookieOf(await get('/remember?value=planted'))
    const plantedId = decodeURIComponent(planted.split('=')[1] ?? '').split('.')[0] ?? ''
    const login = await get('/login', planted)
    const fresh = cookieOf(login)
    assert.notEqual(fresh, '', 'login sends a new cookie')
    assert.notEqual(fresh, planted)
    assert.deepEqual(await (await get('/read', fresh)).json(), { patronId: 7 }, 'nothing from before login carries over')
    assert.deepEqual(await (await get('/read', planted)).json(), {}, 'the planted id is worth nothing')
    assert.equal(await store.repos.sessions.get(plantedId, nowMs), undefined)
  })
})

describe('SPEC 1 production session cookies are Secure', () => {
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

  test('behind an HTTPS proxy the session cookie is Secure and HttpOnly; over plain HTTP no cookie is sent at all', async () => {
    const https = await fetch(`${server.url}/touch`, { headers: { 'x-forwarded-proto': 'https' } })
    const cookie = https.headers.get('set-cookie') ?? ''
    assert.match(cookie, /; Secure/)
    assert.match(cookie, /; HttpOnly/)
    const plain = await fetch(`${server.url}/touch`)
    assert.equal(plain.headers.get('set-cookie'), null)
  })
})
