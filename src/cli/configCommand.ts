import { byLine, formatProblem } from '../config/confFile.js'
import { CONF_KINDS, type ConfigPaths, readConfig } from '../config/configSnapshot.js'

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
