import type { CliContext } from './cliContext.js'

/** `webpac apikey create NAME`: the key alone on stdout (for scripts), the advice on stderr. */
export async function apiKeyCreateCommand(context: CliContext, name: string): Promise<void> {
  const created = await (await context.services()).apiKeys.create(name)
  process.stdout.write(`${created.key}\n`)
  process.stderr.write(
    `API key "${created.name}" created. Store it now: only its hash is kept, so it cannot be shown again.\n` +
      'Use it as "Authorization: Bearer KEY" on POST /api/v1/alerts.\n',
  )
}

/** `webpac apikey list`: one line per key with its name and dates; the keys themselves are not kept. */
export async function apiKeyListCommand(context: CliContext): Promise<void> {
  const keys = await (await context.services()).apiKeys.list()
  if (keys.length === 0) {
    process.stdout.write('No API keys yet. Make one with: webpac apikey create NAME\n')
    return
  }
  const rows = [
    ['NAME', 'CREATED', 'LAST USED', 'STATUS'],
    ...keys.map((key) => [
      key.name,
      minute(key.created_at),
      key.last_used_at ? minute(key.last_used_at) : 'never',
      key.revoked_at ? `revoked ${minute(key.revoked_at)}` : 'active',
    ]),
  ]
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? []
  const lines = rows.map((row) =>
    row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  '),
  )
  process.stdout.write(`${lines.join('\n')}\n`)
}

/** `webpac apikey revoke NAME`: the key answers 401 from the next request on. */
export async function apiKeyRevokeCommand(context: CliContext, name: string): Promise<void> {
  const result = await (await context.services()).apiKeys.revoke(name)
  const what = result.revoked === 1 ? `API key "${result.name}"` : `${result.revoked} API keys named "${result.name}"`
  process.stdout.write(`${what} revoked: the alerts API refuses it (401) from now on.\n`)
}

// Times are stored as ISO-8601 UTC; a minute is precise enough to read in a terminal.
function minute(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`
}
