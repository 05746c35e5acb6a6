/**
 * Same meaning: random call graphs of annotated async and sync module-level functions, called
 * from a sync and an async entry point, transformed and run with plain `node`. The reference is
 * an evaluator of the program's model in this test, giving smartasync's intended meaning: a
 * sync-context call gives the callee's value, an awaited call its settled value, a value-context
 * call in async code a promise, and effects within each function in source order (recorded in
 * the string each function returns, which also crosses worker threads). The same programs go
 * through `smartasync/swc` too (ES modules, `esnext` and `es2017` in turn; every third program
 * re-dressed with other line ends, a BOM or a hashbang and non-ASCII comments), against the same
 * reference.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Decoration, decorate } from "./gen.js";
import {
  type BabelVersion,
  fcParams,
  record,
  runNode,
  SEED,
  scratch,
  transform,
  transformSwc,
} from "./helpers.js";

type Mode = "await" | "value" | "discard" | "catch";
type Step =
  | { k: "lit"; s: string }
  | { k: "call"; j: number; c: number; mode: Mode }
  | { k: "read" }
  | { k: "sleep" }
  | { k: "unmappable" }
  | { k: "throw"; K: number };
interface Fn {
  async: boolean;
  steps: Step[];
}
interface Program {
  fns: Fn[];
  roots: number[];
}

const M = 5; // arguments are 0..4
const ARGS = [0, 1, 2, 3, 4];

const programArb: fc.Arbitrary<Program> = fc.gen().map((g) => {
  const n = g(fc.integer, { min: 2, max: 5 });
  const fns: Fn[] = [];
  for (let i = 0; i < n; i++) {
    const isAsync = g(fc.boolean);
    const steps: Step[] = [];
    const count = g(fc.integer, { min: 1, max: 5 });
    for (let s = 0; s < count; s++) {
      const kinds = ["lit", "throw"];
      if (i < n - 1) kinds.push("call", "call", "call");
      if (isAsync) kinds.push("read", "sleep", "unmappable");
      const k = g(fc.constantFrom, ...kinds);
      if (k === "lit") steps.push({ k, s: g(fc.constantFrom, "a", "b", "c", "d") });
      else if (k === "throw") steps.push({ k, K: g(fc.integer, { min: 0, max: 7 }) });
      else if (k === "call") {
        const modes: Mode[] = isAsync ? ["await", "value", "catch"] : ["value", "discard", "catch"];
        steps.push({
          k,
          j: g(fc.integer, { min: i + 1, max: n - 1 }),
          c: g(fc.integer, { min: 0, max: M - 1 }),
          mode: g(fc.constantFrom, ...modes),
        });
      } else steps.push({ k } as Step);
    }
    fns.push({ async: isAsync, steps });
  }
  const roots = [0, ...(n > 2 ? [g(fc.integer, { min: 1, max: n - 1 })] : [])];
  return { fns, roots };
});

// --- reference evaluator ---------------------------------------------------------------------

function evaluate(p: Program, i: number, a: number): string {
  const f = p.fns[i]!;
  let t = "";
  for (const s of f.steps) {
    switch (s.k) {
      case "lit":
        t += s.s;
        break;
      case "read":
        t += "R";
        break;
      case "sleep":
        t += "s";
        break;
      case "unmappable":
        t += "u";
        break;
      case "throw":
        if (a === s.K) throw new Error(`f${i}-boom-${a}`);
        break;
      case "call": {
        const b = (a + s.c) % M;
        const callee = p.fns[s.j]!;
        if (s.mode === "await") t += `<${evaluate(p, s.j, b)}>`;
        else if (s.mode === "value") {
          // In async code a value-context call of an async function is the promise itself.
          const v = evaluate(p, s.j, b);
          t += f.async ? `${callee.async ? "P" : "V"}${v}` : `<${v}>`;
        } else if (s.mode === "discard") evaluate(p, s.j, b);
        else {
          try {
            t += evaluate(p, s.j, b);
          } catch (e) {
            t += `c[${(e as Error).message}]`;
          }
        }
        break;
      }
    }
  }
  return `f${i}{${t}}`;
}

function expected(p: Program): string {
  const lines: string[] = [];
  for (const tag of ["S", "A"])
    for (const r of p.roots)
      for (const a of ARGS) {
        let out: string;
        try {
          out = evaluate(p, r, a);
        } catch (e) {
          out = `E:${(e as Error).message}`;
        }
        lines.push(`${tag} ${r} ${a} ${out}`);
      }
  return lines.join("\n") + "\n";
}

// --- source ------------------------------------------------------------------------------------

function source(p: Program): string {
  const out: string[] = [
    `import { readFile } from "node:fs/promises";`,
    `import { setTimeout as sleep } from "node:timers/promises";`,
    `import { configure, isWorker } from "smartasync/runtime";`,
    `const DATA = new URL("./data.txt", import.meta.url);`,
  ];
  p.fns.forEach((f, i) => {
    const body: string[] = [];
    for (const s of f.steps) {
      if (s.k === "lit") body.push(`t += ${JSON.stringify(s.s)};`);
      else if (s.k === "read") body.push(`t += await readFile(DATA, "utf8");`);
      else if (s.k === "sleep") body.push(`t += await sleep(1, "s");`);
      else if (s.k === "unmappable") body.push(`t += await new Promise((r) => setImmediate(() => r("u")));`);
      else if (s.k === "throw") body.push(`if (a === ${s.K}) throw new Error("f${i}-boom-" + a);`);
      else {
        const call = `f${s.j}((a + ${s.c}) % ${M})`;
        if (s.mode === "await") body.push(`t += "<" + (await ${call}) + ">";`);
        else if (s.mode === "value" && f.async)
          body.push(`{ const p = ${call}; t += (p instanceof Promise ? "P" : "V") + (await p); }`);
        else if (s.mode === "value") body.push(`t += "<" + ${call} + ">";`);
        else if (s.mode === "discard") body.push(`${call};`);
        else if (f.async) body.push(`try { t += await ${call}; } catch (e) { t += "c[" + e.message + "]"; }`);
        else body.push(`try { t += ${call}; } catch (e) { t += "c[" + e.message + "]"; }`);
      }
    }
    out.push(
      `// @smartasync\n${f.async ? "async " : ""}function f${i}(a) {\n  let t = "";\n  ${body.join("\n  ")}\n  return "f${i}{" + t + "}";\n}`,
    );
  });
  const calls = (tag: string, aw: string) =>
    p.roots
      .map(
        (r) =>
          `  for (const a of ${JSON.stringify(ARGS)}) {\n    try { console.log("${tag}", ${r}, a, ${aw}f${r}(a)); } catch (e) { console.log("${tag}", ${r}, a, "E:" + e.message); }\n  }`,
      )
      .join("\n");
  out.push(`function main() {\n${calls("S", "")}\n}`);
  out.push(`async function amain() {\n${calls("A", "await ")}\n}`);
  out.push(`if (!isWorker) {\n  configure({ maxNesting: 12 });\n  main();\n  await amain();\n}`);
  return out.join("\n\n") + "\n";
}

// --- the property ------------------------------------------------------------------------------

describe("same meaning: random call graphs run with plain node", () => {
  it("every printed value and error message matches the reference (Babel 8; Babel 7 on a third)", () => {
    const dir = scratch("same-meaning");
    const params = fcParams("same-meaning", 15);
    const stats = {
      programs: 0,
      babel7Runs: 0,
      functions: 0,
      workerVariants: 0,
      offloads: 0,
      lines: 0,
      maxMs: 0,
      untransformedDiffers: 0,
    };
    let k = 0;
    fc.assert(
      fc.property(programArb, (p) => {
        const src = source(p);
        const want = expected(p);
        const versions: BabelVersion[] = k % 3 === 0 ? [8, 7] : [8];
        for (const v of versions) {
          const pdir = join(dir, `p${k}-babel${v}`);
          mkdirSync(pdir, { recursive: true });
          writeFileSync(join(pdir, "input.mjs"), src);
          writeFileSync(join(pdir, "data.txt"), "R");
          const { code, report } = transform(src, v, { filename: join(pdir, "input.mjs") });
          writeFileSync(join(pdir, "main.mjs"), code);
          const run = runNode([join(pdir, "main.mjs")], { cwd: pdir, timeout: 60_000 });
          const context = `program p${k} (Babel ${v}) in ${pdir}\n--- input\n${src}\n--- stderr\n${run.stderr}`;
          expect(run.timedOut, context).toBe(false);
          expect(run.stdout, context).toBe(want);
          expect(run.status, context).toBe(0);
          stats.maxMs = Math.max(stats.maxMs, Math.round(run.ms));
          // The test has teeth: the same program without the plugin prints something else
          // whenever sync code calls an async function (it would print a promise).
          if (
            v === 8 &&
            k < 5 &&
            report!.calls.some(
              (c) => c.in === "sync" && c.context === "value" && c.strategy.startsWith("sync-"),
            )
          ) {
            writeFileSync(join(pdir, "plain.mjs"), src);
            const plain = runNode([join(pdir, "plain.mjs")], { cwd: pdir, timeout: 60_000 });
            expect(plain.stdout, context).not.toBe(want);
            stats.untransformedDiffers++;
          }
          if (v === 7) stats.babel7Runs++;
          else {
            stats.programs++;
            stats.functions += p.fns.length;
            stats.lines += want.split("\n").length - 1;
            stats.workerVariants += report!.functions.filter((f) => f.syncStrategy === "worker").length;
            stats.offloads += report!.calls.filter((c) => c.strategy === "offload").length;
          }
        }
        k++;
      }),
      params,
    );
    record("sameMeaning", { seed: SEED, ...stats });
  });
});

describe("same meaning through smartasync/swc: the same call graphs", () => {
  it("every printed value and error message matches the reference (SWC; esnext and es2017 in turn)", () => {
    const dir = scratch("same-meaning-swc");
    const params = fcParams("same-meaning (SWC)", 15);
    const stats = {
      programs: 0,
      es2017: 0,
      decorated: 0,
      functions: 0,
      workerVariants: 0,
      offloads: 0,
      lines: 0,
      maxMs: 0,
    };
    const EOLS: Decoration["eol"][] = ["\r\n", "\u2028", "\r", "\u2029"];
    let k = 0;
    fc.assert(
      fc.property(programArb, (p) => {
        const plainSrc = source(p);
        const d: Decoration | undefined =
          k % 3 === 2
            ? {
                eol: EOLS[Math.floor(k / 3) % EOLS.length]!,
                prefix: k % 2 ? "bom" : "hashbang",
                names: false,
                text: true,
              }
            : undefined;
        const src = d ? decorate(plainSrc, d) : plainSrc;
        const want = expected(p);
        const pdir = join(dir, `p${k}-swc`);
        mkdirSync(pdir, { recursive: true });
        writeFileSync(join(pdir, "input.mjs"), src);
        writeFileSync(join(pdir, "data.txt"), "R");
        const target = k % 2 === 0 ? "esnext" : "es2017";
        const { code, report } = transformSwc(src, {
          filename: join(pdir, "input.mjs"),
          swc: { jsc: { parser: { syntax: "ecmascript" }, target } },
        });
        writeFileSync(join(pdir, "main.mjs"), code);
        const run = runNode([join(pdir, "main.mjs")], { cwd: pdir, timeout: 60_000 });
        const context = `program p${k} (SWC, ${target}) in ${pdir}\n--- input\n${src}\n--- stderr\n${run.stderr}`;
        expect(run.timedOut, context).toBe(false);
        expect(run.stdout, context).toBe(want);
        expect(run.status, context).toBe(0);
        // The report is Babel's for the same input.
        expect(report, context).toEqual(transform(src, 8, { filename: join(pdir, "input.mjs") }).report);
        stats.maxMs = Math.max(stats.maxMs, Math.round(run.ms));
        stats.programs++;
        if (target === "es2017") stats.es2017++;
        if (d) stats.decorated++;
        stats.functions += p.fns.length;
        stats.lines += want.split("\n").length - 1;
        stats.workerVariants += report!.functions.filter((f) => f.syncStrategy === "worker").length;
        stats.offloads += report!.calls.filter((c) => c.strategy === "offload").length;
        k++;
      }),
      params,
    );
    record("sameMeaning.swc", { seed: SEED, ...stats });
  });
});
