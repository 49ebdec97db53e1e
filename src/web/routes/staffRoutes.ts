import express, { Router, type Request, type RequestHandler, type Response } from 'express'
import type { Services } from '../../services/index.js'
import { DomainError } from '../../services/errors.js'
import { isConfFileName, type ConfFileName } from '../../services/staffConfig.js'
import { endSession, takeFlash } from '../middleware/sessionLifecycle.js'
import { currentStaff, requireStaff, startStaffSession, STAFF_LOGIN_PATH } from '../middleware/requireStaff.js'
import type { NavLink } from '../middleware/setUpSiteLocals.js'
import { formatPhone } from '../viewModels/format.js'
import { configEditorPage, configOverviewPage } from '../viewModels/staffConfigView.js'
import { recordPage, staffHistoryPath, staffHistoryRows, staffRecordPath } from '../viewModels/staffRecordView.js'
import { searchView } from '../viewModels/staffSearchView.js'
import { statusView } from '../viewModels/smsStatus.js'

export const STAFF_CONFIG_PATH = '/staff/config'
const MAX_NUMBER_INPUT = 40
const MAX_BARCODE_INPUT = 64

// STAFF_CONFIG_PATH and everything under it, matched as Express mounts it (case-insensitively).
const STAFF_CONFIG_PATHS = /^\/staff\/config(?:\/|$)/i

/**
 * The config editor posts whole files, far over the 16 KB every other form is held to. Mounted on
 * STAFF_CONFIG_PATH after the session and before the CSRF check: the staff check comes first, so
 * a visitor's body is never read (issue 10 finding 10), then the body, which holds the CSRF token.
 */
export function staffConfigBody(): RequestHandler[] {
  return [requireStaff, express.urlencoded({ extended: false, limit: '512kb', parameterLimit: 10 })]
}

/** Wraps a general body parser so that it leaves the config editor's bodies to staffConfigBody(). */
export function exceptStaffConfig(parser: RequestHandler): RequestHandler {
  return (req, res, next) => (STAFF_CONFIG_PATHS.test(req.path) ? next() : parser(req, res, next))
}

function field(body: unknown, name: string): string {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined
  return typeof value === 'string' ? value : ''
}

function queryText(value: unknown): string {
  return typeof value === 'string' ? value : ''
}

function staffNav(path: string, optOutOffered: boolean): NavLink[] {
  const links = [
    { href: '/staff', text: 'Patron search' },
    ...(optOutOffered ? [{ href: '/staff/optout', text: 'Opt out a number' }] : []),
    { href: STAFF_CONFIG_PATH, text: 'Configuration' },
  ]
  return links.map((link) => ({ ...link, current: link.href === '/staff' ? path === '/' : path.startsWith(link.href.slice('/staff'.length)) }))
}

function patronIdParam(req: Request): number | null {
  const id = req.params.id
  return typeof id === 'string' && /^\d{1,15}$/.test(id) ? Number(id) : null
}

// SPEC 6: the staff console. Thin handlers: read the form, call a staff service, redirect
// after a POST (with a one-time notice) or render a view model.
export function staffRoutes({ staff, config, clock, log }: Pick<Services, 'staff' | 'config' | 'clock' | 'log'>): Router {
  const router = Router()
  const { auth, search, console: records, configEditor } = staff

  const layout: RequestHandler = (req, res, next) => {
    res.locals.area = 'Staff'
    res.locals.styles = ['/css/staff.css']
    if (currentStaff(req) !== null) {
      res.locals.nav = staffNav(req.path, records.staffOptOutOffered())
      res.locals.logout = { action: '/staff/logout' }
    }
    next()
  }
  router.use('/staff', layout)

  const renderLogin = (res: Response, status: number, values: { username?: string; errors?: { field: string; message: string }[]; notice?: string | null }) => {
    const errors = values.errors ?? []
    res.status(status).render('staff/login', {
      title: 'Staff log in',
      username: values.username ?? '',
      errors,
      fieldErrors: Object.fromEntries(errors.map((error) => [error.field, error.message])),
      notice: values.notice ?? null,
    })
  }

  router.get(STAFF_LOGIN_PATH, (req, res) => {
    if (currentStaff(req) !== null) return res.redirect(303, '/staff')
    renderLogin(res, 200, { notice: req.query.loggedout === '1' ? 'You have logged out of the staff console.' : null })
  })

  router.post(STAFF_LOGIN_PATH, async (req, res) => {
    const username = field(req.body, 'username').trim()
    const password = field(req.body, 'password')
    const missing = [
      ...(username === '' ? [{ field: 'username', message: 'Enter your staff username.' }] : []),
      ...(password === '' ? [{ field: 'password', message: 'Enter your password.' }] : []),
    ]
    if (missing.length > 0) return renderLogin(res, 400, { username, errors: missing })
    const result = await auth.login(username, password, req.ip ?? 'unknown')
    if (result.kind === 'throttled') {
      return renderLogin(res, 429, { username, errors: [{ field: 'username', message: 'Too many attempts, try again later.' }] })
    }
    if (result.kind === 'wrong') {
      return renderLogin(res, 401, { username, errors: [{ field: 'username', message: 'The username or password is not right.' }] })
    }
    await startStaffSession(req, result.username)
    res.redirect(303, '/staff')
  })

  router.post('/staff/logout', async (req, res) => {
    await endSession(req, res)
    res.redirect(303, `${STAFF_LOGIN_PATH}?loggedout=1`)
  })

  router.use('/staff', requireStaff)

  router.get('/staff', async (req, res) => {
    const query = queryText(req.query.q)
    const page = Number(queryText(req.query.page) || '1')
    const result = query.trim() === '' ? null : await search.search(query, page)
    res.render('staff/search', searchView(result, config.current().messages, takeFlash(req)))
  })

  router.get('/staff/patrons/:id', async (req, res, next) => {
    const patronId = patronIdParam(req)
    if (patronId === null) return next('route')
    const record = await records.patronRecord(patronId)
    res.render('staff/record', recordPage(record, config.current(), clock(), takeFlash(req)))
  })

  router.get('/staff/history', async (req, res) => {
    const barcode = queryText(req.query.barcode).trim().slice(0, MAX_BARCODE_INPUT)
    const { patron, events } = barcode === '' ? { patron: null, events: [] } : await records.historyForBarcode(barcode)
    res.render('staff/history', {
      title: `Consent history: ${barcode}`,
      barcode,
      recordHref: patron ? staffRecordPath(patron.id) : null,
      history: staffHistoryRows(events, config.current()),
      notice: takeFlash(req),
    })
  })

  // ---- actions: a confirmation page first (GET), then the change (POST with confirm=yes) -----

  const confirmPage = (res: Response, page: { title: string; warning: string; details: string[]; action: string; cancelHref: string; confirmLabel: string; hidden?: { name: string; value: string }[] }) => {
    res.render('staff/confirm', { hidden: [], ...page })
  }

  router.get('/staff/patrons/:id/delete', async (req, res, next) => {
    const patronId = patronIdParam(req)
    if (patronId === null) return next('route')
    const { patron, status } = await records.patronRecord(patronId)
    confirmPage(res, {
      title: `Delete patron ${patron.barcode}?`,
      warning: `The record of ${patron.name} (${patron.barcode}) will be deleted. The patron is opted out of SMS without any text being sent, queued messages are cancelled, and they can no longer log in. The consent history is kept.`,
      details: [`SMS status now: ${statusView(config.current().messages, status).text}`],
      action: req.originalUrl,
      cancelHref: staffRecordPath(patronId),
      confirmLabel: 'Delete the patron record',
    })
  })

  router.post('/staff/patrons/:id/delete', async (req, res, next) => {
    const patronId = patronIdParam(req)
    if (patronId === null) return next('route')
    if (field(req.body, 'confirm') !== 'yes') return res.redirect(303, `${staffRecordPath(patronId)}/delete`)
    const patron = await records.deletePatron(patronId, res.locals.staffUser as string)
    req.session.flash = `Patron ${patron.barcode} (${patron.name}) was deleted and silently opted out of SMS. The consent history below is kept.`
    res.redirect(303, staffHistoryPath(patron.barcode))
  })

  router.get('/staff/patrons/:id/delete-mobile', async (req, res, next) => {
    const patronId = patronIdParam(req)
    if (patronId === null) return next('route')
    const { patron } = await records.patronRecord(patronId)
    confirmPage(res, {
      title: `Delete the MOBILE PH field of ${patron.barcode}?`,
      warning: `The mobile number ${patron.mobile} will be removed from the record of ${patron.name}. If the patron is signed up for SMS alerts, they are opted out without any text being sent.`,
      details: [],
      action: req.originalUrl,
      cancelHref: staffRecordPath(patronId),
      confirmLabel: 'Delete the mobile number',
    })
  })

  router.post('/staff/patrons/:id/delete-mobile', async (req, res, next) => {
    const patronId = patronIdParam(req)
    if (patronId === null) return next('route')
    if (field(req.body, 'confirm') !== 'yes') return res.redirect(303, `${staffRecordPath(patronId)}/delete-mobile`)
    await records.deleteMobile(patronId, res.locals.staffUser as string)
    req.session.flash = 'The MOBILE PH field was deleted; the patron is not opted in to SMS.'
    res.redirect(303, staffRecordPath(patronId))
  })

  router.get('/staff/optout', async (req, res) => {
    const number = queryText(req.query.number).trim().slice(0, MAX_NUMBER_INPUT)
    const view = { title: 'Opt out a number', offered: records.staffOptOutOffered(), number, error: null as string | null, notice: takeFlash(req) }
    if (!view.offered || number === '') return res.render('staff/optout', view)
    try {
      const lookup = await records.lookUpNumber(number)
      const holders = lookup.holders.map((holder) => `${holder.name} (${holder.barcode}): ${statusView(config.current().messages, holder.status).text}`)
      if (holders.length === 0) {
        return res.render('staff/optout', { ...view, error: `No patron is signed up for SMS alerts with ${formatPhone(lookup.e164)}.` })
      }
      confirmPage(res, {
        title: `Opt out ${formatPhone(lookup.e164)}?`,
        warning: 'Every registration that holds this number is opted out of SMS alerts. An opted-in patron gets the one opt-out confirmation text; a pending invitation is withdrawn without a text.',
        details: holders,
        action: '/staff/optout',
        cancelHref: '/staff/optout',
        confirmLabel: 'Opt out this number',
        hidden: [{ name: 'number', value: lookup.e164 }],
      })
    } catch (error) {
      if (!(error instanceof DomainError) || error.status !== 400) throw error
      res.status(422).render('staff/optout', { ...view, error: error.message })
    }
  })

  router.post('/staff/optout', async (req, res) => {
    const number = field(req.body, 'number').trim().slice(0, MAX_NUMBER_INPUT)
    if (field(req.body, 'confirm') !== 'yes') return res.redirect(303, `/staff/optout?${new URLSearchParams({ number })}`)
    const result = await records.optOutNumber(number, res.locals.staffUser as string)
    req.session.flash = `${formatPhone(result.e164)}: ${result.optedOut} registration${result.optedOut === 1 ? '' : 's'} opted out.`
    res.redirect(303, '/staff/optout')
  })

  // ---- configuration files -------------------------------------------------------------------

  router.get(STAFF_CONFIG_PATH, (req, res) => {
    res.render('staff/config', configOverviewPage(configEditor.files(), config.current().webOptions.timezone, takeFlash(req)))
  })

  const confName = (req: Request): ConfFileName | null => {
    const name = req.params.name
    return typeof name === 'string' && isConfFileName(name) ? name : null
  }

  router.get(`${STAFF_CONFIG_PATH}/:name`, (req, res, next) => {
    const name = confName(req)
    if (!name) return next('route')
    res.render('staff/configEdit', configEditorPage(configEditor.file(name)))
  })

  router.post(`${STAFF_CONFIG_PATH}/:name`, (req, res, next) => {
    const name = confName(req)
    if (!name) return next('route')
    const text = field(req.body, 'text')
    const result = configEditor.save(name, text, field(req.body, 'version'))
    switch (result.kind) {
      case 'saved':
        log.info({ staffUser: res.locals.staffUser, file: name }, 'config file saved from the staff console')
        req.session.flash = `${name} was saved and is in force now.${result.warnings.length > 0 ? ' It has warnings: see below.' : ''}`
        return res.redirect(303, STAFF_CONFIG_PATH)
      case 'invalid':
        return res.status(422).render('staff/configEdit', configEditorPage(configEditor.file(name), {
          text,
          errors: result.errors,
          problem: `Not saved: ${name} on the server is unchanged. Correct the lines below and save again.`,
        }))
      case 'conflict':
        return res.status(409).render('staff/configEdit', configEditorPage(configEditor.file(name), {
          problem: `Not saved: ${name} was changed by someone else while you were editing. This is the file as it is now; make your change again.`,
        }))
    }
  })

  return router
}
