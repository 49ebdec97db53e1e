export type Keyword = 'stop' | 'start' | 'yes' | 'no' | 'help' | 'other'

export const OPT_OUT_PHRASES: readonly string[] = [
  'STOP', 'STOP ALL', 'STOPALL', 'END', 'QUIT', 'CANCEL', 'UNSUBSCRIBE', 'REVOKE', 'OPT OUT', 'OPTOUT'
]

const OPT_OUT_WORDS: ReadonlySet<string> = new Set(OPT_OUT_PHRASES.filter((p) => !p.includes(' ')))

const EXACT: ReadonlyMap<string, Keyword> = new Map<string, Keyword>([
  ['START', 'start'], ['UNSTOP', 'start'],
  ['YES', 'yes'], ['Y', 'yes'],
  ['NO', 'no'], ['N', 'no'],
  ['HELP', 'help'], ['INFO', 'help']
])

export function normalizeSmsText(text: string): string {
  return text
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
}

// '"Stop"', 'STOP!' and 'Stop,' are the same word; so is 'OPT-OUT' and 'OPTOUT'.
function bare(word: string): string {
  return word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')
}

function isOptOut(words: readonly string[]): boolean {
  const first = bare(words[0] ?? '')
  const firstTwo = `${first} ${bare(words[1] ?? '')}`
  return OPT_OUT_WORDS.has(first.replace(/\p{Pd}/gu, '')) || firstTwo === 'OPT OUT'
}

export function classifyInbound(text: string): Keyword {
  const normalized = normalizeSmsText(text)
  if (isOptOut(normalized.split(' '))) return 'stop'
  // Consent words count only as the whole message: "yes but not on Sundays" is not a clear yes.
  return EXACT.get(bare(normalized)) ?? 'other'
}
