import type { RequestHandler } from 'express'

/**
 * Runs `handler` only for paths that start with one of `prefixes`, keeping the full path (unlike
 * app.use(path, …), which strips it): a page request then skips the machine endpoints' routers
 * and parsers with one string test instead of walking each router's layers.
 */
export function onlyUnder(prefixes: readonly string[], handler: RequestHandler): RequestHandler {
  const lowerCase = prefixes.map((prefix) => prefix.toLowerCase())
  return (req, res, next) => {
    // Express matches routes regardless of case: so does this, so no request changes router.
    const path = req.path.toLowerCase()
    for (const prefix of lowerCase) if (path.startsWith(prefix)) return handler(req, res, next)
    next()
  }
}
