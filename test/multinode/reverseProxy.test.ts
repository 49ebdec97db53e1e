import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { openStore } from '../../src/store/store.js'
import { onServer, queryDb, TEST_DATABASE_URL } from '../support/database.js'
import { addPatron } from '../support/patrons.js'
import { killAllServerProcesses, killServerProcess, type ServerProcess, startServerProcess } from '../support/serverProcess.js'
import { eventually } from '../support/testApp.js'

// Issue 14 item 5: docs/deploy/nginx.conf, as written, in front of two production nodes on one
// PostgreSQL database: TLS with a self-signed certificate, the Secure session cookie, a session
// that any node answers, the forwarded address the throttle counts, the body limits, and
// /metrics and /healthz kept inside. Needs nginx (scripts/test.sh installs nginx-light) and openssl.

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path))
const SITE = 'sms.library.example'
const DOC_CONFIG = new URL('../../docs/deploy/nginx.conf', import.meta.url)

const skip = !NGINX ? 'nginx is not installed (apt-get install nginx-light)' : !hasOpenssl() ? 'openssl is not installed' : false

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** The documented config with this test's ports, node addresses and paths in place of the examples. */
function siteConfig(dir: string, ports: { http: number; https: number; nodeA: number; nodeB: number }): string {
  const text = readFileSync(DOC_CONFIG, 'utf8')
  const replaced = text
    .replace('server 10.0.1.11:3000 ', `server 127.0.0.1:${ports.nodeA} `)
    .replace('server 10.0.1.12:3000 ', `server 127.0.0.1:${ports.nodeB} `)
    .replace('listen 80;', `listen 127.0.0.1:${ports.http};`)
    .replace('listen 443 ssl http2;', `listen 127.0.0.1:${ports.https} ssl http2;`)
    .replaceAll('/etc/webpac/tls/', `${dir}/`)
    .replaceAll('/var/log/nginx/', `${dir}/`)
  const directives = replaced.replace(/#.*$/gm, '')
  for (const example of ['10.0.1.', 'listen 80;', 'listen 443 ', '/etc/webpac/', '/var/log/']) {
    assert.ok(!directives.includes(example), `docs/deploy/nginx.conf changed: "${example}" was not replaced`)
  }
  return replaced
}

function mainConfig(dir: string): string {
  const temp = (name: string) => `${name}_temp_path ${dir}/tmp/${name};`
  return [
    'worker_processes 1;',
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log warn;`,
    'daemon off;',
    'events { worker_connections 256; }',
    `http { ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join(' ')} include ${dir}/webpac.conf; }`,
  ].join('\n')
}

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** A browser without JavaScript over TLS, trusting only the test's certificate: keeps its cookies. */
class HttpsBrowser {
  readonly cookies = new Map<string, string>()
  token = ''

  constructor(
    private readonly port: number,
    private readonly ca: string,
  ) {}

  get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
    return this.send('GET', path, headers)
  }

  post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Answer> {
    const body = new URLSearchParams({ _csrf: this.token, ...form }).toString()
    return this.send('POST', path, { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body)
  }

  send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port: this.port,
          servername: SITE,
          ca: this.ca,
          method,
          path,
          agent: false,
          headers: {
            host: SITE,
            ...(cookie ? { cookie } : {}),
            ...(body ? { 'content-length': Buffer.byteLength(body) } : {}),
            ...headers,
          },
        },
        (res) => {
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (chunk: string) => {
            text += chunk
          })
          res.on('end', () => {
            for (const line of res.headers['set-cookie'] ?? []) {
              const [pair = ''] = line.split(';')
              const eq = pair.indexOf('=')
              this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1))
            }
            this.token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1] ?? this.token
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text })
          })
        },
      )
      req.on('error', reject)
      req.end(body)
    })
  }
}

interface LogLine {
  request: string
  status: number
  upstream: string
}

describe('docs/deploy/nginx.conf in front of two production nodes on one PostgreSQL (issue 14 item 5)', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'webpac-proxy-'))
  const database = `webpac_proxy_${randomBytes(6).toString('hex')}`
  const databaseUrl = (() => {
    const url = new URL(TEST_DATABASE_URL)
    url.pathname = `/${database}`
    return url.toString()
  })()
  const nodes: ServerProcess[] = []
  const nodeUrls: string[] = []
  let nginx: ReturnType<typeof spawn> | null = null
  let ports: { http: number; https: number; nodeA: number; nodeB: number }
  let ca = ''
  let patron: { id: number; barcode: string; pin: string }

  const accessLog = (): LogLine[] =>
    readFileSync(join(dir, 'webpac.access.log'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const match = /"([^"]*)" (\d+) .* upstream=(\S+)/.exec(line)
        assert.ok(match, `an access log line of the documented format: ${line}`)
        return { request: match[1] ?? '', status: Number(match[2]), upstream: match[3] ?? '' }
      })
  // nginx writes a request's log line once it has answered it, so the line may trail the answer.
  const linesFor = (path: string, count = 1): Promise<LogLine[]> =>
    eventually(() => {
      const lines = accessLog().filter((line) => line.request.split(' ')[1] === path)
      return lines.length >= count && lines
    })

  before(async () => {
    await onServer(TEST_DATABASE_URL, (client) => client.query(`CREATE DATABASE ${database}`))
    const store = await openStore({ databaseUrl: databaseUrl, dataDir: dir })
    patron = await addPatron(store, { name: 'Ada Proxy' })
    await store.close()

    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '2',
        '-subj',
        `/CN=${SITE}`,
        '-addext',
        `subjectAltName=DNS:${SITE}`,
        '-keyout',
        join(dir, 'privkey.pem'),
        '-out',
        join(dir, 'fullchain.pem'),
      ],
      { stdio: 'ignore' },
    )
    ca = readFileSync(join(dir, 'fullchain.pem'), 'utf8')
    writeFileSync(join(dir, 'messages.conf'), '')
    writeFileSync(join(dir, 'webpub.def'), '')

    for (let n = 0; n < 2; n++) {
      const node = startServerProcess({
        NODE_ENV: 'production',
        SMS_GATEWAY: 'simulator',
        SESSION_SECRET: 'reverse-proxy-test-secret-of-40-characters',
        DATABASE_URL: databaseUrl,
        // The proxy's address as the nodes see it: here nginx runs on the same host.
        TRUST_PROXY: '127.0.0.1',
        PORT: '0',
        DATA_DIR: join(dir, `data-${n}`),
        MESSAGES_CONF: join(dir, 'messages.conf'),
        WEB_OPTIONS: join(dir, 'webpub.def'),
        LOG_LEVEL: 'warn',
      })
      nodes.push(node)
      nodeUrls.push(await node.url)
    }
    const [nodeA = 0, nodeB = 0] = nodeUrls.map((url) => Number(new URL(url).port))
    ports = { http: await freePort(), https: await freePort(), nodeA, nodeB }
    mkdirSync(join(dir, 'tmp'))
    writeFileSync(join(dir, 'webpac.conf'), siteConfig(dir, ports))
    writeFileSync(join(dir, 'nginx.conf'), mainConfig(dir))
    execFileSync(NGINX ?? 'nginx', ['-t', '-q', '-p', dir, '-c', join(dir, 'nginx.conf')])
    nginx = spawn(NGINX ?? 'nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' })
    await eventually(async () => (await new HttpsBrowser(ports.https, ca).get('/patroninfo')).status === 200, 10_000)
  })

  after(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx?.once('exit', resolve))
      nginx.kill('SIGTERM')
      await exited
    }
    killAllServerProcesses()
    await onServer(TEST_DATABASE_URL, (client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`))
    rmSync(dir, { recursive: true, force: true })
  })

  test('plain HTTP is sent to HTTPS with a 301', async () => {
    const status = await new Promise<{ code: number; location: string }>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port: ports.http, path: '/patroninfo', headers: { host: SITE } }, (res) => {
        res.resume()
        resolve({ code: res.statusCode ?? 0, location: res.headers.location ?? '' })
      })
        .on('error', reject)
        .end()
    })
    assert.deepEqual(status, { code: 301, location: `https://${SITE}/patroninfo` })
  })

  test('a patron logs in over HTTPS: the session cookie is __Host-, Secure and HttpOnly, and every following page, from either node, knows the patron', async () => {
    const browser = new HttpsBrowser(ports.https, ca)
    const form = await browser.get('/patroninfo')
    assert.equal(form.status, 200)
    const login = await browser.post('/patroninfo', { code: patron.barcode, pin: patron.pin })
    assert.equal(login.status, 303)
    assert.equal(login.headers.location, `/patroninfo/${patron.id}/top`)
    const cookie = ([] as string[]).concat(login.headers['set-cookie'] ?? []).find((line) => line.startsWith('__Host-webpac.sid='))
    assert.ok(cookie, 'the production session cookie')
    assert.match(cookie, /; Path=\//)
    assert.match(cookie, /; Secure/)
    assert.match(cookie, /; HttpOnly/)
    assert.doesNotMatch(cookie, /Domain=/i)
    for (let view = 0; view < 6; view++) {
      const page = await browser.get(`/patroninfo/${patron.id}/top`)
      assert.equal(page.status, 200)
      assert.match(page.body, /Ada Proxy/)
    }
    const servedBy = new Set((await linesFor(`/patroninfo/${patron.id}/top`, 6)).map((line) => line.upstream))
    assert.deepEqual([...servedBy].sort(), [`127.0.0.1:${ports.nodeA}`, `127.0.0.1:${ports.nodeB}`].sort())
  })

  test('the throttle counts the address nginx saw, not the X-Forwarded-For the client sent', async () => {
    const browser = new HttpsBrowser(ports.https, ca)
    const forged = { 'x-forwarded-for': '203.0.113.77' }
    await browser.get('/patroninfo', forged)
    assert.equal((await browser.post('/patroninfo', { code: patron.barcode, pin: '0000' }, forged)).status, 401)
    const keys = (await queryDb<{ key: string }>(databaseUrl, 'SELECT key FROM rate_limits')).map((row) => row.key)
    assert.ok(
      keys.some((key) => key.endsWith(' 127.0.0.1') || key.endsWith(':127.0.0.1')),
      JSON.stringify(keys),
    )
    assert.ok(!keys.some((key) => key.includes('203.0.113.77')), JSON.stringify(keys))
  })

  test('/metrics and /healthz answer 404 at the proxy in any spelling and never reach a node; each node answers /healthz itself', async () => {
    const browser = new HttpsBrowser(ports.https, ca)
    for (const path of ['/metrics', '/METRICS', '/metrics/', '/%6detrics', '//metrics', '/healthz', '/Healthz/']) {
      assert.equal((await browser.get(path)).status, 404, path)
      assert.deepEqual(
        (await linesFor(path)).map((line) => line.upstream),
        ['-'],
        `${path} was not proxied`,
      )
    }
    for (const url of nodeUrls) assert.equal((await fetch(`${url}/healthz`)).status, 200)
  })

  test("bodies over the portal's limits are refused by nginx with 413: 16 kB for forms, 512 kB for the staff config editor", async () => {
    const browser = new HttpsBrowser(ports.https, ca)
    await browser.get('/patroninfo')
    const big = await browser.post('/patroninfo', { code: 'x'.repeat(17 * 1024), pin: '0000' })
    assert.equal(big.status, 413)
    assert.deepEqual(
      (
        await eventually(async () => {
          const refused = (await linesFor('/patroninfo')).filter((line) => line.status === 413)
          return refused.length > 0 && refused
        })
      ).map((line) => line.upstream),
      ['-'],
    )
    // The editor's larger body passes nginx and meets the portal's own staff check.
    const editor = await browser.post('/staff/config/messages', { text: 'x'.repeat(100 * 1024) })
    assert.notEqual(editor.status, 413)
    assert.equal((await browser.post('/staff/config/messages', { text: 'x'.repeat(600 * 1024) })).status, 413)
  })

  test('a node killed outright: the next requests, GET and the login POST, are answered by the other node', async () => {
    const browser = new HttpsBrowser(ports.https, ca)
    await browser.get('/patroninfo')
    const [nodeA] = nodes
    assert.ok(nodeA)
    await killServerProcess(nodeA)
    for (let view = 0; view < 4; view++) assert.equal((await browser.get('/patroninfo')).status, 200)
    assert.equal((await browser.post('/patroninfo', { code: patron.barcode, pin: patron.pin })).status, 303)
    assert.equal((await browser.get(`/patroninfo/${patron.id}/top`)).status, 200)
  })
})
