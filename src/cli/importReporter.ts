import type { ImportProblem, ImportProgress, ImportSummary } from '../services/patronImport.js'

interface ProgressSource {
  totalBytes: number
  bytesRead(): number
}

const BAR_WIDTH = 30
const PLAIN_EVERY_ROWS = 10_000
const count = (n: number) => n.toLocaleString('en-US')
const plural = (n: number, one: string, many: string) => `${count(n)} ${n === 1 ? one : many}`

/**
 * A progress line on stderr: a bar redrawn in place on a terminal, a plain line every
 * `plainEvery` rows otherwise (a log file should not fill with carriage returns). Shared by
 * `patrons import` and `db copy`.
 */
export class ProgressDisplay {
  private barShown = false
  private nextPlainAt: number

  constructor(
    private readonly err: NodeJS.WriteStream = process.stderr,
    private readonly plainEvery = PLAIN_EVERY_ROWS,
  ) {
    this.nextPlainAt = plainEvery
  }

  /** `rows` done so far, `percent` of the whole; `status` says the rest. */
  show(rows: number, percent: number, status: string): void {
    if (this.err.isTTY === true) {
      const filled = Math.round((percent / 100) * BAR_WIDTH)
      const bar = `${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}`
      this.err.write(`\r[${bar}] ${status}\u001b[K`)
      this.barShown = true
    } else if (rows >= this.nextPlainAt) {
      this.err.write(`progress: ${status}\n`)
      this.nextPlainAt = (Math.floor(rows / this.plainEvery) + 1) * this.plainEvery
    }
  }

  /** Takes the bar away before other output. */
  clear(): void {
    if (!this.barShown) return
    this.err.write('\r\u001b[K')
    this.barShown = false
  }
}

/**
 * How `patrons import` shows where it is: a bar redrawn in place on a terminal, a plain line
 * every 10,000 rows otherwise (a log file should not fill with carriage returns). Progress goes
 * to stderr; the problems and the summary go to stdout, so `> report.txt` keeps what matters.
 */
export class ImportReporter {
  private readonly started = Date.now()
  private readonly display: ProgressDisplay

  constructor(
    private readonly source: ProgressSource,
    private readonly out: NodeJS.WritableStream = process.stdout,
    err: NodeJS.WriteStream = process.stderr,
  ) {
    this.display = new ProgressDisplay(err)
  }

  batch(progress: ImportProgress, problems: readonly ImportProblem[]): void {
    if (problems.length > 0) {
      this.display.clear()
      this.out.write(
        problems
          .map((problem) => `line ${problem.line}: ${problem.severity === 'rejected' ? 'rejected' : 'warning'}: ${problem.message}\n`)
          .join(''),
      )
    }
    this.display.show(progress.rows, this.percent(), this.status(progress))
  }

  done(summary: ImportSummary, file: string): void {
    this.display.clear()
    const peakMb = Math.round(process.resourceUsage().maxRSS / 1024)
    const lines = [
      `Imported ${count(summary.imported)} of ${count(summary.rows)} rows from ${file} ` +
        `in ${(summary.durationMs / 1000).toFixed(1)} s (peak memory ${peakMb} MB).`,
    ]
    if (summary.rejected > 0)
      lines.push(`  ${plural(summary.rejected, 'row', 'rows')} rejected (listed above by line); existing patrons were left unchanged.`)
    if (summary.warnings > 0)
      lines.push(
        `  ${plural(summary.warnings, 'patron', 'patrons')} imported with a mobile number that cannot receive SMS ` +
          '(listed above as warnings).',
      )
    if (summary.withoutPin > 0)
      lines.push(`  ${plural(summary.withoutPin, 'patron', 'patrons')} imported without a PIN: they cannot log in until a PIN is set.`)
    lines.push('No one was opted in to SMS: patrons opt in themselves on the Modify Personal Information page.')
    this.out.write(`${lines.join('\n')}\n`)
  }

  private status(progress: ImportProgress): string {
    const seconds = (Date.now() - this.started) / 1000
    const rate = seconds > 0 ? Math.round(progress.rows / seconds) : 0
    return (
      `${count(progress.rows)} rows read, ${count(progress.imported)} imported, ${count(progress.rejected)} rejected, ` +
      `${this.percent()}% of the file, ${count(rate)} rows/s`
    )
  }

  private percent(): number {
    const { totalBytes } = this.source
    return totalBytes > 0 ? Math.min(100, Math.floor((this.source.bytesRead() / totalBytes) * 100)) : 100
  }
}
