import type { Lang } from './language.js'

export type Keyword = 'stop' | 'start' | 'yes' | 'no' | 'help' | 'other'

/** A keyword and the language it was written in; null when the word is the same in both (NO, N) or there is none. */
export interface ClassifiedText {
  keyword: Keyword
  lang: Lang | null
}

export const OPT_OUT_PHRASES: readonly string[] = [
  'STOP',
  'STOP ALL',
  'STOPALL',
  'END',
  'QUIT',
  'CANCEL',
  'UNSUBSCRIBE',
  'REVOKE',
  'OPT OUT',
  'OPTOUT',
]

// SPEC 9: Spanish opt-out words follow the same rules as STOP. Compared without accents.
export const SPANISH_OPT_OUT_WORDS: readonly string[] = ['PARAR', 'ALTO', 'DETENER', 'CANCELAR', 'BAJA']

const OPT_OUT_WORDS: ReadonlyMap<string, Lang> = new Map<string, Lang>([
  ...OPT_OUT_PHRASES.filter((p) => !p.includes(' ')).map((word) => [word, 'en'] as const),
  ...SPANISH_OPT_OUT_WORDS.map((word) => [word, 'es'] as const),
])

const EXACT: ReadonlyMap<string, ClassifiedText> = new Map<string, ClassifiedText>([
  ['START', { keyword: 'start', lang: 'en' }],
  ['UNSTOP', { keyword: 'start', lang: 'en' }],
  ['COMENZAR', { keyword: 'start', lang: 'es' }],
  ['INICIAR', { keyword: 'start', lang: 'es' }],
  ['YES', { keyword: 'yes', lang: 'en' }],
  ['Y', { keyword: 'yes', lang: 'en' }],
  ['SI', { keyword: 'yes', lang: 'es' }],
  ['NO', { keyword: 'no', lang: null }],
  ['N', { keyword: 'no', lang: null }],
  ['HELP', { keyword: 'help', lang: 'en' }],
  ['INFO', { keyword: 'help', lang: 'en' }],
  ['AYUDA', { keyword: 'help', lang: 'es' }],
])
const OTHER: ClassifiedText = { keyword: 'other', lang: null }

export function normalizeSmsText(text: string): string {
  return (
    text
      // Zero-width and other invisible format characters that phone keyboards slip in; dropped
      // first because what they separated may then compose under NFKC.
      .replace(/\p{Cf}/gu, '')
      .normalize('NFKC')
      // Upper-casing can decompose ("ΐ" becomes three code points), so NFKC once more keeps the
      // result stable under a second normalization.
      .toUpperCase()
      .normalize('NFKC')
      .replace(/\s+/gu, ' ')
      .replace(/[\s\p{P}]+$/u, '')
      .trim()
  )
}

// '"Stop"', 'STOP!' and 'Stop,' are the same word; so is 'OPT-OUT' and 'OPTOUT'. Acute, grave and
// diaeresis are dropped for the comparison only, since phones add them ("SÍ") or leave them out
// ("SI"); the tilde stays, so "Ñ" is not "N" (no).
function bare(word: string): string {
  return word
    .normalize('NFD')
    .replace(/[\u0300\u0301\u0308]/gu, '')
    .normalize('NFC')
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')
}

function optOutLang(words: readonly string[]): Lang | null {
  const first = bare(words[0] ?? '')
  if (`${first} ${bare(words[1] ?? '')}` === 'OPT OUT') return 'en'
  return OPT_OUT_WORDS.get(first.replace(/\p{Pd}/gu, '')) ?? null
}

/** The keyword and its language (SPEC 4.6, 9): the reply to a Spanish keyword is in Spanish. */
export function classifyInboundText(text: string): ClassifiedText {
  const normalized = normalizeSmsText(text)
  const stopLang = optOutLang(normalized.split(' '))
  if (stopLang) return { keyword: 'stop', lang: stopLang }
  // Consent words count only as the whole message: "yes but not on Sundays" is not a clear yes.
  return EXACT.get(bare(normalized)) ?? OTHER
}

export function classifyInbound(text: string): Keyword {
  return classifyInboundText(text).keyword
}
