// Summarises a .cpuprofile written by `node --cpu-prof`: self time per function, top 25.
import { readFileSync } from 'node:fs'

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number }
const profile = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as { nodes: Node[]; samples: number[] }
const total = profile.samples.length
const byFunction = new Map<string, number>()
for (const node of profile.nodes) {
  const { functionName, url, lineNumber } = node.callFrame
  const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|src|dist)\//, '$1/')}:${lineNumber + 1}`
  byFunction.set(key, (byFunction.get(key) ?? 0) + node.hitCount)
}
for (const [name, hits] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  process.stdout.write(`${((hits / total) * 100).toFixed(1).padStart(5)}%  ${name}\n`)
}
