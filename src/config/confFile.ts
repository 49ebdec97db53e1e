import type { Result } from '../domain/result.js'

export interface ConfProblem {
  file: string
  line: number // 0 = the whole file
  message: string
}

interface ConfEntry {
  value: string
  line: number
}

export interface ParsedConf {
  file: string
  entries: ReadonlyMap<string, ConfEntry>
  errors: ConfProblem[]
  warnings: ConfProblem[]
}

const KEY = /^[A-Z0-9_]+$/
const BOM = '\uFEFF'
const SNIPPET_MAX = 40

export function parseConfFile(text: string, file: string): ParsedConf {
  const entries = new Map<string, ConfEntry>()
  const errors: ConfProblem[] = []
  const warnings: ConfProblem[] = []
  const body = text.startsWith(BOM) ? text.slice(BOM.length) : text

  body.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1
    if (isBlankOrComment(raw)) return
    const parsed = parseKeyValue(raw)
    if (!parsed.ok) {
      errors.push({ file, line, message: parsed.error })
      return
    }
    const { key, value } = parsed.value
    const previous = entries.get(key)
    if (previous) {
      warnings.push({
        file,
        line,
        message: `${key} is set on line ${previous.line} and again on line ${line}; line ${line} wins`,
      })
    }
    entries.set(key, { value, line })
  })

  return { file, entries, errors, warnings }
}

export function formatProblem(p: ConfProblem): string {
  return p.line > 0 ? `${p.file}:${p.line}: ${p.message}` : `${p.file}: ${p.message}`
}

export function byLine(problems: readonly ConfProblem[]): ConfProblem[] {
  return [...problems].sort((a, b) => a.line - b.line)
}

// Both files hold many other WebPAC keys, but an unknown SMS_ key is most likely a typo that
// would silently leave the built-in default in force
export function misspeltSmsKeys(parsed: ParsedConf, known: ReadonlySet<string>, what: string): ConfProblem[] {
  return [...parsed.entries]
    .filter(([key]) => key.startsWith('SMS_') && !known.has(key))
    .map(([key, entry]) => ({
      file: parsed.file,
      line: entry.line,
      message: `${key} is not ${what} this portal uses; check the spelling`,
    }))
}

function isBlankOrComment(raw: string): boolean {
  const trimmed = raw.trimStart()
  return trimmed === '' || trimmed.startsWith('#')
}

function parseKeyValue(raw: string): Result<{ key: string; value: string }> {
  const eq = raw.indexOf('=')
  if (eq === -1) {
    return { ok: false, error: `expected KEY=VALUE, a # comment or a blank line, got ${snippet(raw)}` }
  }
  const key = raw.slice(0, eq).trimStart()
  if (!KEY.test(key)) return { ok: false, error: badKeyMessage(key) }
  return { ok: true, value: { key, value: raw.slice(eq + 1).trimEnd() } }
}

// Say what is wrong with the key in terms an admin editing the file can act on
function badKeyMessage(key: string): string {
  if (key === '') return 'missing key before "="'
  if (KEY.test(key.trimEnd())) return `remove the space between ${key.trimEnd()} and "="`
  if (KEY.test(key.toUpperCase())) return `keys are upper case: write ${key.toUpperCase()}`
  return `${snippet(key)} is not a valid key: use only A-Z, 0-9 and _`
}

function snippet(text: string): string {
  const short = text.length > SNIPPET_MAX ? `${text.slice(0, SNIPPET_MAX)}…` : text
  return JSON.stringify(short)
}
