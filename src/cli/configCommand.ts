import { byLine, formatProblem } from '../config/confFile.js'
import { CONF_KINDS, type ConfigPaths, readConfig } from '../config/configSnapshot.js'
import { CONF_FILE_NAMES, isConfFileName } from '../services/configEditorService.js'
import type { CliContext } from './cliContext.js'
import { CliError } from './cliError.js'
import { writeOut } from './output.js'

/** `webpac config check` (SPEC 2, 9): every file, the Spanish ones too, every error with its line; exit code 1 on any error. */
export function configCheckCommand(paths: ConfigPaths): number {
  const { files } = readConfig(paths)
  let errors = 0
  for (const state of CONF_KINDS.map((kind) => files[kind])) {
    errors += state.errors.length
    const verdict = state.errors.length === 0 ? 'OK' : `${state.errors.length} error${state.errors.length === 1 ? '' : 's'}`
    process.stdout.write(`${state.path}: ${verdict}\n`)
    for (const problem of byLine(state.errors)) process.stdout.write(`  error: ${formatProblem(problem)}\n`)
    for (const problem of byLine(state.warnings)) process.stdout.write(`  warning: ${formatProblem(problem)}\n`)
  }
  if (errors > 0) {
    process.stderr.write(
      `webpac: the configuration has ${errors} error${errors === 1 ? '' : 's'}; ` +
        'a running server keeps the last good version until they are fixed\n',
    )
    return 1
  }
  return 0
}

/** `webpac config history [FILE]`: each file's last saves from the staff console (issue 14), newest first, hashes in full. */
export async function configHistoryCommand(context: CliContext, file: string | undefined): Promise<void> {
  if (file !== undefined && !isConfFileName(file)) {
    throw new CliError(`unknown config file "${file}": name one of ${CONF_FILE_NAMES.join(', ')}`)
  }
  const history = await (await context.services()).configHistory.recent(file === undefined ? CONF_FILE_NAMES : [file])
  const blocks = history.map(({ file, saves }) => {
    if (saves.length === 0) return `${file}: no saves from the staff console recorded\n`
    const rows = [
      ['WHEN (UTC)', 'STAFF USER', 'SHA-256 BEFORE', 'SHA-256 AFTER'],
      ...saves.map((save) => [second(save.saved_at), save.staff_user, save.old_sha256 ?? '(no file)', save.new_sha256]),
    ]
    return `${file}: last ${saves.length} save${saves.length === 1 ? '' : 's'}, newest first\n${columns(rows)}`
  })
  await writeOut(blocks.join('\n'))
}

function columns(rows: readonly string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? []
  const lines = rows.map((row) =>
    row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  '),
  )
  return lines.map((line) => `  ${line}\n`).join('')
}

// Stored as ISO-8601 UTC; to the second, for an audit trail.
function second(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`
}
