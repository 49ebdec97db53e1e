import type { Request, RequestHandler, Response } from 'express'
import { type Metrics, UNMATCHED_ROUTE } from '../../services/metrics.js'

const ROUTE_LABEL = Symbol('metrics route label')
type Labelled = Response & { [ROUTE_LABEL]?: string }

/**
 * Times every request, from here to the last byte of the answer, for webpac_http_request_duration_seconds.
 * Its cost on each request: one clock read now, one listener, and at the end one clock read and
 * one histogram observe. Requests whose client hangs up before the answer is sent are not counted.
 */
export function setUpRequestMetrics(metrics: Pick<Metrics, 'requestFinished'>): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint()
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9
      metrics.requestFinished(routeOf(req, res), req.method, res.statusCode, seconds)
    })
    next()
  }
}

/** Names what no route handles, such as a static folder, with a fixed label of the code's choosing. */
export function labelRequests(label: string): RequestHandler {
  return (_req, res, next) => {
    ;(res as Labelled)[ROUTE_LABEL] = label
    next()
  }
}

// The pattern of the route that took the request ("/patroninfo/:id/top"), never its URL: the
// label set stays as small as the code's routes, whatever addresses are asked for. The mount
// path comes first (the API's "/api/v1"). Every mount of this app is a fixed lower-case path,
// but Express matches it in any case ("/API/V1"), so it is lower-cased back to the code's.
function routeOf(req: Request, res: Response): string {
  if (req.route) return `${req.baseUrl.toLowerCase()}${String(req.route.path)}`
  return (res as Labelled)[ROUTE_LABEL] ?? UNMATCHED_ROUTE
}
