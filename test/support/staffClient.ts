import { DEMO_STAFF } from '../../src/services/demoSeed.js'
import { hashSecret } from '../../src/services/passwords.js'
import type { Store } from '../../src/store/store.js'

export interface Page {
  status: number
  text: string
  location: string | null
}

/** A browser without JavaScript: keeps the session cookie, sends forms with the page's CSRF token. */
export class WebClient {
  private cookie: string | null = null

  constructor(private readonly base: string) {}

  get sessionCookie(): string | null {
    return this.cookie
  }

  async get(path: string): Promise<Page> {
    return this.request(path, { method: 'GET' })
  }

  /** Posts a form; `_csrf` is taken from `tokenFrom` (a page already fetched) unless given. */
  async post(path: string, form: Record<string, string>, tokenFrom?: Page): Promise<Page> {
    const body = new URLSearchParams(form)
    if (tokenFrom && !body.has('_csrf')) body.set('_csrf', csrfToken(tokenFrom.text))
    return this.request(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
  }

  async staffLogIn(username: string = DEMO_STAFF.username, password: string = DEMO_STAFF.password): Promise<Page> {
    const form = await this.get('/staff/login')
    return this.post('/staff/login', { username, password }, form)
  }

  async patronLogIn(barcode: string, pin: string): Promise<Page> {
    const form = await this.get('/patroninfo')
    return this.post('/patroninfo', { code: barcode, pin }, form)
  }

  private async request(path: string, init: RequestInit): Promise<Page> {
    const headers = new Headers(init.headers)
    if (this.cookie) headers.set('cookie', this.cookie)
    const response = await fetch(`${this.base}${path}`, { ...init, headers, redirect: 'manual' })
    const setCookie = response.headers.get('set-cookie')
    if (setCookie) {
      const pair = setCookie.split(';')[0] ?? ''
      this.cookie = /=$/.test(pair) ? null : pair
    }
    return { status: response.status, text: await response.text(), location: response.headers.get('location') }
  }
}

export function csrfToken(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1]
  if (!token) throw new Error('no CSRF token on the page')
  return token
}

/** The page's text without tags, entities decoded and spaces collapsed, for assertions on what a person reads. */
export function visibleText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#34;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim()
}

export async function addStaff(
  store: Store,
  username: string = DEMO_STAFF.username,
  password: string = DEMO_STAFF.password,
): Promise<void> {
  await store.repos.staff.upsert(username, await hashSecret(password), new Date().toISOString())
}
