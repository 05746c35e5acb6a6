/**
 * Temporary files smartasync writes and renames into place (build's out-dir, the cache's
 * records) carry the writing process's id in their name, so that a later run can tell one left
 * by a process killed between the write and the rename — its process is gone — from one a
 * process running now is about to rename.
 */

/** A temporary file this old is stale whoever wrote it: a write is over in far less. */
export const STALE_TEMP_MS = 10 * 60 * 1000;

/** No process with this id runs (one of another user's does: `kill` says EPERM, not ESRCH). */
export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as { code?: unknown }).code === "ESRCH";
  }
}

/** A temporary file of `pid` last written at `mtimeMs` that no running process will rename. */
export function abandoned(pid: number | undefined, mtimeMs: number, now = Date.now()): boolean {
  return now - mtimeMs > STALE_TEMP_MS || (pid !== undefined && processGone(pid));
}
