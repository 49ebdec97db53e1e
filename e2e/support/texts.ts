import { join } from 'node:path'
import { type ConfigSnapshot, readConfig } from '../../src/config/configSnapshot.js'
import { smsText, termsText } from '../../src/services/smsTexts.js'
import { repoRoot } from './portal.js'

// The texts the portal is expected to show and send, computed from the repository's own
// messages.conf and webpub.def the way the portal computes them, so an admin's edit of a
// text does not break a test that only cares that the right message went out.
function repoSnapshot(): ConfigSnapshot {
  const { snapshot } = readConfig({ messagesConf: join(repoRoot, 'messages.conf'), webOptions: join(repoRoot, 'webpub.def') })
  if (!snapshot) throw new Error('the repository config files have errors')
  return snapshot
}

export const config = repoSnapshot()
export const messages = config.messages
export const webOptions = config.webOptions

export const texts = {
  invitation: smsText(config, 'invitation', ''),
  confirmation: smsText(config, 'confirmation', ''),
  optout: smsText(config, 'optout', ''),
  help: smsText(config, 'help', ''),
  terms: termsText(config),
}

/** For matching a configured text inside a longer one. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
