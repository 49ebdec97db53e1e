import { InvalidArgumentError } from 'commander'
import { consentCsv } from '../services/consentExport.js'
import type { CliContext } from './cliContext.js'
import { writeOut } from './output.js'

const DAY = /^\d{4}-\d{2}-\d{2}$/
const FLUSH_AT = 64 * 1024

/** --since: a day (from its start, UTC) or an ISO 8601 time with a zone. */
export function parseSince(value: string): string {
  const text = value.trim()
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(text)
  const time = DAY.test(text) ? Date.parse(`${text}T00:00:00Z`) : withZone ? Date.parse(text) : Number.NaN
  // Date.parse rolls 2025-02-30 over into March; a date that does not exist is a typo.
  const rolledOver = DAY.test(text) && !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) !== text
  if (Number.isNaN(time) || rolledOver) {
    throw new InvalidArgumentError('give a date as YYYY-MM-DD (UTC) or a time as 2025-01-31T18:00:00Z')
  }
  return new Date(time).toISOString()
}

/** `webpac consent export [--since DATE]`: CSV on stdout, written as it is read. */
export async function consentExportCommand(context: CliContext, sinceIso: string | null): Promise<void> {
  let pending = ''
  for await (const line of consentCsv(await context.store(), sinceIso)) {
    pending += line
    if (pending.length >= FLUSH_AT) {
      await writeOut(pending)
      pending = ''
    }
  }
  if (pending !== '') await writeOut(pending)
}
