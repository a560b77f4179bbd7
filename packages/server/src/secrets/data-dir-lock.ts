/**
 * One server per DATA_DIR. Two embedded servers on one DATA_DIR would each open the same PGlite
 * files, see only their own writes, and lose one server's clients and audit events at the next
 * restart. So `npm start` takes an exclusive lock on DATA_DIR/portcullis.lock before it opens
 * anything there and holds it until the process ends; a second process exits at once, naming
 * the holder (pid and start time, read from the lock file).
 *
 * Why an operating-system lock (fs-native-extensions: open-file-description `fcntl` locks on
 * Linux, `flock` on macOS, `LockFileEx` on Windows; prebuilt binaries in the package) rather
 * than a pid file or proper-lockfile: the kernel drops the lock whenever the process ends, a
 * `kill -9` or a crash included, so a lock left behind can never block the next start and no
 * guess about staleness is needed. A pid file must guess whether its pid is still ours (pids are
 * reused); proper-lockfile judges staleness by an mtime it refreshes on a timer, so right after a
 * `kill -9` it still reports the directory as locked for its stale period, and a long pause of
 * the event loop makes it declare its own lock compromised. The file's content is only for the
 * message; the lock is what counts, and the file stays in place after a stop (removing it would
 * let a process that opened it just before lock a file nobody else sees).
 */
import { closeSync, constants, fstatSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { LOCK_FILE_NAME } from '@portcullis/contract';
import { refuseUnsafeDataDir } from './data-dir.js';

interface NativeLocks {
  tryLock(fd: number): boolean;
  unlock(fd: number): void;
}
// A CommonJS package without type declarations: loaded through require, typed here.
const native = createRequire(import.meta.url)('fs-native-extensions') as NativeLocks;

export interface LockHolder {
  pid?: number;
  startedAt?: string;
}

export class DataDirInUseError extends Error {
  constructor(readonly dataDir: string, readonly holder: LockHolder) {
    const who = holder.pid === undefined ? 'another process' : `another Portcullis (pid ${holder.pid}${holder.startedAt ? `, started ${holder.startedAt}` : ''})`;
    super(`DATA_DIR ${dataDir} is in use by ${who}; stop it first, or give this one its own DATA_DIR`);
    this.name = 'DataDirInUseError';
  }
}

export interface DataDirLock {
  release(): void;
}

export function lockDataDir(dataDir: string, now: Date = new Date()): DataDirLock {
  refuseUnsafeDataDir(dataDir); // nothing is written to a directory that is refused
  const file = path.join(dataDir, LOCK_FILE_NAME);
  const fd = openLockFile(file);
  let locked = false;
  try {
    refuseForeignLockFile(file, fd);
    locked = native.tryLock(fd);
  } finally {
    if (!locked) closeSync(fd);
  }
  if (!locked) throw new DataDirInUseError(dataDir, readHolder(file));
  ftruncateSync(fd, 0);
  writeSync(fd, `${JSON.stringify({ pid: process.pid, startedAt: now.toISOString() })}\n`, 0);
  return {
    release() {
      native.unlock(fd);
      closeSync(fd);
    },
  };
}

/**
 * The lock file is written through (truncated, then our pid), so it must be the file it seems:
 * never followed through a symbolic link (O_NOFOLLOW: a planted link to another file of ours
 * would be truncated), and, once open, a regular file of our own with no second name (a hard
 * link to another file of ours would be truncated all the same).
 */
function openLockFile(file: string): number {
  try {
    return openSync(file, constants.O_RDWR | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0), 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new Error(`${file} is a symbolic link; remove it (Portcullis makes its own lock file there)`);
    throw error;
  }
}

function refuseForeignLockFile(file: string, fd: number): void {
  const found = fstatSync(fd);
  const uid = process.getuid?.();
  if (!found.isFile()) throw new Error(`${file} is not a regular file; remove it (Portcullis makes its own lock file there)`);
  if (uid !== undefined && found.uid !== uid) throw new Error(`${file} belongs to another user (uid ${found.uid}); remove it`);
  if (found.nlink !== 1) throw new Error(`${file} has other names (hard links); remove it (Portcullis makes its own lock file there)`);
}

/** What the holder wrote; empty when it has not written yet (it locks first, then writes). */
function readHolder(file: string): LockHolder {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return {};
    const { pid, startedAt } = parsed as Record<string, unknown>;
    return { pid: typeof pid === 'number' ? pid : undefined, startedAt: typeof startedAt === 'string' ? startedAt : undefined };
  } catch {
    return {};
  }
}
