/**
 * No harm: a file without annotations comes out byte-identical to Babel without the plugin, and
 * the plugin never throws on it — for generated programs and for real-world npm sources.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { plainProgram } from "./gen.js";
import { type BabelVersion, fcParams, LONG, ROOT, record, runs, SEED, thrown, transform } from "./helpers.js";

const VERSIONS: BabelVersion[] = [8, 7];

describe("no harm: generated programs without annotations", () => {
  for (const v of VERSIONS) {
    it(`Babel ${v}: byte-identical to Babel without the plugin, never throws`, () => {
      const params = fcParams(`no-harm generated (Babel ${v})`, v === 8 ? 200 : 60);
      let parsed = 0;
      fc.assert(
        fc.property(plainProgram, (src) => {
          const filename = join(ROOT, ".tmp/reliability/gen.mjs");
          let without: string;
          try {
            without = transform(src, v, { filename, plugin: false }).code;
          } catch {
            return; // Babel itself rejects it (e.g. a duplicate declaration): nothing to compare
          }
          parsed++;
          const withPlugin = transform(src, v, { filename }).code;
          expect(withPlugin).toBe(without);
        }),
        params,
      );
      record(`noHarm.generated.babel${v}`, { seed: SEED, runs: params.numRuns, parsedByBabel: parsed });
      expect(parsed).toBeGreaterThan(params.numRuns / 2);
    });
  }
});

/** Every .js/.mjs/.cjs/.ts/.mts file under node_modules (sorted, so the sample is stable). */
function corpusFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number): void => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name === ".bin" || e.name === ".cache" || depth > 12) continue;
        walk(p, depth + 1);
      } else if (e.isFile() && /\.(m|c)?(j|t)s$/.test(e.name)) out.push(p);
    }
  };
  walk(join(ROOT, "node_modules"), 0);
  return out;
}

/** Seeded Fisher–Yates sample. */
function sample<T>(xs: T[], n: number, seed: number): T[] {
  const a = [...xs];
  let s = seed >>> 0;
  const rnd = () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, n);
}

describe("no harm: real-world sources from node_modules", () => {
  it("byte-identical output under Babel 8 and Babel 7, never throws", () => {
    const all = corpusFiles();
    const want = LONG ? runs(400) : 250;
    const maxSize = LONG ? 1_000_000 : 150_000;
    const files = sample(all, Math.min(all.length, want * 2), SEED);
    const stats = {
      available: all.length,
      tried: 0,
      compared: 0,
      skippedBabelCannotParse: 0,
      skippedTooLarge: 0,
      skippedAnnotated: 0,
      babel7Compared: 0,
      bytes: 0,
    };
    const failures: string[] = [];
    // preset-typescript warns on declaration files ("not declared in Babel's scope tracker"):
    // the same with and without the plugin, so keep it out of the test output.
    const warn = console.warn;
    console.warn = () => {};
    try {
      for (const file of files) {
        if (stats.compared >= want) break;
        stats.tried++;
        const size = statSync(file).size;
        if (size > maxSize) {
          stats.skippedTooLarge++;
          continue;
        }
        const src = readFileSync(file, "utf8");
        if (/@smartasync(\s|\*\/|$)/m.test(src)) {
          stats.skippedAnnotated++;
          continue;
        }
        const ts = /\.(m|c)?ts$/.test(file);
        const sourceType = /\.c[jt]s$/.test(file)
          ? "script"
          : file.endsWith(".js")
            ? "unambiguous"
            : "module";
        // Babel versions compared in turn: Babel 8 on every file, Babel 7 on every fourth.
        const versions: BabelVersion[] = stats.compared % 4 === 0 ? [8, 7] : [8];
        let ok = false;
        for (const v of versions) {
          let without: string;
          try {
            without = transform(src, v, { filename: file, plugin: false, ts, sourceType }).code;
          } catch {
            if (v === 8) stats.skippedBabelCannotParse++;
            break;
          }
          let withPlugin = "";
          const err = thrown(() => {
            withPlugin = transform(src, v, { filename: file, ts, sourceType }).code;
          });
          if (err) failures.push(`${relative(ROOT, file)} (Babel ${v}): threw ${err.message.split("\n")[0]}`);
          else if (withPlugin !== without)
            failures.push(`${relative(ROOT, file)} (Babel ${v}): output differs`);
          if (v === 7) stats.babel7Compared++;
          ok = true;
        }
        if (ok) {
          stats.compared++;
          stats.bytes += size;
        }
      }
    } finally {
      console.warn = warn;
    }
    record("noHarm.corpus", { seed: SEED, ...stats, failures: failures.length });
    expect(failures).toEqual([]);
    expect(stats.compared).toBeGreaterThanOrEqual(Math.min(want, 100));
  });
});
