// npm run bench: every figure is measured against a bare Express 5 server in the same run,
// so the ratios hold on a noisy machine. Results go to bench/results/latest.md.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { productionEnv } from './env.js'
import { type LoadResult, load } from './lib/load.js'
import { type RunningServer, startServer } from './lib/processes.js'
import { seedDatabase } from './lib/seedDatabase.js'
import { runPostgresRows } from './postgresRows.js'
import { benchDispatch, benchImport, benchLayers, benchModpinfo, benchWebhooks, type ScenarioResult } from './scenarios.js'

const root = new URL('..', import.meta.url).pathname
const PATRONS = Number(process.env.BENCH_PATRONS ?? 1_000_000)
const REGISTERED = Number(process.env.BENCH_REGISTERED ?? 100_000)
const DURATION = Number(process.env.BENCH_SECONDS ?? 8)
/** BENCH_ONLY=dispatch,import runs just those scenarios (the baseline always runs); BENCH_ONLY=-pg just the PostgreSQL rows. */
const ONLY = process.env.BENCH_ONLY?.split(',') ?? null
/** `db copy` moves some 40,000 rows/s here (1,000,000 patrons are 1.3 million rows): the PostgreSQL rows hold fewer unless told. */
const PG_PATRONS = Number(process.env.BENCH_PG_PATRONS ?? Math.min(PATRONS, 100_000))
const wanted = (name: string) => !ONLY || ONLY.some((only) => name.includes(only))

function log(line: string): void {
  process.stdout.write(`${line}\n`)
}

async function baseline(): Promise<LoadResult> {
  const server = await startServer(['--import', 'tsx', join(root, 'bench/baselineServer.ts')], {}, '/healthz')
  try {
    return await load({ url: `${server.url}/`, durationSeconds: DURATION, serverCpuMs: server.cpuMs })
  } finally {
    await server.stop()
  }
}

function startPortal(dataDir: string, extra: Record<string, string> = {}): Promise<RunningServer> {
  return startServer([join(root, 'dist/server.js')], productionEnv(root, dataDir, extra))
}

async function main(): Promise<void> {
  log('building dist/ …')
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' })

  const dataDir = mkdtempSync(join(tmpdir(), 'webpac-bench-'))
  log(`seeding ${PATRONS.toLocaleString('en')} patrons (${REGISTERED.toLocaleString('en')} opted in) in ${dataDir} …`)
  const seedStart = performance.now()
  await seedDatabase(join(dataDir, 'webpac.sqlite'), PATRONS, REGISTERED)
  log(`  seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`)

  log('baseline: bare Express 5 "hello" …')
  const base = await baseline()
  log(`  ${base.requestsPerSecond} req/s, p99 ${base.p99Ms} ms, CPU ${base.cpuUsPerRequest} µs/request`)

  // This machine's speed drifts within minutes: every ratio is taken against a bare Express run
  // measured just before it, and all of those baselines are reported.
  const baselines: number[] = [base.requestsPerSecond]
  const baselineCpu: number[] = [base.cpuUsPerRequest ?? 0]
  const freshBaseline = async (): Promise<LoadResult> => {
    const fresh = await baseline()
    baselines.push(fresh.requestsPerSecond)
    baselineCpu.push(fresh.cpuUsPerRequest ?? 0)
    return fresh
  }

  const results: ScenarioResult[] = []
  const run = async (name: string, scenario: () => Promise<ScenarioResult>) => {
    if (!wanted(name)) return
    log(`${name} …`)
    try {
      const result = await scenario()
      results.push(result)
      log(`  ${result.summary}`)
    } catch (error) {
      const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)
      results.push({ name, summary: `failed: ${reason}`, rows: [[name, '', '', '', '', '', '', '', `failed: ${reason}`]], ok: false })
      log(`  failed: ${error instanceof Error ? error.stack : String(error)}`)
    }
  }

  await run('start-up to /healthz', async () => {
    const server = await startPortal(dataDir)
    await server.stop()
    const ok = server.startupMs <= 1_000
    return {
      name: 'start-up',
      ok,
      summary: `${Math.round(server.startupMs)} ms`,
      rows: [
        [
          `Start-up to a 200 from /healthz (${PATRONS.toLocaleString('en')} patrons)`,
          `${Math.round(server.startupMs)} ms`,
          '',
          '',
          '',
          '',
          `${server.peakRssMb()} MB`,
          '≤ 1 s',
          ok ? 'met' : 'missed',
        ],
      ],
    }
  })
  await run('modpinfo GET', async () => benchModpinfo({ dataDir, base: await freshBaseline(), durationSeconds: DURATION, startPortal }))
  await run('layers', () => benchLayers({ dataDir, baseline: freshBaseline, durationSeconds: DURATION }))
  await run('inbound webhooks', async () =>
    benchWebhooks({ dataDir, base: await freshBaseline(), durationSeconds: DURATION, registered: REGISTERED, startPortal }),
  )
  await run('outbox dispatch', () => benchDispatch({ registered: Math.min(REGISTERED, 20_000), startPortal }))
  await run('patrons import', () => benchImport({ root, rows: PATRONS }))
  const pgNote = await runPostgresRows({
    patrons: PG_PATRONS,
    registered: Math.min(REGISTERED, PG_PATRONS),
    durationSeconds: DURATION,
    wanted,
    run,
    freshBaseline,
    startPortal,
    log,
  })

  const table = [
    '| measure | req/s (or rate) | p50 | p99 | ratio to bare Express | server CPU per request (× bare) | peak RSS | target | result |',
    '|---|---|---|---|---|---|---|---|---|',
    `| bare Express 5 "hello" (baseline) | ${base.requestsPerSecond} | ${base.p50Ms} ms | ${base.p99Ms} ms | 1.00 | ${base.cpuUsPerRequest} µs | | | |`,
    ...results.flatMap((result) => result.rows.map((row) => `| ${row.join(' | ')} |`)),
  ]
  const report = [
    `# Benchmark results`,
    '',
    `Run ${new Date().toISOString()} on ${process.version}, ${(await import('node:os')).cpus().length} cores; load by autocannon from a second process on 127.0.0.1, 50 connections, ${DURATION} s each.`,
    `Each ratio is against a bare Express run measured just before it (${baselines.map((rate) => rate.toLocaleString('en')).join(', ')} req/s, in order; ${baselineCpu.join(', ')} µs CPU per request); the table's baseline row is the first.`,
    "Server CPU per request: the server process's user + system time (/proc/PID/stat, as process.cpuUsage() counts it) over the load, divided by the requests answered.",
    '',
    ...table,
    '',
    ...results.filter((result) => result.notes).map((result) => `- ${result.name}: ${result.notes}`),
    ...(pgNote ? [`- ${pgNote}`] : []),
    '',
  ].join('\n')
  mkdirSync(join(root, 'bench/results'), { recursive: true })
  writeFileSync(join(root, 'bench/results/latest.md'), report)
  log(`\n${report}`)
  log('written to bench/results/latest.md')
}

await main()
