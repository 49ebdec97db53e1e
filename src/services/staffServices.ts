import type { ConfigSnapshot, ConfigPaths } from '../config/configSnapshot.js'
import type { ConfigWatcher } from '../config/watcher.js'
import type { Store } from '../store/store.js'
import type { ConsentService } from './consentService.js'
import { PatronSearchService } from './patronSearch.js'
import { StaffAuthService } from './staffAuth.js'
import { ConfigEditorService } from './staffConfig.js'
import { StaffConsoleService } from './staffConsole.js'

/** What the staff console (SPEC 6) needs: its login, patron search, records and actions, config files. */
export interface StaffServices {
  auth: StaffAuthService
  search: PatronSearchService
  console: StaffConsoleService
  configEditor: ConfigEditorService
}

export function buildStaffServices(deps: {
  store: Store
  consent: ConsentService
  watcher: ConfigWatcher
  paths: ConfigPaths
  clock: () => Date
}): StaffServices {
  const config = (): ConfigSnapshot => deps.watcher.current()
  return {
    auth: new StaffAuthService(deps.store, deps.clock),
    search: new PatronSearchService(deps.store, config),
    console: new StaffConsoleService(deps.store, deps.consent, config),
    configEditor: new ConfigEditorService(deps.paths, deps.watcher),
  }
}
