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
import {
  type BabelVersion,
  FACTOR,
  fcParams,
  record,
  runNode,
  scratch,
  transform,
  transformSwc,
} from "./helpers.js";

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

// ---------------------------------------------------------------------------------------------
// Routes (issue 13, section 2): the same smartasync functions reached from another module by
// every spelling the build follows or reports — named, aliased and string-named imports, a
// namespace import (`ns.inc`, `ns["a-b"]`), CommonJS destructuring, a required object and
// `require(…).f()`, a plain delegate that returns a smartasync call (the SA209 rule), and an
// annotated function whose await is a twin by name — in shapes (`f.call`, `(0, f)`, `f?.()`,
// nested calls, callbacks). Each call in sync code prints the awaited value of the uncompiled
// program, or fails with a located SmartAsync error; never a promise.
// ---------------------------------------------------------------------------------------------

type EsRoute = "named" | "alias" | "string" | "ns" | "nsString" | "delegate" | "twin";
type CjsRoute = "destructured" | "object" | "requireCall" | "letDestructured" | "cjsDelegate";
type Shape = "plain" | "call" | "seq" | "optional" | "nested" | "map";

interface RouteCall<R> {
  route: R;
  shape: Shape;
  arg: number;
}

const shapeArb = fc.constantFrom<Shape>("plain", "call", "seq", "optional", "nested", "map");
const esCallArb = fc.record({
  route: fc.constantFrom<EsRoute>("named", "alias", "string", "ns", "nsString", "delegate", "twin"),
  shape: shapeArb,
  arg: fc.integer({ min: 0, max: 9 }),
});
const cjsCallArb = fc.record({
  route: fc.constantFrom<CjsRoute>("destructured", "object", "requireCall", "letDestructured", "cjsDelegate"),
  shape: shapeArb,
  arg: fc.integer({ min: 0, max: 9 }),
});
type TsRoute = "ns" | "nested" | "inner" | "deepAlias" | "local" | "localDeep" | "fnAlias";
const tsCallArb = fc.record({
  route: fc.constantFrom<TsRoute>("ns", "nested", "inner", "deepAlias", "local", "localDeep", "fnAlias"),
  shape: shapeArb,
  arg: fc.integer({ min: 0, max: 9 }),
});
const routesArb = fc.record({
  es: fc.array(esCallArb, { minLength: 3, maxLength: 10 }),
  cjs: fc.array(cjsCallArb, { minLength: 2, maxLength: 8 }),
  ts: fc.array(tsCallArb, { minLength: 2, maxLength: 8 }),
});

/** TypeScript namespaces and their aliases, made in another file (ns.mts) and in the entry. */
const TS_CALLEE: Record<TsRoute, string> = {
  ns: "Api.load",
  nested: "Api.Deep.find",
  inner: "Inner.load",
  deepAlias: "D.find",
  local: "Local.load",
  localDeep: "Local.Deep.find",
  fnAlias: "loadAlias",
};

const ROUTE_NS_MTS = `export namespace Api {
  // @smartasync
  export async function load(x: number): Promise<number> {
    return (await 2) * x;
  }
  export namespace Deep {
    // @smartasync
    export async function find(x: number): Promise<number> {
      return (await 3) * x;
    }
  }
}
export import Inner = Api;
export import D = Api.Deep;
export import loadAlias = Api.load;
`;

/** The callee each route spells (a member route keeps its object, for `.call` and `?.`). */
const ES_CALLEE: Record<EsRoute, string> = {
  named: "inc",
  alias: "plus",
  string: "ab",
  ns: "ns.inc",
  nsString: 'ns["a-b"]',
  delegate: "via",
  twin: "tripled",
};
const CJS_CALLEE: Record<CjsRoute, string> = {
  destructured: "inc",
  object: "lib.inc",
  requireCall: 'require("./lib.cjs").inc',
  letDestructured: "add",
  cjsDelegate: "lib.via",
};

function shaped(callee: string, shape: Shape, arg: number): string {
  const thisArg =
    callee.includes(".") || callee.includes("[") ? callee.replace(/(\.\w+|\["[^"]+"\])$/, "") : "null";
  switch (shape) {
    case "plain":
      return `${callee}(${arg})`;
    case "call":
      return `${callee}.call(${thisArg}, ${arg})`;
    case "seq":
      return callee.includes(".") || callee.includes("[") ? `${callee}(${arg})` : `(0, ${callee})(${arg})`;
    case "optional":
      return `${callee}?.(${arg})`;
    case "nested":
      // The hand-resolved form awaits the inner call too (callsText): `f(await f(x))`.
      return `${callee}(${callee}(${arg}))`;
    case "map":
      return `[${arg}, ${arg + 1}].map((x) => ${callee}(x))`;
  }
}

const ROUTE_LIB_MJS = `import { look } from "./twin.mjs";

// @smartasync
export async function inc(x) {
  return (await 1) + x;
}
export { inc as "a-b" };

// A function returning a smartasync call, for callers in sync code that want the value: exported,
// its callers are out of sight, so it says so by its annotation (unannotated, the call would be
// handed on as written, the promise the plain program gives: docs/semantics.md).
// @smartasync
export function via(x) {
  return inc(x);
}

// @smartasync
export async function tripled(x) {
  return await look(x);
}
`;

// twin.mjs is plain JavaScript that ships a hand-written sync twin (a twin by name).
const ROUTE_TWIN_MJS = `export async function look(x) {
  return x * 3;
}
export function lookSync(x) {
  return x * 3;
}
`;

const ROUTE_LIB_CJS = `// @smartasync
async function inc(x) {
  return (await 1) + x;
}
// Exported for sync callers that want the value: annotated, as in lib.mjs.
// @smartasync
function via(x) {
  return inc(x);
}
module.exports = { inc, via };
`;

const SHOW = `function show(v) {\n  return JSON.stringify(v, (_k, x) =>\n    x !== null && (typeof x === "object" || typeof x === "function") && typeof x.then === "function" ? "<<PROMISE>>" : x,\n  );\n}\nfunction err(e) {\n  return e && e.name === "SmartAsyncError" || String(e && e.code).startsWith("SMARTASYNC_") ? \`SA \${e.code} \${e.loc ?? ""}\` : \`E \${e && e.message}\`;\n}`;

/** `main()` prints each call in sync code, `amain()` each awaited (a `map` awaits every element). */
function callsText(calls: string[], shapes: Shape[]): string {
  const sync = calls
    .map(
      (c, i) =>
        `  try {\n    console.log("S", ${i}, 0, show(${c}));\n  } catch (e) {\n    console.log("S", ${i}, 0, err(e));\n  }`,
    )
    .join("\n");
  const awaited = calls
    .map((c, i) => {
      const v =
        shapes[i] === "map"
          ? `await Promise.all(${c})`
          : shapes[i] === "nested"
            ? `await ${c.replace(/\((.*)\)$/, "(await $1)")}`
            : `await ${c}`;
      return `  try {\n    console.log("A", ${i}, 0, show(${v}));\n  } catch (e) {\n    console.log("A", ${i}, 0, err(e));\n  }`;
    })
    .join("\n");
  return `function main() {\n${sync}\n}\n\nasync function amain() {\n${awaited}\n}`;
}

function esEntry(calls: RouteCall<EsRoute>[]): string {
  const texts = calls.map((c) => shaped(ES_CALLEE[c.route], c.shape, c.arg));
  return [
    `import { isWorker } from "smartasync/runtime";`,
    `import { inc, inc as plus, "a-b" as ab, via, tripled } from "./lib.mjs";`,
    `import * as ns from "./lib.mjs";`,
    SHOW,
    callsText(
      texts,
      calls.map((c) => c.shape),
    ),
    `if (!isWorker) {\n  main();\n  await amain();\n}`,
  ].join("\n\n");
}

function tsEntry(calls: RouteCall<TsRoute>[]): string {
  const texts = calls.map((c) => shaped(TS_CALLEE[c.route], c.shape, c.arg));
  return [
    `import { isWorker } from "smartasync/runtime";`,
    `import { Api, D, Inner, loadAlias } from "./ns.mjs";`,
    `import Local = Api;`,
    // Babel 7's TypeScript preset drops an import used only by \`import X = Api\` (without
    // smartasync too), and an unused one: each is used as a value here.
    `export const used = [Api, D, Inner, loadAlias];`,
    SHOW,
    callsText(
      texts,
      calls.map((c) => c.shape),
    ),
    `if (!isWorker) {\n  main();\n  await amain();\n}`,
  ].join("\n\n");
}

function cjsEntry(calls: RouteCall<CjsRoute>[]): string {
  const texts = calls.map((c) => shaped(CJS_CALLEE[c.route], c.shape, c.arg));
  return [
    `const { isWorker } = require("smartasync/runtime");`,
    `const { inc } = require("./lib.cjs");`,
    `let { inc: add } = require("./lib.cjs");`,
    `const lib = require("./lib.cjs");`,
    SHOW,
    callsText(
      texts,
      calls.map((c) => c.shape),
    ),
    `if (!isWorker) {\n  main();\n  amain();\n}`,
  ].join("\n\n");
}

/**
 * Calls whose compiled sync form may keep the promise with a build-time warning (SA206/SA209)
 * instead of a value: the property accepts those only where the build said so at that call.
 */
function warnedLines(
  report: { diagnostics?: { code: string; severity?: string; loc?: string }[] } | undefined,
): Set<number> {
  const out = new Set<number>();
  for (const d of report?.diagnostics ?? [])
    if (d.severity !== "error" && /^SA2\d\d$/.test(d.code) && d.loc) out.add(Number(d.loc.split(":").at(-2)));
  return out;
}

const ENTRIES = ["entry.mjs", "entry.cjs", "entry-ts.mts"];
/** The file a source becomes: `.mts` runs as `.mjs`. */
const outName = (name: string): string => name.replace(/\.mts$/, ".mjs");

describe("differential: every module route gives the awaited value or a located error", () => {
  it(
    "generated calls across modules, uncompiled vs Babel 8 (Babel 7 on a third) and smartasync/swc",
    () => {
      const dir = scratch("differential-routes");
      const params = fcParams("differential-routes", 10);
      const stats = { programs: 0, calls: 0, same: 0, located: 0, warned: 0 };
      let k = 0;
      fc.assert(
        fc.property(routesArb, ({ es, cjs, ts }) => {
          const n = k++;
          const src = join(dir, `p${n}`, "src");
          mkdirSync(src, { recursive: true });
          const files: Record<string, string> = {
            "lib.mjs": ROUTE_LIB_MJS,
            "twin.mjs": ROUTE_TWIN_MJS,
            "lib.cjs": ROUTE_LIB_CJS,
            "entry.mjs": esEntry(es),
            "entry.cjs": cjsEntry(cjs),
            "ns.mts": ROUTE_NS_MTS,
            "entry-ts.mts": tsEntry(ts),
          };
          for (const [name, text] of Object.entries(files)) writeFileSync(join(src, name), text);
          // The reference runs uncompiled, TypeScript as plain SWC strips it (no smartasync), in a
          // folder of its own: the build must find the sources, not these outputs.
          const ref = join(dir, `p${n}`, "ref");
          mkdirSync(ref, { recursive: true });
          for (const [name, text] of Object.entries(files))
            writeFileSync(
              join(ref, outName(name)),
              name.endsWith(".mts")
                ? transformSwc(text, { filename: join(src, name), plugin: false }).code
                : text,
            );
          const reference = new Map<string, Lines>();
          for (const entry of ENTRIES) {
            const r = runNode([join(ref, outName(entry))], { cwd: ref });
            expect(r.status, r.stderr).toBe(0);
            reference.set(entry, parse(r.stdout));
          }
          const versions: BabelVersion[] = n % 3 === 0 ? [8, 7] : [8];
          const compilers: [string, (code: string, file: string) => { code: string; report?: unknown }][] = [
            ...versions.map(
              (v) =>
                [`babel ${v}`, (code: string, file: string) => transform(code, v, { filename: file })] as [
                  string,
                  (code: string, file: string) => { code: string; report?: unknown },
                ],
            ),
            ["swc", (code, file) => transformSwc(code, { filename: file })],
          ];
          for (const [label, compile] of compilers) {
            const out = join(dir, `p${n}`, label.replace(" ", ""));
            mkdirSync(out, { recursive: true });
            const reports = new Map<string, unknown>();
            for (const [name, text] of Object.entries(files)) {
              // Compiled where the sources are, so imports resolve to the program's own files.
              const r = compile(text, join(src, name));
              reports.set(name, r.report);
              writeFileSync(join(out, outName(name)), r.code);
            }
            for (const entry of ENTRIES) {
              const run = runNode([join(out, outName(entry))], { cwd: out });
              expect(run.status, `${label} ${entry}: ${run.stderr}`).toBe(0);
              const got = parse(run.stdout);
              const want = reference.get(entry)!;
              const warned = warnedLines(reports.get(entry) as never);
              const lines = files[entry]!.split("\n");
              expect(got.awaited, `${label} ${entry}: awaited calls\n${files[entry]}`).toEqual(want.awaited);
              for (const [key, value] of want.awaited) {
                const v = got.sync.get(key);
                stats.calls++;
                if (v === value) {
                  stats.same++;
                  continue;
                }
                const i = Number(key.split(" ")[0]);
                // The line of `show(<call i>)` in main(): warned there by the build, a promise is
                // what the source said it would be.
                const line = lines.findIndex((l) => l.startsWith(`    console.log("S", ${i}, 0,`)) + 1;
                if (v?.includes("<<PROMISE>>") && warned.has(line)) {
                  stats.warned++;
                  continue;
                }
                expect(
                  v,
                  `${label} ${entry}: sync call ${key} gave a promise\n${files[entry]}`,
                ).not.toContain("<<PROMISE>>");
                expect(v, `${label} ${entry}: sync call ${key} gave ${v}, the reference is ${value}`).toMatch(
                  /^SA SMARTASYNC_[A-Z_]+ \S+:\d+:\d+/,
                );
                stats.located++;
              }
            }
          }
          stats.programs++;
        }),
        params,
      );
      record("differential-routes", stats);
      expect(stats.same).toBeGreaterThan(0);
      // Five node runs per program: a few seconds each on a shared two-core machine.
    },
    240_000 * FACTOR,
  );
});
