import { join } from 'node:path'

/** The portal as a library runs it: production mode, quiet logs, the shipped config files. */
export function productionEnv(root: string, dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    PORT: '0',
    DATA_DIR: dataDir,
    SESSION_SECRET: 'bench-session-secret-bench-session-secret',
    SMS_GATEWAY: 'simulator',
    MESSAGES_CONF: join(root, 'messages.conf'),
    WEB_OPTIONS: join(root, 'webpub.def'),
    LOG_LEVEL: 'warn',
    ...extra,
  }
}
