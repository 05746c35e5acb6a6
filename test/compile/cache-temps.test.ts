/**
 * The cache's records are written to a temporary file renamed into place (src/compile/cache.ts);
 * a process killed in between leaves it. The first write of a thread into a shard folder removes
 * those whose process is gone (a real process that ran and ended), and only those: a running
 * process's, this process's own (another thread of it may be about to rename it) and any other
 * name stay.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readRecord, writeRecord } from "../../src/compile/cache.js";
import { useTempCache } from "./temp-cache.js";

const dir = mkdtempSync(join(tmpdir(), "sa-cache-temps-"));
let restore: (() => void) | undefined;

afterAll(() => {
  restore?.();
  rmSync(dir, { recursive: true, force: true });
});

describe("the cache's temporary files", () => {
  it("a write into a shard removes those of processes that are gone, nothing else", () => {
    restore = useTempCache(join(dir, "cache"));
    const shard = join(dir, "cache", "facts", "ab");
    mkdirSync(shard, { recursive: true, mode: 0o700 });
    // A process that ran and ended: its id names no process now.
    const ended = spawnSync(process.execPath, ["-e", "0"]);
    expect(ended.status).toBe(0);
    const gone = `cdef.json.${ended.pid}.0123456789ab.tmp`;
    const kept = [
      `cdef.json.${process.ppid}.0123456789ab.tmp`, // the process that started this one: running
      `cdef.json.${process.pid}.0123456789ab.tmp`, // this process's own
      "notes.tmp",
      `cdef.json.${ended.pid}.tmp`,
    ];
    for (const f of [gone, ...kept]) writeFileSync(join(shard, f), "{", { mode: 0o600 });
    const key = `ab${"0".repeat(62)}`;
    writeRecord(key, { key, v: 1 }, "facts");
    expect(readRecord(key, "facts")).toEqual({ key, v: 1 });
    expect(readdirSync(shard).sort()).toEqual([...kept, `${key.slice(2)}.json`].sort());
  });
});
