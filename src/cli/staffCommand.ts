import { StaffAuthService } from '../services/staffAuth.js'
import type { CliContext } from './cliContext.js'
import { readPassword } from './readPassword.js'

/** `webpac staff add USER`: creates a staff account, or sets a new password for an existing one. */
export async function staffAddCommand(context: CliContext, username: string): Promise<void> {
  const password = await readPassword(username)
  const result = await new StaffAuthService(context.store()).setAccount(username, password)
  process.stdout.write(result.created
    ? `Staff account ${result.username} created: log in at /staff.\n`
    : `Staff account ${result.username} already existed: its password is changed.\n`)
}
