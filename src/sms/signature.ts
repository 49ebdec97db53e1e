import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { SignatureMethod } from '../config/env.js'
import type { Result } from '../domain/result.js'
import type { WebhookParams } from './webhooks.js'

export interface SignatureSettings {
  secret: string
  method: SignatureMethod
}

/** Replays older than this, or clocks this far ahead, are refused. */
const SIGNATURE_MAX_AGE_MS = 5 * 60_000

const HMAC_ALGORITHMS: Readonly<Record<Exclude<SignatureMethod, 'md5hash'>, string>> = {
  md5hmac: 'md5',
  sha1hmac: 'sha1',
  sha256hmac: 'sha256',
  sha512hmac: 'sha512',
}

/**
 * Vonage's SMS API signature: every parameter but `sig`, sorted by name, as `&name=value`
 * with `&` and `=` in values replaced by `_`; md5hash appends the secret and hashes, the
 * other methods take an HMAC keyed with the secret. Lower-case hex.
 */
export function computeSignature(params: WebhookParams, { secret, method }: SignatureSettings): string {
  const signed = Object.keys(params)
    .filter((name) => name !== 'sig')
    .sort()
    .map((name) => `&${name}=${(params[name] ?? '').replace(/[&=]/g, '_')}`)
    .join('')
  if (method === 'md5hash')
    return createHash('md5')
      .update(signed + secret)
      .digest('hex')
  return createHmac(HMAC_ALGORITHMS[method], secret).update(signed).digest('hex')
}

export function checkSignature(params: WebhookParams, settings: SignatureSettings, now: Date): Result<null> {
  const sig = params.sig
  if (!sig) return { ok: false, error: 'missing sig' }
  const timestamp = params.timestamp
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return { ok: false, error: 'missing or malformed timestamp' }
  const expected = Buffer.from(computeSignature(params, settings), 'utf8')
  const given = Buffer.from(sig.toLowerCase(), 'utf8')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, error: 'signature does not match' }
  // The timestamp is signed, so only a genuine but old request gets this far: a replay.
  if (Math.abs(now.getTime() - Number(timestamp) * 1000) > SIGNATURE_MAX_AGE_MS) {
    return { ok: false, error: 'timestamp outside the 5-minute window' }
  }
  return { ok: true, value: null }
}
