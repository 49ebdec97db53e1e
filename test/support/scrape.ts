import assert from 'node:assert/strict'

/** One scrape of /metrics: each series (name and its labels, sorted) to its value. */
export type Scrape = Map<string, number>

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g

export function seriesKey(name: string, labels: Record<string, string> = {}): string {
  const pairs = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))
  return `${name}{${pairs.map(([label, value]) => `${label}="${value}"`).join(',')}}`
}

/** Reads the Prometheus text format; every line must be a comment, blank, or a well-formed sample. */
export function parseMetrics(text: string): Scrape {
  const series: Scrape = new Map()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const match = LINE.exec(line)
    assert.ok(match, `not a sample line: ${line}`)
    const [, name = '', labelText = '', value = ''] = match
    const labels = Object.fromEntries([...labelText.matchAll(LABEL)].map(([, label = '', labelValue = '']) => [label, labelValue]))
    const key = seriesKey(name, labels)
    assert.ok(!series.has(key), `series printed twice: ${key}`)
    series.set(key, Number(value))
  }
  return series
}

/** GET /metrics, which must answer 200 in the Prometheus text format. */
export async function scrape(baseUrl: string, headers: Record<string, string> = {}): Promise<Scrape> {
  const response = await fetch(`${baseUrl}/metrics`, { headers })
  const text = await response.text()
  assert.equal(response.status, 200, text)
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/)
  return parseMetrics(text)
}

/** The value of one series; fails when the series is not there. */
export function sampleOf(series: Scrape, name: string, labels: Record<string, string> = {}): number {
  const value = series.get(seriesKey(name, labels))
  assert.ok(value !== undefined, `no series ${seriesKey(name, labels)}`)
  return value
}

/** The series whose name is `name` (labels and all), as keys. */
export function seriesNamed(series: Scrape, name: string): string[] {
  return [...series.keys()].filter((key) => key.startsWith(`${name}{`))
}
