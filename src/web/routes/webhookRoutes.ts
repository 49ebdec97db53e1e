import { type Request, type RequestHandler, type Response, Router } from 'express'
import type { Services } from '../../services/index.js'
import { checkSignature, type SignatureSettings } from '../../sms/signature.js'
import { parseConcat, parseInbound, parseReceipt, type WebhookParams, webhookParams } from '../../sms/webhooks.js'
import { paths } from '../paths.js'

// SPEC 5: Vonage's SMS API webhooks. A 200 means "stored": anything that fails to store
// answers 5xx (through the error handler) so that Vonage tries again.
type WebhookServices = Pick<Services, 'inboundTexts' | 'deliveryReceipts' | 'concat' | 'clock' | 'env' | 'log' | 'metrics'>

export function webhookRoutes({ inboundTexts, deliveryReceipts, concat, clock, env, log, metrics }: WebhookServices): Router {
  const router = Router()
  const secret = env.vonage?.signatureSecret
  const signing: SignatureSettings | null = env.vonage && secret ? { secret, method: env.vonage.signatureMethod } : null

  // With a signature secret, an unsigned or badly signed request changes nothing.
  const signed =
    (webhook: 'inbound' | 'status', handle: (params: WebhookParams, res: Response) => Promise<void>): RequestHandler =>
    async (req: Request, res: Response) => {
      const params = webhookParams(req.query, req.body)
      if (signing) {
        const check = checkSignature(params, signing, clock())
        if (!check.ok) {
          log.warn({ path: req.path, reason: check.error }, 'webhook refused: bad signature')
          metrics.webhookSignatureFailed(webhook)
          res.status(401).json({ error: 'invalid signature' })
          return
        }
      }
      await handle(params, res)
    }

  const inbound = signed('inbound', async (params, res) => {
    const parsed = parseInbound(params, clock())
    if (!parsed.ok) {
      res.status(400).json({ error: parsed.error })
      return
    }
    const part = parseConcat(params)
    if (!part.ok) {
      res.status(400).json({ error: part.error })
      return
    }
    if (part.value) {
      const result = await concat.receivePart(parsed.value, part.value)
      res.status(200).json({ ok: true, duplicate: result.duplicate, complete: result.joinedMessageId !== null })
      return
    }
    const result = await inboundTexts.handle(parsed.value)
    res.status(200).json({ ok: true, duplicate: result.duplicate })
  })

  const status = signed('status', async (params, res) => {
    const parsed = parseReceipt(params)
    if (!parsed.ok) {
      res.status(400).json({ error: parsed.error })
      return
    }
    const result = await deliveryReceipts.handle(parsed.value)
    res.status(200).json({ ok: true, duplicate: result.duplicate })
  })

  router.get(paths.webhooks.inbound, inbound)
  router.post(paths.webhooks.inbound, inbound)
  router.get(paths.webhooks.status, status)
  router.post(paths.webhooks.status, status)
  return router
}
