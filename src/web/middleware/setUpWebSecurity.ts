import type { RequestHandler } from 'express'
import helmet from 'helmet'

// No inline script or style anywhere, so the policy needs no nonce and every response gets the
// same headers: helmet runs once here, and each request only copies the result (helmet's own
// chain of a dozen middlewares per request cost more than the rest of a page's headers).
export function setUpWebSecurity(production: boolean): RequestHandler {
  const headers = helmetHeaders(production)
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value)
    next()
  }
}

function helmetHeaders(production: boolean): [string, string][] {
  const headers: [string, string][] = []
  const response = {
    setHeader: (name: string, value: string) => {
      headers.push([name, value])
    },
    removeHeader: () => {},
  }
  helmetFor(production)({} as never, response as never, () => {})
  return headers
}

function helmetFor(production: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        ...(production ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  })
}
