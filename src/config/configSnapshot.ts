import { readFileSync } from 'node:fs'
import { formatProblem, parseConfFile, type ConfProblem, type ParsedConf } from './confFile.js'
import { DEFAULT_MESSAGES, loadMessages, type Messages } from './messages.js'
import { DEFAULT_WEB_OPTIONS, loadWebOptions, type WebOptions } from './webOptions.js'

export interface ConfigPaths {
  messagesConf: string
  webOptions: string
}

/** Both files' typed views, as one consistent version the server answers with. */
export interface ConfigSnapshot {
  messages: Messages
  webOptions: WebOptions
  loadedAt: Date
}

export interface FileState {
  path: string
  errors: ConfProblem[]
  warnings: ConfProblem[]
  lastGoodAt: Date | null
}

export type ConfKind = keyof ConfigPaths

export interface ConfigFileStates {
  messagesConf: FileState
  webOptions: FileState
}

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
}

const DEFAULTS: Views = { messagesConf: DEFAULT_MESSAGES, webOptions: DEFAULT_WEB_OPTIONS }
export const CONF_KINDS: readonly ConfKind[] = ['messagesConf', 'webOptions']
const utf8 = new TextDecoder('utf-8', { fatal: true })

/** The short code texts name and replies come from; the first of SMS_SHORT_CODES. */
export function firstShortCode(config: ConfigSnapshot): string {
  return config.webOptions.shortCodes[0] ?? ''
}

export function readConfig(paths: ConfigPaths): {
  snapshot: ConfigSnapshot | null
  files: ConfigFileStates
} {
  const now = new Date()
  const messages = readConfFile('messagesConf', paths.messagesConf)
  const webOptions = readConfFile('webOptions', paths.webOptions)
  const state = <T>(path: string, read: FileRead<T>): FileState => ({
    path,
    errors: read.errors,
    warnings: read.warnings,
    lastGoodAt: read.errors.length === 0 ? now : null,
  })
  const files = { messagesConf: state(paths.messagesConf, messages), webOptions: state(paths.webOptions, webOptions) }
  const good = messages.errors.length === 0 && webOptions.errors.length === 0
  return {
    snapshot: good ? { messages: messages.value, webOptions: webOptions.value, loadedAt: now } : null,
    files,
  }
}

export function checkConfigFiles(paths: ConfigPaths): ConfProblem[] {
  const { files } = readConfig(paths)
  return [...files.messagesConf.errors, ...files.webOptions.errors]
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
