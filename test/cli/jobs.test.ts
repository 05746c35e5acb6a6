/**
 * `build --jobs N` (the CLI's own pool, src/cli/pool.ts) writes byte for byte what `--jobs 1`
 * writes, on a small tree of real files shaped like the whole-project bench (one file in ten
 * annotated, two in ten calling one: bench/whole-project-tree.mjs), and so does a second build
 * that finds the imported modules' facts on disk.
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, ROOT, TMP } from "./helpers.js";

type MakeTree = (out: string, files: number) => { files: number };

function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, "utf8"));
    }
  };
  walk(dir);
  return out;
}

describe("build --jobs", () => {
  it("writes the same files with 1 and 3 jobs, cold and with the facts on disk", async () => {
    const { makeTree } = (await import(join(ROOT, "bench", "whole-project-tree.mjs"))) as {
      makeTree: MakeTree;
    };
    const base = join(TMP, "jobs");
    rmSync(base, { recursive: true, force: true });
    const src = join(base, "src");
    expect(makeTree(src, 120).files).toBe(120);
    const cache = join(base, "cache");
    const build = (out: string, jobs: string) => {
      const r = cli(
        ["build", "src", "--out-dir", out, "--compiler", "swc", "--jobs", jobs, "--no-declarations"],
        base,
        { SMARTASYNC_CACHE_DIR: cache, SMARTASYNC_CACHE: undefined },
      );
      expect(r.stderr).toBe("");
      expect(r.stdout).toMatch(
        /^smartasync build: 120 compiled, 0 copied → out\d \(120 files, 12 functions, 24 calls/,
      );
      expect(r.status).toBe(0);
      return files(join(base, out));
    };
    const one = build("out1", "1");
    rmSync(cache, { recursive: true, force: true });
    const three = build("out3", "3");
    const warm = build("out4", "3");
    // Each file and its map, and the package manifest (the annotated functions are exported).
    expect(one.size).toBe(241);
    expect(one.has("smartasync.manifest.json")).toBe(true);
    expect([...three.keys()].sort()).toEqual([...one.keys()].sort());
    for (const [file, text] of one) {
      expect(three.get(file), file).toBe(text);
      expect(warm.get(file), file).toBe(text);
    }
    // The annotated functions and their callers really were compiled.
    expect([...one.values()].some((t) => t.includes("saWholeStep0Sync"))).toBe(true);
  }, 120_000);
});
