import { closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { basename, dirname, join } from 'node:path'
import { formatProblem, parseConfFile, type ConfProblem, type ParsedConf } from './confFile.js'
import { DEFAULT_MESSAGES, loadMessages, type Messages } from './messages.js'
import { DEFAULT_WEB_OPTIONS, loadWebOptions, type WebOptions } from './webOptions.js'

export interface ConfigPaths {
  messagesConf: string
  webOptions: string
}

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

export interface ConfigLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
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

interface Views {
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
const KINDS: readonly ConfKind[] = ['messagesConf', 'webOptions']
const utf8 = new TextDecoder('utf-8', { fatal: true })

export function readConfig(paths: ConfigPaths): {
  snapshot: ConfigSnapshot | null
  files: ConfigFileStates
} {
  const now = new Date()
  const messages = readKind('messagesConf', paths.messagesConf)
  const webOptions = readKind('webOptions', paths.webOptions)
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

export function validateConfText(kind: ConfKind, text: string, file: string): ConfProblem[] {
  return VIEWS[kind](parseConfFile(text, file)).errors
}

// Readers (the watcher, another portal node) never see a half-written file: rename is atomic
export function writeConfFileAtomically(path: string, text: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  const fd = openSync(temp, 'wx', existingMode(path))
  try {
    writeFileSync(fd, text, 'utf8')
    fsyncSync(fd)
  } catch (err) {
    closeSync(fd)
    unlinkSync(temp)
    throw err
  }
  closeSync(fd)
  try {
    renameSync(temp, path)
  } catch (err) {
    unlinkSync(temp)
    throw err
  }
  fsyncDirectory(dirname(path))
}

export class ConfigWatcher {
  private snapshot: ConfigSnapshot | null = null
  private states: ConfigFileStates
  private readonly seen: Record<ConfKind, string | null> = { messagesConf: null, webOptions: null }
  private readonly pending: Record<ConfKind, string | null> = { messagesConf: null, webOptions: null }
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly paths: ConfigPaths,
    private readonly log: ConfigLog,
    private readonly pollMs = 500,
  ) {
    this.states = {
      messagesConf: emptyState(paths.messagesConf),
      webOptions: emptyState(paths.webOptions),
    }
  }

  load(): void {
    const signatures = {
      messagesConf: signature(this.paths.messagesConf),
      webOptions: signature(this.paths.webOptions),
    }
    const { snapshot, files } = readConfig(this.paths)
    this.states = files
    if (!snapshot) throw new ConfigError([...files.messagesConf.errors, ...files.webOptions.errors])
    this.snapshot = snapshot
    Object.assign(this.seen, signatures)
    for (const kind of KINDS) this.logWarnings(files[kind])
  }

  current(): ConfigSnapshot {
    if (!this.snapshot) throw new Error('ConfigWatcher.load() must succeed before current()')
    return this.snapshot
  }

  files(): ConfigFileStates {
    return { messagesConf: copyState(this.states.messagesConf), webOptions: copyState(this.states.webOptions) }
  }

  start(): void {
    if (this.timer) return
    this.timer = setInterval(() => this.poll(), this.pollMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  reloadNow(): void {
    for (const kind of KINDS) this.reload(kind)
  }

  // A change is applied once its signature holds for one poll interval, so a file caught between
  // an editor's truncate and write is never applied (it would briefly put every default in force).
  // An exception escaping a timer callback would take the whole server down.
  private poll(): void {
    for (const kind of KINDS) {
      try {
        const now = signature(this.paths[kind])
        if (now === this.seen[kind]) this.pending[kind] = null
        else if (now !== this.pending[kind]) this.pending[kind] = now
        else this.reload(kind)
      } catch (err) {
        this.log.error({ file: this.paths[kind], err }, 'config reload failed; keeping the last good version')
      }
    }
  }

  private reload<K extends ConfKind>(kind: K): void {
    const current = this.current()
    const path = this.paths[kind]
    this.seen[kind] = signature(path)
    this.pending[kind] = null
    const read = readKind(kind, path)
    const previous = this.states[kind]

    if (read.missing) {
      const warning = { file: path, line: 0, message: 'file is missing; the last good version stays in force' }
      this.states[kind] = { ...previous, errors: [], warnings: [warning] }
      this.log.warn({ file: path }, warning.message)
      return
    }
    if (read.errors.length > 0) {
      this.states[kind] = { ...previous, errors: read.errors, warnings: read.warnings }
      this.log.error(
        { file: path, problems: read.errors.map(formatProblem) },
        'config file has errors; keeping the last good version',
      )
      return
    }

    const loadedAt = new Date()
    const good: Views = { messagesConf: current.messages, webOptions: current.webOptions }
    good[kind] = read.value
    this.snapshot = { messages: good.messagesConf, webOptions: good.webOptions, loadedAt }
    this.states[kind] = { path, errors: [], warnings: read.warnings, lastGoodAt: loadedAt }
    this.log.info({ file: path }, 'config file reloaded')
    this.logWarnings(this.states[kind])
  }

  private logWarnings(state: FileState): void {
    if (state.warnings.length === 0) return
    this.log.warn({ file: state.path, problems: state.warnings.map(formatProblem) }, 'config file has warnings')
  }
}

function readKind<K extends ConfKind>(kind: K, path: string): FileRead<Views[K]> {
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

// mtime alone misses an edit within the clock's resolution; size and inode (rename) catch most of those
function signature(path: string): string {
  try {
    const s = statSync(path)
    return `${s.mtimeMs}:${s.size}:${s.ino}`
  } catch (err) {
    return isErrno(err, 'ENOENT') ? 'missing' : `unreadable:${errorText(err)}`
  }
}

function existingMode(path: string): number {
  try {
    return statSync(path).mode & 0o777
  } catch {
    return 0o644
  }
}

function fsyncDirectory(dir: string): void {
  let fd: number | null = null
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  } catch {
    // Some platforms cannot fsync a directory; the rename itself has already happened
  } finally {
    if (fd !== null) closeSync(fd)
  }
}

function emptyState(path: string): FileState {
  return { path, errors: [], warnings: [], lastGoodAt: null }
}

function copyState(state: FileState): FileState {
  return { ...state, errors: [...state.errors], warnings: [...state.warnings] }
}

function isErrno(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
