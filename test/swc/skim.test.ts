// Skipped function bodies (src/swc-plugin/skim.ts): the SWC engine may parse a copy of the file
// whose function bodies that cannot matter are blanked. What that parse gives must be the full
// parse's tree everywhere but inside those bodies — every node, position and comment — over the
// fixtures, real npm files and inline samples of what a tokenizer can trip on (regex or
// division, templates, comments, ASI). The analysis' answers on such a parse are compared with
// the whole file's in test/lazy-analysis.test.ts.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { transformSync as swcTransformSync } from "@swc/core";
import { describe, expect, it } from "vitest";
import { lazyStats, setLazyAnalysis } from "../../src/core/analysis/analyse.js";
import { mayWriteText } from "../../src/core/analysis/tree.js";
import { transformSync } from "../../src/swc-plugin/index.js";
import { parseToBabelShape, type SwcParserConfig } from "../../src/swc-plugin/lower.js";
import { type Skim, skim } from "../../src/swc-plugin/skim.js";
import { ROOT } from "../harness.js";

const OPTIONS = { syncSuffix: "Sync", asyncSuffix: "Async", runtime: "smartasync/runtime" };

function skimOf(code: string, isModule: boolean | "unknown" = "unknown"): Skim | undefined {
  return skim({ code, options: OPTIONS, isModule, factsOf: undefined });
}

const CUT = new Set(["BlockStatement", "ObjectExpression", "ArrayExpression", "ClassBody"]);

/** The tree as JSON, a skipped body or literal reduced to its type and span. */
function shape(node: unknown, skipped: Set<number>): string {
  return JSON.stringify(node, (_key, value: unknown) => {
    const v = value as { type?: string; start?: number; end?: number; loc?: unknown } | null;
    if (v && typeof v === "object" && CUT.has(v.type ?? "") && skipped.has(v.start ?? -1))
      return { type: v.type, start: v.start, end: v.end, loc: v.loc };
    return value;
  });
}

/** Offsets of every object and array literal in a Babel-shaped tree. */
function literalStarts(node: unknown, out = new Set<number>()): Set<number> {
  if (Array.isArray(node)) for (const c of node) literalStarts(c, out);
  else if (node && typeof node === "object") {
    const n = node as { type?: string; start?: number };
    if (n.type === "ObjectExpression" || n.type === "ArrayExpression") out.add(n.start ?? -1);
    for (const [k, v] of Object.entries(node))
      if (k !== "loc" && typeof v === "object") literalStarts(v, out);
  }
  return out;
}

/** Offsets of every class body's `{` in a Babel-shaped tree. */
function classBodyStarts(node: unknown, out = new Set<number>()): Set<number> {
  if (Array.isArray(node)) for (const c of node) classBodyStarts(c, out);
  else if (node && typeof node === "object") {
    const n = node as { type?: string; start?: number };
    if (n.type === "ClassBody") out.add(n.start ?? -1);
    for (const [k, v] of Object.entries(node))
      if (k !== "loc" && typeof v === "object") classBodyStarts(v, out);
  }
  return out;
}

/** Offsets of every function body's `{` in a Babel-shaped tree. */
function bodyStarts(node: unknown, out = new Set<number>()): Set<number> {
  if (Array.isArray(node)) for (const c of node) bodyStarts(c, out);
  else if (node && typeof node === "object") {
    const n = node as { type?: string; body?: { type?: string; start?: number } };
    if (/Function|Method/.test(n.type ?? "") && n.body?.type === "BlockStatement")
      out.add(n.body.start ?? -1);
    for (const [k, v] of Object.entries(node)) if (k !== "loc" && typeof v === "object") bodyStarts(v, out);
  }
  return out;
}

/**
 * The skimmed parse equals the full one outside the skipped bodies, each skipped body is a
 * function's, a cut literal or a class body (and empty in the skimmed tree). Returns how many
 * bodies were skipped.
 */
function checkSame(code: string, parser: SwcParserConfig, isModule: boolean | "unknown"): number {
  const sk = skimOf(code, isModule);
  if (!sk) return 0;
  const full = parseToBabelShape(code, { parser, isModule });
  // As the engine parses it: SWC is given the text with each skipped body cut to `{}`.
  const part = parseToBabelShape(code, { parser, isModule }, sk);
  const starts = new Set(sk.starts);
  expect(shape(part.program, starts)).toBe(shape(full.program, starts));
  const outside = (c: { start?: number | null }) =>
    !sk.starts.some((s, k) => (c.start ?? 0) > s && (c.start ?? 0) < sk.ends[k]!);
  expect(JSON.stringify(part.comments)).toBe(JSON.stringify((full.comments ?? []).filter(outside)));
  const bodies = bodyStarts(full.program);
  const literals = literalStarts(full.program);
  const classes = classBodyStarts(full.program);
  const cutLiterals = new Set(sk.literals);
  const cutClasses = new Set(sk.classes);
  for (const s of sk.starts)
    if (cutLiterals.has(s)) expect(literals.has(s), `offset ${s} is an object or array literal`).toBe(true);
    else if (cutClasses.has(s)) expect(classes.has(s), `offset ${s} is a class body`).toBe(true);
    else expect(bodies.has(s), `offset ${s} is a function body`).toBe(true);
  return sk.starts.length;
}

function sources(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) {
      if (e.name !== "node_modules") sources(join(dir, e.name), out);
    } else if (/^input\.(js|mjs|cjs|ts|mts|cts)$/.test(e.name)) out.push(join(dir, e.name));
  }
  return out.sort();
}

const REAL = [
  "vite/dist/node/chunks/build.js",
  "vite/dist/node/chunks/dist.js",
  "vite/dist/node/module-runner.js",
  "@babel/traverse/lib/index.js",
  "@babel/core/lib/index-shared.js",
  "babel7-core/lib/config/config-chain.js",
  "postcss/lib/tokenize.js",
  "postcss/lib/parser.js",
  "rolldown/dist/shared/bindingify-input-options-BjFSnI07.mjs",
  "lodash-es/template.js",
  "semver/semver.js",
  "magic-string/dist/index.mjs",
  "picomatch/lib/parse.js",
  "json5/dist/index.mjs",
];

describe("a skimmed parse is the full parse outside the skipped bodies", () => {
  it("fixtures", () => {
    let skipped = 0;
    for (const file of sources(join(ROOT, "fixtures"))) {
      const ts = /\.[mc]?ts$/.test(file);
      const code = readFileSync(file, "utf8");
      const parser: SwcParserConfig = ts ? { syntax: "typescript" } : { syntax: "ecmascript" };
      try {
        parseToBabelShape(code, { parser, isModule: "unknown" });
      } catch {
        continue; // fixtures of syntax errors
      }
      skipped += checkSame(code, parser, "unknown");
    }
    expect(skipped).toBeGreaterThan(10);
  });
  for (const rel of REAL) {
    const file = join(ROOT, "node_modules", rel);
    it.skipIf(!existsSync(file))(rel, () => {
      const code = readFileSync(file, "utf8");
      expect(checkSame(code, { syntax: "ecmascript" }, "unknown")).toBeGreaterThan(0);
    });
  }

  const pad = "\n  const padding = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];\n";
  const SAMPLES: Record<string, string> = {
    "braces in strings, templates, regexes and comments": `function a() {${pad}  const s = "}{", t = '{'; const r = /[}]\\/}/g; // }\n  /* { */ return \`\${ { x: "}" }.x }}\`;\n}\nfunction b() {${pad}}\n`,
    "regex after a header's parenthesis": `function a() {${pad}  if (x) /}/.test(y);\n  while (x) /{/g.exec(y);\n}\nconst z = 1;\n`,
    "division after a call's parenthesis": `function a() {${pad}  return f(x) / 2 / g(y);\n}\n`,
    "arrows, methods, getters, generators": `const f = (a) => {${pad}};\nconst g = async x => {${pad}};\nconst o = { m(a) {${pad}}, get p() {${pad}}, *gen() {${pad}}, ["k"](x) {${pad}} };\nclass C { constructor(a) {${pad}} static s() {${pad}} #p() {${pad}} }\nfunction* h() {${pad}}\nconst i = function* () {${pad}};\n`,
    "a class extending a call": `class A extends mix(B) {\n  m() {${pad}}\n  n() {${pad}}\n}\n`,
    "a call, a line break, a block (no method)": `f(x)\n{${pad}}\n`,
    "nested templates": `const t = \`a\${\`b\${ (() => {${pad}})() }\`}\`;\nfunction q() {${pad}}\n`,
    "non-ASCII names and white space": `function é() {${pad}  const ñ = 1;\u2003return ñ / 2;\n}\n`,
    "non-ASCII before, inside and after cut bodies": `const a = "é𝒳";\nfunction b() {${pad}  return "ü😀" + \`\u00e9\`;\n}\nconst c = "ß"; /* ½ */\nconst d = (x) => {${pad}  return "€";\n};\nconst e = { f: "∂" };\n`,
    directives: `"use strict";\nfunction a() {${pad}  "use strict";\n}\n`,
    hashbang: `#!/usr/bin/env node\nfunction a() {${pad}}\n`,
    "a line terminator in a string continuation": `function a() {${pad}  return "a\\\r\nb";\n}\n`,
    "import.meta in a body (SWC then reads the file as a module)": `function a() {${pad}  return import.meta.url;\n}\nfunction b() {${pad}}\n`,
    "a body holding an annotation is kept": `function outer() {${pad}  // @smartasync\n  async function inner() {${pad}}\n}\n`,
  };
  for (const [name, code] of Object.entries(SAMPLES)) {
    it(name, () => {
      checkSame(code, { syntax: "ecmascript" }, "unknown");
    });
  }

  it("skips what it should and reads nothing it cannot", () => {
    // Eleven bodies, four of them in the object literal `o` and three in the class `C`, each
    // cut whole.
    expect(skimOf(SAMPLES["arrows, methods, getters, generators"]!)?.starts.length).toBe(6);
    expect(skimOf(SAMPLES["arrows, methods, getters, generators"]!)?.literals.length).toBe(1);
    expect(skimOf(SAMPLES["arrows, methods, getters, generators"]!)?.classes.length).toBe(1);
    expect(skimOf(SAMPLES["braces in strings, templates, regexes and comments"]!)?.starts.length).toBe(2);
    // A class body after \`extends f(x)\` is cut whole (no function body: its methods go with it).
    const extending = SAMPLES["a class extending a call"]!;
    expect(skimOf(extending)?.starts).toEqual([extending.indexOf("{")]);
    expect(skimOf(extending)?.classes).toEqual([extending.indexOf("{")]);
    // The annotated function's body and its enclosing function are parsed.
    expect(skimOf(SAMPLES["a body holding an annotation is kept"]!)).toBeUndefined();
    // \`import.meta\` makes a file of unknown kind a module to SWC: its body stays.
    const meta = SAMPLES["import.meta in a body (SWC then reads the file as a module)"]!;
    expect(skimOf(meta)?.starts).toEqual([meta.indexOf("{", meta.indexOf("function b"))]);
    // A `/` after a block's `}` may be either: nothing is skipped.
    expect(skimOf(`function a() {${pad}}\n/x/.test(y);\n`)).toBeUndefined();
    // HTML-like comments and decorators are not read.
    expect(skimOf(`function a() {${pad}}\n<!-- x\n`)).toBeUndefined();
    expect(skimOf(`class A { @dec m() {${pad}} }\n`)).toBeUndefined();
    // A function naming an annotated function (or its variants) is parsed.
    const calls = `// @smartasync\nasync function load() {${pad}}\nfunction run() {${pad}  return loadSync();\n}\nfunction other() {${pad}}\n`;
    const sk = skimOf(calls)!;
    expect(sk.starts).toEqual([calls.indexOf("{", calls.indexOf("function other"))]);
    // `with` matters in a sloppy script only.
    const withs = `function a() {${pad}  with (o) { f(); }\n}\n`;
    expect(skimOf(withs, "unknown")).toBeUndefined();
    expect(skimOf(withs, true)?.starts.length).toBe(1);
  });

  it("cuts an object or array literal only where it is a whole value after `NAME =`", () => {
    const table = "{\n  a: 1, b: [2, 3], c: 'four', d: { e: 5 }, f: /six/g, g: `seven`,\n}";
    const list = "[\n  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,\n]";
    const cut = (code: string) => skimOf(code)?.literals.length ?? 0;
    expect(cut(`const t = ${table};\n`)).toBe(1);
    expect(cut(`let t = ${list}, u = 1;\n`)).toBe(1);
    expect(cut(`var t = ${table}\nfoo();\n`)).toBe(1);
    expect(cut(`t = ${list}\n`)).toBe(1);
    // In a class body that stays (it names \`eval\`); a class body that can go is cut whole.
    expect(cut(`class A { static t = ${table}; static e = eval; }\n`)).toBe(1);
    expect(cut(`class A { static t = ${table}; }\n`)).toBe(0);
    expect(skimOf(`class A { static t = ${table}; }\n`)?.classes.length).toBe(1);
    checkSame(
      `const t = ${table};\nlet u = ${list}\nexport const v = ${table}, w = 2;\n`,
      { syntax: "ecmascript" },
      true,
    );
    // Not a whole value: a member, a call, a line break before \`(\`, \`[\`, \`.\` or an operator word.
    expect(cut(`const t = ${table}.a;\n`)).toBe(0);
    expect(cut(`const t = ${list}.map(f);\n`)).toBe(0);
    expect(cut(`const t = ${table}\n(f)\n`)).toBe(0);
    expect(cut(`const t = ${table}\ninstanceof X\n`)).toBe(0);
    expect(cut(`const t = ${list} + 1;\n`)).toBe(0);
    // Not after a plain name: a member (\`module.exports = {…}\` is read for the exports), a
    // comparison, a compound assignment, a destructuring target, a call's argument.
    expect(cut(`module.exports = ${table};\n`)).toBe(0);
    expect(cut(`if (t == ${table}) f();\n`)).toBe(0);
    expect(cut(`t += ${list};\n`)).toBe(0);
    expect(cut(`({ a, b } = ${table});\n`)).toBe(0);
    expect(cut(`[a, b] = ${list};\n`)).toBe(0);
    expect(cut(`f(${table});\n`)).toBe(0);
    // TypeScript's \`type T = {…}\` is a type, not a value.
    expect(cut(`type T = { a: string; b: number; c: boolean; d: string[]; e: null };\n`)).toBe(0);
    // A literal naming an annotated function (or its variants) is parsed.
    expect(
      cut(`// @smartasync\nasync function load() { return 1; }\nconst t = { pad: ${list}, load };\n`),
    ).toBe(0);
  });
  it("cuts the table of a `new Map(…)` or `new Set(…)`, no other call's argument", () => {
    const pairs = "[\n  ['a', 1], ['b', 2], ['c', 3], ['d', 4], ['e', 5], ['f', 6], ['g', 7],\n]";
    const list = "[\n  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,\n]";
    const at = (code: string) => skimOf(code)?.literals ?? [];
    const map = `const TAGS = /* @__PURE__ */ new Map(${pairs});\n`;
    expect(at(map)).toEqual([map.indexOf("[")]);
    const set = `f(new Set(${list}), 2);\n`;
    expect(at(set)).toEqual([set.indexOf("[")]);
    expect(at(`const s = new Set(${list}).has(x);\n`)).toHaveLength(1);
    expect(at(`function g() {\n  return h(new Map(${pairs}), g);\n}\n`)).toHaveLength(0);
    checkSame(
      `${map}const s = new Set(${list});\nexport const m = new Map(${pairs}), n = 1;\n`,
      { syntax: "ecmascript" },
      true,
    );
    // Not a table of the built-in's constructor call: another constructor, a member, no `new`,
    // a first argument that is no whole array (an array read or spread in a larger expression).
    expect(at(`const t = new Table(${list});\n`)).toHaveLength(0);
    expect(at(`const t = new a.Map(${list});\n`)).toHaveLength(0);
    expect(at(`const t = a.Map(${list});\n`)).toHaveLength(0);
    expect(at(`const t = Map(${list});\n`)).toHaveLength(0);
    expect(at(`const t = new Map(${list}.map(f));\n`)).toHaveLength(0);
    expect(at(`const t = new Set(${list} + x);\n`)).toHaveLength(0);
    expect(at(`const t = new Map(x, ${list});\n`)).toHaveLength(0);
    // A table naming an annotated function is parsed.
    expect(
      at(
        `// @smartasync\nasync function load() { return 1; }\nconst t = new Map([['load', load], ${list}]);\n`,
      ),
    ).toHaveLength(0);
  });
});

describe("writes read from the text of a skipped body", () => {
  const cases: [string, boolean][] = [
    ["x = 1", true],
    ["x += 1", true],
    ["x ??= 1", true],
    ["x++", true],
    ["--x", true],
    ["(x) = 1", true],
    ["[a, x] = arr", true],
    ["({ a: x } = o)", true],
    ["for (x of xs) f()", true],
    ["for ([k, x] of m) f()", true],
    ["x /* why */ = 1", true],
    ["this.x = 1", false],
    ["const x = 1", false],
    ["const { x } = o", false],
    ["if (x == 1) f()", false],
    ["f(x, y)", false],
    ["a[x] = 1", false],
    ["if (x in o) f()", false],
    ["g(x => 1)", false],
    ['f("x = 1")', false],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the sample is source text with a template literal.
    ["f(`x = ${y}`)", false],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the sample is source text with a template literal.
    ["f(`${(x = 1)}`)", true],
    ["f(); // x = 1", false],
    ["const { a, x = 1 } = o", false],
    ["const [a = x = 1] = arr", true],
    ["const { a = (x = 1) } = o", true],
  ];
  for (const [stmt, writes] of cases) {
    it(`${stmt}: ${writes ? "may write" : "no write"}`, () => {
      const code = `function a() {\n  const padding = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];\n  ${stmt};\n}\n`;
      const sk = skimOf(code, true)!;
      expect(sk.starts.length).toBe(1);
      expect(mayWriteText(code, "x", sk.starts[0]!, sk.ends[0]!, sk.patterns, sk.leaves, sk.defaults)).toBe(
        writes,
      );
    });
  }
});

describe("smartasync/swc with skipped bodies", () => {
  const pad = "\n  const padding = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];\n";
  const opts = {
    filename: join(ROOT, "skim-sample.js"),
    swcrc: false,
    isModule: true,
    jsc: { parser: { syntax: "ecmascript" as const }, target: "es2022" as const },
  };
  it("a syntax error in a skipped body is SWC's own error", () => {
    const code = `// @smartasync\nasync function load() { return 1; }\nfunction other() {${pad}  let = ;\n}\nexport function run() { return loadSync(); }\n`;
    let swcError = "";
    try {
      swcTransformSync(code, opts);
    } catch (e) {
      swcError = (e as Error).message ?? String(e);
    }
    expect(swcError).not.toBe("");
    expect(() => transformSync(code, { ...opts, smartasync: {} })).toThrow(swcError.slice(0, 40));
  });
  it("a file with skipped bodies is answered from the skimmed parse", () => {
    const before = lazyStats.skimmed;
    const code = `// @smartasync\nasync function load() { return 1; }\nfunction other() {${pad}  return 2;\n}\nexport function run() { return load(); }\n`;
    const out = transformSync(code, { ...opts, smartasync: {} });
    expect(out.smartasync.functions.map((f) => f.name)).toEqual(["load"]);
    expect(out.code).toContain("loadSync()");
    expect(lazyStats.skimmed).toBe(before + 1);
  });
  it("a skipped body that reassigns its own function (Babel's lazy require) needs no second analysis", () => {
    // `_gensync()(…)` is looked up; with no annotated method anywhere, nothing about the writes
    // of `_gensync` can change the answer, so its skipped body's write is not asked about.
    const code = `"use strict";\nfunction _gensync() {\n  const data = require("gensync");\n  _gensync = function () {\n    return data;\n  };\n  return data;\n}\nconst runner = _gensync()(function* parse(code) {\n  return code;\n});\n// @smartasync\nasync function load() { return 1; }\nexports.run = function run() { return load(); };\n`;
    const cjs = { ...opts, isModule: "unknown" as const };
    const again = lazyStats.again;
    const skimmed = lazyStats.skimmed;
    const out = transformSync(code, { ...cjs, smartasync: {} });
    expect(lazyStats.skimmed).toBe(skimmed + 1);
    expect(lazyStats.again).toBe(again);
    expect(out.code).toContain("loadSync()");
    setLazyAnalysis(false);
    try {
      const whole = transformSync(code, { ...cjs, smartasync: {} });
      expect({ code: out.code, report: out.smartasync }).toEqual({
        code: whole.code,
        report: whole.smartasync,
      });
    } finally {
      setLazyAnalysis(true);
    }
  });
  /** The report and code of `code` with skipped bodies and literals, checked against the whole file's. */
  const sameAsWhole = (code: string) => {
    const again = lazyStats.again;
    const out = transformSync(code, { ...opts, smartasync: {} });
    setLazyAnalysis(false);
    try {
      const whole = transformSync(code, { ...opts, smartasync: {} });
      expect({ code: out.code, report: out.smartasync }).toEqual({
        code: whole.code,
        report: whole.smartasync,
      });
    } finally {
      setLazyAnalysis(true);
    }
    return { again: lazyStats.again - again, why: lazyStats.lastWhy, out };
  };
  const list = "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]";
  it("a cut literal that names nothing smartasync needs no second analysis", () => {
    const skimmed = lazyStats.skimmed;
    const code = `// @smartasync\nasync function load() { return 1; }\nconst TABLE = { a: ${list}, b: "two" };\nexport function run() { return load() + TABLE.a.length; }\n`;
    expect(skimOf(code)?.literals.length).toBe(1);
    expect(sameAsWhole(code).again).toBe(0);
    expect(lazyStats.skimmed).toBe(skimmed + 1);
  });
  it("a cut literal holding a second name of a smartasync function is read in full", () => {
    // `alias` is not among the words before the parse; the check after the analysis finds it.
    const code = `// @smartasync\nasync function load() { return 1; }\nconst alias = load;\nconst TABLE = { pad: ${list}, alias };\nexport function run() { return TABLE.alias(); }\n`;
    expect(skimOf(code)?.literals.length).toBe(1);
    const r = sameAsWhole(code);
    expect(r.again).toBe(1);
    expect(r.why).toContain("alias");
  });
  it("a cut literal writing a binding whose writes a rule read is read in full", () => {
    const code = `// @smartasync\nasync function load() { return 1; }\nlet pick = load;\nconst TABLE = { pad: ${list}, reset: (pick = other) };\nfunction other() { return 2; }\nexport function run() { return pick(); }\n`;
    expect(skimOf(code)?.literals.length).toBe(1);
    expect(sameAsWhole(code).again).toBe(1);
  });
  it("a rule reading the members of a cut literal reads the file in full (a `then` key: a thenable)", () => {
    const code = `const RESULT = {\n  then(resolve) {\n    resolve(1);\n  },\n  pad: ${list},\n};\n// @smartasync\nasync function load() {\n  return RESULT;\n}\nexport function run() {\n  return load();\n}\n`;
    expect(skimOf(code)?.literals.length).toBe(1);
    const r = sameAsWhole(code);
    expect(r.again).toBe(1);
    expect(r.why).toContain("members of a literal");
  });
  const members = `  constructor() {\n    this.items = ${list};\n  }\n  size() {\n    return this.items.length;\n  }\n`;
  it("a cut class body that names nothing smartasync needs no second analysis", () => {
    const skimmed = lazyStats.skimmed;
    const code = `class Store {\n${members}}\n// @smartasync\nasync function load() { return new Store().size(); }\nexport function run() { return load(); }\n`;
    expect(skimOf(code)?.classes).toEqual([code.indexOf("{")]);
    expect(sameAsWhole(code).again).toBe(0);
    expect(lazyStats.skimmed).toBe(skimmed + 1);
  });
  it("a rule reading the members of a cut class body reads the file in full (a base class's own)", () => {
    // An annotated method's variant must not clash with a member of a base class in the file
    // (inherited.ts reads the base's members): the base's body is cut, the read is caught.
    const code = `class Base {\n${members}}\nexport class Store extends Base {\n  // @smartasync\n  async load() {\n    return this.size();\n  }\n}\n`;
    expect(skimOf(code)?.classes).toEqual([code.indexOf("{")]);
    const r = sameAsWhole(code);
    expect(r.again).toBe(1);
    expect(r.why).toContain("members of a class body");
  });
  it("a rule reading the members of a cut class body reads the file in full (a static `then`: a thenable)", () => {
    const code = `class Later {\n  static then(resolve) {\n    resolve(1);\n  }\n${members}}\n// @smartasync\nasync function load() {\n  return Later;\n}\nexport function run() {\n  return load();\n}\n`;
    expect(skimOf(code)?.classes).toEqual([code.indexOf("{")]);
    const r = sameAsWhole(code);
    expect(r.again).toBe(1);
    expect(r.why).toContain("members of a class body");
  });
  it("a cut class body extending a base that blocks on nothing needs no second analysis (postcss's container.js)", () => {
    // Whether the class has a constructor of its own matters only when its base's construction
    // blocks (markSyncBodyBlocks, ImportedFns.importedClass): with no such fact, the members are
    // not read. The exported class is asked both ways (a constructed unit, an exported one).
    const code = `import { Node } from "./not-there.js";\nexport class Container extends Node {\n${members}}\nexport class Plain extends Object {\n${members}}\n// @smartasync\nasync function load() { return new Container().size(); }\nexport function run() { return load(); }\n`;
    expect(skimOf(code)?.classes.length).toBe(2);
    const r = sameAsWhole(code);
    expect(r.again).toBe(0);
    // A base whose construction blocks (fixture worker/imported-plain-blocks-routes: `K`'s
    // constructor calls a function that runs in a worker): the members are read, the file in full.
    const blocking = `import { K } from "./base.js";\nexport class L2 extends K {\n${members}}\n// @smartasync\nasync function load() { return 1; }\nexport function run() { return load(); }\n`;
    const inFixture = {
      ...opts,
      filename: join(ROOT, "fixtures/worker/imported-plain-blocks-routes/skim.js"),
    };
    expect(skimOf(blocking)?.classes.length).toBe(1);
    const again = lazyStats.again;
    const out = transformSync(blocking, { ...inFixture, smartasync: {} });
    expect(lazyStats.again).toBe(again + 1);
    expect(lazyStats.lastWhy).toContain("members of a class body");
    setLazyAnalysis(false);
    try {
      const whole = transformSync(blocking, { ...inFixture, smartasync: {} });
      expect({ code: out.code, report: out.smartasync }).toEqual({
        code: whole.code,
        report: whole.smartasync,
      });
    } finally {
      setLazyAnalysis(true);
    }
  });
  it("a cut table holding a second name of a smartasync function is read in full; an exported one is not held", () => {
    // `alias` is not among the words before the parse; the check after the analysis finds it.
    const code = `// @smartasync\nasync function load() { return 1; }\nconst alias = load;\nexport const BY_NAME = new Map([["pad", ${list}], ["l", alias]]);\nexport function run() { return BY_NAME.get("l")(); }\n`;
    expect(skimOf(code)?.literals.length).toBe(1);
    const r = sameAsWhole(code);
    expect(r.again).toBe(1);
    expect(r.why).toContain("alias");
    // Naming nothing smartasync, an exported table holds none (held.ts `builtWith` passes it by).
    const plain = `// @smartasync\nasync function load() { return 1; }\nexport const BY_NAME = new Map([["pad", ${list}]]);\nexport function run() { return load(); }\n`;
    expect(skimOf(plain)?.literals.length).toBe(1);
    expect(sameAsWhole(plain).again).toBe(0);
  });
  it("a class body naming a smartasync function is not cut; a property named `class` opens none", () => {
    const code = `class Store {\n${members}  fetch() {\n    return load();\n  }\n}\nconst css = { class: "wide", rules: { pad: ${list} } };\n// @smartasync\nasync function load() { return 1; }\nexport function run() { return new Store().fetch(); }\n`;
    const s = skimOf(code);
    expect(s?.classes).toEqual([]);
    // The object after `class:` is a literal of its own, not a class body.
    expect(s?.literals).toEqual([code.indexOf("{ class")]);
    expect(sameAsWhole(code).again).toBe(0);
  });
  it("a function that runs in workers reads the top-level code in full (SA303 through a skipped body)", () => {
    const code = `// @smartasync\nexport function crunch(n) { return n * 2; }\nfunction announce(what) {\n  console.log(what + " is announced once per import, once per worker too");\n  return what;\n}\nexport const started = announce("started");\nconst TABLE = { pad: ${list} };\nexport async function main() { return (await crunch(21)) + TABLE.pad.length; }\n`;
    const r = sameAsWhole(code);
    expect(r.again).toBe(1);
    expect(r.why).toContain("workers");
    expect(r.out.smartasync.diagnostics.map((d) => d.code)).toContain("SA303");
  });
  it("a closed getter needs no second analysis (the index of @babel/core)", () => {
    // A getter whose skipped body returns a name cannot return a smartasync function, so it is
    // not asked about (it forced a whole-tree analysis once getters were followed).
    const code = `"use strict";\nclass Lazy {\n  static register(c) {${pad}  return c;\n  }\n}\nconst api = Object.defineProperty({\n  __proto__: null,\n  get Lazy () {${pad}  return Lazy;\n  },\n}, Symbol.toStringTag, { value: "Module" });\n// @smartasync\nasync function load() { return 1; }\nexports.run = function run() { return load(); };\nexports.api = api;\n`;
    const cjs = { ...opts, isModule: "unknown" as const };
    const again = lazyStats.again;
    const out = transformSync(code, { ...cjs, smartasync: {} });
    expect(lazyStats.again).toBe(again);
    expect(out.code).toContain("loadSync()");
    setLazyAnalysis(false);
    try {
      const whole = transformSync(code, { ...cjs, smartasync: {} });
      expect({ code: out.code, report: out.smartasync }).toEqual({
        code: whole.code,
        report: whole.smartasync,
      });
    } finally {
      setLazyAnalysis(true);
    }
  });
});
