/**
 * The analysis may leave closed the functions that mention nothing smartasync (core/analysis/
 * lazy.ts); its answer must be the whole tree's. Each input here goes through `smartasync/swc`
 * (real `@swc/core`) twice, with closed functions allowed and with the whole tree, and the two
 * outcomes (code, report, or error) must be the same: every fixture, and real files of installed
 * packages with functions of their own annotated (their callers, aliases and writes are spread
 * over thousands of lines, where closing matters). With closed functions allowed, `smartasync/swc`
 * also parses a copy of the file whose closed-to-be function bodies are blanked (swc-plugin/
 * skim.ts); the whole-tree run parses the file in full, so this compares the two as well.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lazyStats, setLazyAnalysis } from "../src/core/analysis/analyse.js";
import { transformSync } from "../src/swc-plugin/index.js";
import { type Case, listCases, type Outcome, ROOT } from "./harness.js";
import { transformCaseSwc } from "./swc/harness-swc.js";

function both(run: () => Outcome): { lazy: Outcome; whole: Outcome } {
  setLazyAnalysis(true);
  const lazy = run();
  setLazyAnalysis(false);
  try {
    return { lazy, whole: run() };
  } finally {
    setLazyAnalysis(true);
  }
}

afterAll(() => setLazyAnalysis(true));

describe("closed functions change no fixture's outcome", () => {
  for (const c of listCases() as Case[]) {
    it(c.name, () => {
      const { lazy, whole } = both(() => transformCaseSwc(c));
      expect(lazy).toEqual(whole);
    });
  }
});

/** Real files (installed packages; a missing one is skipped) with functions of their own annotated. */
const REAL = [
  "vite/dist/node/chunks/build.js",
  "vite/dist/node/module-runner.js",
  "@babel/traverse/lib/index.js",
  "babel7-core/lib/config/config-chain.js",
  "babel7-core/lib/transformation/index.js",
  "babel7-core/node_modules/@babel/traverse/lib/scope/index.js",
  "babel7-core/node_modules/@babel/traverse/lib/path/modification.js",
  "postcss/lib/lazy-result.js",
  "postcss/lib/parser.js",
  "rolldown/dist/shared/bindingify-input-options-BjFSnI07.mjs",
];

/** Offsets of module-level function declarations (`function f(`, `async function f(`). */
function topLevelFunctions(code: string): number[] {
  const out: number[] = [];
  for (const m of code.matchAll(/^(?:export )?(?:async )?function\*? ?[\w$]+\s*\(/gm)) out.push(m.index);
  return out;
}

function outcome(code: string, filename: string): Outcome {
  try {
    const r = transformSync(code, {
      filename,
      swcrc: false,
      isModule: "unknown",
      jsc: { parser: { syntax: "ecmascript" }, target: "es2022" },
      smartasync: {},
    });
    return { code: r.code, report: r.smartasync };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe("closed functions change no real file's outcome", () => {
  const files = REAL.map((rel) => join(ROOT, "node_modules", rel)).filter((f) => existsSync(f));
  let lazyBefore = 0;
  let skimmedBefore = 0;
  it("the real files are installed", () => {
    expect(files.length).toBeGreaterThan(4);
    lazyBefore = lazyStats.lazy;
    skimmedBefore = lazyStats.skimmed;
  });
  for (const file of files) {
    it(file.slice(file.indexOf("node_modules/") + 13), () => {
      const code = readFileSync(file, "utf8");
      const fns = topLevelFunctions(code);
      // The first, a middle and the last function, each annotated on its own, then all three.
      const picks = [...new Set([fns[0], fns[fns.length >> 1], fns[fns.length - 1]])].filter(
        (i) => i !== undefined,
      );
      const variants = [
        ...picks.map((i) => `${code.slice(0, i)}// @smartasync\n${code.slice(i)}`),
        picks.reduceRight((text, i) => `${text.slice(0, i)}// @smartasync\n${text.slice(i)}`, code),
        `${code}\n// @smartasync\nasync function appendedStep(n) {\n  return n * 2;\n}\nfunction appendedRun() {\n  return appendedStep(20);\n}\n`,
      ];
      for (const text of variants) {
        const { lazy, whole } = both(() => outcome(text, file));
        expect(lazy).toEqual(whole);
      }
    });
  }
  it("left functions closed in most of them (else this test proves nothing)", () => {
    expect(lazyStats.lazy - lazyBefore).toBeGreaterThanOrEqual(files.length);
    // …and answered most of them from a parse with bodies skipped.
    expect(lazyStats.skimmed - skimmedBefore).toBeGreaterThanOrEqual(files.length);
  });
});

describe("a binding's reads are watched within its scope", () => {
  // A smartasync function's parameter (its uses, param-uses.ts) is read as every binding is
  // (view.ts `readsOf`): a closed function elsewhere that uses the same name for its own
  // parameter cannot read this one, so the tree stays lazy (the whole-tree runs of every fixture
  // above check the other side: a closed function inside the scope that mentions the name).
  const run = (code: string) => {
    const before = { lazy: lazyStats.lazy, again: lazyStats.again };
    const { lazy, whole } = both(() => outcome(code, "/virtual/scoped.js"));
    expect(lazy).toEqual(whole);
    return { lazy: lazyStats.lazy - before.lazy, again: lazyStats.again - before.again };
  };
  it("a closed function outside the scope naming its own `text` leaves the tree lazy", () => {
    const code =
      "// @smartasync\nexport async function load(text) {\n  return (await text).trim();\n}\n" +
      "function measure(text) {\n  return text.length;\n}\n" +
      "export function run(p) {\n  return load(p).then(measure);\n}\n";
    expect(run(code)).toEqual({ lazy: 1, again: 0 });
  });
});

describe("a binding's writes are watched within its scope", () => {
  // The writes of a binding a rule read (scope.ts `violations`) can come only from code inside
  // the binding's scope: a closed function elsewhere that writes its own `n` leaves the tree lazy
  // (bench/real-files.mjs appends such a function to files that write an `n` of their own). A
  // closed function inside the scope that writes the name is the other side, checked by the
  // whole-tree runs above.
  const run = (code: string) => {
    const before = { lazy: lazyStats.lazy, again: lazyStats.again };
    const { lazy, whole } = both(() => outcome(code, "/virtual/scoped-writes.js"));
    expect(lazy).toEqual(whole);
    return { lazy: lazyStats.lazy - before.lazy, again: lazyStats.again - before.again };
  };
  const step =
    "// @smartasync\nexport async function step(n) {\n  const doubled = n * 2;\n  return doubled + 1;\n}\n";
  it("a closed function outside the scope writing its own `n` leaves the tree lazy", () => {
    const code = `${step}function count(list) {\n  let n = 0;\n  for (const x of list) if (x) n++;\n  return n;\n}\nexport function run() {\n  return step(20);\n}\n`;
    expect(run(code)).toEqual({ lazy: 1, again: 0 });
  });
});

describe("the real-file bench's annotated files", () => {
  it("are answered from the first analysis, none analysed again on the whole tree", () => {
    // A second analysis means a second, full parse: on these files it was a tenth of
    // `smartasync/swc`'s time when two of them (postcss's container.js, @babel/core 8's
    // index-shared.js) read the members of a cut class body for nothing (docs/performance.md,
    // "2026-12-07"). The list of bench/real-files-list.mjs, read as text (the test stays in
    // TypeScript), with the bench's appended function.
    const bench = readFileSync(join(ROOT, "bench/real-files-list.mjs"), "utf8");
    const list = bench.slice(bench.indexOf("export const FILES = ["));
    const files = [...list.slice(0, list.indexOf("];")).matchAll(/^\s*"([^"]+)",/gm)]
      .map((m) => join(ROOT, "node_modules", m[1]!))
      .filter((file) => existsSync(file));
    const appended = bench.slice(bench.indexOf("APPENDED = `") + 12);
    const fn = appended.slice(0, appended.indexOf("`;"));
    expect(fn).toContain("@smartasync");
    expect(files.length).toBeGreaterThan(20);
    const again: string[] = [];
    for (const file of files) {
      const code = readFileSync(file, "utf8");
      const before = lazyStats.again;
      outcome(`${code}${code.endsWith("\n") ? "" : "\n"}${fn}`, file);
      if (lazyStats.again !== before) again.push(`${file}: ${lazyStats.lastWhy}`);
    }
    expect(again).toEqual([]);
  });
});
