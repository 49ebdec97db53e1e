// npm run bench:compare -- OTHER_CHECKOUT [modpinfo|webhooks] [ROUNDS]: this build against another
// (a second checkout with its own `npm ci` and `npx tsc -p tsconfig.build.json`), interleaved —
// other, this, other, this … each against its own bare-Express baseline — because on a noisy
// machine only runs side by side compare. Prints every ratio and the medians.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { productionEnv } from './env.js'
import { load } from './lib/load.js'
import { type RunningServer, startServer } from './lib/processes.js'
import { benchModpinfo, benchWebhooks } from './scenarios.js'

const [otherArg, scenario = 'modpinfo', roundsArg = '3'] = process.argv.slice(2)
if (!otherArg || !['modpinfo', 'webhooks'].includes(scenario)) {
  process.stderr.write('usage: npm run bench:compare -- OTHER_CHECKOUT [modpinfo|webhooks] [ROUNDS]\n')
  process.exit(2)
}
const builds = { other: resolve(otherArg), this: new URL('..', import.meta.url).pathname }
const seconds = Number(process.env.BENCH_SECONDS ?? 6)
// Each build seeds its own database with its own seeder and migrations: a build may change the
// schema (issue 10 rebuilt the sessions table), and the other build could not then write to it.
const dataDirs = {} as Record<keyof typeof builds, string>
for (const name of ['other', 'this'] as const) {
  const { seedDatabase } = (await import(join(builds[name], 'bench/lib/seedDatabase.ts'))) as typeof import('./lib/seedDatabase.js')
  dataDirs[name] = mkdtempSync(join(tmpdir(), `webpac-compare-${name}-`))
  await seedDatabase(join(dataDirs[name], 'webpac.sqlite'), Number(process.env.BENCH_PATRONS ?? 1_000_000), 100_000)
}

async function baseline() {
  const server = await startServer(['--import', 'tsx', join(builds.this, 'bench/baselineServer.ts')], {}, '/healthz')
  try {
    return await load({ url: `${server.url}/`, durationSeconds: seconds, serverCpuMs: server.cpuMs })
  } finally {
    await server.stop()
  }
}

const ratios: Record<keyof typeof builds, number[]> = { other: [], this: [] }
const cpuPerRequest: Record<keyof typeof builds, number[]> = { other: [], this: [] }
/** The server's CPU per request during the load only, as a multiple of its bare-Express baseline's. */
const cpuTimesBare: Record<keyof typeof builds, number[]> = { other: [], this: [] }
for (let round = 0; round < Number(roundsArg); round++) {
  for (const name of ['other', 'this'] as const) {
    const root = builds[name]
    let portal: RunningServer | undefined
    let cpuAtReady = 0
    const startPortal = async (dir: string, extra: Record<string, string> = {}) => {
      portal = await startServer([join(root, 'dist/server.js')], productionEnv(root, dir, extra))
      cpuAtReady = portal.cpuMs()
      return portal
    }
    const base = await baseline()
    const dataDir = dataDirs[name]
    const result =
      scenario === 'modpinfo'
        ? await benchModpinfo({ dataDir, base, durationSeconds: seconds, startPortal })
        : await benchWebhooks({ dataDir, base, durationSeconds: seconds, startPortal, registered: 100_000 })
    ratios[name].push(Number(/\(([\d.]+) of bare\)/.exec(result.summary)?.[1]))
    // The server's CPU from ready to stop (the login, the load, the shutdown) over the load's requests.
    const cpuUs = portal && result.requests ? Math.round(((portal.cpuMs() - cpuAtReady) * 1000) / result.requests) : NaN
    cpuPerRequest[name].push(cpuUs)
    const times = Number(/CPU \d+ µs \(([\d.]+)×\)/.exec(result.summary)?.[1])
    cpuTimesBare[name].push(times)
    process.stdout.write(
      `${name.padEnd(5)} baseline ${base.requestsPerSecond} req/s, CPU ${base.cpuUsPerRequest} µs/request | ${result.summary} | server CPU ready to stop ${cpuUs} µs/request\n`,
    )
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
process.stdout.write(`median ratio to bare Express: other ${median(ratios.other)}, this ${median(ratios.this)}\n`)
process.stdout.write(`median server CPU per request: other ${median(cpuPerRequest.other)} µs, this ${median(cpuPerRequest.this)} µs\n`)
process.stdout.write(
  `median server CPU per request during the load, × bare: other ${median(cpuTimesBare.other)}, this ${median(cpuTimesBare.this)}\n`,
)
