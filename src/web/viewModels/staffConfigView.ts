import type { ConfProblem } from '../../config/confFile.js'
import type { ConfFileName, ConfFileView } from '../../services/configEditorService.js'
import type { FileSaves } from '../../services/configHistory.js'
import type { ConfigSave } from '../../store/schema.js'
import { configFilePath, paths } from '../paths.js'
import { formatDateTime } from './format.js'

interface ConfFileSummary {
  name: ConfFileName
  path: string
  valid: boolean
  state: string
  errors: string[]
  warnings: string[]
  editHref: string
  /** Its recent saves from the staff console, newest first (issue 14). */
  saves: ConfSaveRow[]
}

interface ConfSaveRow {
  /** ISO-8601, for the time element. */
  at: string
  when: string
  who: string
  /** The first HASH_SHOWN hex digits of each SHA-256; the CLI prints them whole. */
  oldHash: string | null
  newHash: string
}

const HASH_SHOWN = 12

interface ConfigOverviewPage {
  title: string
  notice: string | null
  files: ConfFileSummary[]
}

interface ConfigEditorPage {
  title: string
  /** Back to the overview, and where Cancel leads. */
  configHref: string
  name: ConfFileName
  path: string
  action: string
  text: string
  version: string
  /** For the error summary partial: each problem links to the text area. */
  errors: { field: string; message: string }[]
  problem: string | null
  warnings: string[]
}

const CONFIG_TEXT_ID = 'config-text'

function problemText(problem: ConfProblem): string {
  return problem.line > 0 ? `Line ${problem.line}: ${problem.message}` : problem.message
}

function state(file: ConfFileView, timeZone: string): string {
  const applied = file.lastGoodAt ? formatDateTime(file.lastGoodAt.toISOString(), timeZone) : null
  if (file.missing) return 'Missing: the built-in defaults are in force.'
  if (file.errors.length === 0) return applied ? `Valid; in force since ${applied}.` : 'Valid.'
  const count = `${file.errors.length} error${file.errors.length === 1 ? '' : 's'}`
  return applied
    ? `${count}: not applied. The last good version (applied ${applied}) stays in force.`
    : `${count}: not applied. The last good version stays in force.`
}

function saveRows(saves: readonly ConfigSave[], timeZone: string): ConfSaveRow[] {
  return saves.map((save) => ({
    at: save.saved_at,
    when: formatDateTime(save.saved_at, timeZone),
    who: save.staff_user,
    oldHash: save.old_sha256?.slice(0, HASH_SHOWN) ?? null,
    newHash: save.new_sha256.slice(0, HASH_SHOWN),
  }))
}

export function configOverviewPage(
  files: readonly ConfFileView[],
  history: readonly FileSaves[],
  timeZone: string,
  notice: string | null,
): ConfigOverviewPage {
  return {
    title: 'Configuration',
    notice,
    files: files.map((file) => ({
      name: file.name,
      path: file.path,
      valid: file.errors.length === 0,
      state: state(file, timeZone),
      errors: file.errors.map(problemText),
      warnings: file.warnings.map(problemText),
      editHref: configFilePath(file.name),
      saves: saveRows(history.find((entry) => entry.file === file.name)?.saves ?? [], timeZone),
    })),
  }
}

export function configEditorPage(
  file: ConfFileView,
  options: { text?: string; errors?: readonly ConfProblem[]; problem?: string } = {},
): ConfigEditorPage {
  return {
    title: `Edit ${file.name}`,
    configHref: paths.staff.config,
    name: file.name,
    path: file.path,
    action: configFilePath(file.name),
    text: options.text ?? file.text,
    version: file.version,
    errors: (options.errors ?? []).map((problem) => ({ field: CONFIG_TEXT_ID, message: problemText(problem) })),
    problem: options.problem ?? null,
    warnings: file.warnings.map(problemText),
  }
}
