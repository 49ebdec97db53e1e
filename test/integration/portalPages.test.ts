import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { DEMO_STAFF } from '../../src/services/demoSeed.js'
import { CookieJarClient, textOf } from '../support/cookieJar.js'
import { GRACE, startPortalApp } from '../support/portalApp.js'

const views = fileURLToPath(new URL('../../views', import.meta.url))

function templates(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? templates(join(dir, entry.name)) : entry.name.endsWith('.ejs') ? [join(dir, entry.name)] : [],
  )
}

describe('pages, errors and the security of what the browser gets (SPEC 3, SPEC 7)', () => {
  test('SPEC 7 an unknown address answers 404 with a page in the site layout', async () => {
    const app = await startPortalApp()
    try {
      const response = await fetch(`${app.url}/no/such/page`, { headers: { accept: 'text/html' } })
      assert.equal(response.status, 404)
      const html = await response.text()
      assert.match(html, /<html lang="en">/)
      assert.match(html, /<title>Page not found – Demo Public Library<\/title>/)
      assert.match(html, /<a class="skip-link" href="#main-content">/)
      assert.match(textOf(html), /We could not find that page/)
      assert.equal((await fetch(`${app.url}/patroninfo/abc/top`)).status, 404)
    } finally {
      await app.close()
    }
  })

  // A page whose service fails: the simulator's phone list is made to throw. In production the
  // simulator is for staff, over HTTPS (the proxy's header), so a librarian opens it.
  async function brokenPage(env: Record<string, string> = {}): Promise<{ status: number; html: string }> {
    const app = await startPortalApp({ env })
    try {
      const simulator = app.services.simulator
      assert.ok(simulator)
      simulator.phones = () => {
        throw new Error('secret detail from /srv/webpac/src/internal.ts')
      }
      const https = { 'x-forwarded-proto': 'https' }
      const librarian = new CookieJarClient(app.url)
      await librarian.get('/staff/login', https)
      const login = await librarian.post('/staff/login', { username: DEMO_STAFF.username, password: DEMO_STAFF.password }, https)
      assert.equal(login.status, 303)
      const response = await librarian.get('/simulator', { accept: 'text/html', ...https })
      return { status: response.status, html: response.html }
    } finally {
      await app.close()
    }
  }

  test('SPEC 7 in production an unexpected error shows a plain sentence in the layout, never the error or a stack trace', async () => {
    const page = await brokenPage({ NODE_ENV: 'production', SMS_GATEWAY: 'simulator', SEED_DEMO: '0' })
    assert.equal(page.status, 500)
    assert.match(page.html, /<title>Something went wrong – Demo Public Library<\/title>/)
    assert.match(textOf(page.html), /Something went wrong on our side/)
    assert.doesNotMatch(page.html, /secret detail|internal\.ts|<pre>|\bat [^ ]+ \(/)
  })

  test('SPEC 7 outside production the same error page shows the details to the developer', async () => {
    const page = await brokenPage()
    assert.equal(page.status, 500)
    assert.match(page.html, /<pre>Error: secret detail from \/srv\/webpac\/src\/internal\.ts/)
  })

  test('SPEC 3 patron pages carry a strict CSP, a session cookie that is HttpOnly and SameSite=Lax, and no inline script or style', async () => {
    const app = await startPortalApp()
    try {
      const client = new CookieJarClient(app.url)
      const login = await client.get('/patroninfo')
      const csp = login.headers.get('content-security-policy') ?? ''
      assert.match(csp, /script-src 'self'/)
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/)
      const cookie = login.headers.getSetCookie().join('\n')
      assert.match(cookie, /HttpOnly/)
      assert.match(cookie, /SameSite=Lax/)

      await client.logIn(GRACE.barcode, GRACE.pin)
      const id = await app.idOf(GRACE)
      const pages = [
        login,
        await client.get(`/patroninfo/${id}/top`),
        await client.get(`/patroninfo/${id}/modpinfo`),
        await client.get('/simulator?to=%2B12015550142'),
      ]
      for (const page of pages) {
        assert.equal(page.status, 200)
        assert.doesNotMatch(page.html, /<script(?![^>]*\ssrc=)[^>]*>/, 'no inline script')
        assert.doesNotMatch(page.html, /<style|\sstyle=|\son[a-z]+=/i, 'no inline style or event handler')
      }
    } finally {
      await app.close()
    }
  })

  test('SPEC 3 templates display only: every value is escaped with <%= %>, and <%- is used for partials alone', () => {
    for (const file of templates(views)) {
      for (const [tag] of readFileSync(file, 'utf8').matchAll(/<%-[^%]*%>/g)) {
        assert.match(tag, /^<%-\s*partial\('\/(partials|staff\/partials)\//, `${file}: ${tag}`)
      }
    }
  })
})
