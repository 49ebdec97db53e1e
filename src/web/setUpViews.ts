import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import ejs from 'ejs'
import type { Express } from 'express'
import { Pages } from './pages.js'

/** Renders a partial with exactly the locals it is given: `<%- partial('/partials/field', { … }) %>`. */
type PartialRenderer = (name: string, locals: ejs.Data) => string

// Pages are rendered by Express (view cache on); partials go through `partial()`, not EJS's
// include(): include() copies every local of the calling page into a fresh object for each
// partial, which was the largest single cost of rendering modpinfo (7 partials × ~30 locals).
// A page hands the layout partials its own `locals` object as it is, and a field only its own.
// The hot patron pages skip res.render altogether: the Pages returned (pages.ts).
export function setUpViews(app: Express, views: string, production: boolean): Pages {
  app.set('view engine', 'ejs')
  app.set('views', views)
  app.set('view cache', true)
  const options = { root: views, cache: true, compileDebug: !production }
  app.engine('ejs', (file, data, callback) => {
    ejs.renderFile(file, data as ejs.Data, options, callback as (error: Error | null, html?: string) => void)
  })
  app.locals.partial = partialRenderer(views, production)
  return new Pages(views, production)
}

function partialRenderer(views: string, production: boolean): PartialRenderer {
  const compiled = new Map<string, ejs.TemplateFunction>()
  return (name, locals) => {
    let template = compiled.get(name)
    if (!template) {
      const filename = join(views, `${name}.ejs`)
      template = ejs.compile(readFileSync(filename, 'utf8'), { filename, root: views, compileDebug: !production })
      compiled.set(name, template)
    }
    return template(locals)
  }
}
