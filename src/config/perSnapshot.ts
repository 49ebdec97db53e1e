import type { ConfigSnapshot } from './configSnapshot.js'

/**
 * A value that only the config decides, computed once per config snapshot instead of per request.
 * A reload makes a new snapshot (never edits one), so the next call computes it afresh.
 */
export function perSnapshot<T>(derive: (config: ConfigSnapshot) => T): (config: ConfigSnapshot) => T {
  const values = new WeakMap<ConfigSnapshot, { value: T }>()
  return (config) => {
    let entry = values.get(config)
    if (!entry) {
      entry = { value: derive(config) }
      values.set(config, entry)
    }
    return entry.value
  }
}
