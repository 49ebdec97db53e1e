import { Command, CommanderError, Option } from 'commander'
import { ConfigError } from '../config/configSnapshot.js'
import { EnvError, readEnv } from '../config/env.js'
import { DomainError } from '../services/errors.js'
import { DatabaseUnreachableError } from '../store/errors.js'
import type { CliContext } from './cliContext.js'
import { CliError } from './cliError.js'
import { parseSince } from './consentCommand.js'

// Exit codes: 0 done, 1 a mistake the user can fix (the message says which), 2 wrong usage.
const EXIT_OK = 0
const EXIT_USER_ERROR = 1
const EXIT_USAGE = 2

// Commands load their modules (the database layer above all) only when they run, so help,
// usage errors and `config check` answer at once.
async function inContext<T>(work: (context: CliContext) => Promise<T>): Promise<T> {
  const { withContext } = await import('./cliContext.js')
  return withContext(work)
}

function program(): Command {
  const webpac = new Command('webpac')
    .description('WebPAC SMS administration: patrons, staff accounts, API keys, configuration, consent records.')
    .exitOverride()
    .showHelpAfterError('(run "webpac --help" for the commands)')

  const patrons = webpac.command('patrons').description('patron records')
  patrons
    .command('import')
    .description('add patrons from a CSV file with the header barcode,name,pin,email,mobile (existing barcodes are skipped)')
    .argument('<file>', 'the CSV file')
    .action(async (file: string) => {
      const { importCommand } = await import('./patronCommands.js')
      process.exitCode = await inContext((context) => importCommand(context, file))
    })
  patrons
    .command('delete')
    .description('delete a patron record: silent SMS opt-out, queued messages cancelled, consent history kept')
    .argument('<barcode>', "the patron's barcode")
    .action(async (barcode: string) => {
      const { deleteCommand } = await import('./patronCommands.js')
      await inContext((context) => deleteCommand(context, barcode))
    })

  const staff = webpac.command('staff').description('staff console accounts')
  staff
    .command('add')
    .description(
      'create a staff account, or set a new password (read from a prompt, or the first line of stdin); ' +
        'a new password logs the account out everywhere and enables a disabled account again',
    )
    .argument('<user>', 'the username')
    .action(async (user: string) => {
      const { staffAddCommand } = await import('./staffCommand.js')
      await inContext((context) => staffAddCommand(context, user))
    })
  staff
    .command('disable')
    .description('stop a staff account from logging in and log it out everywhere ("staff add" enables it again)')
    .argument('<user>', 'the username')
    .action(async (user: string) => {
      const { staffDisableCommand } = await import('./staffCommand.js')
      await inContext((context) => staffDisableCommand(context, user))
    })

  const apikey = webpac.command('apikey').description('keys for the alerts API')
  apikey
    .command('create')
    .description('create an API key and print it once (only its hash is stored); each active key has its own name')
    .argument('<name>', 'what the key is for, e.g. sierra-notices')
    .action(async (name: string) => {
      const { apiKeyCreateCommand } = await import('./apiKeyCommand.js')
      await inContext((context) => apiKeyCreateCommand(context, name))
    })
  apikey
    .command('list')
    .description('list the API keys: name, when made, when last used, revoked or not (never the keys)')
    .action(async () => {
      const { apiKeyListCommand } = await import('./apiKeyCommand.js')
      await inContext((context) => apiKeyListCommand(context))
    })
  apikey
    .command('revoke')
    .description('revoke an API key: from now on the alerts API refuses it')
    .argument('<name>', 'the name the key was created with')
    .action(async (name: string) => {
      const { apiKeyRevokeCommand } = await import('./apiKeyCommand.js')
      await inContext((context) => apiKeyRevokeCommand(context, name))
    })

  const config = webpac.command('config').description('the configuration files')
  config
    .command('check')
    .description('validate messages.conf and webpub.def; exit code 1 with every error and its line')
    .action(async () => {
      const { configCheckCommand } = await import('./configCommand.js')
      // An admin checks a file before the server is configured, or on a host that never runs it
      const env = readEnv(process.env, process.cwd(), { for: 'cli' })
      process.exitCode = configCheckCommand({ messagesConf: env.messagesConfPath, webOptions: env.webOptionsPath })
    })
  config
    .command('history')
    .description('the last 10 saves of each file from the staff console: when (UTC), who, and the SHA-256 of the file before and after')
    .argument('[file]', 'only this file: messages.conf, webpub.def, messages.es.conf or webpub.es.def')
    .action(async (file: string | undefined) => {
      const { configHistoryCommand } = await import('./configCommand.js')
      await inContext((context) => configHistoryCommand(context, file))
    })

  webpac
    .command('consent')
    .description('the consent history: every change of SMS status, kept for audit')
    .command('export')
    .description('write every consent event as CSV to stdout, oldest first')
    .addOption(new Option('--since <date>', 'only events at or after this date (YYYY-MM-DD, UTC) or time (ISO 8601)').argParser(parseSince))
    .action(async (options: { since?: string }) => {
      const { consentExportCommand } = await import('./consentCommand.js')
      await inContext((context) => consentExportCommand(context, options.since ?? null))
    })

  const db = webpac.command('db').description('the database: migrations, and moving a library from SQLite to PostgreSQL')
  db.command('migrate')
    .description('apply the migrations the database (DATABASE_URL, or the SQLite file in DATA_DIR) lacks; servers also do this at start')
    .action(async () => {
      const { dbMigrateCommand } = await import('./dbCommands.js')
      await inContext((context) => dbMigrateCommand(context))
    })
  db.command('copy')
    .description(
      'copy every patron, registration, consent event, outbox row, webhook record, staff account, API key and config save from the SQLite file ' +
        'into an empty PostgreSQL database, ids kept; refuses a target that already holds data',
    )
    .requiredOption('--from <sqlite:PATH>', 'the SQLite database file, e.g. sqlite:data/webpac.sqlite')
    .requiredOption('--to <postgres://URL>', 'the PostgreSQL database, e.g. postgres://webpac@db.example.org/webpac')
    .action(async (options: { from: string; to: string }) => {
      const { dbCopyCommand } = await import('./dbCommands.js')
      await dbCopyCommand(options.from, options.to)
    })

  return webpac
}

function fail(message: string): void {
  process.stderr.write(`webpac: ${message}\n`)
  process.exitCode = EXIT_USER_ERROR
}

async function main(argv: readonly string[]): Promise<void> {
  // `webpac consent export | head` closes the pipe early; that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? EXIT_OK)
    throw error
  })
  try {
    await program().parseAsync([...argv], { from: 'user' })
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has already printed the help or the usage error.
      process.exitCode = error.exitCode === 0 ? EXIT_OK : EXIT_USAGE
    } else if (
      error instanceof CliError ||
      error instanceof DomainError ||
      error instanceof EnvError ||
      error instanceof ConfigError ||
      error instanceof DatabaseUnreachableError
    ) {
      fail(error.message)
    } else {
      fail(`unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    }
  }
}

await main(process.argv.slice(2))
