import { type RequestHandler, Router } from 'express'
import { DomainError } from '../../../services/errors.js'
import type { Services } from '../../../services/index.js'
import { bodyField, idParam, queryText } from '../../forms.js'
import { takeFlash } from '../../middleware/sessionLifecycle.js'
import {
  paths,
  staffDeleteMobilePath,
  staffDeletePatronPath,
  staffHistoryPath,
  staffOptOutLookupPath,
  staffRecordPath,
} from '../../paths.js'
import { deleteMobileConfirm, deletePatronConfirm, optOutConfirm } from '../../viewModels/staffConfirmView.js'
import { nobodyHoldsError, optedOutNotice, optOutPage } from '../../viewModels/staffOptOutView.js'
import { historyPage, recordPage } from '../../viewModels/staffRecordView.js'
import { searchView } from '../../viewModels/staffSearchView.js'

const MAX_NUMBER_INPUT = 40
const MAX_BARCODE_INPUT = 64

// A path whose :id is not a record id names no patron: the next route (or the 404) answers.
const patronIdParam: RequestHandler = (req, res, next) => {
  const patronId = idParam(req.params.id)
  if (patronId === null) return next('route')
  res.locals.patronId = patronId
  next()
}

// SPEC 4.8, 6: finding a patron, their record and consent history, and the actions on them.
// Each action is a confirmation page first (GET), then the change (POST with confirm=yes).
export function staffRecordRoutes({ staff, config, clock }: Pick<Services, 'staff' | 'config' | 'clock'>): Router {
  const router = Router()
  const { search, console: records } = staff

  router.get(paths.staff.home, async (req, res) => {
    const query = queryText(req.query.q)
    const page = Number(queryText(req.query.page) || '1')
    const result = query.trim() === '' ? null : await search.search(query, page)
    res.render('staff/search', searchView(result, config.current().messages, takeFlash(req)))
  })

  router.get(paths.staff.record, patronIdParam, async (req, res) => {
    const record = await records.patronRecord(res.locals.patronId)
    res.render('staff/record', recordPage(record, config.current(), clock(), takeFlash(req)))
  })

  router.get(paths.staff.history, async (req, res) => {
    const barcode = queryText(req.query.barcode).trim().slice(0, MAX_BARCODE_INPUT)
    const found = barcode === '' ? { patron: null, events: [] } : await records.historyForBarcode(barcode)
    res.render('staff/history', historyPage(barcode, found, config.current(), takeFlash(req)))
  })

  router.get(paths.staff.deletePatron, patronIdParam, async (_req, res) => {
    const { patron, status } = await records.patronRecord(res.locals.patronId)
    res.render('staff/confirm', deletePatronConfirm(patron, status, config.current().messages))
  })

  router.post(paths.staff.deletePatron, patronIdParam, async (req, res) => {
    const { patronId, staffUser } = res.locals
    if (bodyField(req.body, 'confirm') !== 'yes') return res.redirect(303, staffDeletePatronPath(patronId))
    const patron = await records.deletePatron(patronId, staffUser)
    const deleted = `Patron ${patron.barcode} (${patron.name}) was deleted and silently opted out of SMS.`
    req.session.flash = `${deleted} The consent history below is kept.`
    res.redirect(303, staffHistoryPath(patron.barcode))
  })

  router.get(paths.staff.deleteMobile, patronIdParam, async (_req, res) => {
    const { patron } = await records.patronRecord(res.locals.patronId)
    res.render('staff/confirm', deleteMobileConfirm(patron))
  })

  router.post(paths.staff.deleteMobile, patronIdParam, async (req, res) => {
    const { patronId, staffUser } = res.locals
    if (bodyField(req.body, 'confirm') !== 'yes') return res.redirect(303, staffDeleteMobilePath(patronId))
    await records.deleteMobile(patronId, staffUser)
    req.session.flash = 'The MOBILE PH field was deleted; the patron is not opted in to SMS.'
    res.redirect(303, staffRecordPath(patronId))
  })

  router.get(paths.staff.optOut, async (req, res) => {
    const number = queryText(req.query.number).trim().slice(0, MAX_NUMBER_INPUT)
    const form = { offered: records.staffOptOutOffered(), number, notice: takeFlash(req) }
    if (!form.offered || number === '') return res.render('staff/optout', optOutPage(form))
    try {
      const lookup = await records.lookUpNumber(number)
      if (lookup.holders.length === 0) return res.render('staff/optout', optOutPage({ ...form, error: nobodyHoldsError(lookup.e164) }))
      res.render('staff/confirm', optOutConfirm(lookup, config.current().messages))
    } catch (error) {
      if (!(error instanceof DomainError) || error.status !== 400) throw error
      res.status(422).render('staff/optout', optOutPage({ ...form, error: error.message }))
    }
  })

  router.post(paths.staff.optOut, async (req, res) => {
    const number = bodyField(req.body, 'number').trim().slice(0, MAX_NUMBER_INPUT)
    if (bodyField(req.body, 'confirm') !== 'yes') return res.redirect(303, staffOptOutLookupPath(number))
    const result = await records.optOutNumber(number, res.locals.staffUser)
    req.session.flash = optedOutNotice(result)
    res.redirect(303, paths.staff.optOut)
  })

  return router
}
