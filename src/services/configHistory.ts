import type { ConfigSave } from '../store/schema.js'
import { CONF_FILE_NAMES, type ConfFileName } from './configEditorService.js'
import type { ServiceDeps } from './deps.js'

/** How many saves of each file the config page and `webpac config history` show. */
export const SAVES_SHOWN = 10

export interface FileSaves {
  file: ConfFileName
  /** Newest first. */
  saves: ConfigSave[]
}

// Who saved which config file when, from the staff console (issue 14): the record every node
// writes to the one database, read by the config page and the CLI.
export class ConfigHistory {
  constructor(private readonly deps: Pick<ServiceDeps, 'store'>) {}

  /** Each file's newest saves, in the order the config page lists the files. */
  recent(files: readonly ConfFileName[] = CONF_FILE_NAMES, limit = SAVES_SHOWN): Promise<FileSaves[]> {
    return this.deps.store.read(async ({ configSaves }) => {
      const result: FileSaves[] = []
      for (const file of files) result.push({ file, saves: await configSaves.recent(file, limit) })
      return result
    })
  }
}
