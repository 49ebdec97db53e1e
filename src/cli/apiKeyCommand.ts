import { ApiKeyService } from '../services/apiKeys.js'
import type { CliContext } from './cliContext.js'

/** `webpac apikey create NAME`: the key alone on stdout (for scripts), the advice on stderr. */
export async function apiKeyCreateCommand(context: CliContext, name: string): Promise<void> {
  const created = await new ApiKeyService(context.store()).create(name)
  process.stdout.write(`${created.key}\n`)
  process.stderr.write(
    `API key "${created.name}" created. Store it now: only its hash is kept, so it cannot be shown again.\n` +
    'Use it as "Authorization: Bearer KEY" on POST /api/v1/alerts.\n',
  )
}
