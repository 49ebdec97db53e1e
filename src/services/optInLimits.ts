import type { WebOptions } from '../config/webOptions.js'
import type { Repositories } from '../store/store.js'

const DAY_MS = 24 * 60 * 60 * 1000

type OptInLimits = Pick<WebOptions, 'maxOptInTextsPerNumber' | 'maxOptInStartsPerPatron'>

/**
 * Whether one more opt-in started on the web would go over the limits against text-bombing a
 * number (SPEC 7): opt-in texts queued to that number by anyone, and opt-ins this patron started,
 * in the last 24 hours. Called inside the submit's own transaction, which SQLite runs one at a
 * time, so two concurrent submits cannot both take the last place.
 */
export async function optInLimitReached(
  repos: Repositories,
  limits: OptInLimits,
  patronId: number,
  e164: string,
  now: Date,
): Promise<boolean> {
  const since = new Date(now.getTime() - DAY_MS).toISOString()
  if ((await repos.consent.countWebOptInsSince(patronId, since)) >= limits.maxOptInStartsPerPatron) return true
  return (await repos.outbox.countOptInTextsSince(e164, since)) >= limits.maxOptInTextsPerNumber
}
