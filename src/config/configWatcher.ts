import { statSync } from 'node:fs'
import { formatProblem } from './confFile.js'
import {
  allConfigPaths,
  allErrors,
  CONF_KINDS,
  ConfigError,
  type ConfigFileStates,
  type ConfigPaths,
  type ConfigSnapshot,
  type ConfKind,
  errorText,
  type FileState,
  isErrno,
  readConfFile,
  readConfig,
  snapshotOf,
  type Views,
} from './configSnapshot.js'
import { DEFAULT_WEB_TEXTS } from './languageFiles.js'
import { DEFAULT_MESSAGES_BY_LANG } from './messages.js'

/** What became of an edited file: put in force, or refused (errors, missing, unreadable) with the last good version kept. */
export type ReloadOutcome = 'applied' | 'rejected'
type ReloadListener = (kind: ConfKind, outcome: ReloadOutcome) => void

interface ConfigLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

/**
 * Polls every file (the English two and their Spanish twins) and applies a good edit; a broken or
 * missing file keeps the last good version in force.
 */
export class ConfigWatcher {
  private snapshot: ConfigSnapshot | null = null
  private states: ConfigFileStates
  private readonly seen = byKind<string | null>(() => null)
  private readonly pending = byKind<string | null>(() => null)
  private readonly paths: Required<ConfigPaths>
  private timer: NodeJS.Timeout | null = null
  private readonly listeners: ReloadListener[] = []

  constructor(
    paths: ConfigPaths,
    private readonly log: ConfigLog,
    private readonly pollMs = 500,
  ) {
    this.paths = allConfigPaths(paths)
    this.states = byKind((kind) => emptyState(this.paths[kind]))
  }

  load(): void {
    const signatures = byKind((kind) => signature(this.paths[kind]))
    const { snapshot, files } = readConfig(this.paths)
    this.states = files
    if (!snapshot) throw new ConfigError(allErrors(files))
    this.snapshot = snapshot
    Object.assign(this.seen, signatures)
    for (const kind of CONF_KINDS) this.logWarnings(files[kind])
  }

  current(): ConfigSnapshot {
    if (!this.snapshot) throw new Error('ConfigWatcher.load() must succeed before current()')
    return this.snapshot
  }

  files(): ConfigFileStates {
    return byKind((kind) => copyState(this.states[kind]))
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

  /** Hears of every edit the watcher reads (the metrics count them); not of the first load. */
  onReload(listener: ReloadListener): void {
    this.listeners.push(listener)
  }

  reloadNow(): void {
    for (const kind of CONF_KINDS) this.reload(kind)
  }

  // A change is applied once its signature holds for one poll interval, so a file caught between
  // an editor's truncate and write is never applied (it would briefly put every default in force).
  // An exception escaping a timer callback would take the whole server down.
  private poll(): void {
    for (const kind of CONF_KINDS) {
      try {
        const now = signature(this.paths[kind])
        if (now === this.seen[kind]) this.pending[kind] = null
        else if (now !== this.pending[kind]) this.pending[kind] = now
        else this.reload(kind)
      } catch (err) {
        this.log.error({ file: this.paths[kind], err }, 'config reload failed; keeping the last good version')
        this.report(kind, 'rejected')
      }
    }
  }

  private reload<K extends ConfKind>(kind: K): void {
    const current = this.current()
    const path = this.paths[kind]
    const now = signature(path)
    // reloadNow() reads every file; only one that changed since it was last read is an edit to report.
    const edited = now !== this.seen[kind]
    const report = (outcome: ReloadOutcome) => {
      if (edited) this.report(kind, outcome)
    }
    this.seen[kind] = now
    this.pending[kind] = null
    const read = readConfFile(kind, path)
    const previous = this.states[kind]

    if (read.missing) {
      const warning = { file: path, line: 0, message: 'file is missing; the last good version stays in force' }
      this.states[kind] = { ...previous, errors: [], warnings: [warning] }
      this.log.warn({ file: path }, warning.message)
      report('rejected')
      return
    }
    if (read.errors.length > 0) {
      this.states[kind] = { ...previous, errors: read.errors, warnings: read.warnings }
      this.log.error({ file: path, problems: read.errors.map(formatProblem) }, 'config file has errors; keeping the last good version')
      report('rejected')
      return
    }

    const loadedAt = new Date()
    const good: Views = {
      messagesConf: current.messages,
      webOptions: current.webOptions,
      messagesConfEs: current.es?.messages ?? DEFAULT_MESSAGES_BY_LANG.es,
      webOptionsEs: current.es?.webTexts ?? DEFAULT_WEB_TEXTS.es,
    }
    good[kind] = read.value
    this.snapshot = snapshotOf(good, loadedAt)
    this.states[kind] = { path, errors: [], warnings: read.warnings, lastGoodAt: loadedAt }
    this.log.info({ file: path }, 'config file reloaded')
    this.logWarnings(this.states[kind])
    report('applied')
  }

  private report(kind: ConfKind, outcome: ReloadOutcome): void {
    for (const listener of this.listeners) listener(kind, outcome)
  }

  private logWarnings(state: FileState): void {
    if (state.warnings.length === 0) return
    this.log.warn({ file: state.path, problems: state.warnings.map(formatProblem) }, 'config file has warnings')
  }
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

function byKind<T>(make: (kind: ConfKind) => T): Record<ConfKind, T> {
  return Object.fromEntries(CONF_KINDS.map((kind) => [kind, make(kind)])) as Record<ConfKind, T>
}

function emptyState(path: string): FileState {
  return { path, errors: [], warnings: [], lastGoodAt: null }
}

function copyState(state: FileState): FileState {
  return { ...state, errors: [...state.errors], warnings: [...state.warnings] }
}
