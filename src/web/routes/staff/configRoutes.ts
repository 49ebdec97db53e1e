import express, { type RequestHandler, Router } from 'express'
import { type ConfFileName, isConfFileName } from '../../../services/configEditorService.js'
import type { Services } from '../../../services/index.js'
import { bodyField } from '../../forms.js'
import { requireStaff } from '../../middleware/requireStaff.js'
import { takeFlash } from '../../middleware/sessionLifecycle.js'
import { paths } from '../../paths.js'
import { configEditorPage, configOverviewPage } from '../../viewModels/staffConfigView.js'

/**
 * The config editor posts whole files, far over the 16 KB every other form is held to. Mounted on
 * paths.staff.config after the session and before the CSRF check: the staff check comes first, so
 * a visitor's body is never read (issue 10 finding 10), then the body, which holds the CSRF token.
 */
export function staffConfigBody(): RequestHandler[] {
  return [requireStaff, express.urlencoded({ extended: false, limit: '512kb', parameterLimit: 10 })]
}

// The config editor's path and everything under it, matched as Express mounts it (case-insensitively).
const STAFF_CONFIG_PATHS = new RegExp(`^${paths.staff.config}(?:/|$)`, 'i')

/** Wraps a general body parser so that it leaves the config editor's bodies to staffConfigBody(). */
export function exceptStaffConfig(parser: RequestHandler): RequestHandler {
  return (req, res, next) => (STAFF_CONFIG_PATHS.test(req.path) ? next() : parser(req, res, next))
}

function confName(name: unknown): ConfFileName | null {
  return typeof name === 'string' && isConfFileName(name) ? name : null
}

// SPEC 6: messages.conf and webpub.def, edited in the browser; a file with errors is never saved.
// Every save is recorded with the staff user's name and shown on the page (issue 14).
export function staffConfigRoutes({ staff, config, log }: Pick<Services, 'staff' | 'config' | 'log'>): Router {
  const router = Router()
  const { configEditor, configHistory } = staff

  router.get(paths.staff.config, async (req, res) => {
    const history = await configHistory.recent()
    res.render('staff/config', configOverviewPage(configEditor.files(), history, config.current().webOptions.timezone, takeFlash(req)))
  })

  router.get(paths.staff.configFile, (req, res, next) => {
    const name = confName(req.params.name)
    if (!name) return next('route')
    res.render('staff/configEdit', configEditorPage(configEditor.file(name)))
  })

  router.post(paths.staff.configFile, async (req, res, next) => {
    const name = confName(req.params.name)
    if (!name) return next('route')
    const text = bodyField(req.body, 'text')
    const result = await configEditor.save(name, text, bodyField(req.body, 'version'), res.locals.staffUser)
    switch (result.kind) {
      case 'saved':
        log.info({ staffUser: res.locals.staffUser, file: name }, 'config file saved from the staff console')
        req.session.flash = `${name} was saved and is in force now.${result.warnings.length > 0 ? ' It has warnings: see below.' : ''}`
        return res.redirect(303, paths.staff.config)
      case 'invalid':
        return res.status(422).render(
          'staff/configEdit',
          configEditorPage(configEditor.file(name), {
            text,
            errors: result.errors,
            problem: `Not saved: ${name} on the server is unchanged. Correct the lines below and save again.`,
          }),
        )
      case 'conflict':
        return res.status(409).render(
          'staff/configEdit',
          configEditorPage(configEditor.file(name), {
            problem:
              `Not saved: ${name} was changed by someone else while you were editing. ` +
              'This is the file as it is now; make your change again.',
          }),
        )
      case 'unwritable':
        log.error({ staffUser: res.locals.staffUser, file: name, reason: result.reason }, 'config file could not be saved')
        return res.status(503).render(
          'staff/configEdit',
          configEditorPage(configEditor.file(name), {
            text,
            problem: `Not saved: ${name} could not be written on the server (${result.reason}). The file is unchanged; try again later.`,
          }),
        )
    }
  })

  return router
}
