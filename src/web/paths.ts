// Every URL path the portal answers, spelled once. Routers mount these patterns; redirects and
// view models build addresses with the functions below. Tests may spell URLs themselves: they
// hold the public contract (Sierra WebPAC's addresses, the webhooks Vonage is given, the API).
export const paths = {
  home: '/',
  patron: {
    login: '/patroninfo',
    logout: '/logout',
    /** The address Sierra's WebPAC links to. */
    webpacModpinfo: '/modpinfo.html',
    top: '/patroninfo/:id/top',
    modpinfo: '/patroninfo/:id/modpinfo',
  },
  staff: {
    /** The patron search, the console's first page; every staff path starts with it. */
    home: '/staff',
    login: '/staff/login',
    logout: '/staff/logout',
    record: '/staff/patrons/:id',
    deletePatron: '/staff/patrons/:id/delete',
    deleteMobile: '/staff/patrons/:id/delete-mobile',
    history: '/staff/history',
    optOut: '/staff/optout',
    config: '/staff/config',
    configFile: '/staff/config/:name',
  },
  simulator: {
    home: '/simulator',
    messages: '/simulator/messages',
    reply: '/simulator/reply',
  },
  webhooks: {
    /** Everything under it answers in JSON. */
    area: '/webhooks/',
    inbound: '/webhooks/sms/inbound',
    status: '/webhooks/sms/status',
  },
  api: {
    /** Everything under it answers in JSON. */
    area: '/api/',
    /** Where the API router is mounted; its own paths below are relative to it. */
    v1: '/api/v1',
    alerts: '/alerts',
    alert: '/alerts/:id',
  },
  health: '/healthz',
  /** Prometheus text for the operators' scraper (SPEC 8). */
  metrics: '/metrics',
} as const

function fill(pattern: string, params: Record<string, string | number>): string {
  return pattern.replace(/:(\w+)/g, (_match, name: string) => encodeURIComponent(String(params[name])))
}

export function patronTopPath(patronId: number): string {
  return fill(paths.patron.top, { id: patronId })
}

export function modpinfoPath(patronId: number): string {
  return fill(paths.patron.modpinfo, { id: patronId })
}

/** A login page that says the visitor has just logged out. */
export function loggedOutPath(loginPath: typeof paths.patron.login | typeof paths.staff.login): string {
  return `${loginPath}?${new URLSearchParams({ loggedout: '1' })}`
}

export function staffSearchPath(query: string, page: number): string {
  return `${paths.staff.home}?${new URLSearchParams({ q: query, page: String(page) })}`
}

export function staffRecordPath(patronId: number): string {
  return fill(paths.staff.record, { id: patronId })
}

export function staffDeletePatronPath(patronId: number): string {
  return fill(paths.staff.deletePatron, { id: patronId })
}

export function staffDeleteMobilePath(patronId: number): string {
  return fill(paths.staff.deleteMobile, { id: patronId })
}

export function staffHistoryPath(barcode: string): string {
  return `${paths.staff.history}?barcode=${encodeURIComponent(barcode)}`
}

/** The opt-out page with a number already looked up (back from a POST without confirm=yes). */
export function staffOptOutLookupPath(number: string): string {
  return `${paths.staff.optOut}?${new URLSearchParams({ number })}`
}

export function configFilePath(name: string): string {
  return fill(paths.staff.configFile, { name })
}

/** One simulated phone; `webhookStatus` reports a reply the inbound webhook did not take. */
export function simulatorPhonePath(e164: string, webhookStatus?: number): string {
  return `${paths.simulator.home}?to=${encodeURIComponent(e164)}${webhookStatus === undefined ? '' : `&webhook=${webhookStatus}`}`
}

export function simulatorMessagesPath(e164: string): string {
  return `${paths.simulator.messages}?to=${encodeURIComponent(e164)}`
}

export function alertPath(alertId: number | string): string {
  return `${paths.api.v1}${fill(paths.api.alert, { id: alertId })}`
}
