import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import ejs from 'ejs'
import type { Response } from 'express'
import type { ConfirmPage } from './viewModels/confirmView.js'
import type { ModpinfoPage } from './viewModels/modpinfoView.js'
import type { TopPage } from './viewModels/patronPages.js'

/** What every page's layout reads from res.locals (views/partials/head, header, footer). */
type LayoutLocals = Pick<Express.Locals, 'site' | 'nav' | 'logout' | 'csrfToken' | 'chrome'>
type Partial = (name: string, locals: ejs.Data) => string
type PageLocals<Model> = Model & LayoutLocals & { partial: Partial }

/** The pages on the hot path, each with its view model. */
interface PageModels {
  'pages/modpinfo': ModpinfoPage
  'pages/top': TopPage
  'pages/confirm': ConfirmPage
}
export type PageName = keyof PageModels

/**
 * Every key of T, each once: a name left out is a type error. A strict template reads only the
 * names it is given (anything else throws when rendered), so the list follows the view model's type.
 */
type EveryKey<T, K extends readonly (keyof T)[]> = [Exclude<keyof T, K[number]>] extends [never] ? unknown : never
function namesOf<T>() {
  return <const K extends readonly (keyof T & string)[]>(...names: K & EveryKey<T, K>) => names
}

const LAYOUT = ['site', 'nav', 'logout', 'csrfToken', 'chrome', 'partial'] as const
const PAGE_LOCALS: { [P in PageName]: readonly string[] } = {
  'pages/modpinfo': namesOf<ModpinfoPage>()(
    'title',
    'text',
    'forNumber',
    'action',
    'topHref',
    'patronName',
    'form',
    'mobileOffered',
    'status',
    'statusHelp',
    'mobileHint',
    'registeredNumber',
    'registeredDigits',
    'terms',
    'optOutWarn',
    'phoneWarn',
    'errors',
    'fieldErrors',
    'updated',
    'autoOptOut',
    'history',
  ),
  'pages/top': namesOf<TopPage>()('title', 'text', 'name', 'barcode', 'status', 'modpinfoHref'),
  'pages/confirm': namesOf<ConfirmPage>()('title', 'heading', 'warning', 'text', 'action', 'cancelHref', 'detail', 'hidden'),
}
/** The plain names each shared partial reads (the rest it reads as locals.x, which may be absent). */
const PARTIAL_LOCALS: Record<string, readonly string[]> = {
  '/partials/head': ['title'],
  '/partials/header': ['csrfToken'],
  '/partials/footer': [],
  '/partials/errorSummary': ['errors'],
  '/partials/field': ['id', 'label', 'value'],
}

/**
 * The hot pages without Express's detours: each template is compiled once, strict (no `with`,
 * its locals destructured), and called directly; the response goes out with res.end and the
 * headers res.render would have set, instead of res.render → app.render → renderFile and their
 * copies of every local. The HTML is the same as res.render's (test/integration/leanPages.test.ts).
 */
export class Pages {
  readonly #templates = new Map<string, ejs.TemplateFunction>()
  readonly #partial: Partial = (name, locals) => this.#template(name, PARTIAL_LOCALS[name])(locals)

  constructor(
    private readonly views: string,
    private readonly production: boolean,
  ) {}

  render<P extends PageName>(page: P, model: PageModels[P], layout: LayoutLocals): string {
    const locals: PageLocals<PageModels[P]> = Object.assign({}, model, {
      site: layout.site,
      nav: layout.nav,
      logout: layout.logout,
      csrfToken: layout.csrfToken,
      chrome: layout.chrome,
      partial: this.#partial,
    })
    return this.#template(`/${page}`, [...PAGE_LOCALS[page], ...LAYOUT])(locals)
  }

  /** Renders the page and answers with it, with res.send's headers for an HTML body. */
  send<P extends PageName>(res: Response, page: P, model: PageModels[P], status = 200): void {
    const html = this.render(page, model, res.locals)
    res.statusCode = status
    res.setHeader('Content-Type', 'text/html; charset=utf-8')
    res.setHeader('Content-Length', Buffer.byteLength(html))
    res.end(html)
  }

  #template(name: string, locals: readonly string[] | undefined): ejs.TemplateFunction {
    let template = this.#templates.get(name)
    if (!template) {
      if (!locals) throw new Error(`no lean locals list for ${name}`)
      const filename = join(this.views, `${name}.ejs`)
      template = ejs.compile(readFileSync(filename, 'utf8'), {
        filename,
        root: this.views,
        compileDebug: !this.production,
        strict: true,
        destructuredLocals: [...locals],
      })
      this.#templates.set(name, template)
    }
    return template
  }
}
