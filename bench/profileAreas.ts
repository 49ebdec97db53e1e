import { readFileSync } from 'node:fs'

interface ProfileNode {
  callFrame: { functionName: string; url: string }
  hitCount: number
}

// Where a function's self time belongs, first match wins. Native frames (no url) are named by
// the JS that called them only through their function name, so the few that matter are listed.
const AREAS: Array<[area: string, matches: (frame: { name: string; url: string }) => boolean]> = [
  ['idle', ({ name }) => name === '(idle)'],
  [
    'start-up (module loading, compiling)',
    ({ name, url }) =>
      url.includes('node:internal/modules') ||
      /^(compileSourceTextModule|wrapSafe|internalModuleStat|readFileUtf8|compileFunction)$/.test(name),
  ],
  ['garbage collection', ({ name }) => name === '(garbage collector)'],
  [
    'SQLite (better-sqlite3 and our statements)',
    ({ name, url }) => url.includes('better-sqlite3') || url.includes('/store/') || name === 'executeNow',
  ],
  [
    'express-session, its store, cookie signing',
    ({ name, url }) =>
      /express-session|cookie-signature|node_modules\/cookie\/|Session|middleware\/(databaseSessionStore|sessionLifecycle|patronSession|setUpWebSession)/.test(
        url,
      ) || /^(Hmac|Hash|digest|update)$/.test(name),
  ],
  [
    'EJS (library, compiled templates, pages.ts)',
    ({ name, url }) =>
      url.includes('node_modules/ejs') || url.includes('/web/pages.js') || (url === '' && name === '') || name === '__append',
  ],
  [
    'router and Express',
    ({ url }) =>
      /node_modules\/(router|express|finalhandler|on-finished|on-headers|parseurl|encodeurl|statuses|depd|body-parser|qs|path-to-regexp|debug|type-is)\//.test(
        url,
      ),
  ],
  ['helmet and our other middleware', ({ url }) => url.includes('node_modules/helmet') || url.includes('/web/middleware/')],
  ['Kysely (the read transaction around prepared statements)', ({ url }) => url.includes('node_modules/kysely')],
  ['/metrics counting (prom-client, request timing)', ({ url }) => /prom-client|setUpRequestMetrics|services\/metrics/.test(url)],
  ['i18n', ({ url }) => url.includes('i18next') || url.includes('/web/i18n/')],
  ['view models, services, domain, config', ({ url }) => /\/(web\/viewModels|services|domain|config|web\/routes|web\/paths)\//.test(url)],
  ['promises and microtasks', ({ name }) => /^(runMicrotasks|processTicksAndRejections|processPromiseRejections)$/.test(name)],
  [
    'Node HTTP, sockets, streams',
    ({ name, url }) =>
      /node:(_http|net|internal\/stream|internal\/http|stream|events|internal\/timers|timers)/.test(url) ||
      /^(writev|writeUtf8String|writeBuffer|setHeader|parserOnHeadersComplete|\(program\))$/.test(name),
  ],
]

/** Self time of a .cpuprofile grouped by area, as shares of the busy time (idle and start-up left out). */
export function summarizeAreas(file: string): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[] }
  const byArea = new Map<string, number>()
  for (const { callFrame, hitCount } of profile.nodes) {
    const area = AREAS.find(([, matches]) => matches({ name: callFrame.functionName, url: callFrame.url }))?.[0] ?? 'other'
    byArea.set(area, (byArea.get(area) ?? 0) + hitCount)
  }
  const excluded = new Set(['idle', 'start-up (module loading, compiling)'])
  const busy = [...byArea].filter(([area]) => !excluded.has(area)).reduce((sum, [, hits]) => sum + hits, 0)
  return [...byArea]
    .filter(([area]) => !excluded.has(area))
    .sort((a, b) => b[1] - a[1])
    .map(([area, hits]) => `${((hits / busy) * 100).toFixed(1).padStart(5)}%  ${area}\n`)
    .join('')
}
