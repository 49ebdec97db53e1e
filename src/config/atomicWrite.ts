import { randomBytes } from 'node:crypto'
import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'

// Readers (the watcher, another portal node) never see a half-written file: rename is atomic
export function writeConfFileAtomically(path: string, content: string | Uint8Array): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  const fd = openSync(temp, 'wx', existingMode(path))
  try {
    writeFileSync(fd, content)
    fsyncSync(fd)
  } catch (err) {
    closeSync(fd)
    unlinkSync(temp)
    throw err
  }
  closeSync(fd)
  try {
    renameSync(temp, path)
  } catch (err) {
    unlinkSync(temp)
    throw err
  }
  fsyncDirectory(dirname(path))
}

function existingMode(path: string): number {
  try {
    return statSync(path).mode & 0o777
  } catch {
    return 0o644
  }
}

function fsyncDirectory(dir: string): void {
  let fd: number | null = null
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  } catch {
    // Some platforms cannot fsync a directory; the rename itself has already happened
  } finally {
    if (fd !== null) closeSync(fd)
  }
}
