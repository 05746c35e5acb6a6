/**
 * smartasync's on-disk cache folder and its records: one JSON file per record, named by its key
 * (a SHA-256 of what the record was computed from), so a record never needs invalidating: a
 * changed input is a different key. Writes go to a temporary file renamed into place, so a
 * concurrent process reads a whole record or none (one a killed process left is removed by a
 * later write into its folder); a record that does not parse, or names another
 * key, is ignored and written again. Its users: the compiled files of `smartasync/register` and
 * `smartasync/jest` (register/cache.ts, at the folder's top), and the facts of imported modules
 * of every host that keeps them (facts-store.ts, in the `facts` folder below it).
 *
 * Where: `SMARTASYNC_CACHE_DIR` if set; else `node_modules/.cache/smartasync` in the nearest
 * folder above the working directory that has a `node_modules`; else
 * `$XDG_CACHE_HOME/smartasync` (default `~/.cache/smartasync`). `SMARTASYNC_CACHE=0` turns the
 * cache off. Clearing it is deleting that folder.
 */
import { randomBytes } from "node:crypto";
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  type Stats,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { escapeControls } from "../core/escape.js";
import { abandoned } from "./stale-temps.js";

let dir: string | null | undefined;

function isDir(p: string): boolean {
  return statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/** The cache folder, or `null` when the cache is off. */
export function cacheDir(): string | null {
  if (dir === undefined) dir = findCacheDir();
  return dir;
}

function findCacheDir(): string | null {
  const off = process.env.SMARTASYNC_CACHE;
  if (off === "0" || off === "false") return null;
  const explicit = process.env.SMARTASYNC_CACHE_DIR;
  if (explicit) return resolve(explicit);
  for (let d = process.cwd(); ; d = dirname(d)) {
    if (isDir(join(d, "node_modules"))) return join(d, "node_modules", ".cache", "smartasync");
    if (dirname(d) === d) break;
  }
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg ? resolve(xdg) : join(homedir(), ".cache"), "smartasync");
}

/**
 * A record (for register, code this process will run) is used only where nobody else could have
 * written it: a file owned by this user that neither group nor others may write (security review: a cache
 * folder chosen from the working directory, or a shared SMARTASYNC_CACHE_DIR, let another local
 * user plant an entry). Where the platform has no owners (Windows), the check is skipped.
 */
function ownedByMe(path: string): boolean {
  return mine(statSync(path, { throwIfNoEntry: false }));
}

function mine(st: Stats | undefined): boolean {
  if (st === undefined) return false;
  if (typeof process.getuid !== "function") return true;
  return st.uid === process.getuid() && (st.mode & 0o022) === 0;
}

/**
 * The cache root is used only when it is this user's own folder that neither group nor others
 * may write (checked once per process, where it exists): in somebody else's folder, or one
 * anybody may write, another user could replace a shard folder by a link and have this
 * process write its entries wherever the link leads (security review). Otherwise the cache is
 * off for the process, with one note on stderr saying why. The root itself may be a link the
 * user made (followed); what lies below it is never followed (see shardDir).
 */
let rootChecked = false;

function rootUsable(root: string): boolean {
  if (rootChecked) return dir !== null;
  const st = statSync(root, { throwIfNoEntry: false });
  if (st === undefined) return true; // made by writeRecord (0700), checked then
  rootChecked = true;
  if (st.isDirectory() && mine(st)) return true;
  dir = null;
  process.stderr.write(
    `smartasync: not using the compile cache ${escapeControls(JSON.stringify(root))}: it is ${st.isDirectory() ? "a folder another user owns or group or others may write" : "not a folder"}; compiling without a cache (point SMARTASYNC_CACHE_DIR at a folder of your own, or set SMARTASYNC_CACHE=0)\n`,
  );
  return false;
}

/**
 * A shard folder is used only when it is a real folder (not a symbolic link) of this user's
 * that neither group nor others may write: a link planted there would have the entry written
 * outside the cache, and `build` never writes through a folder link either.
 */
function shardUsable(shard: string): boolean {
  const st = lstatSync(shard, { throwIfNoEntry: false });
  return st?.isDirectory() === true && mine(st);
}

/** For tests: read the environment again. */
export function resetCacheDir(): void {
  dir = undefined;
  rootChecked = false;
}

function entryPath(root: string, key: string, area?: string): string {
  return join(area === undefined ? root : join(root, area), key.slice(0, 2), `${key.slice(2)}.json`);
}

/**
 * The JSON record stored under `key` (a hex hash), from a folder and file of this user's that
 * nobody else may write, or `undefined`. `area`: a folder of its own below the root (the facts of
 * imported modules, facts-store.ts); the records of each user say their own `v`.
 */
export function readRecord(key: string, area?: string): Record<string, unknown> | undefined {
  const root = cacheDir();
  if (root === null) return undefined;
  if (!rootUsable(root)) return undefined;
  const path = entryPath(root, key, area);
  if (area !== undefined && !shardUsable(join(root, area))) return undefined;
  if (!shardUsable(dirname(path)) || !ownedByMe(path)) return undefined;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  try {
    const e = JSON.parse(text) as unknown;
    return typeof e === "object" && e !== null && !Array.isArray(e) && (e as { key?: unknown }).key === key
      ? (e as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined; // corrupt (a disk full, a hand edit): made again and rewritten
  }
}

/** Shard folders swept for abandoned temporary files by this thread (once each). */
const swept = new Set<string>();
/** A record's temporary name: `<key rest>.json.<pid>.<12 hex>.tmp` (writeRecord). */
const TEMP_NAME = /^[0-9a-f]+\.json\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/**
 * Removes from a shard folder, the first time this thread writes into it, the temporary files a
 * process killed between writing a record and renaming it left there (its process gone, or the
 * file long abandoned: stale-temps.ts). A temporary file of this process's id is left alone:
 * another thread of it (a `--jobs` worker) may be about to rename it. Only names of exactly that
 * form are looked at; the folder is this user's (shardUsable).
 */
function sweepShard(shard: string): void {
  if (swept.has(shard)) return;
  swept.add(shard);
  const now = Date.now();
  let names: string[];
  try {
    names = readdirSync(shard);
  } catch {
    return; // not listable: the write goes on, nothing swept
  }
  for (const name of names) {
    const m = name.endsWith(".tmp") ? TEMP_NAME.exec(name) : null;
    if (!m || Number(m[1]) === process.pid) continue;
    const p = join(shard, name);
    const st = lstatSync(p, { throwIfNoEntry: false });
    if (!st?.isFile() || !abandoned(Number(m[1]), st.mtimeMs, now)) continue;
    try {
      unlinkSync(p);
    } catch {
      // gone meanwhile: another process swept it
    }
  }
}

/** Where a thread's records go instead of its own writes (see `delegateRecordWrites`). */
export type RecordWriter = (
  key: string,
  record: Record<string, unknown> & { key: string },
  area?: string,
) => void;

let delegate: RecordWriter | undefined;

/**
 * Hands this thread's record writes to `writer` (undefined: back to writing them here). A worker
 * of the CLI's pool (cli/pool-worker.ts) sends them to the CLI's thread, which writes every file
 * of a build, records and outputs, one at a time: on this machine's file system two threads
 * creating files at once took 1.3–1.8× the time one thread took for them all
 * (docs/cli.md, "Parallelism"). The record is the same; only the thread that writes it differs.
 */
export function delegateRecordWrites(writer: RecordWriter | undefined): void {
  delegate = writer;
}

/** Stores a JSON record under `key` (a hex hash, which it holds as `key`); never throws. */
export function writeRecord(
  key: string,
  record: Record<string, unknown> & { key: string },
  area?: string,
): void {
  const root = cacheDir();
  if (root === null) return;
  if (delegate !== undefined) {
    delegate(key, record, area);
    return;
  }
  const path = entryPath(root, key, area);
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    // Folders only this user can list and write; entries readable, writable by the owner only.
    mkdirSync(root, { recursive: true, mode: 0o700 });
    if (!rootUsable(root)) return;
    rootChecked = true;
    if (area !== undefined) {
      // A folder of its own below the root (the facts of imported modules), checked like a shard.
      try {
        mkdirSync(join(root, area), { mode: 0o700 });
      } catch {
        // it exists (or cannot be made): checked next
      }
      if (!shardUsable(join(root, area))) return;
    }
    try {
      mkdirSync(dirname(path), { mode: 0o700 });
    } catch {
      // it exists (or cannot be made): checked next
    }
    if (!shardUsable(dirname(path))) return;
    sweepShard(dirname(path));
    // `wx`: never through a file planted under the temporary name.
    writeFileSync(tmp, JSON.stringify(record), { mode: 0o600, flag: "wx" });
    renameSync(tmp, path);
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
  }
}
