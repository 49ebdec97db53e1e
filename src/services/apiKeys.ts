import { createHash, randomBytes } from 'node:crypto'
import type { Store } from '../store/store.js'
import { DomainError } from './errors.js'

interface ApiClient { id: number; name: string }

const KEY_PREFIX = 'wpk_'
const MAX_NAME_LENGTH = 100

// A key is 256 random bits, so a plain SHA-256 is enough to make the stored value useless to a
// thief, and unlike scrypt it lets the key be found by an indexed lookup on every request.
function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex')
}

/** API keys for the library's own systems (the ILS sending alerts). */
export class ApiKeyService {
  constructor(private readonly store: Store, private readonly clock: () => Date = () => new Date()) {}

  /** Makes a key; the key itself is returned this once and never stored. */
  async create(name: string): Promise<{ id: number; name: string; key: string }> {
    const trimmed = name.trim()
    if (trimmed === '' || trimmed.length > MAX_NAME_LENGTH) {
      throw new DomainError(null, `The key name must be 1 to ${MAX_NAME_LENGTH} characters, e.g. "sierra-notices".`)
    }
    const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`
    const id = await this.store.repos.apiKeys.insert(trimmed, hashApiKey(key), this.clock().toISOString())
    return { id, name: trimmed, key }
  }

  async authenticate(key: string): Promise<ApiClient | null> {
    if (!key.startsWith(KEY_PREFIX) || key.length > 100) return null
    const row = await this.store.repos.apiKeys.findByHash(hashApiKey(key))
    return row ? { id: row.id, name: row.name } : null
  }
}
