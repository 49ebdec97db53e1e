import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { writeConfFileAtomically } from '../config/atomicWrite.js'
import type { ConfProblem } from '../config/confFile.js'
import { allConfigPaths, type ConfigPaths, type ConfKind, validateConfText } from '../config/configSnapshot.js'
import type { ConfigWatcher } from '../config/configWatcher.js'

const CONF_FILE_NAMES = ['messages.conf', 'webpub.def', 'messages.es.conf', 'webpub.es.def'] as const
export type ConfFileName = (typeof CONF_FILE_NAMES)[number]

const KINDS: Record<ConfFileName, ConfKind> = {
  'messages.conf': 'messagesConf',
  'webpub.def': 'webOptions',
  'messages.es.conf': 'messagesConfEs',
  'webpub.es.def': 'webOptionsEs',
}

export function isConfFileName(name: string): name is ConfFileName {
  return (CONF_FILE_NAMES as readonly string[]).includes(name)
}

export interface ConfFileView {
  name: ConfFileName
  path: string
  text: string
  /** Names the text as read, so a save can tell that someone else changed the file meanwhile. */
  version: string
  missing: boolean
  /** Problems in the file as it is on disk now. */
  errors: ConfProblem[]
  warnings: ConfProblem[]
  /** When the server last applied this file; with errors, that version is still in force. */
  lastGoodAt: Date | null
}

type ConfSave = { kind: 'saved'; warnings: ConfProblem[] } | { kind: 'invalid'; errors: ConfProblem[] } | { kind: 'conflict' }

const utf8 = new TextDecoder('utf-8', { fatal: true })

// The configuration page of the staff console (SPEC 2, 6, 9): the four files as they are, and an
// edit that is validated before it is written, written atomically, and applied at once.
export class ConfigEditorService {
  private readonly paths: Required<ConfigPaths>

  constructor(private readonly deps: { paths: ConfigPaths; watcher: ConfigWatcher }) {
    this.paths = allConfigPaths(deps.paths)
  }

  files(): ConfFileView[] {
    return CONF_FILE_NAMES.map((name) => this.file(name))
  }

  file(name: ConfFileName): ConfFileView {
    const kind = KINDS[name]
    const path = this.paths[kind]
    const state = this.deps.watcher.files()[kind]
    const read = readText(path)
    const errors = read.undecodable
      ? [{ file: path, line: 0, message: 'not valid UTF-8; saving here rewrites it as UTF-8' }]
      : validateConfText(kind, read.text, path)
    return {
      name,
      path,
      text: read.text,
      version: read.version,
      missing: read.missing,
      errors,
      warnings: state.warnings,
      lastGoodAt: state.lastGoodAt,
    }
  }

  save(name: ConfFileName, submitted: string, baseVersion: string): ConfSave {
    const kind = KINDS[name]
    const path = this.paths[kind]
    const current = readText(path)
    if (current.version !== baseVersion) return { kind: 'conflict' }
    const text = withLineEndingsOf(current, submitted)
    const errors = validateConfText(kind, text, path)
    if (errors.length > 0) return { kind: 'invalid', errors }
    writeConfFileAtomically(path, text)
    // The watcher would notice within its poll interval; the one who saved sees it at once.
    this.deps.watcher.reloadNow()
    return { kind: 'saved', warnings: this.deps.watcher.files()[kind].warnings }
  }
}

interface FileText {
  text: string
  version: string
  missing: boolean
  undecodable: boolean
  bom: boolean
}

function readText(path: string): FileText {
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    return { text: '', version: 'missing', missing: true, undecodable: false, bom: false }
  }
  const version = createHash('sha256').update(bytes).digest('hex').slice(0, 32)
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
  try {
    return { text: utf8.decode(bytes), version, missing: false, undecodable: false, bom }
  } catch {
    return { text: bytes.toString('utf8'), version, missing: false, undecodable: true, bom }
  }
}

// Browsers send a textarea with CRLF line ends; a file kept with LF (and its BOM, if it had
// one) stays that way, so an edit does not show as a change on every line.
function withLineEndingsOf(original: FileText, submitted: string): string {
  let text = submitted.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  if (text !== '' && !text.endsWith('\n')) text += '\n'
  if (original.text.includes('\r\n')) text = text.replace(/\n/g, '\r\n')
  return original.bom ? `\uFEFF${text}` : text
}
