interface LocalWindow {
  startMinute: number
  endMinute: number
}

function localMinuteOfDay(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at)
  const hour = Number(parts.find((part) => part.type === 'hour')?.value)
  const minute = Number(parts.find((part) => part.type === 'minute')?.value)
  return hour * 60 + minute
}

/**
 * When an alert may go out: `at` itself inside the library's local sending hours, else the
 * next opening. Across a DST change the opening may be an hour off; the outbox worker checks
 * again when it wakes, so an alert is never sent outside the window, only held longer.
 */
export function nextSendTime(at: Date, window: LocalWindow, timeZone: string): Date {
  const minute = localMinuteOfDay(at, timeZone)
  if (minute >= window.startMinute && minute < window.endMinute) return at
  const wait = minute < window.startMinute ? window.startMinute - minute : 24 * 60 - minute + window.startMinute
  const startOfMinute = Math.floor(at.getTime() / 60_000) * 60_000
  return new Date(startOfMinute + wait * 60_000)
}
