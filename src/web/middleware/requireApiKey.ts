import type { RequestHandler } from 'express'
import type { ApiKeyService } from '../../services/apiKeys.js'

/** Who sent a request with a valid key. */
export type ApiClient = NonNullable<Awaited<ReturnType<ApiKeyService['authenticate']>>>

const BEARER = /^Bearer\s+(\S+)\s*$/i

/** The alerts API takes `Authorization: Bearer KEY` (a key from `webpac apikey create`) and nothing else. */
export function requireApiKey(apiKeys: ApiKeyService): RequestHandler {
  return async (req, res, next) => {
    const key = BEARER.exec(req.get('authorization') ?? '')?.[1]
    const client = key ? await apiKeys.authenticate(key) : null
    if (client) {
      res.locals.apiClient = client
      return next()
    }
    res.set('WWW-Authenticate', 'Bearer realm="webpac"')
    res.status(401).json({ error: 'A valid API key is required: send "Authorization: Bearer KEY" with a key made by "webpac apikey create".' })
  }
}
