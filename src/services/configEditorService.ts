import { createHash } from 'node:crypto'
import { readFileSync, unlinkSync } from 'node:fs'
import { writeConfFileAtomically } from '../config/atomicWrite.js'
import type { ConfProblem } from '../config/confFile.js'
import { allConfigPaths, type ConfigPaths, type ConfKind, validateConfText } from '../config/configSnapshot.js'
import type { ConfigWatcher } from '../config/configWatcher.js'
import type { ServiceDeps } from './deps.js'

export const CONF_FILE_NAMES = ['messages.conf', 'webpub.def', 'messages.es.conf', 'webpub.es.def'] as const
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

type ConfSave =
  | { kind: 'saved'; warnings: ConfProblem[] }
  | { kind: 'invalid'; errors: ConfProblem[] }
  | { kind: 'conflict' }
  | { kind: 'unwritable'; reason: string }

/** What a save wrote, so that a save whose record did not commit can be undone. */
interface Written {
  before: Buffer | null
  after: Buffer
}

/** The file could not be written: thrown inside the transaction so that the record rolls back. */
class FileUnwritable extends Error {}

const utf8 = new TextDecoder('utf-8', { fatal: true })

// The configuration page of the staff console (SPEC 2, 6, 9): the four files as they are, and an
// edit that is validated before it is written, written atomically, recorded, and applied at once.
export class ConfigEditorService {
  private readonly paths: Required<ConfigPaths>

  constructor(private readonly deps: Pick<ServiceDeps, 'store' | 'clock' | 'log'> & { paths: ConfigPaths; watcher: ConfigWatcher }) {
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

  /**
   * Saves `submitted` over the version the editor showed, and records the save (issue 14). The
   * record and the file go together (docs/decisions.md): in one transaction the record is
   * added, then the file is renamed into place; a file that cannot be written rolls the record
   * back, and a record that does not commit puts the old file back. Invalid and conflicting
   * saves write and record nothing.
   */
  async save(name: ConfFileName, submitted: string, baseVersion: string, staffUser: string): Promise<ConfSave> {
    const kind = KINDS[name]
    const path = this.paths[kind]
    const pending: { written: Written | null } = { written: null }
    let result: ConfSave
    try {
      result = await this.deps.store.transaction<ConfSave>(async ({ configSaves }) => {
        // Run again after losing a race (PostgreSQL): start from the file as it was.
        if (pending.written) this.putBack(name, path, pending.written)
        pending.written = null
        await configSaves.lockFile(name)
        const current = readText(path)
        if (current.version !== baseVersion) return { kind: 'conflict' }
        const text = withLineEndingsOf(current, submitted)
        const errors = validateConfText(kind, text, path)
        if (errors.length > 0) return { kind: 'invalid', errors }
        const after = Buffer.from(text, 'utf8')
        await configSaves.append({
          file: name,
          staff_user: staffUser,
          saved_at: this.deps.clock().toISOString(),
          old_sha256: current.bytes ? sha256(current.bytes) : null,
          new_sha256: sha256(after),
        })
        try {
          writeConfFileAtomically(path, after)
        } catch (error) {
          throw new FileUnwritable((error as Error).message)
        }
        pending.written = { before: current.bytes, after }
        return { kind: 'saved', warnings: [] }
      })
    } catch (error) {
      if (error instanceof FileUnwritable) return { kind: 'unwritable', reason: error.message }
      if (pending.written) this.putBack(name, path, pending.written)
      throw error
    }
    if (result.kind !== 'saved') return result
    // The watcher would notice within its poll interval; the one who saved sees it at once.
    this.deps.watcher.reloadNow()
    return { kind: 'saved', warnings: this.deps.watcher.files()[kind].warnings }
  }

  // The file was renamed into place but its record did not commit: no save may stand unrecorded,
  // so the old bytes go back, unless the file has been changed again since (never over an edit).
  private putBack(name: ConfFileName, path: string, written: Written): void {
    try {
      const now = readText(path)
      if (!now.bytes?.equals(written.after)) {
        this.deps.log.error({ file: name }, 'config save not recorded, and the file has changed since: left as it is')
        return
      }
      if (written.before) writeConfFileAtomically(path, written.before)
      else unlinkSync(path)
      this.deps.log.error({ file: name }, 'config save not recorded: the file was put back as it was')
    } catch (error) {
      this.deps.log.error({ file: name, err: error }, 'config save not recorded, and the file could not be put back')
    }
  }
}

interface FileText {
  text: string
  /** The bytes on disk; null when the file is missing. */
  bytes: Buffer | null
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
    return { text: '', bytes: null, version: 'missing', missing: true, undecodable: false, bom: false }
  }
  const version = sha256(bytes).slice(0, 32)
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
  try {
    return { text: utf8.decode(bytes), bytes, version, missing: false, undecodable: false, bom }
  } catch {
    return { text: bytes.toString('utf8'), bytes, version, missing: false, undecodable: true, bom }
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

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}
