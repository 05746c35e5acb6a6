/**
 * Differential: generated async functions that mix every kind of awaited value the inline rule
 * knows (docs/semantics.md, "Proven or guarded") — literals, arithmetic, `?:`/`??`, parameters,
 * caller callbacks, members and elements, calls of smartasync functions, of plain helpers, of an
 * unannotated async function, `Promise.all`, locals — some inside `try`/`catch`. Each program
 * runs uncompiled (the reference: what `await f(...)` gives) and compiled (Babel 8, Babel 7 on a
 * third, and smartasync/swc), called with argument sets that are plain values and that are
 * promises or async callbacks. The property, per call in sync code: the compiled sync call gives
 * the reference value or fails with a SmartAsync error that names a place — never a promise,
 * never another value. Awaited calls give the reference value exactly.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type BabelVersion, fcParams, record, runNode, scratch, transform, transformSwc } from "./helpers.js";

type Expr =
  | { k: "lit"; n: number }
  | { k: "add"; a: number; b: number }
  | { k: "param" }
  | { k: "cb"; a: number }
  | { k: "member" }
  | { k: "element" }
  | { k: "sa"; a: number }
  | { k: "plain"; a: number }
  | { k: "localAsync"; a: number }
  | { k: "all"; a: number }
  | { k: "cond"; a: number; b: number }
  | { k: "nullish"; a: number }
  | { k: "json" }
  | { k: "object"; a: number };
interface Stmt {
  e: Expr;
  await: boolean;
  /** Inside `try { … } catch { v = -1 }`. */
  guarded: boolean;
}
interface Fn {
  body: Stmt[];
  ret: "array" | "last" | "cb";
}

const exprArb = (vars: number): fc.Arbitrary<Expr> => {
  const v = fc.integer({ min: 0, max: Math.max(0, vars - 1) });
  const withVar: fc.Arbitrary<Expr>[] =
    vars === 0
      ? []
      : [
          v.map((a) => ({ k: "add", a, b: a }) as Expr),
          v.map((a) => ({ k: "cb", a }) as Expr),
          v.map((a) => ({ k: "sa", a }) as Expr),
          v.map((a) => ({ k: "plain", a }) as Expr),
          v.map((a) => ({ k: "all", a }) as Expr),
          fc.tuple(v, v).map(([a, b]) => ({ k: "cond", a, b }) as Expr),
          v.map((a) => ({ k: "nullish", a }) as Expr),
          v.map((a) => ({ k: "object", a }) as Expr),
        ];
  return fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: 9 }).map((n) => ({ k: "lit", n }) as Expr), weight: 3 },
    { arbitrary: fc.constant({ k: "param" } as Expr), weight: 2 },
    { arbitrary: fc.constant({ k: "member" } as Expr), weight: 2 },
    { arbitrary: fc.constant({ k: "element" } as Expr), weight: 1 },
    { arbitrary: fc.constant({ k: "json" } as Expr), weight: 1 },
    ...withVar.map((arbitrary) => ({ arbitrary, weight: 2 })),
    // Rare: a known async API makes a worker variant (a worker start per program).
    ...(vars === 0
      ? []
      : [{ arbitrary: v.map((a) => ({ k: "localAsync", a }) as Expr), weight: 1 } as const]),
  );
};

const fnArb: fc.Arbitrary<Fn> = fc.gen().map((g) => {
  const count = g(fc.integer, { min: 1, max: 5 });
  const body: Stmt[] = [];
  for (let i = 0; i < count; i++) {
    body.push({
      e: g(() => exprArb(i)),
      await: g(fc.integer, { min: 0, max: 4 }) > 0,
      guarded: g(fc.integer, { min: 0, max: 4 }) === 0,
    });
  }
  return { body, ret: g(fc.constantFrom, "array", "last", "cb") as Fn["ret"] };
});

const programArb = fc.array(fnArb, { minLength: 4, maxLength: 8 });

function exprText(e: Expr): string {
  switch (e.k) {
    case "lit":
      return String(e.n);
    case "add":
      return `v${e.a} + v${e.b}`;
    case "param":
      return "p";
    case "cb":
      return `cb(v${e.a})`;
    case "member":
      return "o.k";
    case "element":
      return `o["k"]`;
    case "sa":
      return `inc(v${e.a})`;
    case "plain":
      return `twice(v${e.a})`;
    case "localAsync":
      return `dec(v${e.a})`;
    case "all":
      return `Promise.all([inc(v${e.a}), 3])`;
    case "cond":
      return `(v${e.a} > 4 ? inc(v${e.a}) : v${e.b})`;
    case "nullish":
      return `(null ?? v${e.a})`;
    case "json":
      return `JSON.parse("[7]")[0]`;
    case "object":
      return `{ n: v${e.a} }`;
  }
}

function fnText(f: Fn, i: number): string {
  const lines = f.body.map((s, k) => {
    const rhs = `${s.await ? "await " : ""}${exprText(s.e)}`;
    return s.guarded
      ? `  let v${k};\n  try {\n    v${k} = ${rhs};\n  } catch {\n    v${k} = -1;\n  }`
      : `  const v${k} = ${rhs};`;
  });
  const n = f.body.length;
  const ret =
    f.ret === "array"
      ? `[${f.body.map((_, k) => `v${k}`).join(", ")}]`
      : f.ret === "last"
        ? `v${n - 1}`
        : `cb(v${n - 1})`;
  return `// @smartasync\nexport async function f${i}(p, cb, o) {\n${lines.join("\n")}\n  return ${ret};\n}`;
}

/** Argument sets: plain values and sync callbacks; then promises and async callbacks. */
const ARGSETS = [
  `() => [2, (x) => x, { k: 5 }]`,
  `() => [3, (x) => (typeof x === "number" ? x * 3 : x), { k: 1 }]`,
  `() => [Promise.resolve(4), (x) => x, { k: 2 }]`,
  `() => [1, async (x) => x, { k: 3 }]`,
  `() => [1, (x) => x, { k: Promise.resolve(6) }]`,
];

function source(fns: Fn[]): string {
  const out = [
    `import { isWorker } from "smartasync/runtime";`,
    `// @smartasync\nexport async function inc(x) {\n  return typeof x === "number" ? x + 1 : x;\n}`,
    `function twice(x) {\n  return typeof x === "number" ? x * 2 : x;\n}`,
    `async function dec(x) {\n  return typeof x === "number" ? x - 1 : x;\n}`,
    ...fns.map(fnText),
    `const ARGSETS = [\n  ${ARGSETS.join(",\n  ")},\n];`,
    // A promise anywhere in a value is printed as such: the property rejects it.
    `function show(v) {\n  return JSON.stringify(v, (_k, x) =>\n    x !== null && (typeof x === "object" || typeof x === "function") && typeof x.then === "function" ? "<<PROMISE>>" : x,\n  );\n}`,
    `function err(e) {\n  return e && e.name === "SmartAsyncError" || String(e && e.code).startsWith("SMARTASYNC_") ? \`SA \${e.code} \${e.loc ?? ""}\` : \`E \${e && e.message}\`;\n}`,
    `function main() {\n${fns
      .map(
        (_, i) =>
          `  for (const [j, args] of ARGSETS.entries()) {\n    try {\n      const v = f${i}(...args());\n      console.log("S", ${i}, j, show(v));\n    } catch (e) {\n      console.log("S", ${i}, j, err(e));\n    }\n  }`,
      )
      .join("\n")}\n}`,
    `async function amain() {\n${fns
      .map(
        (_, i) =>
          `  for (const [j, args] of ARGSETS.entries()) {\n    try {\n      console.log("A", ${i}, j, show(await f${i}(...args())));\n    } catch (e) {\n      console.log("A", ${i}, j, err(e));\n    }\n  }`,
      )
      .join("\n")}\n}`,
    `if (!isWorker) {\n  main();\n  await amain();\n}`,
  ];
  return `${out.join("\n\n")}\n`;
}

interface Lines {
  sync: Map<string, string>;
  awaited: Map<string, string>;
}

function parse(stdout: string): Lines {
  const sync = new Map<string, string>();
  const awaited = new Map<string, string>();
  for (const line of stdout.split("\n").filter(Boolean)) {
    const [tag, i, j, ...rest] = line.split(" ");
    (tag === "S" ? sync : awaited).set(`${i} ${j}`, rest.join(" "));
  }
  return { sync, awaited };
}

/** A located SmartAsync failure: its code and, for a guard, the `file:line:col` of the value. */
const LOCATED = /^SA (SMARTASYNC_GUARD \S*input\.mjs:\d+:\d+|SMARTASYNC_[A-Z_]+ .*)$/;

function checkAgainst(
  reference: Lines,
  got: Lines,
  label: string,
  stats: { guardFailures: number; same: number },
) {
  expect(got.awaited, `${label}: awaited calls`).toEqual(reference.awaited);
  expect(got.sync.size, `${label}: every sync call printed`).toBe(reference.awaited.size);
  for (const [key, want] of reference.awaited) {
    const v = got.sync.get(key)!;
    // A value the async function itself returns unawaited (`return [o.k]`) is a promise in both.
    if (v === want) stats.same++;
    else {
      expect(v, `${label}: sync call ${key} gave a promise`).not.toContain("<<PROMISE>>");
      expect(v, `${label}: sync call ${key} gave ${v}, the reference is ${want}`).toMatch(LOCATED);
      stats.guardFailures++;
    }
  }
}

describe("differential: compiled sync calls give the awaited value or a located error", () => {
  it("generated programs, uncompiled vs Babel 8 (Babel 7 on a third) and smartasync/swc", () => {
    const dir = scratch("differential");
    const params = fcParams("differential", 12);
    const stats = { programs: 0, functions: 0, calls: 0, same: 0, guardFailures: 0, worker: 0 };
    let k = 0;
    fc.assert(
      fc.property(programArb, (fns) => {
        const n = k++;
        const src = source(fns);
        const file = join(dir, `p${n}`, "input.mjs");
        const plainFile = join(dir, `p${n}`, "plain.mjs");
        const write = (f: string, code: string) => {
          writeFileSync(f, code);
          return f;
        };
        mkdirSync(join(dir, `p${n}`), { recursive: true });
        const reference = runNode([write(plainFile, src)], { cwd: dir });
        expect(reference.status, reference.stderr).toBe(0);
        const ref = parse(reference.stdout);
        const versions: BabelVersion[] = n % 3 === 0 ? [8, 7] : [8];
        const compiled: [string, string][] = versions.map((v) => [
          `babel ${v}`,
          transform(src, v, { filename: file }).code,
        ]);
        compiled.push(["swc", transformSwc(src, { filename: file }).code]);
        for (const [label, code] of compiled) {
          if (label === "babel 8" && code.includes("runSync(")) stats.worker++;
          const run = runNode([write(file, code)], { cwd: dir });
          expect(run.status, `${label}: ${run.stderr}\n${code}`).toBe(0);
          checkAgainst(ref, parse(run.stdout), `${label}\n${src}`, stats);
        }
        stats.programs++;
        stats.functions += fns.length;
        stats.calls += ref.awaited.size;
      }),
      params,
    );
    record("differential", stats);
    expect(stats.same).toBeGreaterThan(0);
    expect(stats.guardFailures).toBeGreaterThan(0);
  });
});
