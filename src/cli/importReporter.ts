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
 * How `patrons import` shows where it is: a bar redrawn in place on a terminal, a plain line
 * every 10,000 rows otherwise (a log file should not fill with carriage returns). Progress goes
 * to stderr; the problems and the summary go to stdout, so `> report.txt` keeps what matters.
 */
export class ImportReporter {
  private readonly started = Date.now()
  private barShown = false
  private nextPlainAt = PLAIN_EVERY_ROWS

  constructor(
    private readonly source: ProgressSource,
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly err: NodeJS.WriteStream = process.stderr,
  ) {}

  private get tty(): boolean {
    return this.err.isTTY === true
  }

  batch(progress: ImportProgress, problems: readonly ImportProblem[]): void {
    if (problems.length > 0) {
      this.clearBar()
      this.out.write(problems.map((problem) => `line ${problem.line}: ${problem.severity === 'rejected' ? 'rejected' : 'warning'}: ${problem.message}\n`).join(''))
    }
    if (this.tty) this.drawBar(progress)
    else if (progress.rows >= this.nextPlainAt) {
      this.err.write(`progress: ${this.status(progress)}\n`)
      this.nextPlainAt = (Math.floor(progress.rows / PLAIN_EVERY_ROWS) + 1) * PLAIN_EVERY_ROWS
    }
  }

  done(summary: ImportSummary, file: string): void {
    this.clearBar()
    const peakMb = Math.round(process.resourceUsage().maxRSS / 1024)
    const lines = [
      `Imported ${count(summary.imported)} of ${count(summary.rows)} rows from ${file} in ${(summary.durationMs / 1000).toFixed(1)} s (peak memory ${peakMb} MB).`,
    ]
    if (summary.rejected > 0) lines.push(`  ${plural(summary.rejected, 'row', 'rows')} rejected (listed above by line); existing patrons were left unchanged.`)
    if (summary.warnings > 0) lines.push(`  ${plural(summary.warnings, 'patron', 'patrons')} imported with a mobile number that cannot receive SMS (listed above as warnings).`)
    if (summary.withoutPin > 0) lines.push(`  ${plural(summary.withoutPin, 'patron', 'patrons')} imported without a PIN: they cannot log in until a PIN is set.`)
    lines.push('No one was opted in to SMS: patrons opt in themselves on the Modify Personal Information page.')
    this.out.write(`${lines.join('\n')}\n`)
  }

  private status(progress: ImportProgress): string {
    const seconds = (Date.now() - this.started) / 1000
    const rate = seconds > 0 ? Math.round(progress.rows / seconds) : 0
    return `${count(progress.rows)} rows read, ${count(progress.imported)} imported, ${count(progress.rejected)} rejected, ${this.percent()}% of the file, ${count(rate)} rows/s`
  }

  private percent(): number {
    const { totalBytes } = this.source
    return totalBytes > 0 ? Math.min(100, Math.floor((this.source.bytesRead() / totalBytes) * 100)) : 100
  }

  private drawBar(progress: ImportProgress): void {
    const filled = Math.round((this.percent() / 100) * BAR_WIDTH)
    const bar = `${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}`
    this.err.write(`\r[${bar}] ${this.status(progress)}\u001b[K`)
    this.barShown = true
  }

  private clearBar(): void {
    if (!this.barShown) return
    this.err.write('\r\u001b[K')
    this.barShown = false
  }
}
