/**
 * The on-disk cache of compiled files (`smartasync/register`'s module hooks and `smartasync/jest`):
 * one record per file, keyed by everything its output depends on (compile.ts, `cacheKey`), in the
 * cache folder of compile/cache.ts, with its checks (whose folder, no links followed, atomic
 * writes).
 */
import { readRecord, writeRecord } from "../compile/cache.js";
import type { Diagnostic } from "../core/diagnostics.js";

/** A warning as stored: what its line prints (register/warnings.ts). */
export type StoredWarning = Pick<Diagnostic, "code" | "message" | "loc">;

export interface Entry {
  /** The key this entry was written under (checked on read). */
  key: string;
  format: "module" | "commonjs";
  /** The compiled code, or `null` when smartasync changes nothing in this JavaScript file. */
  code: string | null;
  /**
   * The compile's warnings, printed again on every run that takes the entry: a warm start
   * shows what the cold one did.
   */
  warnings?: StoredWarning[];
}

// 2: entries carry their warnings (a version-1 entry, without them, would hide them).
const ENTRY_VERSION = 2;

/** The entry stored under `key`, or `undefined` (none, unreadable, corrupt, or another key's). */
export function readEntry(key: string): Entry | undefined {
  const e = readRecord(key) as (Entry & { v?: unknown }) | undefined;
  if (
    e === undefined ||
    e.v !== ENTRY_VERSION ||
    (e.format !== "module" && e.format !== "commonjs") ||
    (e.code !== null && typeof e.code !== "string") ||
    (e.warnings !== undefined && !validWarnings(e.warnings))
  ) {
    return undefined;
  }
  return { key, format: e.format, code: e.code, ...(e.warnings?.length ? { warnings: e.warnings } : {}) };
}

function validWarnings(ws: unknown): ws is StoredWarning[] {
  return (
    Array.isArray(ws) &&
    ws.every(
      (w: Partial<Record<keyof StoredWarning, unknown>> | null) =>
        typeof w === "object" &&
        w !== null &&
        typeof w.code === "string" &&
        typeof w.message === "string" &&
        typeof w.loc === "string",
    )
  );
}

/** Stores an entry; never throws (a read-only or full disk only costs the next compile). */
export function writeEntry(entry: Entry): void {
  writeRecord(entry.key, { v: ENTRY_VERSION, ...entry });
}
