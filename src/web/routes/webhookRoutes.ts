import { Router, type Request, type Response } from 'express'
import type { Services } from '../../services/index.js'
import { parseInbound, parseReceipt, webhookParams } from '../../sms/webhooks.js'

// SPEC 5: Vonage's SMS API webhooks. A 200 means "stored": anything that fails to store
// answers 5xx (through the error handler) so that Vonage tries again.
export function webhookRoutes({ consent, clock }: Pick<Services, 'consent' | 'clock'>): Router {
  const router = Router()

  const inbound = async (req: Request, res: Response) => {
    const parsed = parseInbound(webhookParams(req.query, req.body), clock())
    if (!parsed.ok) {
      res.status(400).json({ error: parsed.error })
      return
    }
    const result = await consent.handleInbound(parsed.value)
    res.status(200).json({ ok: true, duplicate: result.duplicate })
  }

  const status = async (req: Request, res: Response) => {
    const parsed = parseReceipt(webhookParams(req.query, req.body))
    if (!parsed.ok) {
      res.status(400).json({ error: parsed.error })
      return
    }
    const result = await consent.handleReceipt(parsed.value)
    res.status(200).json({ ok: true, duplicate: result.duplicate })
  }

  router.get('/webhooks/sms/inbound', inbound)
  router.post('/webhooks/sms/inbound', inbound)
  router.get('/webhooks/sms/status', status)
  router.post('/webhooks/sms/status', status)
  return router
}
