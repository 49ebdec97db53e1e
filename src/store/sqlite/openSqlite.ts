import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { type Migration, SQLITE_MIGRATIONS } from './migrations.js'

export type SqliteDatabase = Database.Database

// WAL lets readers go on while one writer commits; busy_timeout makes a second process
// (the CLI beside a running server) wait for the write lock instead of failing at once.
// synchronous = FULL: a commit is on the disk before we answer for it. With NORMAL the last
// commits live only in the OS page cache for up to ~30 s, and a power cut or a disk turning
// read-only loses them: a STOP or a webhook already answered 200 (readOnlyDisk.test.ts).
// SQLite's own page cache defaults to 2 MB; at 64 MB the indexes a library of a million
// patrons looks things up in stay in the process, so a webhook for a number nobody texted
// from lately does not wait on the disk (the OS may have dropped the file's pages).
export function openSqlite(file: string): SqliteDatabase {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  db.pragma('cache_size = -65536')
  migrate(db, SQLITE_MIGRATIONS)
  return db
}

function migrate(db: SqliteDatabase, migrations: readonly Migration[]): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`)
  const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[])
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
  const newlyApplied: number[] = []
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue
    // IMMEDIATE: two processes starting on a new file must not both apply the same version.
    db.transaction(() => {
      const already = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(migration.version)
      if (already) return
      db.exec(migration.sql)
      record.run(migration.version, migration.name, new Date().toISOString())
      newlyApplied.push(migration.version)
    }).immediate()
  }
  return newlyApplied
}
