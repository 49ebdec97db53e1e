import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'

export interface RunningServer {
  url: string
  process: ChildProcess
  /** ms from spawn to the first 200 from `readyPath` */
  startupMs: number
  /** Peak resident set size so far, in MB (VmHWM). */
  peakRssMb(): number
  /** CPU time (user + system) the server has used so far, in ms; its last value once stopped. */
  cpuMs(): number
  stop(): Promise<void>
}

/** On a shared machine req/s follow the neighbours; the CPU a process spends per request does not. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // utime and stime, fields 14 and 15 of proc(5), in clock ticks of 10 ms (CLK_TCK 100).
  return (Number(fields[11]) + Number(fields[12])) * 10
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
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code}:\n${output}`))
    })
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
  let lastCpu = 0
  const readPeak = () => {
    if (child.exitCode === null) lastPeak = peakRssMb(child.pid ?? 0)
    return lastPeak
  }
  const readCpu = () => {
    if (child.exitCode === null) lastCpu = cpuMs(child.pid ?? 0)
    return lastCpu
  }
  return {
    url,
    process: child,
    startupMs,
    peakRssMb: readPeak,
    cpuMs: readCpu,
    stop: () =>
      new Promise<void>((resolve) => {
        readPeak()
        readCpu()
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref()
      }),
  }
}
