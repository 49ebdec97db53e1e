import { createHash, randomBytes } from 'node:crypto'
import type { ApiKeySummary } from '../store/apiKeyRepository.js'
import type { ServiceDeps } from './deps.js'
import { DomainError } from './errors.js'

interface ApiClient {
  id: number
  name: string
}

const KEY_PREFIX = 'wpk_'
const MAX_NAME_LENGTH = 100
/** The last use is written at most this often per key: an alert burst must not become a write burst. */
const LAST_USE_EVERY_MS = 60_000

// A key is 256 random bits, so a plain SHA-256 is enough to make the stored value useless to a
// thief, and unlike scrypt it lets the key be found by an indexed lookup on every request.
function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex')
}

/** API keys for the library's own systems (the ILS sending alerts). */
export class ApiKeyService {
  /** When this process last wrote each key's last use (key id → epoch ms). */
  private readonly lastUseWritten = new Map<number, number>()

  constructor(private readonly deps: Pick<ServiceDeps, 'store' | 'clock'>) {}

  /** Makes a key; the key itself is returned this once and never stored. */
  async create(name: string): Promise<{ id: number; name: string; key: string }> {
    const trimmed = checkName(name)
    const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`
    // One active key per name, so that `apikey revoke NAME` and `apikey list` name one key: the
    // check and the insert commit together, so two `apikey create` at once cannot both pass.
    const id = await this.deps.store.transaction(async (repos) => {
      if ((await repos.apiKeys.countByName(trimmed)).active > 0) {
        throw new DomainError(null, `There is already an active API key named "${trimmed}". Choose another name, or revoke that key first.`)
      }
      return repos.apiKeys.insert(trimmed, hashApiKey(key), this.deps.clock().toISOString())
    })
    return { id, name: trimmed, key }
  }

  async authenticate(key: string): Promise<ApiClient | null> {
    if (!key.startsWith(KEY_PREFIX) || key.length > 100) return null
    const row = await this.deps.store.repos.apiKeys.findActiveByHash(hashApiKey(key))
    if (!row) return null
    await this.recordUse(row)
    return { id: row.id, name: row.name }
  }

  /** Every key, oldest first, revoked ones too: names and dates only. */
  list(): Promise<ApiKeySummary[]> {
    return this.deps.store.repos.apiKeys.list()
  }

  /** Revokes the active key of that name (every one, in a database from before names were unique). */
  async revoke(name: string): Promise<{ name: string; revoked: number }> {
    const trimmed = checkName(name)
    const revoked = await this.deps.store.repos.apiKeys.revokeByName(trimmed, this.deps.clock().toISOString())
    if (revoked > 0) return { name: trimmed, revoked }
    const { revoked: before } = await this.deps.store.repos.apiKeys.countByName(trimmed)
    throw new DomainError(
      null,
      before > 0
        ? `The API key "${trimmed}" is already revoked.`
        : `There is no API key named "${trimmed}". "webpac apikey list" shows the names.`,
    )
  }

  // Bookkeeping only: a failed write must not refuse a valid key, and is tried again next time.
  private async recordUse(row: { id: number; last_used_at: string | null }): Promise<void> {
    const now = this.deps.clock()
    const last = Math.max(this.lastUseWritten.get(row.id) ?? 0, row.last_used_at ? Date.parse(row.last_used_at) : 0)
    if (now.getTime() - last < LAST_USE_EVERY_MS) return
    this.lastUseWritten.set(row.id, now.getTime())
    await this.deps.store.repos.apiKeys.recordUse(row.id, now.toISOString()).catch(() => this.lastUseWritten.delete(row.id))
  }
}

function checkName(name: string): string {
  const trimmed = name.trim()
  if (trimmed === '' || trimmed.length > MAX_NAME_LENGTH) {
    throw new DomainError(null, `The key name must be 1 to ${MAX_NAME_LENGTH} characters, e.g. "sierra-notices".`)
  }
  return trimmed
}
