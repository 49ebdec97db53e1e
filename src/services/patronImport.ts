import { availableParallelism } from 'node:os'
import { pipeline, type Readable, Transform } from 'node:stream'
import { type CsvError, parse } from 'csv-parse'
import type { CountryCode } from 'libphonenumber-js'
import type { NewPatron } from '../store/schema.js'
import type { Store } from '../store/store.js'
import { hashSecret } from './passwords.js'
import { type Column, checkImportRow, headerColumns, IMPORT_COLUMNS, type ImportFields, ImportFileError } from './patronImportRow.js'

export interface ImportProblem {
  line: number
  /** A rejected row is not imported; a warning's row is. */
  severity: 'rejected' | 'warning'
  message: string
}

export interface ImportProgress {
  /** Data rows read so far (the header not counted). */
  rows: number
  imported: number
  rejected: number
  /** Imported rows that carry a warning (a mobile number that cannot receive SMS). */
  warnings: number
  withoutPin: number
}

export interface ImportSummary extends ImportProgress {
  durationMs: number
}

const MAX_RECORD_BYTES = 64 * 1024

interface ImportOptions {
  /** SMS_COUNTRY: how mobile numbers without + are read. */
  country: CountryCode
  batchSize?: number
  /** UV_THREADPOOL_SIZE (env.threadpoolSize): scrypt runs on libuv's pool, so hashing more PINs at once only queues. */
  threadpoolSize: number
  /** After each committed batch, with the problems found in it, in line order. */
  onBatch?: (progress: ImportProgress, problems: ImportProblem[]) => void
  clock?: () => Date
}

interface Candidate {
  line: number
  barcode: string
  name: string
  pin: string
  email: string
  mobile: string
}

/**
 * `webpac patrons import` (SPEC 6): streams the CSV (memory stays flat whatever its size),
 * commits a batch at a time, and keeps every good row while reporting the bad ones by line.
 * It adds new patrons only: an existing barcode is reported and left alone, because changing
 * a record's MOBILE PH field here would silently opt its patron out (SPEC 4.5). It never opts
 * anyone in. A patron without a PIN cannot log in until one is set.
 */
export async function importPatrons(store: Store, input: Readable, options: ImportOptions): Promise<ImportSummary> {
  const started = Date.now()
  const clock = options.clock ?? (() => new Date())
  const batchSize = options.batchSize ?? 1_000
  const hashConcurrency = Math.max(1, Math.min(availableParallelism(), options.threadpoolSize))
  const progress: ImportProgress = { rows: 0, imported: 0, rejected: 0, warnings: 0, withoutPin: 0 }

  const parser = parse({
    info: true,
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    record_delimiter: '\n',
    max_record_size: MAX_RECORD_BYTES,
  })
  let problems: ImportProblem[] = []
  let lastLine = 0
  const reject = (line: number, message: string) => {
    progress.rejected += 1
    problems.push({ line, severity: 'rejected', message })
  }
  parser.on('skip', (error: CsvError) => {
    progress.rows += 1
    reject(...csvProblem(error, lastLine))
  })
  pipeline(input, normalizeLineEnds(), parser, () => {
    // Errors reach the loop below: pipeline destroys the parser with them.
  })

  let columns: Map<Column, number> | null = null
  let batch: Candidate[] = []
  let warned = new Map<number, string>()
  const seenInBatch = new Map<string, number>()

  const flush = async () => {
    const { imported, duplicates } = await insertBatch(store, batch, hashConcurrency, clock)
    for (const candidate of duplicates) {
      reject(candidate.line, `barcode ${candidate.barcode} already exists; row skipped (import never changes an existing patron)`)
    }
    for (const candidate of imported) {
      progress.imported += 1
      if (candidate.pin === '') progress.withoutPin += 1
      const warning = warned.get(candidate.line)
      if (warning) {
        progress.warnings += 1
        problems.push({ line: candidate.line, severity: 'warning', message: warning })
      }
    }
    problems.sort((a, b) => a.line - b.line)
    options.onBatch?.({ ...progress }, problems)
    batch = []
    problems = []
    warned = new Map()
    seenInBatch.clear()
  }

  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    const line = info.lines - newlinesIn(record)
    lastLine = info.lines
    if (!columns) {
      columns = headerColumns(record)
      continue
    }
    // Problems count too: a file of nothing but bad rows must not pile them up in memory.
    if (batch.length + problems.length >= batchSize) await flush()
    progress.rows += 1
    if (record.length !== columns.size) {
      reject(line, `expected ${columns.size} fields (${IMPORT_COLUMNS.join(',')}), found ${record.length}`)
      continue
    }
    const header = columns
    const fields = Object.fromEntries(IMPORT_COLUMNS.map((column) => [column, record[header.get(column) ?? -1] ?? ''])) as ImportFields
    const checked = checkImportRow(fields, options.country)
    if (!checked.ok) {
      reject(line, checked.error)
      continue
    }
    const { patron, warning } = checked.value
    const earlier = seenInBatch.get(patron.barcode)
    if (earlier !== undefined) {
      reject(line, `barcode ${patron.barcode} is also on line ${earlier}; row skipped`)
      continue
    }
    seenInBatch.set(patron.barcode, line)
    if (warning) warned.set(line, warning)
    batch.push({ line, ...patron })
  }
  if (!columns) throw new ImportFileError(`the file is empty: its first line must be the header ${IMPORT_COLUMNS.join(',')}`)
  await flush()
  return { ...progress, durationMs: Date.now() - started }
}

async function insertBatch(
  store: Store,
  batch: readonly Candidate[],
  hashConcurrency: number,
  clock: () => Date,
): Promise<{ imported: Candidate[]; duplicates: Candidate[] }> {
  if (batch.length === 0) return { imported: [], duplicates: [] }
  // Hashing is the slow part (scrypt is slow on purpose): skip it for rows that cannot go in.
  const taken = await store.repos.patrons.existingBarcodes(batch.map((candidate) => candidate.barcode))
  const fresh = batch.filter((candidate) => !taken.has(candidate.barcode))
  const pinHashes = await mapLimit(fresh, hashConcurrency, (candidate) =>
    candidate.pin === '' ? Promise.resolve(null) : hashSecret(candidate.pin),
  )
  const at = clock().toISOString()
  const rows: NewPatron[] = fresh.map((candidate, index) => ({
    barcode: candidate.barcode,
    name: candidate.name,
    pin_hash: pinHashes[index] ?? null,
    email: candidate.email,
    tele1: '',
    mobile: candidate.mobile,
    created_at: at,
    updated_at: at,
  }))
  // One transaction per batch: the server's writers wait for one short commit, not the file.
  const inserted = await store.transaction((repos) => repos.patrons.insertMany(rows))
  return {
    imported: fresh.filter((candidate) => inserted.has(candidate.barcode)),
    duplicates: batch.filter((candidate) => !inserted.has(candidate.barcode)),
  }
}

function csvProblem(error: CsvError, lastLine: number): [number, string] {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
    case 'CSV_MAX_RECORD_SIZE':
      // The parser cannot find the end of this record, so nothing after it can be read.
      return [lastLine + 1, 'a quoted field that starts on or after this line is never closed; the rest of the file could not be read']
    default: {
      const line = typeof error.lines === 'number' ? error.lines : lastLine + 1
      return [line, `not valid CSV: ${error.message.replace(/ at line \d+.*$/, '')}`]
    }
  }
}

function newlinesIn(record: readonly string[]): number {
  let count = 0
  for (const field of record) {
    for (let at = field.indexOf('\n'); at !== -1; at = field.indexOf('\n', at + 1)) count += 1
  }
  return count
}

// csv-parse counts the lines of CRLF files wrongly once a quoted field holds a line break, and
// the report must name the right line: CRLF and lone CR become LF before parsing. A CR byte
// never occurs inside a multi-byte UTF-8 character, so this works on raw chunks.
function normalizeLineEnds(): Transform {
  let carriedCr = false
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (!carriedCr && chunk.indexOf(0x0d) === -1) return done(null, chunk)
      const out = Buffer.allocUnsafe(chunk.length + 1)
      let length = 0
      let index = 0
      if (carriedCr) {
        out[length++] = 0x0a
        if (chunk[0] === 0x0a) index = 1
        carriedCr = false
      }
      for (; index < chunk.length; index++) {
        const byte = chunk[index] as number
        if (byte !== 0x0d) {
          out[length++] = byte
        } else if (index + 1 === chunk.length) {
          carriedCr = true
        } else {
          out[length++] = 0x0a
          if (chunk[index + 1] === 0x0a) index++
        }
      }
      done(null, out.subarray(0, length))
    },
    flush(done) {
      done(null, carriedCr ? Buffer.from([0x0a]) : undefined)
    },
  })
}

async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}
