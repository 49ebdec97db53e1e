import type { RequestHandler } from 'express'
import type { ApiKeyService } from '../../services/apiKeyService.js'

const BEARER = /^Bearer\s+(\S+)\s*$/i

/** The alerts API takes `Authorization: Bearer KEY` (a key from `webpac apikey create`) and nothing else. */
export function requireApiKey(apiKeys: ApiKeyService): RequestHandler {
  return async (req, res, next) => {
    const key = BEARER.exec(req.get('authorization') ?? '')?.[1]
    if (key && (await apiKeys.authenticate(key))) return next()
    res.set('WWW-Authenticate', 'Bearer realm="webpac"')
    res
      .status(401)
      .json({ error: 'A valid API key is required: send "Authorization: Bearer KEY" with a key made by "webpac apikey create".' })
  }
}
