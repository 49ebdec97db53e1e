import type { CliContext } from './cliContext.js'
import { readPassword } from './readPassword.js'

function sessions(count: number): string {
  return `${count} open session${count === 1 ? '' : 's'} ended`
}

/** `webpac staff add USER`: creates a staff account, or sets a new password for an existing one. */
export async function staffAddCommand(context: CliContext, username: string): Promise<void> {
  const password = await readPassword(username)
  const result = await (await context.services()).staffAuth.setAccount(username, password)
  if (result.created) {
    process.stdout.write(`Staff account ${result.username} created: log in at /staff.\n`)
    return
  }
  const enabled = result.reenabled ? ' It was disabled and is enabled again.' : ''
  const changed = `its password is changed; ${sessions(result.sessionsEnded)}.`
  process.stdout.write(`Staff account ${result.username} already existed: ${changed}${enabled}\n`)
}

/** `webpac staff disable USER`: no more logins for the account, and its open sessions end. */
export async function staffDisableCommand(context: CliContext, username: string): Promise<void> {
  const result = await (await context.services()).staffAuth.disable(username)
  const state = result.alreadyDisabled ? 'was already disabled.' : 'disabled: it can no longer log in.'
  process.stdout.write(`Staff account ${result.username} ${state} ${sessions(result.sessionsEnded)}.\n`)
}
