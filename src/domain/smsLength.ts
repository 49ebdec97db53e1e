export type SmsEncoding = 'GSM-7' | 'UCS-2'
interface SmsSize {
  encoding: SmsEncoding
  units: number
  segments: number
}

// GSM 03.38 default alphabet and its extension table (each extension character is ESC + char).
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' + '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
)
const GSM_EXTENSION = new Set('\f^{}\\[~]|€')

const LIMITS: Record<SmsEncoding, { single: number; part: number }> = {
  'GSM-7': { single: 160, part: 153 },
  'UCS-2': { single: 70, part: 67 },
}

function gsmCost(char: string): number | null {
  if (GSM_BASIC.has(char)) return 1
  if (GSM_EXTENSION.has(char)) return 2
  return null
}

/** The characters of `text` that GSM-7 cannot carry (one of them makes the whole SMS UCS-2). */
export function nonGsm7Chars(text: string): string[] {
  return [...new Set(Array.from(text).filter((char) => gsmCost(char) === null))]
}

export function isGsm7(text: string): boolean {
  return nonGsm7Chars(text).length === 0
}

/** Septets the text takes in GSM-7 (extension characters count 2); others count 1. */
export function gsm7Length(text: string): number {
  return Array.from(text).reduce((sum, char) => sum + (gsmCost(char) ?? 1), 0)
}

function gsmCosts(chars: readonly string[]): number[] | null {
  const costs: number[] = []
  for (const char of chars) {
    const cost = gsmCost(char)
    if (cost === null) return null
    costs.push(cost)
  }
  return costs
}

// A character is never split across parts: an escape pair or a surrogate pair that does not fit
// starts the next part, as gateways do, so the count can exceed units / part size.
function countParts(costs: readonly number[], partSize: number): number {
  let parts = 1
  let used = 0
  for (const cost of costs) {
    if (used + cost > partSize) {
      parts++
      used = 0
    }
    used += cost
  }
  return parts
}

export function smsSegments(text: string): SmsSize {
  const chars = Array.from(text)
  const gsm = gsmCosts(chars)
  const encoding: SmsEncoding = gsm ? 'GSM-7' : 'UCS-2'
  const costs = gsm ?? chars.map((char) => char.length)
  const units = costs.reduce((sum, cost) => sum + cost, 0)
  const { single, part } = LIMITS[encoding]
  return { encoding, units, segments: units <= single ? 1 : countParts(costs, part) }
}
