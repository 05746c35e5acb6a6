/**
 * The on-disk cache is keyed on smartasync's build (src/compile/stamp.ts), not only on the files
 * it reads: facts written by one build are not read by another — another version, or the same
 * version with other code (a build installed from another commit keeps the version, and npm gives
 * every installed file the same modification time). Real files in a temporary folder: a dist/
 * with its package.json, named by the build script's own `writeBuildId`, and the real store.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiskFactsStore } from "../../src/compile/facts-store.js";
import { BUILD_ID_FILE, stampOf, writeBuildId } from "../../src/compile/stamp.js";
import type { StoredFacts } from "../../src/core/analysis/module-graph.js";
import { useTempCache } from "./temp-cache.js";

const dir = mkdtempSync(join(tmpdir(), "sa-build-stamp-"));
const pkg = join(dir, "smartasync");
const dist = join(pkg, "dist");
const rule = join(dist, "core", "rule.js");
let restore: (() => void) | undefined;

const entry: StoredFacts = {
  facts: { e: [["load", { name: "load", kind: "async", variant: "loadSync", from: "lib.js" }]], m: [] },
  deps: [],
};

/** Writes the package's version and a module's text, and names the build as the build script does. */
function build(version: string, code: string): string {
  writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "smartasync", version }));
  const old = statSync(rule, { throwIfNoEntry: false });
  writeFileSync(rule, code);
  // The same modification time as before: only the text tells the two builds apart.
  if (old) utimesSync(rule, old.atime, old.mtime);
  writeBuildId(dist);
  return stampOf(dist);
}

beforeAll(() => {
  restore = useTempCache(join(dir, "cache"));
  mkdirSync(join(dist, "core"), { recursive: true });
  mkdirSync(join(dist, "compile"), { recursive: true });
  writeFileSync(join(dist, "compile", "store.js"), "export const store = 1;\n");
});

afterAll(() => {
  restore?.();
  rmSync(dir, { recursive: true, force: true });
});

describe("the cache is keyed on smartasync's build", () => {
  it("facts written by one build are read by that build, not by another of the same version", () => {
    const first = build("1.0.0", "export const rule = 1;\n");
    new DiskFactsStore(first).write("module-key", entry);
    // Another process of the same build reads them (so the misses below are the key's doing).
    expect(new DiskFactsStore(first).read("module-key")).toEqual(entry);
    const second = build("1.0.0", "export const rule = 2;\n");
    expect(second).not.toBe(first);
    expect(new DiskFactsStore(second).read("module-key")).toBeUndefined();
    // …and what the second build writes is not read by the first.
    new DiskFactsStore(second).write("other-key", entry);
    expect(new DiskFactsStore(second).read("other-key")).toEqual(entry);
    expect(new DiskFactsStore(first).read("other-key")).toBeUndefined();
  });

  it("another version with the same code is another build", () => {
    const old = build("1.0.0", "export const rule = 3;\n");
    new DiskFactsStore(old).write("versioned", entry);
    expect(new DiskFactsStore(old).read("versioned")).toEqual(entry);
    const upgraded = build("1.1.0", "export const rule = 3;\n");
    expect(new DiskFactsStore(upgraded).read("versioned")).toBeUndefined();
  });

  it("the build id covers the modules that decide the cache, not the files beside them", () => {
    const named = build("1.0.0", "export const rule = 4;\n");
    writeFileSync(join(dist, "core", "rule.d.ts"), "export declare const rule: number;\n");
    writeFileSync(join(dist, "README.txt"), "not code\n");
    writeBuildId(dist);
    expect(stampOf(dist)).toBe(named);
    writeFileSync(join(dist, "compile", "store.js"), "export const store = 2;\n");
    writeBuildId(dist);
    expect(stampOf(dist)).not.toBe(named);
  });

  it("without a build id (sources run as they are) the modules' modification times name the build", () => {
    build("1.0.0", "export const rule = 5;\n");
    rmSync(join(dist, BUILD_ID_FILE));
    const first = stampOf(dist);
    const t = statSync(rule).mtime;
    const later = new Date(t.getTime() + 5000);
    utimesSync(rule, later, later);
    expect(stampOf(dist)).not.toBe(first);
  });
});
