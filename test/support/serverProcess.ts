import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'

const ROOT = new URL('../..', import.meta.url)

export interface ServerProcess {
  child: ChildProcess
  /** Resolves with the URL the server printed once it listens. */
  url: Promise<string>
  output(): string
}

const running = new Set<ChildProcess>()

/**
 * What every server-process test gives the portal: its files in `dir` (messages.conf, webpub.def,
 * data/), a port of its own, one session secret, no demo data; `extra` adds the gateway, the
 * database and whatever the test is about.
 */
export function serverEnv(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: join(dir, 'data'),
    MESSAGES_CONF: join(dir, 'messages.conf'),
    WEB_OPTIONS: join(dir, 'webpub.def'),
    SESSION_SECRET: 'server-process-test-secret-of-32-characters',
    SEED_DEMO: '0',
    LOG_LEVEL: 'warn',
    // What these processes test is kills, roles and nodes, not the send-rate cap: at Vonage's 30 a
    // second thousands of SMS would only stretch each run (the cap: integration/sendRateCap.test.ts).
    SMS_MAX_SENDS_PER_SECOND: '10000',
    ...extra,
  }
}

/** The real server (`src/server.ts`) as a child process, as `npm start` runs it. */
export function startServerProcess(env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  child.on('exit', () => running.delete(child))
  let output = ''
  const url = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += String(chunk)
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (match?.[1]) resolve(match[1])
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.on('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${output}`)))
  })
  url.catch(() => {})
  return { child, url, output: () => output }
}

export async function killServerProcess(server: ServerProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return
  const exited = new Promise((resolve) => server.child.once('exit', resolve))
  server.child.kill(signal)
  await exited
}

/** For an `after` hook: no child outlives its test file. */
export function killAllServerProcesses(): void {
  for (const child of running) child.kill('SIGKILL')
}
