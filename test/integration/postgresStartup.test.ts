import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { onPostgres, TEST_DATABASE_URL } from '../support/database.js'

// SPEC 8: an unreachable database at start-up is one clear line, not a stack trace or a hang.
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const PASSWORD = 'pa55-w0rd-never-shown'

interface Run {
  code: number | null
  stdout: string
  stderr: string
  ms: number
}

/** `npm start` (or `webpac …`) with exactly this environment (nothing inherited but PATH). */
function run(script: string, args: string[], env: Record<string, string>): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'webpac-pgstart-'))
  writeFileSync(join(dir, 'messages.conf'), '')
  writeFileSync(join(dir, 'webpub.def'), '')
  const started = Date.now()
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      DATA_DIR: join(dir, 'data'),
      MESSAGES_CONF: join(dir, 'messages.conf'),
      WEB_OPTIONS: join(dir, 'webpub.def'),
      SESSION_SECRET: 'startup-test-secret-of-32-characters',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += String(chunk)))
  child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)))
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(killer)
      resolve({ code, stdout, stderr, ms: Date.now() - started })
    }),
  )
}

/** A port nothing listens on: taken from the system, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

function assertOneMaskedLine(result: Run, url: RegExp): void {
  assert.equal(result.code, 1, `exit code; stderr: ${result.stderr}`)
  const lines = result.stderr.trim().split('\n')
  assert.equal(lines.length, 1, `one line: ${result.stderr}`)
  assert.match(lines[0]!, /^webpac: cannot connect to DATABASE_URL /)
  assert.match(lines[0]!, url)
  assert.doesNotMatch(result.stderr + result.stdout, new RegExp(PASSWORD), 'the password is masked')
  assert.doesNotMatch(result.stdout, /listening on/)
}

describe('SPEC 8 DATABASE_URL unreachable at start-up', { skip: onPostgres ? false : 'PostgreSQL only (TEST_DATABASE=postgres)' }, () => {
  test('nothing listens at the address: npm start retries briefly, then exits 1 with one line naming DATABASE_URL, password masked', {
    timeout: 40_000,
  }, async () => {
    const port = await closedPort()
    const result = await run('src/server.ts', [], { DATABASE_URL: `postgres://webpac:${PASSWORD}@127.0.0.1:${port}/webpac` })
    assertOneMaskedLine(result, new RegExp(`postgres://webpac:\\*\\*\\*@127\\.0\\.0\\.1:${port}/webpac: .*ECONNREFUSED`))
    assert.ok(result.ms >= 3_000, `it tried again for a few seconds first (${result.ms} ms)`)
  })

  test("wrong credentials (a role the server does not know): exit 1 with one line naming DATABASE_URL and the server's reason", {
    timeout: 40_000,
  }, async () => {
    const url = new URL(TEST_DATABASE_URL)
    url.username = 'no_such_webpac_role'
    url.password = PASSWORD
    const result = await run('src/server.ts', [], { DATABASE_URL: url.toString() })
    assertOneMaskedLine(result, /no_such_webpac_role:\*\*\*@.*role "no_such_webpac_role" does not exist/)
  })

  test('the CLI says the same in one line and exits 1', { timeout: 40_000 }, async () => {
    const port = await closedPort()
    const result = await run('src/cli/main.ts', ['apikey', 'list'], {
      DATABASE_URL: `postgres://webpac:${PASSWORD}@127.0.0.1:${port}/webpac`,
    })
    assertOneMaskedLine(result, /webpac:\*\*\*@127\.0\.0\.1/)
  })
})
