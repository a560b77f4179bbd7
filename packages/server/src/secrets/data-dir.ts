/**
 * DATA_DIR holds embedded mode's secrets (secrets.json) and its database (PGlite, whose file
 * layer creates every file 0666 whatever the umask). Only the directory's own mode keeps other
 * users out, so it is checked at every start, not only when the server creates it:
 * - ours (owned by this process's user) and open to group or others in any way: made 0700, and
 *   the change is logged; except a directory with the sticky bit, which is shared on purpose
 *   (/tmp, run as root): it is refused, never narrowed, since making it 0700 would break every
 *   other program that uses it;
 * - someone else's and writable by group or others: refused, naming DATA_DIR, since whoever can
 *   write there can swap the secrets or the database under us;
 * - missing: created 0700.
 * Platforms without POSIX owners (Windows) skip the check.
 */
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../observability/logger.js';

export type DataDirVerdict = { action: 'ok' } | { action: 'tighten' } | { action: 'refuse'; reason: string };

/** What to do about a directory with this owner and mode, for a process running as `uid`. */
export function judgeDataDir(dir: { uid: number; mode: number }, uid: number): DataDirVerdict {
  const permissions = dir.mode & 0o777;
  if (dir.uid === uid) {
    if (dir.mode & 0o1000) return { action: 'refuse', reason: `it is a shared directory (sticky bit, mode ${(dir.mode & 0o7777).toString(8)}), as /tmp is; give Portcullis a directory of its own inside it` };
    return permissions & 0o077 ? { action: 'tighten' } : { action: 'ok' };
  }
  if (permissions & 0o022) {
    const who = [permissions & 0o020 ? 'its group' : '', permissions & 0o002 ? 'every user' : ''].filter(Boolean).join(' and ');
    return { action: 'refuse', reason: `it belongs to another user (uid ${dir.uid}) and ${who} can write to it (mode ${permissions.toString(8).padStart(4, '0')})` };
  }
  return { action: 'ok' };
}

/** Directories this process made 0700 before its logger existed, with their previous mode. */
const tightenedEarlier = new Map<string, string>();

/**
 * Creates DATA_DIR when missing, refuses one that must not be used, and makes one of ours 0700,
 * before anything is opened there (the DATA_DIR lock calls it first): another user must never
 * get a window to plant a link for the lock file or admin.json. secureDataDir logs the change.
 */
export function refuseUnsafeDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const uid = process.getuid?.();
  if (uid === undefined) return;
  const found = statSync(dataDir);
  if (!found.isDirectory()) throw new Error(`DATA_DIR ${dataDir} is not a directory`);
  const verdict = judgeDataDir(found, uid);
  if (verdict.action === 'refuse') {
    throw new Error(`DATA_DIR ${dataDir} is not safe for secrets: ${verdict.reason}. Use a directory of your own, or make it 0700.`);
  }
  if (verdict.action === 'tighten') {
    chmodSync(dataDir, 0o700);
    tightenedEarlier.set(path.resolve(dataDir), (found.mode & 0o777).toString(8).padStart(4, '0'));
  }
}

export function secureDataDir(dataDir: string, logger: Logger): Promise<void> {
  refuseUnsafeDataDir(dataDir);
  const key = path.resolve(dataDir);
  const previousMode = tightenedEarlier.get(key);
  tightenedEarlier.delete(key);
  if (previousMode !== undefined) logger.warn('DATA_DIR was open to other users; it is now 0700', { dataDir, previousMode });
  return Promise.resolve();
}
