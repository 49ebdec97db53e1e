import ejs from 'ejs'
import type { Express } from 'express'

// Templates include partials by absolute path ('/partials/head') under `root`: EJS then
// resolves them without the file-system check it makes for every relative include.
export function setUpViews(app: Express, views: string, production: boolean): void {
  app.set('view engine', 'ejs')
  app.set('views', views)
  app.set('view cache', true)
  app.engine('ejs', (file, data, callback) => {
    const options = { root: views, cache: true, compileDebug: !production }
    ejs.renderFile(file, data as ejs.Data, options, callback as (error: Error | null, html?: string) => void)
  })
}
