// npm run bench:compare -- OTHER_CHECKOUT [modpinfo|webhooks] [ROUNDS]: this build against another
// (a second checkout with its own `npm ci` and `npx tsc -p tsconfig.build.json`), interleaved —
// other, this, other, this … each against its own bare-Express baseline — because on a noisy
// machine only runs side by side compare. Prints every ratio and the medians.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { load } from './lib/load.js'
import { startServer } from './lib/processes.js'
import { seedDatabase } from './lib/seedDatabase.js'
import { productionEnv } from './env.js'
import { benchModpinfo, benchWebhooks } from './scenarios.js'

const [otherArg, scenario = 'modpinfo', roundsArg = '3'] = process.argv.slice(2)
if (!otherArg || !['modpinfo', 'webhooks'].includes(scenario)) {
  process.stderr.write('usage: npm run bench:compare -- OTHER_CHECKOUT [modpinfo|webhooks] [ROUNDS]\n')
  process.exit(2)
}
const builds = { other: resolve(otherArg), this: new URL('..', import.meta.url).pathname }
const seconds = Number(process.env.BENCH_SECONDS ?? 6)
const dataDir = mkdtempSync(join(tmpdir(), 'webpac-compare-'))
await seedDatabase(join(dataDir, 'webpac.sqlite'), Number(process.env.BENCH_PATRONS ?? 1_000_000), 100_000)

async function baseline() {
  const server = await startServer(['--import', 'tsx', join(builds.this, 'bench/baselineServer.ts')], {}, '/healthz')
  try {
    return await load({ url: `${server.url}/`, durationSeconds: seconds })
  } finally {
    await server.stop()
  }
}

const ratios: Record<keyof typeof builds, number[]> = { other: [], this: [] }
for (let round = 0; round < Number(roundsArg); round++) {
  for (const name of ['other', 'this'] as const) {
    const root = builds[name]
    const startPortal = (dir: string, extra: Record<string, string> = {}) => startServer([join(root, 'dist/server.js')], productionEnv(root, dir, extra))
    const base = await baseline()
    const result = scenario === 'modpinfo'
      ? await benchModpinfo({ dataDir, base, durationSeconds: seconds, startPortal })
      : await benchWebhooks({ dataDir, base, durationSeconds: seconds, startPortal, registered: 100_000 })
    ratios[name].push(Number(/\(([\d.]+) of bare\)/.exec(result.summary)?.[1]))
    process.stdout.write(`${name.padEnd(5)} baseline ${base.requestsPerSecond} req/s | ${result.summary}\n`)
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
process.stdout.write(`median ratio to bare Express: other ${median(ratios.other)}, this ${median(ratios.this)}\n`)
