import { readFileSync } from 'node:fs'
import type { Lang } from '../domain/language.js'
import { type ConfProblem, formatProblem, type ParsedConf, parseConfFile } from './confFile.js'
import { DEFAULT_WEB_TEXTS, languagePath, loadWebTexts, type WebTexts, withWebTexts } from './languageFiles.js'
import { DEFAULT_MESSAGES, DEFAULT_MESSAGES_BY_LANG, loadMessages, type Messages } from './messages.js'
import { DEFAULT_WEB_OPTIONS, loadWebOptions, type WebOptions } from './webOptions.js'

/** The English files; each language's file lies beside its English one unless named (SPEC 9). */
export interface ConfigPaths {
  messagesConf: string
  webOptions: string
  messagesConfEs?: string
  webOptionsEs?: string
}

/** Every file's typed view, as one consistent version the server answers with. */
export interface ConfigSnapshot {
  messages: Messages
  webOptions: WebOptions
  /**
   * The Spanish texts: messages.es.conf over the built-in Spanish defaults, and webpub.es.def's
   * texts. Absent in a snapshot made by hand (a test's): the built-in Spanish texts then.
   */
  es?: { messages: Messages; webTexts: WebTexts }
  loadedAt: Date
}

export interface FileState {
  path: string
  errors: ConfProblem[]
  warnings: ConfProblem[]
  lastGoodAt: Date | null
}

export type ConfKind = keyof ConfigPaths

export type ConfigFileStates = Record<ConfKind, FileState>

export class ConfigError extends Error {
  readonly problems: ConfProblem[]

  constructor(problems: ConfProblem[]) {
    super(`configuration has errors:\n${problems.map(formatProblem).join('\n')}`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}

interface ViewResult<T> {
  value: T
  errors: ConfProblem[]
  warnings: ConfProblem[]
}

interface FileRead<T> extends ViewResult<T> {
  missing: boolean
}

/** What each file becomes once read: the typed view the rest of the app uses. */
export interface Views {
  messagesConf: Messages
  webOptions: WebOptions
  messagesConfEs: Messages
  webOptionsEs: WebTexts
}

type View<T> = (parsed: ParsedConf) => ViewResult<T>

const VIEWS: { [K in ConfKind]: View<Views[K]> } = {
  messagesConf: (parsed) => {
    const { messages, errors, warnings } = loadMessages(parsed)
    return { value: messages, errors, warnings }
  },
  webOptions: (parsed) => {
    const { options, errors, warnings } = loadWebOptions(parsed)
    return { value: options, errors, warnings }
  },
  messagesConfEs: (parsed) => {
    const { messages, errors, warnings } = loadMessages(parsed, 'es')
    return { value: messages, errors, warnings }
  },
  webOptionsEs: (parsed) => {
    const { texts, errors, warnings } = loadWebTexts(parsed, 'es')
    return { value: texts, errors, warnings }
  },
}

const DEFAULTS: Views = {
  messagesConf: DEFAULT_MESSAGES,
  webOptions: DEFAULT_WEB_OPTIONS,
  messagesConfEs: DEFAULT_MESSAGES_BY_LANG.es,
  webOptionsEs: DEFAULT_WEB_TEXTS.es,
}
export const CONF_KINDS: readonly ConfKind[] = ['messagesConf', 'webOptions', 'messagesConfEs', 'webOptionsEs']

/** Every file's path: the Spanish ones beside the English ones unless given. */
export function allConfigPaths(paths: ConfigPaths): Required<ConfigPaths> {
  return {
    ...paths,
    messagesConfEs: paths.messagesConfEs ?? languagePath(paths.messagesConf, 'es'),
    webOptionsEs: paths.webOptionsEs ?? languagePath(paths.webOptions, 'es'),
  }
}

export function snapshotOf(views: Views, loadedAt: Date): ConfigSnapshot {
  return {
    messages: views.messagesConf,
    webOptions: views.webOptions,
    es: { messages: views.messagesConfEs, webTexts: views.webOptionsEs },
    loadedAt,
  }
}

const localizedSnapshots = new WeakMap<ConfigSnapshot, ConfigSnapshot>()

/**
 * The snapshot as a patron of that language reads it: the same settings, that language's texts.
 * One object per snapshot and language, so whatever is cached per snapshot is cached per language too.
 */
export function localized(config: ConfigSnapshot, lang: Lang): ConfigSnapshot {
  if (lang === 'en') return config
  let found = localizedSnapshots.get(config)
  if (!found) {
    const es = config.es ?? { messages: DEFAULTS.messagesConfEs, webTexts: DEFAULTS.webOptionsEs }
    found = { ...config, messages: es.messages, webOptions: withWebTexts(config.webOptions, es.webTexts) }
    localizedSnapshots.set(config, found)
  }
  return found
}
const utf8 = new TextDecoder('utf-8', { fatal: true })

/** The short code texts name and replies come from; the first of SMS_SHORT_CODES. */
export function firstShortCode(config: ConfigSnapshot): string {
  return config.webOptions.shortCodes[0] ?? ''
}

export function readConfig(given: ConfigPaths): {
  snapshot: ConfigSnapshot | null
  files: ConfigFileStates
} {
  const now = new Date()
  const paths = allConfigPaths(given)
  const reads = {
    messagesConf: readConfFile('messagesConf', paths.messagesConf),
    webOptions: readConfFile('webOptions', paths.webOptions),
    messagesConfEs: readConfFile('messagesConfEs', paths.messagesConfEs),
    webOptionsEs: readConfFile('webOptionsEs', paths.webOptionsEs),
  }
  const state = <T>(path: string, read: FileRead<T>): FileState => ({
    path,
    errors: read.errors,
    warnings: read.warnings,
    lastGoodAt: read.errors.length === 0 ? now : null,
  })
  const files: ConfigFileStates = {
    messagesConf: state(paths.messagesConf, reads.messagesConf),
    webOptions: state(paths.webOptions, reads.webOptions),
    messagesConfEs: state(paths.messagesConfEs, reads.messagesConfEs),
    webOptionsEs: state(paths.webOptionsEs, reads.webOptionsEs),
  }
  const good = CONF_KINDS.every((kind) => reads[kind].errors.length === 0)
  const views: Views = {
    messagesConf: reads.messagesConf.value,
    webOptions: reads.webOptions.value,
    messagesConfEs: reads.messagesConfEs.value,
    webOptionsEs: reads.webOptionsEs.value,
  }
  return { snapshot: good ? snapshotOf(views, now) : null, files }
}

export function allErrors(files: ConfigFileStates): ConfProblem[] {
  return CONF_KINDS.flatMap((kind) => files[kind].errors)
}

export function checkConfigFiles(paths: ConfigPaths): ConfProblem[] {
  return allErrors(readConfig(paths).files)
}

/** Pure: the errors a text would have as this kind of file (the staff editor checks before it writes). */
export function validateConfText(kind: ConfKind, text: string, file: string): ConfProblem[] {
  return VIEWS[kind](parseConfFile(text, file)).errors
}

/** One file read and validated; a missing or broken file yields the built-in defaults beside its problems. */
export function readConfFile<K extends ConfKind>(kind: K, path: string): FileRead<Views[K]> {
  const fallback = { value: DEFAULTS[kind], missing: false, warnings: [] }
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (err) {
    if (isErrno(err, 'ENOENT')) {
      const warning = { file: path, line: 0, message: 'file not found; using the built-in defaults' }
      return { ...fallback, missing: true, errors: [], warnings: [warning] }
    }
    return { ...fallback, errors: [{ file: path, line: 0, message: `cannot read the file: ${errorText(err)}` }] }
  }
  const decoded = decodeUtf8(bytes, path)
  if ('problem' in decoded) return { ...fallback, errors: [decoded.problem] }
  return { ...VIEWS[kind](parseConfFile(decoded.text, path)), missing: false }
}

// Reading with replacement characters would quietly put "�" into patron-facing texts
function decodeUtf8(bytes: Buffer, file: string): { text: string } | { problem: ConfProblem } {
  try {
    return { text: utf8.decode(bytes) }
  } catch {
    return { problem: { file, line: firstBadUtf8Line(bytes), message: 'not valid UTF-8; save the file as UTF-8' } }
  }
}

function firstBadUtf8Line(bytes: Buffer): number {
  let start = 0
  for (let line = 1; start <= bytes.length; line++) {
    const newline = bytes.indexOf(0x0a, start)
    const end = newline === -1 ? bytes.length : newline
    try {
      utf8.decode(bytes.subarray(start, end))
    } catch {
      return line
    }
    start = end + 1
  }
  return 0
}

export function isErrno(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
