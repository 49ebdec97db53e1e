import type { RequestHandler } from 'express'
import type { Services } from '../../services/index.js'
import { paths } from '../paths.js'

/** A link in the header's navigation; `current` marks the page being shown (aria-current). */
export interface NavLink {
  href: string
  text: string
  current?: boolean
}

// What every page's layout needs (views/partials/header.ejs). It runs before body parsing, so
// even a 413 or an early error page shows the library's name. Routers that know who is logged
// in fill `nav` and `logout`.
export function setUpSiteLocals({ config, simulator }: Pick<Services, 'config' | 'simulator'>): RequestHandler {
  return (_req, res, next) => {
    res.locals.site = { libraryName: config.current().webOptions.libraryName, simulatorHref: simulator ? paths.simulator.home : null }
    res.locals.nav = []
    res.locals.logout = null
    next()
  }
}
