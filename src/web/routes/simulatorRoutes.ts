import { type Request, type RequestHandler, Router } from 'express'
import { firstShortCode } from '../../config/configSnapshot.js'
import { checkMobileNumber } from '../../domain/phone.js'
import type { Services } from '../../services/index.js'
import type { SimulatorGateway } from '../../sms/simulatorGateway.js'
import { bodyField, queryText } from '../forms.js'
import { currentStaff, requireStaff } from '../middleware/requireStaff.js'
import { paths, simulatorPhonePath } from '../paths.js'
import { newSimulatedMessageId, postInboundWebhook, vonageInboundFields } from '../simulatorReply.js'
import { errorPage } from '../viewModels/errorPage.js'
import { type Conversations, e164Param, simulatorPage } from '../viewModels/simulatorView.js'

const MAX_REPLY_LENGTH = 640

// The server itself, as its socket sees it: never a host name a client could point elsewhere.
function ownBaseUrl(req: Request): string {
  const address = (req.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '')
  const host = address.includes(':') ? `[${address}]` : address
  return `http://${host}:${req.socket.localPort}`
}

// The JSON is read by scripts and tests, which are answered in JSON, not sent to a login form.
const requireStaffJson: RequestHandler = (req, res, next) => {
  if (currentStaff(req) !== null) return next()
  res.status(401).json({ error: 'Log in to the staff console first: on a production site the simulator is for staff only.' })
}

async function conversations(simulator: SimulatorGateway, selected: string | null): Promise<Conversations> {
  const [phones, messages] = await Promise.all([simulator.phones(), selected ? simulator.conversation(selected) : []])
  return { phones, selected: messages }
}

// SPEC 5: the simulated phones (SMS_GATEWAY=simulator only). Replies go through the very same
// webhook as Vonage's, over HTTP, so what works here works with real phones.
export function simulatorRoutes({ simulator, config, clock, env }: Pick<Services, 'simulator' | 'config' | 'clock' | 'env'>): Router {
  const router = Router()
  if (!simulator) return router
  // A production site with the simulator is a staging site on the internet: its conversations
  // and its "text as this phone" form are for staff (issue 10 finding 8). Development stays open
  // for the README's quick start and the e2e tests.
  if (env.production) {
    router.use(paths.simulator.messages, requireStaffJson)
    router.use(paths.simulator.home, requireStaff)
  }

  router.get(paths.simulator.messages, async (req, res) => {
    const phone = e164Param(req.query.to)
    if (!phone) {
      res.status(400).json({ error: 'to must be a phone number in E.164 form, such as +12015550123' })
      return
    }
    res.json(
      (await simulator.conversation(phone)).map(({ direction, from, to, text, messageId, at }) => ({
        direction,
        from,
        to,
        text,
        messageId,
        at,
      })),
    )
  })

  router.get(paths.simulator.home, async (req, res) => {
    const current = config.current()
    const typed = queryText(req.query.to)
    const webhook = queryText(req.query.webhook)
    const webhookStatus = /^\d{1,3}$/.test(webhook) ? webhook : null
    if (typed.trim() === '') {
      res.render('pages/simulator', simulatorPage(await conversations(simulator, null), current, { selected: null }))
      return
    }
    // Typed in the "open a phone" box in any format, or a link's E.164.
    const check = checkMobileNumber(typed, current.webOptions.country)
    const selected = check.ok ? check.value : e164Param(typed)
    if (!selected) {
      const errors = [{ field: 'open-number', message: 'Enter a phone number with 7 to 15 digits, such as +1 201 555 0123.' }]
      res
        .status(422)
        .render(
          'pages/simulator',
          simulatorPage(await conversations(simulator, null), current, { selected: null, openValue: typed, errors }),
        )
      return
    }
    res.render('pages/simulator', simulatorPage(await conversations(simulator, selected), current, { selected, webhookStatus }))
  })

  router.post(paths.simulator.reply, async (req, res) => {
    const current = config.current()
    const from = e164Param(bodyField(req.body, 'to'))
    const text = bodyField(req.body, 'text').trim()
    if (!from) {
      res
        .status(400)
        .render('pages/error', errorPage(res.locals.page, 'No phone selected', 'Open a simulated phone before sending a reply.'))
      return
    }
    if (text === '' || text.length > MAX_REPLY_LENGTH) {
      const message = text === '' ? 'Type a text message to send.' : `A text message can be at most ${MAX_REPLY_LENGTH} characters long.`
      res.status(422).render(
        'pages/simulator',
        simulatorPage(await conversations(simulator, from), current, {
          selected: from,
          replyValue: text,
          errors: [{ field: 'reply-text', message }],
        }),
      )
      return
    }
    const reply = { from, to: firstShortCode(current), text }
    const messageId = newSimulatedMessageId()
    // On the phone first: the library's answer must not appear above the text it answers.
    await simulator.recordInbound({ ...reply, messageId })
    const result = await postInboundWebhook(ownBaseUrl(req), vonageInboundFields(reply, messageId, clock())).catch(() => ({
      ok: false,
      status: 0,
    }))
    res.redirect(303, simulatorPhonePath(from, result.ok ? undefined : result.status))
  })

  return router
}
