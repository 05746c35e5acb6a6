/**
 * What a smartasync function does with each parameter (src/core/analysis/param-uses.ts), read
 * from the facts a compile gives importers: one case per form of the rule (attack17 F17).
 */
import { transformSync } from "@babel/core";
import { describe, expect, it } from "vitest";
import smartasync from "../../src/babel-plugin/index.js";
import type { ModuleFacts, ParamUse } from "../../src/core/module-facts.js";
import { paramUsesFrom } from "../../src/core/module-facts.js";

/** The `params` of the exported function `name` of `code`, compiled as `m.js`. */
function paramsOf(code: string, name: string): ParamUse[] | undefined {
  const r = transformSync(code, {
    filename: `${process.cwd()}/m.js`,
    babelrc: false,
    configFile: false,
    plugins: [[smartasync, { root: process.cwd() }]],
  });
  const facts = (r?.metadata as unknown as { smartasyncExports?: ModuleFacts } | undefined)
    ?.smartasyncExports;
  return facts?.exports.get(name)?.params;
}

const uses = (code: string, name = "f") => paramsOf(code, name)?.map((u) => u.use);

describe("a parameter is awaited only", () => {
  it("where other reads want the value (`text.toUpperCase()`: a promise there breaks the plain program)", () => {
    expect(
      uses(
        "// @smartasync\nexport async function f(p) { await null; return p.toUpperCase() + (p === 1) + (() => p.length)() + ('' + p) + JSON.stringify(p); }",
      ),
    ).toEqual(["awaited"]);
  });
  it("where every read is `await p`, through parentheses", () => {
    expect(
      uses(
        "// @smartasync\nexport async function f(p, q) { const a = await p; return a + (await (p)) + await q; }",
      ),
    ).toEqual(["awaited", "awaited"]);
  });
  it("where it is handed to another smartasync function's awaited-only parameter", () => {
    const code =
      "// @smartasync\nasync function g(x) { return await x; }\n// @smartasync\nexport async function f(p) { return await g(p); }";
    expect(uses(code)).toEqual(["awaited"]);
  });
  it("where it is `await Promise.resolve(p)`, which awaits what `await p` awaits", () => {
    expect(uses("// @smartasync\nexport async function f(p) { return await Promise.resolve((p)); }")).toEqual(
      ["awaited"],
    );
  });
  it("where it is handed to a method of a class of the file whose parameter is awaited only", () => {
    const code =
      "class C {\n  // @smartasync\n  static async g(x) { return await x; }\n}\n// @smartasync\nexport async function f(p) { return await C.g(p); }";
    expect(uses(code)).toEqual(["awaited"]);
  });
  it("with a literal default", () => {
    expect(uses('// @smartasync\nexport async function f(p = "") { return await p; }')).toEqual(["awaited"]);
  });
});

describe("a promise use, located", () => {
  it("`.then` on it", () => {
    expect(
      paramsOf("// @smartasync\nexport async function f(p) {\n  return p.then((v) => v);\n}", "f"),
    ).toEqual([{ use: "promise", what: "`p.then((v) => v)`", at: "m.js:3:10" }]);
  });
  it("an element of `Promise.race`", () => {
    expect(uses("// @smartasync\nexport async function f(p) { return await Promise.race([p]); }")).toEqual([
      "promise",
    ]);
  });
  it("`await p` inside a `try` whose `catch` or `finally` sees the rejection", () => {
    expect(
      uses("// @smartasync\nexport async function f(p) { try { return await p; } catch { return 0; } }"),
    ).toEqual(["promise"]);
    expect(
      uses("// @smartasync\nexport async function f(p) { try { return await p; } finally { } }"),
    ).toEqual(["promise"]);
  });
  it("`Promise.resolve(p)` not directly awaited, or awaited where a `catch` sees it", () => {
    expect(
      paramsOf(
        "// @smartasync\nexport async function f(p) {\n  return await Promise.resolve(p).then((v) => v);\n}",
        "f",
      ),
    ).toEqual([{ use: "promise", what: "`Promise.resolve(p)`", at: "m.js:3:16" }]);
    expect(
      uses(
        "// @smartasync\nexport async function f(p) { try { return await Promise.resolve(p); } catch { return 0; } }",
      ),
    ).toEqual(["promise"]);
  });
  it("more spellings of the same use (attack20 F5, F12): `Array.of`/`Array.from` raced, an operand or `valueOf()` awaited in a `try`, `for await` over `[p]` in a `try`", () => {
    const promiseUses = [
      "export function f(p) { Promise.race(Array.of(p, 1)); return 1; }",
      "export function f(p) { Promise.race(Array.from([p, 1])); return 1; }",
      `export function f(p) { Promise.race([\`\${'x'}\` && p, 1]); return 1; }`,
      "export async function f(p, c) { try { return await (c ? p : null); } catch { return 0; } }",
      "export async function f(p) { try { return await (0, p); } catch { return 0; } }",
      "export async function f(p) { try { return await (true && p); } catch { return 0; } }",
      "export async function f(p) { try { return await p.valueOf(); } catch { return 0; } }",
      "export async function f(p) { try { return await p?.valueOf(); } catch { return 0; } }",
      "export async function f(p) { try { for await (const v of [p]) return v; } catch { return 0; } }",
    ];
    for (const code of promiseUses) expect(uses(`// @smartasync\n${code}`)?.[0], code).toBe("promise");
    expect(
      paramsOf(
        "// @smartasync\nexport async function f(p) {\n  try { for await (const v of [p]) return v; } catch {}\n}",
        "f",
      ),
    ).toEqual([
      {
        use: "promise",
        what: "`for await (… of [p])` inside a `try` whose `catch` sees its rejection",
        at: "m.js:3:9",
      },
    ]);
    // Outside a `try`, `for await` over `[p]` and `await p.valueOf()` are `await p`.
    expect(
      uses(
        "// @smartasync\nexport async function f(p) { for await (const v of [p]) return v; return await p.valueOf(); }",
      ),
    ).toEqual(["awaited"]);
  });
  it("handed to a method of a class of the file that uses it as a promise", () => {
    const code =
      "class C {\n  // @smartasync\n  static async g(x) { return x.then((v) => v); }\n}\n// @smartasync\nexport async function f(p) { return await C.g(p); }";
    expect(paramsOf(code, "f")?.[0]).toMatchObject({
      use: "promise",
      what: expect.stringContaining("C.g(p)"),
    });
  });
  it("handed to a smartasync function that uses it as a promise", () => {
    const code =
      "// @smartasync\nasync function g(x) { return x.then((v) => v); }\n// @smartasync\nexport async function f(p) { return await g(p); }";
    expect(paramsOf(code, "f")?.[0]).toMatchObject({ use: "promise", what: expect.stringContaining("g(p)") });
  });
});

describe("a sync smartasync function's parameter", () => {
  it("read as a value wants the value (it cannot await; a promise there was the plain program's bug)", () => {
    expect(uses("// @smartasync\nexport function f(t) { return t.split(' ').length + String(t); }")).toEqual([
      "value",
    ]);
  });
  it("used by a promise's own methods or `Promise.*` is a promise use", () => {
    expect(uses("// @smartasync\nexport function f(p) { p.then(console.log); return 1; }")).toEqual([
      "promise",
    ]);
    expect(uses("// @smartasync\nexport function f(p) { return Promise.race([p]); }")).toEqual(["promise"]);
  });
});

describe("a `const` alias of a parameter (attack19 F1)", () => {
  it("is read as the parameter: racing it is a promise use, located at the race", () => {
    expect(
      paramsOf(
        "// @smartasync\nexport async function f(p, ms) {\n  const task = p;\n  return await Promise.race([task, ms]);\n}",
        "f",
      )?.[0],
    ).toEqual({ use: "promise", what: "`Promise.race([task, ms])`", at: "m.js:4:16" });
  });
  it("awaited only stays awaited only, a few names deep; `let` is not followed", () => {
    expect(
      uses("// @smartasync\nexport async function f(p) { const a = p; const b = a; return await b; }"),
    ).toEqual(["awaited"]);
    expect(uses("// @smartasync\nexport async function f(p) { let a = p; return await a; }")).toEqual([
      "unknown",
    ]);
  });
});

describe("a parameter escaping where the build does not follow it is unknown (attack19 F1)", () => {
  const escapes: [string, string][] = [
    [
      "a helper of the module",
      "function h(x) { return Promise.race([x]); }\n// @smartasync\nexport function f(p) { h(p); return 1; }",
    ],
    ["an object", "// @smartasync\nexport function f(p) { const o = { p }; return Promise.race([o.p]); }"],
    [
      "an array kept in a local",
      "// @smartasync\nexport function f(p) { const l = [p, 1]; return Promise.race(l); }",
    ],
    ["a keeping method", "const q = [];\n// @smartasync\nexport function f(p) { q.push(p); return 1; }"],
    ["`concat`", "// @smartasync\nexport function f(p) { return Promise.race([1].concat(p)); }"],
    [
      "a closure's promise use",
      "// @smartasync\nexport function f(p) { setImmediate(() => p.then(console.log)); return 1; }",
    ],
    [
      "a closure's `await` in a `try`",
      "// @smartasync\nexport async function f(p) { const c = async () => { try { await p; } catch {} }; c(); return 1; }",
    ],
    [
      "a class of the module",
      "class T { constructor(p) { this.p = p; } }\n// @smartasync\nexport function f(p) { new T(p); return 1; }",
    ],
    ["a field", "const o = {};\n// @smartasync\nexport function f(p) { o.pending = p; return 1; }"],
    ["a scheduler", "// @smartasync\nexport function f(p) { setTimeout(console.log, 0, p); return 1; }"],
    [
      "a tag of the module (attack20 F5)",
      `function tag(s, x) { return Promise.race([x]); }\n// @smartasync\nexport function f(p) { tag\`x\${p}\`; return 1; }`,
    ],
    [
      "an `Array.from` mapper",
      "// @smartasync\nexport function f(p) { return Promise.race(Array.from([p], (x) => x)); }",
    ],
    [
      "a nested function's `for await`",
      "// @smartasync\nexport async function f(p) { (async () => { try { for await (const v of [p]); } catch {} })(); return 1; }",
    ],
  ];
  for (const [what, code] of escapes)
    it(what, () => {
      expect(uses(code)).toEqual(["unknown"]);
    });
  it("a value read stays a value read: a member, an operator, a template, a built-in reader", () => {
    expect(
      uses(
        `// @smartasync\nexport function f(p) { console.log(p, [p], Array.of(p)); setTimeout(console.log, p); return String(p) + p.x + ('' + p) + (p | 0) + Math.max(p, 1) + String.raw\`\${p}\` + p.valueOf(); }`,
      ),
    ).toEqual(["value"]);
  });
});

describe("unknown", () => {
  it("a rest parameter, a pattern, `arguments`, an assignment, a default that may be a promise", () => {
    expect(uses("// @smartasync\nexport async function f(...ps) { return await ps[0]; }")).toEqual([
      "unknown",
    ]);
    expect(uses("// @smartasync\nexport async function f({ p }) { return await p; }")).toEqual(["unknown"]);
    expect(uses("// @smartasync\nexport async function f(p) { return await arguments[0]; }")).toEqual([
      "unknown",
    ]);
    expect(uses("// @smartasync\nexport async function f(p) { p = 1; return await p; }")).toEqual([
      "unknown",
    ]);
    expect(
      uses("// @smartasync\nexport async function f(p = g()) { return await p; }\nfunction g() {}"),
    ).toEqual(["unknown"]);
  });
  it("a hand-on cycle is not followed for ever", () => {
    const code =
      "// @smartasync\nasync function g(x) { return await f(x); }\n// @smartasync\nexport async function f(p) { return await g(p); }";
    expect(uses(code)).toEqual(["unknown"]);
  });
});

describe("a destructured parameter's parts (attack19 F2)", () => {
  it("each part is the use of the name it binds, by property name or element index", () => {
    const [obj] = paramsOf(
      "// @smartasync\nexport function f({ p, q: r, 'k': k, s = 1 }) { Promise.race([p, 1]); return r.length + k + s; }",
      "f",
    )!;
    expect(obj).toMatchObject({ use: "unknown", why: "a destructured parameter", others: { use: "value" } });
    const parts = (obj as { parts: Record<string, ParamUse> }).parts;
    expect(parts.p).toMatchObject({ use: "promise", what: "`Promise.race([p, 1])`", at: "m.js:2:49" });
    expect({ q: parts.q?.use, k: parts.k?.use, s: parts.s?.use }).toEqual({
      q: "value",
      k: "value",
      s: "value",
    });
    const [arr] = paramsOf(
      "// @smartasync\nexport async function f([a, , b]) { return (await a) + b.x; }",
      "f",
    )!;
    expect(arr).toMatchObject({
      parts: { 0: { use: "awaited" }, 2: { use: "awaited" } },
      others: { use: "awaited" },
    });
  });
  it("a default that may be a promise, a rest element, a computed key: unknown; a nested pattern followed", () => {
    const [u] = paramsOf(
      "// @smartasync\nexport function f({ p = g(), a: { b }, ...rest }) { return Promise.race([b]); }\nfunction g() {}",
      "f",
    )!;
    expect(u).toMatchObject({
      parts: {
        p: { use: "unknown", why: "its default value may be a promise" },
        a: { use: "unknown", why: "a nested pattern", parts: { b: { use: "promise" } } },
      },
      others: { use: "unknown", why: "gathered by a rest element of the pattern" },
    });
    const [c] = paramsOf("// @smartasync\nexport function f({ [k]: p }) { return p; }\nconst k = 'x';", "f")!;
    expect(c).toEqual({ use: "unknown", why: "a destructured parameter" });
  });
  it("a part named like an Object.prototype member is a part like any other", () => {
    const [u] = paramsOf(
      "// @smartasync\nexport function f({ constructor: c }) { return c.then(String); }",
      "f",
    )!;
    const parts = (u as { parts: Record<string, ParamUse> }).parts;
    expect(Object.entries(parts).map(([k, v]) => [k, v.use])).toEqual([["constructor", "promise"]]);
  });
});

describe("flows and spellings in the body (attack19 F1)", () => {
  it("`p ?? d`, `p || d`, `c ? p : d`, `(x, p)` are followed as `p`", () => {
    for (const e of ["p ?? d", "p || d", "c ? p : d", "(d, p)"])
      expect(uses(`// @smartasync\nexport function f(p, d, c) { return Promise.race([${e}]); }`)?.[0]).toBe(
        "promise",
      );
    // A test only reads it.
    expect(uses("// @smartasync\nexport function f(p, d) { return p ? d : 1; }")?.[0]).toBe("value");
  });
  it("`Promise.prototype.then.call(p, …)` is a promise use; of a shadowed `Promise`, a `.call` hand-on", () => {
    expect(
      uses(
        "// @smartasync\nexport function f(p) { return Promise.prototype.finally.call(p, g); }\nfunction g() {}",
      ),
    ).toEqual(["promise"]);
    expect(
      uses(
        "const Promise = { prototype: { then: { call: (x) => x } } };\n// @smartasync\nexport function f(p) { return Promise.prototype.then.call(p); }",
      ),
    ).toEqual(["unknown"]);
  });
  it("an argument of an imported plain function or class is unknown", () => {
    const [fn] = paramsOf(
      'import { h } from "./h.js";\n// @smartasync\nexport function f(p) { h(p); return 1; }',
      "f",
    )!;
    expect(fn).toEqual({
      use: "unknown",
      why: "handed to `h`, an imported function the build does not follow",
    });
    const [cls] = paramsOf(
      'import { T } from "./h.js";\n// @smartasync\nexport function f(p) { new T(p); return 1; }',
      "f",
    )!;
    expect(cls).toEqual({
      use: "unknown",
      why: "handed to `new T`, an imported class the build does not follow",
    });
  });
});

describe("a manifest's params", () => {
  it("keep a destructured parameter's parts, well formed only", () => {
    const good = {
      use: "unknown",
      why: "d",
      parts: { p: { use: "promise", what: "w", at: "a" } },
      others: { use: "value" },
    };
    expect(paramUsesFrom([good])).toEqual([good]);
    expect(paramUsesFrom([{ ...good, parts: { p: { use: "promise" } } }])).toBeUndefined();
    expect(paramUsesFrom([{ ...good, others: undefined }])).toBeUndefined();
    expect(paramUsesFrom([{ ...good, parts: [] }])).toBeUndefined();
  });

  it("are taken only well formed", () => {
    expect(paramUsesFrom([{ use: "awaited" }, { use: "unknown", why: "x" }])).toEqual([
      { use: "awaited" },
      { use: "unknown", why: "x" },
    ]);
    expect(paramUsesFrom([{ use: "awaited" }, { use: "promise" }])).toBeUndefined();
    expect(paramUsesFrom("awaited")).toBeUndefined();
  });
});
