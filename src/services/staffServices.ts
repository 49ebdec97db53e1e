import type { ConfigPaths } from '../config/configSnapshot.js'
import type { ConfigWatcher } from '../config/configWatcher.js'
import { ConfigEditorService } from './configEditorService.js'
import { ConfigHistory } from './configHistory.js'
import type { ServiceDeps } from './deps.js'
import { PatronSearchService } from './patronSearchService.js'
import type { PatronSmsView } from './patronSmsView.js'
import type { StaffActions } from './staffActions.js'
import { StaffAuthService } from './staffAuthService.js'
import { StaffConsoleService } from './staffConsoleService.js'

/** What the staff console (SPEC 6) needs: its login, patron search, records and actions, config files and their history. */
export interface StaffServices {
  auth: StaffAuthService
  search: PatronSearchService
  console: StaffConsoleService
  configEditor: ConfigEditorService
  /** Who saved which config file when (issue 14). */
  configHistory: ConfigHistory
}

export function buildStaffServices(
  deps: Pick<ServiceDeps, 'store' | 'config' | 'clock' | 'log' | 'metrics'> & {
    patronSmsView: PatronSmsView
    actions: StaffActions
    watcher: ConfigWatcher
    paths: ConfigPaths
  },
): StaffServices {
  return {
    auth: new StaffAuthService(deps),
    search: new PatronSearchService(deps),
    console: new StaffConsoleService(deps),
    configEditor: new ConfigEditorService(deps),
    configHistory: new ConfigHistory(deps),
  }
}
