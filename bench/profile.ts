// npm run bench:profile -- SCENARIO DATA_DIR: runs the built server under --cpu-prof with one
// scenario's load, then prints where its CPU time went (self time per function).
import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { productionEnv } from './env.js'
import { load } from './lib/load.js'
import { startServer } from './lib/processes.js'
import { BENCH_PIN, benchBarcode, benchNumber } from './lib/seedDatabase.js'
import { summarizeAreas } from './profileAreas.js'
import { summarizeProfile } from './profileSummary.js'
import { HTTPS, logIn } from './scenarios.js'

const [scenario = 'modpinfo', dataDir = ''] = process.argv.slice(2)
const root = new URL('..', import.meta.url).pathname
const profileDir = mkdtempSync(join(tmpdir(), 'webpac-profile-'))
const server = await startServer(['--cpu-prof', `--cpu-prof-dir=${profileDir}`, join(root, 'dist/server.js')], productionEnv(root, dataDir))
if (scenario === 'modpinfo') {
  const { cookie, location } = await logIn(server.url, benchBarcode(0), BENCH_PIN)
  const url = `${server.url}${location.replace(/\/top$/, '/modpinfo')}`
  console.log(await load({ url, headers: { ...HTTPS, cookie }, durationSeconds: 6 }))
} else {
  let counter = 0
  console.log(
    await load({
      url: `${server.url}/webhooks/sms/inbound`,
      method: 'POST',
      durationSeconds: 6,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      setupRequest: (request) => {
        counter += 1
        request.body = new URLSearchParams({
          msisdn: benchNumber(counter % 100_000).slice(1),
          to: '82453',
          messageId: `profile-${counter}`,
          text: ['HELP', 'STOP', 'hello', 'YES'][counter % 4] ?? '',
        }).toString()
        return request
      },
    }),
  )
}
server.process.kill('SIGINT')
await new Promise((resolve) => server.process.once('exit', resolve))
const [file] = readdirSync(profileDir)
console.log(join(profileDir, file ?? ''))
process.stdout.write(summarizeProfile(join(profileDir, file ?? ''), 30))
process.stdout.write('\nBy area (self time, share of the busy time: idle and start-up left out):\n')
process.stdout.write(summarizeAreas(join(profileDir, file ?? '')))
