import { Router } from 'express'
import { CONF_KINDS } from '../../config/configSnapshot.js'
import type { Services } from '../../services/index.js'
import { paths } from '../paths.js'

export function healthRoutes({ store, config, gateway }: Pick<Services, 'store' | 'config' | 'gateway'>): Router {
  const router = Router()
  router.get(paths.health, async (_req, res) => {
    let database: { ok: boolean; detail?: string }
    let outboxDepth: number | null = null
    try {
      await store.ping()
      outboxDepth = await store.repos.outbox.depth()
      // Reads still answer on a full or read-only disk: once a write has failed, only a write
      // that succeeds again (this probe, or any other) makes the database healthy.
      if (store.writeFailure()) await store.probeWrite().catch(() => {})
      const failure = store.writeFailure()
      database = failure ? { ok: false, detail: `writes are failing since ${failure.since} (${failure.code})` } : { ok: true }
    } catch (error) {
      database = { ok: false, detail: error instanceof Error ? error.message : 'unreachable' }
    }
    const files = config.files()
    const configState = {
      ok: CONF_KINDS.every((kind) => files[kind].errors.length === 0),
      ...Object.fromEntries(CONF_KINDS.map((kind) => [kind, { errors: files[kind].errors.length, lastGoodAt: files[kind].lastGoodAt }])),
    }
    const sms = gateway.health()
    const ok = database.ok && sms.ok
    res.status(ok ? 200 : 503).json({ ok, database, config: configState, gateway: { name: gateway.name, ...sms }, outboxDepth })
  })
  return router
}
