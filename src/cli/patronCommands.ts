import { createReadStream, statSync } from 'node:fs'
import { statusText } from '../config/messages.js'
import { importPatrons } from '../services/patronImport.js'
import type { CliContext } from './cliContext.js'
import { CliError } from './cliError.js'
import { ImportReporter } from './importReporter.js'

/** `webpac patrons import FILE.csv`; exit code 1 when any row was rejected (the good ones are in). */
export async function importCommand(context: CliContext, file: string): Promise<number> {
  const config = context.config()
  let size: number
  try {
    const stats = statSync(file)
    if (!stats.isFile()) throw new CliError(`${file} is not a file`)
    size = stats.size
  } catch (error) {
    if (error instanceof CliError) throw error
    throw new CliError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    )
  }
  const input = createReadStream(file)
  const reporter = new ImportReporter({ totalBytes: size, bytesRead: () => input.bytesRead })
  const summary = await importPatrons(await context.store(), input, {
    country: config.webOptions.country,
    threadpoolSize: context.env.threadpoolSize,
    onBatch: (progress, problems) => reporter.batch(progress, problems),
  })
  reporter.done(summary, file)
  return summary.rejected > 0 ? 1 : 0
}

/** `webpac patrons delete BARCODE`: SPEC 4.8's silent opt-out, as staff would do it. */
export async function deleteCommand(context: CliContext, barcode: string): Promise<void> {
  const config = context.config()
  const store = await context.store()
  const patron = await store.repos.patrons.findByBarcode(barcode.trim())
  if (!patron) throw new CliError(`no patron has barcode ${barcode.trim()}`)
  const before = (await store.repos.registrations.findByPatron(patron.id))?.status ?? 'not_opted_in'
  await (await context.services()).staffActions.deletePatron(patron.id, 'cli')
  const status = statusText(config.messages, before)
  process.stdout.write(
    `Deleted patron ${patron.barcode} (${patron.name}). SMS status was ${status}: opted out silently, no SMS sent, ` +
      'queued messages cancelled. The consent history is kept.\n',
  )
}
