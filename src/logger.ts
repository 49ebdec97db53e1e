import { type Logger, pino } from 'pino'
import { maskPhone } from './domain/phone.js'

export type { Logger }

// Fields that may carry a phone number are masked before a log line is written (SPEC 7).
const PHONE_FIELDS = ['to', 'from', 'msisdn', 'e164', 'mobile', 'number']

function maskPhones(object: Record<string, unknown>): Record<string, unknown> {
  let masked: Record<string, unknown> | null = null
  for (const field of PHONE_FIELDS) {
    const value = object[field]
    if (typeof value === 'string' && value !== '') {
      masked ??= { ...object }
      masked[field] = maskPhone(value)
    }
  }
  return masked ?? object
}

/** The server passes env.logLevel: env.ts is the one place that reads (and checks) the environment. */
export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      formatters: { log: maskPhones },
    },
    options.destination,
  )
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' })
}
