import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { AlgorithmTypes } from '@vonage/auth'
import { SMS } from '@vonage/sms'
import { SIGNATURE_METHODS, type SignatureMethod } from '../../src/config/env.js'
import { checkSignature, computeSignature } from '../../src/sms/signature.js'

// The SDK's own test vectors: Vonage/vonage-node-sdk packages/sms/__tests__/__dataSets__/signature.ts
const VECTOR_PARAMS = {
  'message-timestamp': '2013-11-21 15:27:30',
  messageId: '020000001B0FE827',
  msisdn: '14843472194',
  text: 'Test again',
  timestamp: '1385047698',
  to: '13239877404',
  type: 'text',
}
const VECTOR_SECRET = 'my_secret_key_for_testing'
const VECTORS: ReadonlyArray<{ method: SignatureMethod; signature: string }> = [
  { method: 'md5hash', signature: 'd2e7b1dc968737c5998ad624e02f90b7' },
  { method: 'md5hmac', signature: 'DDEBD46008C2D4E93CCE578A332A52D5' },
  { method: 'sha1hmac', signature: '27D0D05C2876C7CB1720DBCDBA4D492E1E55C09A' },
  { method: 'sha256hmac', signature: 'DDB8397C2B90AAC7F3882D306475C9A5058C92322EEF43C92B298B6E0FC0D330' },
  {
    method: 'sha512hmac',
    signature:
      'E0D3C650F8C9D1A5C174D10DDDBFB003E561F59B265616208B0487C5D819481CD3C311D59CF6165ECD1139622D5BA3A256C0D763AC4A9AD9144B5A426B94FE82',
  },
]
const VECTOR_TIME = new Date(Number(VECTOR_PARAMS.timestamp) * 1000)

const SDK_ALGORITHMS: Record<SignatureMethod, AlgorithmTypes> = {
  md5hash: AlgorithmTypes.md5hash,
  md5hmac: AlgorithmTypes.md5hmac,
  sha1hmac: AlgorithmTypes.sha1hmac,
  sha256hmac: AlgorithmTypes.sha256hmac,
  sha512hmac: AlgorithmTypes.sha512hmac,
}

const sdk = new SMS({ apiKey: 'key', apiSecret: 'secret' })

describe('SPEC 5 webhook signatures: the SDK test vectors', () => {
  for (const { method, signature } of VECTORS) {
    test(`${method}: our signature equals the SDK's vector`, () => {
      assert.equal(computeSignature(VECTOR_PARAMS, { secret: VECTOR_SECRET, method }), signature.toLowerCase())
    })

    test(`${method}: a request carrying the vector's sig (upper case, at its own time) is accepted`, () => {
      const check = checkSignature({ ...VECTOR_PARAMS, sig: signature }, { secret: VECTOR_SECRET, method }, VECTOR_TIME)
      assert.deepEqual(check, { ok: true, value: null })
    })
  }
})

describe('SPEC 5 webhook signatures: agreement with the SDK helper sms.verifySignature', () => {
  const params = {
    'api-key': 'abcd1234',
    msisdn: '12015550123',
    to: '82453',
    messageId: '0B00000123456789',
    // & and = in values are replaced by _ before signing: the SDK and we must agree on it.
    text: 'Stop & go = fine?',
    type: 'text',
    keyword: 'STOP',
    'message-timestamp': '2026-03-10 16:00:00',
    timestamp: '1773158400',
    nonce: 'a1b2c3d4',
  }
  for (const method of SIGNATURE_METHODS) {
    test(`${method}: the SDK helper verifies the signature we compute`, () => {
      const sig = computeSignature(params, { secret: 'another secret', method })
      assert.equal(sdk.verifySignature(sig, { ...params, sig }, 'another secret', SDK_ALGORITHMS[method]), true)
      assert.equal(sdk.verifySignature(sig, params, 'wrong secret', SDK_ALGORITHMS[method]), false)
    })
  }
})

describe('SPEC 5 webhook signatures: what is refused', () => {
  const settings = { secret: VECTOR_SECRET, method: 'md5hash' } as const
  const signed = { ...VECTOR_PARAMS, sig: 'd2e7b1dc968737c5998ad624e02f90b7' }

  test('a missing sig is refused', () => {
    assert.deepEqual(checkSignature(VECTOR_PARAMS, settings, VECTOR_TIME), { ok: false, error: 'missing sig' })
  })

  test('a changed parameter is refused (signature does not match)', () => {
    const check = checkSignature({ ...signed, text: 'STOP' }, settings, VECTOR_TIME)
    assert.deepEqual(check, { ok: false, error: 'signature does not match' })
  })

  test('a sig of another length is refused without throwing', () => {
    assert.equal(checkSignature({ ...signed, sig: 'abc' }, settings, VECTOR_TIME).ok, false)
  })

  test('the right sig under another method is refused', () => {
    assert.equal(checkSignature(signed, { ...settings, method: 'md5hmac' }, VECTOR_TIME).ok, false)
  })

  test('a signed request without a timestamp is refused', () => {
    const { timestamp: _t, ...rest } = VECTOR_PARAMS
    const sig = computeSignature(rest, settings)
    assert.deepEqual(checkSignature({ ...rest, sig }, settings, VECTOR_TIME), { ok: false, error: 'missing or malformed timestamp' })
  })

  test('a replay older than 5 minutes is refused; 4 minutes 59 seconds is accepted', () => {
    const fiveMinutes = 5 * 60_000
    assert.deepEqual(checkSignature(signed, settings, new Date(VECTOR_TIME.getTime() + fiveMinutes + 1_000)), {
      ok: false,
      error: 'timestamp outside the 5-minute window',
    })
    assert.deepEqual(checkSignature(signed, settings, new Date(VECTOR_TIME.getTime() + fiveMinutes - 1_000)), { ok: true, value: null })
  })

  test('a timestamp more than 5 minutes in the future is refused', () => {
    assert.equal(checkSignature(signed, settings, new Date(VECTOR_TIME.getTime() - 5 * 60_000 - 1_000)).ok, false)
  })
})
