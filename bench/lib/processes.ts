import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'

export interface RunningServer {
  url: string
  process: ChildProcess
  /** ms from spawn to the first 200 from `readyPath` */
  startupMs: number
  /** Peak resident set size so far, in MB (VmHWM). */
  peakRssMb(): number
  stop(): Promise<void>
}

export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return Math.round(kb / 1024)
}

/** Spawns a server that prints "listening on http://…" and waits until `readyPath` answers 200. */
export async function startServer(args: string[], env: NodeJS.ProcessEnv, readyPath = '/healthz'): Promise<RunningServer> {
  const started = performance.now()
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /listening on (http:\/\/[\d.:]+)/.exec(output)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve(match[1])
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString() })
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}:\n${output}`)) })
  })
  for (;;) {
    const response = await fetch(`${url}${readyPath}`).catch(() => null)
    if (response?.status === 200) break
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  const startupMs = performance.now() - started
  child.stdout?.resume()
  child.stderr?.resume()
  let lastPeak = 0
  const readPeak = () => {
    if (child.exitCode === null) lastPeak = peakRssMb(child.pid ?? 0)
    return lastPeak
  }
  return {
    url,
    process: child,
    startupMs,
    peakRssMb: readPeak,
    stop: () => new Promise<void>((resolve) => {
      readPeak()
      if (child.exitCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref()
    }),
  }
}
