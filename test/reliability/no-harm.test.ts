/**
 * No harm: a file without annotations comes out byte-identical to Babel without the plugin, and
 * the plugin never throws on it — for generated programs and for real-world npm sources. The same
 * through `smartasync/swc`: byte-identical `code` and `map` to plain `@swc/core` with the same
 * options, and the same error where SWC itself refuses the file.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { Options as SwcOptions } from "@swc/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parserFor } from "../../src/swc-plugin/engine.js";
import { plainProgram } from "./gen.js";
import {
  type BabelVersion,
  fcParams,
  LONG,
  ROOT,
  record,
  runs,
  SEED,
  type SwcResult,
  swcErrorText,
  thrown,
  transform,
  transformSwc,
} from "./helpers.js";

const VERSIONS: BabelVersion[] = [8, 7];

// Time limits: finite, and far from what a loaded machine needs. Measured at load average 5 on
// the 2 cores (2026-12-05): generated programs 2-4 s a test, the Babel corpus 36 s, the SWC corpus
// 11 s (more when run alone: it then parses the sample with Babel first); at load 16, 10 s, 67 s
// and 24 s. At load 20 the corpus ran past the 60 s default, so each test has several times its
// loaded time.
// Nothing here depends on time otherwise: the tests compare outputs only.
const GENERATED_MS = 180_000;
const CORPUS_MS = 600_000;
const SWC_CORPUS_MS = 300_000;

describe("no harm: generated programs without annotations", () => {
  for (const v of VERSIONS) {
    it(
      `Babel ${v}: byte-identical to Babel without the plugin, never throws`,
      () => {
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
      },
      GENERATED_MS,
    );
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

/** The corpus sample both compilers walk: the same files, in the same order, with the same caps. */
function corpus(): { all: string[]; files: string[]; want: number; maxSize: number } {
  const all = corpusFiles();
  const want = LONG ? runs(400) : 250;
  const maxSize = LONG ? 1_000_000 : 150_000;
  return { all, files: sample(all, Math.min(all.length, want * 2), SEED), want, maxSize };
}

const isAnnotated = (src: string): boolean => /@smartasync(\s|\*\/|$)/m.test(src);

/** Filled by the Babel corpus test: the files it compared, which the SWC corpus test compares too. */
let babelCompared: string[] | undefined;

describe("no harm: real-world sources from node_modules", () => {
  it(
    "byte-identical output under Babel 8 and Babel 7, never throws",
    () => {
      const { all, files, want, maxSize } = corpus();
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
      const compared: string[] = [];
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
          if (isAnnotated(src)) {
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
            if (err)
              failures.push(`${relative(ROOT, file)} (Babel ${v}): threw ${err.message.split("\n")[0]}`);
            else if (withPlugin !== without)
              failures.push(`${relative(ROOT, file)} (Babel ${v}): output differs`);
            if (v === 7) stats.babel7Compared++;
            ok = true;
          }
          if (ok) {
            stats.compared++;
            stats.bytes += size;
            compared.push(file);
          }
        }
      } finally {
        console.warn = warn;
      }
      babelCompared = compared;
      record("noHarm.corpus", { seed: SEED, ...stats, failures: failures.length });
      expect(failures).toEqual([]);
      expect(stats.compared).toBeGreaterThanOrEqual(Math.min(want, 100));
    },
    CORPUS_MS,
  );
});

// ---------------------------------------------------------------------------------------------
// SWC: `smartasync/swc` against plain `@swc/core` with the same options
// ---------------------------------------------------------------------------------------------

type SwcOutcome = { code: string; map?: string } | { error: string };

/** The outcome of one compile, without the report: what a no-harm property compares. */
function swcOutcome(run: () => SwcResult): SwcOutcome {
  try {
    const { code, map } = run();
    return { code, map };
  } catch (e) {
    return { error: swcErrorText(e) };
  }
}

const ES = { syntax: "ecmascript" } as const;
/** The option sets the generated programs go through in turn: the fast path must hold for each. */
const SWC_VARIANTS: { name: string; file: string; swc: SwcOptions }[] = [
  { name: "ES module, esnext, source map", file: "gen.mjs", swc: {} },
  {
    name: "CommonJS output, es2019",
    file: "gen.mjs",
    swc: { module: { type: "commonjs" }, jsc: { parser: ES, target: "es2019" } },
  },
  {
    name: "minified, inline map",
    file: "gen.mjs",
    swc: {
      sourceMaps: "inline",
      minify: true,
      jsc: { parser: ES, target: "esnext", minify: { compress: true, mangle: true } },
    },
  },
  {
    name: "TypeScript parser, es5",
    file: "gen.ts",
    swc: { jsc: { parser: { syntax: "typescript" }, target: "es5" } },
  },
  { name: "isModule unknown, no map", file: "gen.js", swc: { isModule: "unknown", sourceMaps: false } },
];

describe("no harm through smartasync/swc: generated programs without annotations", () => {
  it(
    "byte-identical code and map to @swc/core with the same options; SWC's own error where SWC refuses",
    () => {
      const params = fcParams("no-harm generated (SWC)", 200);
      // Programs that mention the tag or import a relative file leave the no-parse fast path: they
      // are parsed and analysed, and must still come out untouched.
      const stats = {
        parsedBySwc: 0,
        refusedBySwc: 0,
        mentionTagOrImport: 0,
        byVariant: {} as Record<string, number>,
      };
      fc.assert(
        fc.property(plainProgram, fc.nat(SWC_VARIANTS.length - 1), (src, k) => {
          const variant = SWC_VARIANTS[k]!;
          const o = { filename: join(ROOT, ".tmp/reliability", variant.file), swc: variant.swc };
          const plain = swcOutcome(() => transformSwc(src, { ...o, plugin: false }));
          const ours = swcOutcome(() => transformSwc(src, o));
          expect(ours, variant.name).toEqual(plain);
          if ("error" in plain) stats.refusedBySwc++;
          else {
            stats.parsedBySwc++;
            if (/@smartasync|from "\.\//.test(src)) stats.mentionTagOrImport++;
            stats.byVariant[variant.name] = (stats.byVariant[variant.name] ?? 0) + 1;
          }
        }),
        params,
      );
      record("noHarm.generated.swc", { seed: SEED, runs: params.numRuns, ...stats });
      expect(stats.parsedBySwc).toBeGreaterThan(params.numRuns / 2);
    },
    GENERATED_MS,
  );
});

describe("no harm through smartasync/swc: real-world sources from node_modules", () => {
  it(
    "the files the Babel corpus test compared: byte-identical code and map to @swc/core, never throws",
    () => {
      const { files: sampled, want, maxSize } = corpus();
      let files = babelCompared;
      if (files === undefined) {
        // Run on its own (`-t swc`): pick the same files as the Babel test, by the same rules.
        files = [];
        const warn = console.warn;
        console.warn = () => {};
        try {
          for (const file of sampled) {
            if (files.length >= want) break;
            if (statSync(file).size > maxSize) continue;
            const src = readFileSync(file, "utf8");
            if (isAnnotated(src)) continue;
            const ts = /\.(m|c)?ts$/.test(file);
            const sourceType = /\.c[jt]s$/.test(file)
              ? "script"
              : file.endsWith(".js")
                ? "unambiguous"
                : "module";
            if (thrown(() => transform(src, 8, { filename: file, plugin: false, ts, sourceType }))) continue;
            files.push(file);
          }
        } finally {
          console.warn = warn;
        }
      }
      const stats = {
        files: files.length,
        compared: 0,
        bytes: 0,
        swcCannotParse: 0,
        sameError: 0,
        commonjsCompared: 0,
      };
      const failures: string[] = [];
      const COMMONJS: SwcOptions = { module: { type: "commonjs" }, jsc: { target: "es2019" } };
      files.forEach((file, i) => {
        const src = readFileSync(file, "utf8");
        // Scripts for .cjs/.cts, the parser decides for .js (as Babel's "unambiguous"), else modules.
        const isModule = /\.c[jt]s$/.test(file) ? false : file.endsWith(".js") ? "unknown" : true;
        // Every file with the default options; every fourth also to CommonJS, es2019.
        const extras: SwcOptions[] = i % 4 === 0 ? [{}, COMMONJS] : [{}];
        for (const extra of extras) {
          const base = { isModule, ...extra } as SwcOptions;
          if (extra.jsc) base.jsc = { parser: parserFor(file), ...extra.jsc };
          const o = { filename: file, swc: base };
          const plain = swcOutcome(() => transformSwc(src, { ...o, plugin: false }));
          const ours = swcOutcome(() => transformSwc(src, o));
          const what = `${relative(ROOT, file)} (SWC${extra === COMMONJS ? ", CommonJS" : ""})`;
          if ("error" in plain) {
            if (extra !== COMMONJS) stats.swcCannotParse++;
            if ("error" in ours && ours.error === plain.error) stats.sameError++;
            else
              failures.push(
                `${what}: SWC refuses it, smartasync/swc gave ${"error" in ours ? "another error" : "output"}`,
              );
            break;
          }
          if ("error" in ours) failures.push(`${what}: threw ${ours.error.split("\n")[0]}`);
          else if (ours.code !== plain.code) failures.push(`${what}: code differs`);
          else if (ours.map !== plain.map) failures.push(`${what}: map differs`);
          if (extra === COMMONJS) stats.commonjsCompared++;
          else {
            stats.compared++;
            stats.bytes += statSync(file).size;
          }
        }
      });
      record("noHarm.corpus.swc", { seed: SEED, ...stats, failures: failures.length });
      expect(failures).toEqual([]);
      expect(stats.compared).toBeGreaterThanOrEqual(Math.min(want, 100) - stats.swcCannotParse);
    },
    SWC_CORPUS_MS,
  );
});
