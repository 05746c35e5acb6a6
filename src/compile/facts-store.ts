/**
 * The facts of imported modules on disk, for the hosts that compile many files or run again:
 * the CLI (each worker of `--jobs`, and the next build), `smartasync/register` and the bundler
 * plugins. The module graph (core/analysis/module-graph.ts) asks it before parsing an imported
 * module; what it stores is checked there against what the facts were computed from.
 *
 * In the `facts` folder of the cache's folder (cache.ts: `SMARTASYNC_CACHE_DIR`, else
 * `node_modules/.cache/smartasync`, …; `SMARTASYNC_CACHE=0` turns it off), with its checks
 * (folders and files of this user's that nobody else may write). Two kinds of record:
 *
 * - a module's facts, keyed by a SHA-256 of its text, the graph's options and parser, the report
 *   root, its path and smartasync's build (stamp.ts: its version and a hash of its built code):
 *   an edit, or another smartasync, is a new key;
 * - a file's text hash, keyed by its stamp (path, modification and change times, size, inode):
 *   an unchanged file is not even read. A stamp younger than `RACY_MS` is not kept: a second
 *   write within the file system's clock tick could keep the stamp and change the text.
 */
import { createHash } from "node:crypto";
import type { FactsStore, StoredFacts } from "../core/analysis/module-graph.js";
import { useFactsStore } from "../core/analysis/module-graph.js";
import { type FileStamp, RACY_MS } from "../core/module-facts.js";
import { cacheDir, readRecord, writeRecord } from "./cache.js";
import { buildStamp } from "./stamp.js";

/** Bump when the facts' shape or the graph's rules change in a way the build stamp misses. */
const FACTS_VERSION = "facts1";

/** The folder below the cache's root that holds the facts (the compiled files are beside it). */
const AREA = "facts";

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/**
 * The store of one smartasync build (`stamp`, default this one's: stamp.ts): a module's facts
 * written by another build — another version, or the same version's code changed — are not read.
 */
export class DiskFactsStore implements FactsStore {
  constructor(private readonly stamp = buildStamp()) {}

  hash(text: string): string {
    return sha256(text);
  }

  private stampKey(path: string, st: FileStamp): string {
    return sha256(
      `${FACTS_VERSION}\0text\0${path}\0${st.mtimeMs}\0${st.ctimeMs}\0${st.size}\0${st.ino}\0${st.dev}`,
    );
  }

  /**
   * The stamp keys this thread has read or written, with their hash: a module's two phases
   * (shape and facts) share one stamp record, which is then written once, not once per phase,
   * and not again over the one just read.
   */
  private readonly stamps = new Map<string, string>();

  textHash(path: string, st: FileStamp): string | undefined {
    const key = this.stampKey(path, st);
    const known = this.stamps.get(key);
    if (known !== undefined) return known;
    const r = readRecord(key, AREA);
    if (typeof r?.h !== "string") return undefined;
    this.stamps.set(key, r.h);
    return r.h;
  }

  rememberText(path: string, st: FileStamp, hash: string): void {
    if (Date.now() - Math.max(st.mtimeMs, st.ctimeMs) < RACY_MS) return;
    const key = this.stampKey(path, st);
    if (this.stamps.get(key) === hash) return;
    this.stamps.set(key, hash);
    writeRecord(key, { key, h: hash }, AREA);
  }

  private fileKey(key: string): string {
    return sha256(`${FACTS_VERSION}\0${this.stamp}\0${key}`);
  }

  read(key: string): StoredFacts | undefined {
    const r = readRecord(this.fileKey(key), AREA);
    if (r?.v !== FACTS_VERSION || typeof r.facts !== "object" || !Array.isArray(r.deps)) return undefined;
    return { facts: r.facts as StoredFacts["facts"], deps: r.deps as StoredFacts["deps"] };
  }

  write(key: string, entry: StoredFacts): void {
    const k = this.fileKey(key);
    writeRecord(k, { key: k, v: FACTS_VERSION, facts: entry.facts, deps: entry.deps }, AREA);
  }
}

let enabled = false;

/**
 * Gives the module graphs of this thread the on-disk store, once; nothing when the cache is off.
 * A host calls it before its first compile.
 */
export function enableFactsStore(): void {
  if (enabled) return;
  enabled = true;
  if (cacheDir() === null) return;
  useFactsStore(new DiskFactsStore());
}
