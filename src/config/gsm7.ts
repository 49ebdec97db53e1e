// GSM 03.38 default alphabet (without ESC, which only introduces the extension table)
const BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
)

// Extension-table characters cost two septets: ESC + the character
const EXTENSION = new Set('\f^{}\\[~]|€')

const GSM7_SINGLE = 160
const GSM7_PART = 153
const UCS2_SINGLE = 70
const UCS2_PART = 67

export interface SmsSize {
  encoding: 'GSM-7' | 'UCS-2'
  units: number
  parts: number
}

export function isGsm7(text: string): boolean {
  return nonGsm7Chars(text).length === 0
}

export function nonGsm7Chars(text: string): string[] {
  const found = new Set<string>()
  for (const ch of text) {
    if (!BASIC.has(ch) && !EXTENSION.has(ch)) found.add(ch)
  }
  return [...found]
}

// Septets the text takes in GSM-7. Only meaningful when isGsm7(text): other characters count 1.
export function gsm7Length(text: string): number {
  let length = 0
  for (const ch of text) length += EXTENSION.has(ch) ? 2 : 1
  return length
}

// One non-GSM-7 character switches the whole message to UCS-2, which holds far fewer characters
export function smsSize(text: string): SmsSize {
  if (isGsm7(text)) {
    const units = gsm7Length(text)
    return { encoding: 'GSM-7', units, parts: partsFor(units, GSM7_SINGLE, GSM7_PART) }
  }
  const units = text.length
  return { encoding: 'UCS-2', units, parts: partsFor(units, UCS2_SINGLE, UCS2_PART) }
}

function partsFor(units: number, single: number, perPart: number): number {
  return units <= single ? 1 : Math.ceil(units / perPart)
}
