export interface HttpPage {
  status: number
  html: string
  location: string | null
  headers: Headers
}

/**
 * A browser without JavaScript, small enough to read: keeps cookies between requests, never
 * follows redirects (tests look at them), and sends forms with the last page's CSRF token.
 */
export class CookieJarClient {
  private lastToken: string | null = null

  constructor(
    private readonly baseUrl: string,
    private readonly cookies = new Map<string, string>(),
  ) {}

  /** The same browser sent to another node by the load balancer: one cookie jar, another address. */
  at(baseUrl: string): CookieJarClient {
    return new CookieJarClient(baseUrl, this.cookies)
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name)
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<HttpPage> {
    return this.request(path, { method: 'GET', headers })
  }

  /** Posts a form; `_csrf` is the last page's token unless the form sets it (or sets it to undefined to leave it out). */
  async post(path: string, form: Record<string, string | undefined>, headers: Record<string, string> = {}): Promise<HttpPage> {
    const body = new URLSearchParams()
    const fields = '_csrf' in form ? form : { _csrf: this.lastToken ?? undefined, ...form }
    for (const [name, value] of Object.entries(fields)) if (value !== undefined) body.append(name, value)
    return this.postRaw(path, body.toString(), headers)
  }

  async postRaw(path: string, body: string, headers: Record<string, string> = {}): Promise<HttpPage> {
    return this.request(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } })
  }

  /** Opens the login form and logs in; returns the login POST's answer. */
  async logIn(barcode: string, pin: string): Promise<HttpPage> {
    await this.get('/patroninfo')
    return this.post('/patroninfo', { code: barcode, pin })
  }

  private async request(path: string, init: { method: string; body?: string; headers: Record<string, string> }): Promise<HttpPage> {
    const headers = new Headers(init.headers)
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '))
    const response = await fetch(new URL(path, this.baseUrl), { method: init.method, body: init.body, headers, redirect: 'manual' })
    for (const line of response.headers.getSetCookie()) this.store(line)
    const html = await response.text()
    this.lastToken = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? this.lastToken
    return { status: response.status, html, location: response.headers.get('location'), headers: response.headers }
  }

  private store(setCookie: string): void {
    const [pair = '', ...attributes] = setCookie.split(';')
    const eq = pair.indexOf('=')
    if (eq < 1) return
    const name = pair.slice(0, eq).trim()
    const expired = attributes.some((attribute) => /^\s*expires=Thu, 01 Jan 1970/i.test(attribute))
    if (expired) this.cookies.delete(name)
    else this.cookies.set(name, pair.slice(eq + 1).trim())
  }
}

/** What a person reads on the page: tags dropped, entities decoded, spaces collapsed. */
export function textOf(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#34;|&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim()
}

/** The texts of the error summary's `<h2 class="errormessage">` entries, in order. */
export function errorMessages(html: string): string[] {
  return [...html.matchAll(/<h2 class="errormessage">([\s\S]*?)<\/h2>/g)].map((match) => textOf(match[1] ?? ''))
}
