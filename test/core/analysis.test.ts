/**
 * The core's analysis, run on Babel's own AST of every fixture, gives the golden report (or the
 * golden error's first line): the rules in `src/core/analysis` are the specification both
 * compilers share, checked here apart from any emitter.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parseSync, type types as t } from "@babel/core";
import { describe, expect, it } from "vitest";
import { resolveFileOptions } from "../../src/compile/options.js";
import { analyse, type ParsedFile } from "../../src/core/analysis/analyse.js";
import { ModuleGraph } from "../../src/core/analysis/module-graph.js";
import { validateOptions } from "../../src/core/options.js";
import { lenientSyntaxOf } from "../../src/core/syntax.js";
import { listCases } from "../harness.js";

function babelParse(
  code: string,
  filename: string,
  sourceType: "module" | "script" | "unambiguous",
): ParsedFile {
  // TypeScript fixtures may carry legacy decorators (diagnostics/sa102-decorated-method).
  const plugins = /\.[cm]?tsx$/.test(filename)
    ? ["typescript", "jsx", "decorators-legacy"]
    : /\.[cm]?ts$/.test(filename)
      ? ["typescript", "decorators-legacy"]
      : [];
  const parse = (list: string[]) =>
    parseSync(code, {
      babelrc: false,
      configFile: false,
      filename,
      sourceType,
      // A `.cjs` may `return` at the top level, as Node allows (fixture modules/cjs-top-level-return).
      parserOpts: { plugins: list as never, allowReturnOutsideFunction: /\.cjs$/.test(filename) },
    }) as t.File;
  let file: t.File;
  try {
    file = parse(plugins);
  } catch (e) {
    // The module graph's second try (core/syntax.ts `lenientSyntaxOf`; fixture
    // modules/imported-jsx-decorators), for the modules a fixture imports.
    if (sourceType !== "unambiguous") throw e;
    const lenient = lenientSyntaxOf(filename);
    file = parse([
      ...(lenient.typescript ? ["typescript"] : []),
      ...(lenient.jsx ? ["jsx"] : []),
      "decorators-legacy",
    ]);
  }
  return { program: file.program, comments: file.comments ?? [] };
}

describe("core analysis over Babel's AST", () => {
  for (const c of listCases()) {
    it(c.name, () => {
      const code = readFileSync(c.input, "utf8");
      const options = (() => {
        try {
          return validateOptions(c.options);
        } catch {
          return undefined;
        }
      })();
      if (!options) return; // SA104 cases are about options, not analysis
      const graph = new ModuleGraph(
        (src, path) => babelParse(src, path, "unambiguous"),
        options,
        () => c.dir,
        // As every host does: an imported file under its own project's options.
        (file) => resolveFileOptions(file, c.options, "options.json"),
      );
      const sourceType = /\.c[jt]s$/.test(c.input) ? "script" : "module";
      let report: unknown;
      let error: string | undefined;
      try {
        report = analyse({
          parsed: babelParse(code, c.input, sourceType),
          code,
          filename: c.input,
          fileName: relative(options.root ?? c.dir, c.input),
          options,
          graph,
          cjsTransform: c.harness.commonjs === true,
          error: (message) => new Error(message),
        }).report;
      } catch (e) {
        error = (e as Error).message;
      }
      const errFile = `${c.dir}/error.txt`;
      if (existsSync(errFile)) {
        const first = readFileSync(errFile, "utf8").split("\n")[0];
        expect(error, "expected an error").toBeDefined();
        expect(`${relative(c.dir, c.input)}: ${error}`).toBe(first);
        return;
      }
      expect(error).toBeUndefined();
      expect(`${JSON.stringify(report, null, 2)}\n`).toBe(readFileSync(`${c.dir}/report.json`, "utf8"));
    });
  }
});

/** Analyses `code` as the file `file` (in a temp dir with `companions`), with the module graph. */
function analyseSource(
  code: string,
  companions: Record<string, string> = {},
  file = "input.js",
): { report?: import("../../src/core/report.js").Report; error?: string } {
  const dir = mkdtempSync(join(tmpdir(), "sa-analysis-"));
  try {
    for (const [name, text] of Object.entries(companions)) writeFileSync(join(dir, name), text);
    const path = join(dir, file);
    writeFileSync(path, code);
    const options = validateOptions({});
    const graph = new ModuleGraph(
      (src, p) => babelParse(src, p, "unambiguous"),
      options,
      () => dir,
    );
    try {
      const report = analyse({
        parsed: babelParse(code, path, /\.c[jt]s$/.test(file) ? "script" : "module"),
        code,
        filename: path,
        fileName: file,
        options,
        graph,
        cjsTransform: false,
        error: (message) => new Error(message),
      }).report;
      return { report };
    } catch (e) {
      return { error: (e as Error).message };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const codes = (r: ReturnType<typeof analyseSource>): string[] =>
  (r.report?.diagnostics ?? []).map((d) => d.code);
const strategyOf = (r: ReturnType<typeof analyseSource>, name: string): string | undefined =>
  r.report?.functions.find((f) => f.name === name)?.asyncStrategy;

describe("writes to arguments keep a function on the calling thread (SA304) or refuse a worker (SA301)", () => {
  const writes: [string, string][] = [
    ["a mutating method", "function f(list) { list.sort(); }"],
    ["a member assignment", "function f(o) { o.x = 1; }"],
    ["a compound assignment deep in the argument", "function f(o) { o.a.b += 1; }"],
    ["an update", "function f(o) { o.n++; }"],
    ["delete", "function f(o) { delete o.k; }"],
    ["Object.assign", "function f(o) { Object.assign(o, { a: 1 }); }"],
    ["Map.set on a destructured argument", "function f({ cache }) { cache.set(1, 2); }"],
    ["an alias", "function f(list) { const a = list; a.reverse(); }"],
    ["an element of a for-of", "function f(items) { for (const it of items) it.done = true; }"],
    ["a forEach callback's element", "function f(items) { items.forEach((it) => { it.n = 1; }); }"],
    ["a Date setter", "function f(d) { d.setFullYear(2000); }"],
    ["a Buffer writer", "function f(buf) { buf.writeUInt32LE(1, 0); }"],
    ["an element of a rest argument", "function f(...xs) { xs[0].seen = true; }"],
    [
      "a helper of the module, two deep",
      "function g(z) { z.push(1); }\nfunction h(y) { g(y); }\nfunction f(x) { h(x); }",
    ],
    // Issue 14, #6: what a call gives back may be the argument.
    [
      "a write to an element a helper returns",
      "function find(xs, id) { return xs.find((x) => x.id === id); }\nfunction f(xs) { find(xs, 1).done = true; }",
    ],
    [
      "a write to what a helper returns from a loop",
      "function first(xs) { for (const x of xs) return x; }\nfunction f(xs) { const a = first(xs); a.n = 1; }",
    ],
    [
      "a write to what a recursive helper returns",
      "function at(xs, i) { return i ? at(xs, i - 1) : xs[0]; }\nfunction f(xs) { at(xs, 2).n = 1; }",
    ],
    [
      "a write to what an import gives back",
      'import { pick } from "./pick.js";\nfunction f(xs) { const a = pick(xs); a.n = 1; }',
    ],
    [
      "a write to what a helper returns of an import's result",
      'import { pick } from "./pick.js";\nfunction g(xs) { return pick(xs); }\nfunction f(xs) { g(xs).n = 1; }',
    ],
    [
      "a write to an element of a copy",
      "function copy(xs) { return [...xs]; }\nfunction f(xs) { copy(xs)[0].n = 1; }",
    ],
  ];
  for (const [what, body] of writes) {
    it(`sees ${what}`, () => {
      const src = body.replace("function f(", "// @smartasync\nexport function f(");
      const r = analyseSource(src);
      expect(r.error).toBeUndefined();
      expect(strategyOf(r, "f")).toBe("same-thread");
      expect(codes(r)).toContain("SA304");
    });
  }

  const reads: [string, string][] = [
    ["a copy sorted", "function f(list) { return [...list].sort(); }"],
    ["a reassigned argument", "function f(list) { list = list.slice(); list.sort(); return list; }"],
    [
      "a local object",
      "function f(n) { const out = []; out.push(n); const o = {}; o.n = n; return [out, o]; }",
    ],
    ["the rest array itself", "function f(...xs) { xs.push(1); return xs; }"],
    ["a read of the argument", "function f(m) { return m.get(1) + m.size; }"],
    [
      "a recursive helper that reads",
      "function g(x, n) { return n ? g(x, n - 1) : x.a; }\nfunction f(x) { return g(x, 3); }",
    ],
    [
      "a write to a new array a helper returns",
      "function copy(xs) { return [...xs]; }\nfunction f(xs) { const c = copy(xs); c.push(1); return c; }",
    ],
    [
      "a helper that gives back nothing of the argument",
      "function count(xs) { return xs.filter((x) => x.done).length; }\nfunction f(xs) { return count(xs) + 1; }",
    ],
    ["a built-in's view of it", "function f(buf) { const v = new Int32Array(buf); return v[0]; }"],
  ];
  for (const [what, body] of reads) {
    it(`offloads ${what}`, () => {
      const src = body.replace("function f(", "// @smartasync\nexport function f(");
      const r = analyseSource(src);
      expect(r.error).toBeUndefined();
      expect(strategyOf(r, "f")).toBe("offload");
      expect(codes(r)).not.toContain("SA304");
    });
  }

  it("refuses a worker variant that writes to its argument, naming the write", () => {
    const r = analyseSource(
      "// @smartasync\nexport async function f(into) {\n  into.push(await fetch('x'));\n}\n",
    );
    expect(r.error).toMatch(/^SA301: .*`into\.push\(await fetch\('x'\)\)` at input\.js:3:3/);
  });

  it("leaves an inline sync variant that writes to its argument alone (it runs on the calling thread)", () => {
    const r = analyseSource("// @smartasync\nexport async function f(into) {\n  into.push(await 1);\n}\n");
    expect(r.error).toBeUndefined();
    expect(r.report?.functions[0].syncStrategy).toBe("inline");
  });
});

describe("SA302: module state", () => {
  const state = (src: string) =>
    analyseSource(`${src}\n// @smartasync\nexport function f(k) {\n  return use(k);\n}\n`)
      .report?.diagnostics.filter((d) => d.code === "SA302")
      .map((d) => d.message.replace(/^.*mutable state \((.*)\)\. Each.*$/, "$1"));

  it("a class or function declaration that is never reassigned is not state", () => {
    expect(
      state("class C {}\nfunction helper() { return 1; }\nfunction use(k) { return new C(k) && helper(); }"),
    ).toEqual([]);
  });
  it("a reassigned class is", () => {
    expect(state("class C {}\nC = class {};\nfunction use(k) { return new C(k); }")).toEqual([
      "`class C` through `use()`",
    ]);
  });
  it("follows functions of the module, transitively", () => {
    expect(state("let n = 0;\nfunction bump() { n++; }\nfunction use(k) { bump(); return k; }")).toEqual([
      "`let n` through `use()`",
    ]);
  });
  it("mutating methods and method calls on module objects are writes; readers are not", () => {
    expect(state("const m = new Map();\nfunction use(k) { return m.get(k) ?? m.has(k); }")).toEqual([]);
    expect(state("const m = new Map();\nfunction use(k) { m.set(k, 1); }")).toEqual([
      "mutates `m` through `use()`",
    ]);
    expect(
      state(
        "function makeCounter() { return { n: 0, next() { return ++this.n; } }; }\nconst c = makeCounter();\nfunction use(k) { return c.next(k); }",
      ),
    ).toEqual(["calls `c.next()` through `use()`"]);
    // A library's handle keeps its data where every worker reaches it: not state.
    expect(
      state(
        'import { DatabaseSync } from "node:sqlite";\nfunction open() { const c = new DatabaseSync(":memory:"); return c; }\nconst db = open();\nfunction use(k) { return db.prepare(k).get(); }',
      ),
    ).toEqual([]);
    expect(
      state(
        'import { DatabaseSync } from "node:sqlite";\nconst db = new DatabaseSync(":memory:");\nfunction use(k) { return db.prepare(k).get(); }',
      ),
    ).toEqual([]);
  });
  it("state reached through what a function returns, a module-pattern IIFE, methods and static fields (issue 14)", () => {
    expect(
      state(
        "const cache = new Map();\nfunction getCache() { return cache; }\nfunction use(k) { getCache().set(k, 1); }",
      ),
    ).toEqual(["mutates `cache` (what `getCache()` returns) through `use()`"]);
    expect(
      state(
        "const cache = new Map();\nfunction getCache() { return cache; }\nexport function put(k) { getCache().set(k, 1); }\nfunction use(k) { return getCache().get(k); }",
      ),
    ).toEqual(["`const cache`, which `put()` changes at input.js:3:26 through `use()`"]);
    expect(
      state(
        "const counter = (() => { let n = 0; return { inc: () => ++n, value: () => n }; })();\nexport function tick() { counter.inc(); }\nfunction use() { return counter.value(); }",
      ),
    ).toEqual([
      "calls `counter.value()` through `use()`, `const counter`, which `tick()` changes at input.js:2:26 through `use()`",
    ]);
    expect(state("let n = 0;\nclass C { static bump() { n++; } }\nfunction use() { C.bump(); }")).toEqual([
      "`let n` through `use()`",
    ]);
    // A method that names neither `this` nor `tools` changes `n`, not `tools` (attack22 F8), as
    // the static method above does; one that uses `this` still changes its object.
    expect(state("let n = 0;\nconst tools = { bump() { n++; } };\nfunction use() { tools.bump(); }")).toEqual(
      ["`let n` through `use()`"],
    );
    expect(state("const tools = { n: 0, bump() { this.n++; } };\nfunction use() { tools.bump(); }")).toEqual([
      "calls `tools.bump()` through `use()`",
    ]);
    expect(
      state(
        "class S { static rate = 1; }\nexport function set(r) { S.rate = r; }\nfunction use(k) { return k * S.rate; }",
      ),
    ).toEqual(["`class S`, which `set()` changes at input.js:2:26 through `use()`"]);
    expect(
      state(
        "class S { static rate = 1; static set(r) { this.rate = r; } }\nfunction use(k) { return k * S.rate; }",
      ),
    ).toEqual(["`class S`, which `set()` changes at input.js:1:44 through `use()`"]);
    // A module object passed to a helper that writes to what another helper gives back of it.
    expect(
      state(
        "const todos = [{ id: 1 }];\nfunction find(xs, id) { return xs.find((x) => x.id === id); }\nfunction mark(xs, id) { find(xs, id).done = true; }\nfunction use(id) { mark(todos, id); }",
      ),
    ).toEqual(["mutates `todos` through `use()`"]);
    // Statics nothing changes: code, not state.
    expect(state("class S { static rate = 1; }\nfunction use(k) { return k * S.rate; }")).toEqual([]);
    expect(
      state("export function stub() { globalThis.btoa = () => 'x'; }\nfunction use(k) { return btoa(k); }"),
    ).toEqual([
      "the global `btoa` through `use()`, which `stub()` replaces at input.js:1:26 (`globalThis.btoa = () => 'x'`); a worker's own globalThis keeps the original",
    ]);
    // Replaced by top-level code: the worker's import runs it too.
    expect(state("globalThis.btoa = () => 'x';\nfunction use(k) { return btoa(k); }")).toEqual([]);
  });
  it("a required module is not state", () => {
    const r = analyseSource(
      "const fs = require('fs');\n// @smartasync\nfunction f(p) { return fs.statSync(p).size; }\nmodule.exports = { f };\n",
      {},
      "input.cjs",
    );
    expect(codes(r)).not.toContain("SA302");
  });
});

describe("SA302: state of an imported module", () => {
  const state = (src: string, companions: Record<string, string>) =>
    analyseSource(`${src}\n// @smartasync\nexport function f(k) {\n  return use(k);\n}\n`, companions)
      .report?.diagnostics.filter((d) => d.code === "SA302")
      .map((d) => d.message.replace(/^.*mutable state \((.*)\)\. Each.*$/, "$1"));
  const store = {
    "store.js":
      "export let hits = 0;\nexport let fixed = 1;\nfixed = 2;\nexport const cache = new Map();\nexport const table = { a: 1 };\nexport function bump() { hits++; }\nexport function remember(k, v) { cache.set(k, v); }\nexport function recall(k) { return cache.get(k); }\nexport function look(k) { return table[k]; }\nexport function mark(k) { table[k] = 1; }\nexport default cache;\nexport const limits = { max: 1 };\nexport function cap(k) { return Math.min(k, limits.max); }\n",
  };

  it("a named, default or namespace import of a let a function assigns, or of an object a function changes", () => {
    expect(state('import { hits } from "./store.js";\nfunction use() { return hits; }', store)).toEqual([
      "`hits` imported from `./store.js`, a `let` there that `bump()` assigns at store.js:6:26 through `use()`",
    ]);
    expect(state('import c from "./store.js";\nfunction use(k) { return c.get(k); }', store)).toEqual([
      "`c` imported from `./store.js`, an object there that `remember()` changes at store.js:7:34 through `use()`",
    ]);
    expect(
      state('import * as s from "./store.js";\nfunction use(k) { return s.cache.get(k); }', store),
    ).toEqual([
      "`s.cache` imported from `./store.js`, an object there that `remember()` changes at store.js:7:34 through `use()`",
    ]);
  });
  it("an imported function that reads such state, or writes its module's state", () => {
    expect(
      state('import { recall } from "./store.js";\nfunction use(k) { return recall(k); }', store),
    ).toEqual([
      "`recall` imported from `./store.js`, which uses `cache`, an object there that `remember()` changes at store.js:7:34 through `use()`",
    ]);
    expect(state('import { mark } from "./store.js";\nfunction use(k) { mark(k); }', store)).toEqual([
      "`mark` imported from `./store.js`, which uses `table`, an object there that `mark()` changes at store.js:10:27 through `use()`",
    ]);
  });
  it("CommonJS: a module required whole, destructured, or one member of it", () => {
    const lib = {
      "lib.cjs":
        "const cache = new Map();\nfunction remember(k, v) { cache.set(k, v); }\nfunction recall(k) { return cache.get(k); }\nmodule.exports = { cache, remember, recall };\n",
    };
    const cjs = (src: string) =>
      analyseSource(
        `${src}\n// @smartasync\nfunction f(k) {\n  return use(k);\n}\nmodule.exports = { f };\n`,
        lib,
        "input.cjs",
      )
        .report?.diagnostics.filter((d) => d.code === "SA302")
        .map((d) => d.message.replace(/^.*mutable state \((.*)\)\. Each.*$/, "$1"));
    const changed = "an object there that `remember()` changes at lib.cjs:2:27 through `use()`";
    expect(cjs('const lib = require("./lib.cjs");\nfunction use(k) { return lib.cache.get(k); }')).toEqual([
      `\`lib.cache\` imported from \`./lib.cjs\`, ${changed}`,
    ]);
    expect(cjs('const { cache } = require("./lib.cjs");\nfunction use(k) { return cache.get(k); }')).toEqual([
      `\`cache\` imported from \`./lib.cjs\`, ${changed}`,
    ]);
    expect(cjs('const recall = require("./lib.cjs").recall;\nfunction use(k) { return recall(k); }')).toEqual(
      [`\`recall\` imported from \`./lib.cjs\`, which uses \`cache\`, ${changed}`],
    );
  });
  it("not state: a let assigned by top-level code only, an object no function changes, a function reading it", () => {
    expect(
      state(
        'import { fixed, limits, cap } from "./store.js";\nfunction use(k) { return fixed + limits.max + cap(k); }',
        store,
      ),
    ).toEqual([]);
    expect(state('import { join } from "node:path";\nfunction use(k) { return join(k); }', store)).toEqual(
      [],
    );
  });
});

describe("SA302: through re-exports and imports of imported modules", () => {
  const state = (src: string, companions: Record<string, string>) =>
    analyseSource(`${src}\n// @smartasync\nexport function f(k) {\n  return use(k);\n}\n`, companions)
      .report?.diagnostics.filter((d) => d.code === "SA302")
      .map((d) => d.message.replace(/^.*mutable state \((.*)\)\. Each.*$/, "$1"));
  const store =
    "export let hits = 0;\nexport function bump() { hits++; }\nexport const cache = new Map();\nexport function remember(k, v) { cache.set(k, v); }\nexport default cache;\n";

  it("a binding re-exported by name, by export *, as default, or imported and exported again", () => {
    const use = (names: string, via: Record<string, string>, read = "hits") =>
      state(`import { ${names} } from "./barrel.js";\nfunction use() { return ${read}; }`, {
        "store.js": store,
        ...via,
      });
    const hits = "a `let` there that `bump()` assigns at store.js:2:26 through `use()`";
    expect(use("hits", { "barrel.js": 'export { hits } from "./store.js";\n' })).toEqual([
      `\`hits\` imported from \`./barrel.js\` (re-exported from \`./store.js\`), ${hits}`,
    ]);
    expect(use("n", { "barrel.js": 'export { hits as n } from "./store.js";\n' }, "n")).toEqual([
      `\`n\` imported from \`./barrel.js\` (re-exported from \`./store.js\`), ${hits}`,
    ]);
    expect(use("hits", { "barrel.js": 'export * from "./store.js";\n' })).toEqual([
      `\`hits\` imported from \`./barrel.js\` (re-exported from \`./store.js\`), ${hits}`,
    ]);
    expect(
      use("hits", {
        "barrel.js": 'export * from "./mid.js";\n',
        "mid.js": 'import { hits } from "./store.js";\nexport { hits };\n',
      }),
    ).toEqual([
      `\`hits\` imported from \`./barrel.js\` (re-exported from \`./mid.js\`, then \`./store.js\`), ${hits}`,
    ]);
    expect(use("c", { "barrel.js": 'export { default as c } from "./store.js";\n' }, "c.get(1)")).toEqual([
      "`c` imported from `./barrel.js` (re-exported from `./store.js`), an object there that `remember()` changes at store.js:4:34 through `use()`",
    ]);
    // `export *` never carries a default export.
    expect(
      state('import c from "./barrel.js";\nfunction use() { return c.get(1); }', {
        "store.js": store,
        "barrel.js": 'export * from "./store.js";\n',
      }),
    ).toEqual([]);
  });

  it("imported functions followed from module to module, their imported state too", () => {
    expect(
      state('import { top } from "./a.js";\nfunction use() { return top(); }', {
        "a.js": 'import { mid } from "./b.js";\nexport function top() { return mid(); }\n',
        "b.js": 'import { cache } from "./store.js";\nexport function mid() { return cache.get(1); }\n',
        "store.js": store,
      }),
    ).toEqual([
      "`top` imported from `./a.js`, which uses `mid` imported from `./b.js`, which uses `cache` imported from `./store.js`, an object there that `remember()` changes at store.js:4:34 through `use()`",
    ]);
  });

  it("cycles end: a re-export cycle, and functions of two modules calling each other", () => {
    expect(
      state('import { x } from "./a.js";\nfunction use() { return x; }', {
        "a.js": 'export * from "./b.js";\n',
        "b.js": 'export * from "./a.js";\n',
      }),
    ).toEqual([]);
    const ping = {
      "a.js": 'import { g } from "./b.js";\nexport function f() { return g(); }\n',
      "b.js": 'import { f } from "./a.js";\nexport function g() { return f(); }\n',
    };
    expect(state('import { f as h } from "./a.js";\nfunction use() { return h(); }', ping)).toEqual([]);
    // The same cycle with state at its far end: found whichever way it is entered.
    const withState = {
      ...ping,
      "b.js":
        'import { f } from "./a.js";\nlet n = 0;\nexport function bump() { n++; }\nexport function g() { return f() + n; }\n',
    };
    expect(state('import { f as h } from "./a.js";\nfunction use() { return h(); }', withState)).toEqual([
      "`h` imported from `./a.js`, which uses `g` imported from `./b.js`, which uses `n`, a `let` there that `bump()` assigns at b.js:3:26 through `use()`",
    ]);
    expect(state('import { g } from "./b.js";\nfunction use() { return g(); }', withState)).toEqual([
      "`g` imported from `./b.js`, which uses `n`, a `let` there that `bump()` assigns at b.js:3:26 through `use()`",
    ]);
  });

  it("an exported in-memory object the function reads: any importer may change it", () => {
    const own = (src: string) =>
      analyseSource(`${src}\n// @smartasync\nexport function f(k) {\n  return use(k);\n}\n`, {
        "config.js":
          'import { settings } from "./input.js";\nexport function configure(m) { settings.mode = m; }\n',
      })
        .report?.diagnostics.filter((d) => d.code === "SA302")
        .map((d) => d.message.replace(/^.*mutable state \((.*)\)\. Each.*$/, "$1"));
    expect(own("export const settings = { mode: 1 };\nfunction use() { return settings.mode; }")).toEqual([
      "`const settings`, which this module exports, so other modules may change it through `use()`",
    ]);
    expect(
      own(
        "const settings = new Map();\nexport { settings as config };\nfunction use() { return settings.size; }",
      ),
    ).toEqual([
      "`const settings`, which this module exports, so other modules may change it through `use()`",
    ]);
    // Not exported, frozen, or a primitive: nothing another module can change in place.
    expect(own("const settings = { mode: 1 };\nfunction use() { return settings.mode; }")).toEqual([]);
    expect(
      own("export const settings = Object.freeze({ mode: 1 });\nfunction use() { return settings.mode; }"),
    ).toEqual([]);
    expect(own("export const mode = 1;\nfunction use() { return mode; }")).toEqual([]);
  });

  it("bounded: eight modules from the worker function's own, not nine", () => {
    const chain = (n: number): Record<string, string> => {
      const files: Record<string, string> = {
        [`m${n}.js`]: store.replace(
          "export function bump",
          `export function m${n}() { return hits; }\nexport function bump`,
        ),
      };
      for (let i = 1; i < n; i++)
        files[`m${i}.js`] =
          `import { m${i + 1} } from "./m${i + 1}.js";\nexport function m${i}() { return m${i + 1}(); }\n`;
      return files;
    };
    expect(state('import { m1 } from "./m1.js";\nfunction use() { return m1(); }', chain(8))).toHaveLength(1);
    expect(state('import { m1 } from "./m1.js";\nfunction use() { return m1(); }', chain(9))).toEqual([]);
  });
});

describe("SA303: what a worker imports", () => {
  const fn = "// @smartasync\nexport function f(n) {\n  return n;\n}\n";

  it("names the chain to an imported module with top-level effects", () => {
    const r = analyseSource(`import "./a.js";\n${fn}`, {
      "a.js": 'import "./b.js";\nexport const A = 1;\n',
      "b.js": 'console.log("b");\n',
    });
    const d = r.report?.diagnostics.find((x) => x.code === "SA303");
    expect(d?.loc).toBe("input.js:1:1");
    expect(d?.message).toContain("`./a.js` → `./b.js`");
  });
  it("reaches the entry through a cycle", () => {
    const r = analyseSource(`import { g } from "./util.js";\n${fn}`, {
      "util.js": 'import "./main.js";\nexport function g() {}\n',
      "main.js": 'import { f } from "./input.js";\nawait f(1);\n',
    });
    expect(r.report?.diagnostics.map((d) => d.message).join("\n")).toContain("`./util.js` → `./main.js`");
  });
  it("follows a top-level require and writes the guard with require in CommonJS", () => {
    const r = analyseSource(
      "const setup = require('./setup.cjs');\n// @smartasync\nfunction f(n) { return n; }\nmodule.exports = { f };\n",
      { "setup.cjs": "exports.x = 1;\nmodule.exports.y = 2;\nprocess.title = 'app';\n" },
      "input.cjs",
    );
    const msgs = r.report?.diagnostics.filter((d) => d.code === "SA303").map((d) => d.message) ?? [];
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toContain("`./setup.cjs`, whose top-level code (line 3)");
    expect(msgs[0]).toContain('const { isWorker } = require("smartasync/runtime")');
  });
  it("takes CommonJS exports for declarations, not effects", () => {
    const r = analyseSource(
      '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\n// @smartasync\nfunction f(n) { return n; }\nexports.f = f;\nmodule.exports.g = f;\nmodule.exports = { f };\n',
      {},
      "input.cjs",
    );
    expect(codes(r)).not.toContain("SA303");
  });
  it("does not follow packages or modules without effects", () => {
    const r = analyseSource(`import { join } from "node:path";\nimport "./quiet.js";\n${fn}`, {
      "quiet.js": "export function q() {}\nexport const T = [1];\n",
    });
    expect(codes(r)).not.toContain("SA303");
  });
});

describe("SA305: module-level code calling its own worker variant", () => {
  const worker = "// @smartasync\nexport async function load(u) {\n  return await fetch(u);\n}\n";
  it("is an error at the call", () => {
    expect(analyseSource(`${worker}export const v = load("x");\n`).error).toMatch(
      /^SA305: .*\(input\.js:5:18\)$/,
    );
  });
  it("is fine behind an isWorker guard, in a function, or awaited (the function itself runs)", () => {
    for (const tail of [
      'import { isWorker } from "smartasync/runtime";\nif (!isWorker) load("x");\n',
      'export function main() { return load("x"); }\n',
      'await load("x");\n',
    ]) {
      expect(analyseSource(`${worker}${tail}`).error).toBeUndefined();
    }
  });
});

describe("SA207: a discarded call that may block without bound", () => {
  const sa207 = (body: string) =>
    codes(
      analyseSource(
        `let on = true;\n// @smartasync\nasync function tick() { return 1; }\n// @smartasync\nasync function run(xs) {\n${body}\n}\nexport function main() {\n  run([1]);\n}\n`,
      ),
    ).filter((c) => c === "SA207").length;

  it("warns for loops around awaits and loops without end", () => {
    expect(sa207("  while (on) await tick();")).toBe(1);
    expect(sa207("  for (;;) { await tick(); }")).toBe(1);
    expect(sa207("  do { await tick(); } while (on);")).toBe(1);
    expect(sa207("  while (true) { if (!on) break; }")).toBe(1);
  });
  it("does not warn for a loop over a collection, or awaits without a loop", () => {
    expect(sa207("  for (const x of xs) await tick(x);")).toBe(0);
    expect(sa207("  await tick();\n  await tick();")).toBe(0);
    expect(sa207("  while (on) { on = false; }")).toBe(0);
  });
});

describe("void f(): started on purpose", () => {
  it("stays a plain call in sync code too, with no warning", () => {
    const r = analyseSource(
      "// @smartasync\nasync function run() { while (globalThis.on) await 0; }\nexport function main() {\n  void run();\n}\n",
    );
    expect(r.report?.calls.map((c) => [c.context, c.in, c.strategy, c.target])).toEqual([
      ["started", "sync", "direct", "run"],
    ]);
    expect(r.report?.diagnostics).toEqual([]);
  });
});

describe("SA303 reads only modules of code", () => {
  it("does not read a JSON or CSS import as a module with effects", () => {
    const r = analyseSource(
      'import data from "./data.json" with { type: "json" };\nimport "./style.css";\n// @smartasync\nexport function f(n) {\n  return n + data.length;\n}\n',
      // A JSON array would parse as JavaScript, as an expression statement: an "effect".
      { "data.json": "[1, 2, 3]\n", "style.css": "body { color: red }\n" },
    );
    expect(r.error).toBeUndefined();
    expect(codes(r)).not.toContain("SA303");
  });
});

describe("entry guards", () => {
  it("require.main === module and import.meta.main guard module-level calls (no SA305, no SA303)", () => {
    const cjs = analyseSource(
      "// @smartasync\nasync function load(u) {\n  return await fetch(u);\n}\nif (require.main === module) console.log(load('x'));\nmodule.exports = { load };\n",
      {},
      "input.cjs",
    );
    expect(cjs.error).toBeUndefined();
    expect(codes(cjs)).not.toContain("SA303");
    const esm = analyseSource(
      "// @smartasync\nexport async function load(u) {\n  return await fetch(u);\n}\nif (import.meta.main) console.log(load('x'));\n",
    );
    expect(esm.error).toBeUndefined();
    expect(codes(esm)).not.toContain("SA303");
  });
});

describe("a function handed to a call that may call it (attack22 F4, F6)", () => {
  /** The awaited, offloaded call of `w`: its `outside` flag and reason. */
  const offloaded = (head: string, body: string) => {
    const r = analyseSource(
      `${head}\n// @smartasync\nexport function w(m, cb, obj) {\n  const xs = [String(m)];\n  const s = String(m);\n  ${body};\n  return 1;\n}\nexport async function main() {\n  await w("a", null, null);\n}\n`,
    );
    return r.report?.calls.find((c) => c.callee === "w");
  };
  /** The sync variant of `Promise.all` over two calls of an async `step` doing `body` first. */
  const allStrategy = (head: string, body: string) =>
    strategyOfSync(
      analyseSource(
        `import { readFile } from "node:fs/promises";\n${head}\n// @smartasync\nexport async function step(m, cb, obj) {\n  const xs = [String(m)];\n  const s = String(m);\n  ${body};\n  await readFile("x");\n  return m;\n}\n// @smartasync\nexport async function both() {\n  return (await Promise.all([step("a", null, null), step("b", null, null)])).length;\n}\n`,
      ),
      "both",
    );
  const strategyOfSync = (r: ReturnType<typeof analyseSource>, name: string) =>
    r.report?.functions.find((f) => f.name === name)?.syncStrategy;

  // [head, body, what the reason says]
  const acting: [string, string, string][] = [
    ["", "xs.forEach(console.log)", "prints to the console"],
    ["", "xs.map(console.error)", "prints to the console"],
    ["", "Array.from([m], console.log)", "prints to the console"],
    ["", "s.replace(/o/, console.log)", "prints to the console"],
    ["", "xs.some(console.warn)", "prints to the console"],
    ["", "new Map([[s, 1]]).forEach(console.log)", "prints to the console"],
    ["", "JSON.stringify(s, console.log)", "prints to the console"],
    ["const say = console.log;", "xs.forEach(say)", "prints to the console"],
    ["const { log } = console;", "xs.forEach(log)", "prints to the console"],
    ["", "xs.forEach(console.log.bind(console))", "prints to the console"],
    ["const out = console.log.bind(console);", "xs.forEach(out)", "prints to the console"],
    ["const say = console.log;", 'Object.defineProperty({}, "k", { get: say })', "prints to the console"],
    ["const say = console.log;", 'Object.fromEntries([["k", say]])', "prints to the console"],
    ["", "xs.forEach(process.stdout.write)", "uses `process`"],
    ['import { unlinkSync } from "node:fs";', "xs.forEach(unlinkSync)", "writes to the file system"],
    ['import fs from "node:fs";', "xs.forEach(fs.unlinkSync)", "writes to the file system"],
    ['import * as fs from "node:fs";', "xs.filter(fs.existsSync)", "reads the file system"],
    ['import fs from "node:fs";', "const rm = fs.rmSync;\n  xs.forEach(rm)", "writes to the file system"],
    ['import { connect } from "node:net";', "xs.map(connect)", "calls a function of `node:net`"],
    [
      'import { unlinkSync } from "node:fs";',
      'Object.defineProperty({}, "k", { get: unlinkSync })',
      "writes to the file system",
    ],
    ["", "xs.forEach(cb)", "calls a function handed in as a parameter"],
    ["", "xs.forEach(obj.run)", "calls a function the build does not follow"],
  ];
  for (const [head, body, what] of acting) {
    it(`acts: ${head} ${body}`, () => {
      const call = offloaded(head, body);
      expect(call?.strategy).toBe("offload");
      expect(call?.outside).toBe(true);
      expect(call?.reason).toContain(`${what}`);
      expect(call?.reason).toContain("through a function it hands to a call that may call it");
      // The same rule makes the element act, so the inline copy does not run them in turn.
      expect(allStrategy(head, body)).toBe("worker");
    });
  }

  // What is proven quiet stays so: a pure function of the module, a string, a pure global.
  const quiet: [string, string][] = [
    ["function double(x) {\n  return x + x;\n}", "xs.map(double)"],
    [
      "const twice = (x) => x + x;\nfunction compare(a, b) {\n  return a < b ? -1 : 1;\n}",
      "xs.map(twice);\n  xs.sort(compare)",
    ],
    ["", 's.replace(/o/, "0")'],
    ['const sep = "-";', "s.replace(/o/, sep)"],
    ["", "JSON.stringify({ s }, null, 2)"],
    ["", "xs.filter(Boolean).map(String)"],
    ['import { join } from "node:path";', "xs.map((p) => join(p, s))"],
    ['import { constants } from "node:fs";', "xs.concat(constants.R_OK, constants)"],
    ['import { argv } from "node:process";', "xs.concat(argv)"],
  ];
  for (const [head, body] of quiet) {
    it(`stays quiet: ${head} ${body}`, () => {
      const call = offloaded(head, body);
      expect(call?.strategy).toBe("offload");
      expect(call?.outside).toBeUndefined();
      expect(allStrategy(head, body)).toBe("inline");
    });
  }
});
