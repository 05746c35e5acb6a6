/**
 * The import scanner (src/core/import-scan.ts) reads a file as a tokenizer does: what it reports
 * is what a parser would call an import or a re-export, and nothing written inside a string, a
 * template literal, a comment, a regex literal or JSX text. Each case is checked against the
 * real parser (@babel/parser through @babel/core) where the text is a whole module.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import * as babel from "@babel/core";
import { describe, expect, it } from "vitest";
import {
  importCandidates,
  mayMakeRequire,
  mayRequireOpaquely,
  OPAQUE_REQUIRE,
  scanImports,
  scanModule,
} from "../../src/core/import-scan.js";

const specifiers = (code: string) => scanImports(code).map((i) => `${i.kind} ${i.specifier}`);

/** A string literal's value, or a template literal's without substitutions (`` require(`./a`) ``). */
function plain(arg: babel.types.Node | undefined): string | undefined {
  if (arg?.type === "StringLiteral") return arg.value;
  if (arg?.type === "TemplateLiteral" && arg.expressions.length === 0)
    return arg.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

/** The imports Babel's parser sees in `code` (static, re-exports, `import()`, `require()`). */
function parsed(code: string, jsx = false): string[] {
  const out: string[] = [];
  const ast = babel.parseSync(code, {
    babelrc: false,
    configFile: false,
    sourceType: "module",
    parserOpts: { plugins: jsx ? ["jsx"] : [] },
  })!;
  // Names bound to `createRequire(…)` (declared or assigned): a `require` made under that name,
  // whose string calls the scan reads as `require("x")` (attack 21, F6).
  const made = new Set<string>();
  const maker = (n: babel.types.Node | null | undefined): boolean =>
    n?.type === "CallExpression" &&
    ((n.callee.type === "Identifier" && n.callee.name === "createRequire") ||
      (n.callee.type === "MemberExpression" &&
        n.callee.property.type === "Identifier" &&
        n.callee.property.name === "createRequire"));
  babel.traverse(ast, {
    VariableDeclarator: (p) =>
      void (p.node.id.type === "Identifier" && maker(p.node.init) && made.add(p.node.id.name)),
    AssignmentExpression: (p) =>
      void (p.node.left.type === "Identifier" && maker(p.node.right) && made.add(p.node.left.name)),
  });
  babel.traverse(ast, {
    ImportDeclaration: (p) => void out.push(`static ${p.node.source.value}`),
    ExportNamedDeclaration: (p) => void (p.node.source && out.push(`static ${p.node.source.value}`)),
    ExportAllDeclaration: (p) => void out.push(`static ${p.node.source.value}`),
    CallExpression: (p) => {
      const value = plain(p.node.arguments[0]);
      if (value === undefined) return;
      if (p.node.callee.type === "Import") out.push(`dynamic ${value}`);
      else if (
        p.node.callee.type === "Identifier" &&
        (p.node.callee.name === "require" || made.has(p.node.callee.name))
      )
        out.push(`require ${value}`);
    },
    ImportExpression: (p) => {
      const value = plain(p.node.source);
      if (value !== undefined) out.push(`dynamic ${value}`);
    },
  });
  return out;
}

const CASES: Record<string, { code: string; jsx?: boolean }> = {
  "a template literal without substitutions names a module, one with them does not": {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the text of a template literal
    code: 'const a = require(`./tpl.js`);\nconst b = import(`./dyn.js`);\nconst c = require(`./${"x"}.js`);\n',
  },
  "a template literal holding an import line (vite's chunks/node.js)": {
    code: [
      'import { a } from "./a.js";',
      "const wasmHelperId = 'x';",
      "const code = `",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the text of a template literal
      'import initWasm from "${wasmHelperId}"',
      "export default initWasm",
      "`;",
      'export { a } from "./b.js";',
    ].join("\n"),
  },
  "nested ${} in templates, with braces and strings inside": {
    code: [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the text of a template literal
      "const t = `a ${ `b ${ { k: \"import x from './no.js'\" }.k } c` } ${'}'} import y from \"./no2.js\"`;",
      'import z from "./yes.js";',
    ].join("\n"),
  },
  "a comment naming a re-export (vite's chunks/node.js)": {
    code: [
      "/**",
      " * Note that es-module-lexer treats `export * from '...'` as an import as well,",
      " */",
      'export * from "./real.js";',
    ].join("\n"),
  },
  "regex literals holding quotes and slashes": {
    code: [
      "const r = /\"'/g;",
      "const s = x.replace(/[/'\"]/, '');",
      'const d = a / 2; const e = b / 3; import q from "./after-division.js";',
      'function f() { return /import x from "y"/.test(s); }',
      'import w from "./after-regex.js";',
    ].join("\n"),
  },
  "string-named import and export specifiers": {
    code: [
      'import { "a-b" as ab, "from" as f } from "./string-names.js";',
      'export { "c-d" as cd } from "./string-reexport.js";',
      'export { ab as "e-f" };',
    ].join("\n"),
  },
  "dynamic import and require, with comments between": {
    code: [
      'const m = await import(/* lazy */ "./lazy.js");',
      'const r = require( // why\n "./req.js" );',
      'const notOne = require("./x" + y);',
    ].join("\n"),
  },
  "JSX text with comment openers, quotes and import-like lines": {
    jsx: true,
    code: [
      'import React from "react";',
      "export const A = () => (",
      '  <p title="it\'s">',
      '    Don\'t write /* here, or import x from "./no.js"',
      "    {/* a real comment */}",
      '    <b>{`import y from "./no2.js"`}</b>',
      "    <>fragment's text</>",
      "    <br />",
      "  </p>",
      ");",
      'import B from "./after-jsx.js";',
    ].join("\n"),
  },
  "JSX text opening a comment or a template that a later line would close": {
    jsx: true,
    code: [
      "const A = () => <p>a /* b, and a backtick ` here</p>;",
      'import B from "./between.js";',
      "const C = () => <p>c */ d ` e</p>;",
      'import D from "./after.js";',
    ].join("\n"),
  },
  "many sibling elements": {
    jsx: true,
    code: `const list = <ul>${"<li>it's /* x</li>".repeat(20_000)}</ul>;\nimport z from "./after-list.js";`,
  },
};

describe("the import scanner finds what the parser finds", () => {
  for (const [name, { code, jsx }] of Object.entries(CASES)) {
    it(name, () => {
      expect(specifiers(code)).toEqual(parsed(code, jsx));
      expect(specifiers(code).some((s) => s.includes("no"))).toBe(false);
    });
  }

  it("vite's built chunks: only the imports the parser sees", () => {
    const req = createRequire(import.meta.url);
    let dir: string;
    try {
      dir = join(req.resolve("vite/package.json"), "..", "dist", "node", "chunks");
    } catch {
      return; // vite is a devDependency; without it there is nothing to read
    }
    for (const file of ["node.js", "build.js"]) {
      const code = readFileSync(join(dir, file), "utf8");
      const got = specifiers(code);
      expect(got).toEqual(parsed(code));
      expect(scanModule(code).reExports.map((r) => r.from)).not.toContain("...");
    }
  });

  // scanImports keeps its last answer (the Babel plugin's analysis asks up to four times a
  // compile): another text, or the same text again after another, gets its own imports.
  it("each text its own imports, asked in turn", () => {
    const a = 'import x from "./a.js";\nrequire("./ra.js");\n';
    const b = 'import("./b.js");\nexport * from "./rb.js";\n';
    expect(specifiers(a)).toEqual(parsed(a));
    expect(specifiers(b)).toEqual(parsed(b));
    expect(specifiers(a)).toEqual(parsed(a));
    expect(scanImports(a)).toBe(scanImports(a));
    expect(specifiers(a)).not.toEqual(specifiers(b));
  });

  it("TypeScript assertions `<T>x` stay code (no closing tag of that name)", () => {
    const code = 'const a = <T>b;\nconst c = <Map<string, number>>d;\nimport e from "./e.js";\n';
    expect(specifiers(code)).toEqual(["static ./e.js"]);
  });
});

describe("the import candidates: every import the scan finds, and the words written in text", () => {
  /** `inner` as a multiset is contained in `outer`. */
  const within = (inner: string[], outer: string[]) => {
    const left = [...outer];
    for (const x of inner) {
      const k = left.indexOf(x);
      expect(k, x).toBeGreaterThanOrEqual(0);
      left.splice(k, 1);
    }
  };
  const candidates = (code: string) => importCandidates(code).map((i) => `${i.kind} ${i.specifier}`);

  it("holds every import of every case above (the fast path skips the scan on them alone)", () => {
    for (const [name, { code }] of Object.entries(CASES)) {
      expect(specifiers(code).length, name).toBeLessThanOrEqual(candidates(code).length);
      within(specifiers(code), candidates(code));
    }
  });

  it("reads text too: an import in a template, a comment or a string is a candidate, not an import", () => {
    const code =
      'const t = `import x from "./in-template.js"`;\n// require("./in-comment.js")\nconst s = \'from "./in-string.js"\';\nimport y from "./real.js";\nx.require("./property.js");\n';
    expect(specifiers(code)).toEqual(["static ./real.js"]);
    expect(candidates(code)).toEqual([
      "static ./in-template.js",
      "require ./in-comment.js",
      "static ./in-string.js",
      "static ./real.js",
    ]);
  });

  it("vite's built chunks: every import among the candidates", () => {
    const req = createRequire(import.meta.url);
    let dir: string;
    try {
      dir = join(req.resolve("vite/package.json"), "..", "dist", "node", "chunks");
    } catch {
      return; // vite is a devDependency; without it there is nothing to read
    }
    for (const file of ["node.js", "build.js"]) {
      const code = readFileSync(join(dir, file), "utf8");
      within(specifiers(code), candidates(code));
    }
  });
});

describe("the module scan: re-exports and bindings a module may export", () => {
  it("reads every re-export form, string names unquoted, `type` modifiers dropped", () => {
    const { reExports } = scanModule(
      [
        'export * from "./all.js";',
        'export * as ns from "./ns.js";',
        'export * as "a-b" from "./ns2.js";',
        'export { a, b as c, default as d, "e-f" as g, type T, h as "i-j" } from "./names.js";',
        "export {\n  // a comment\n  k,\n} from './multi.js'",
      ].join("\n"),
    );
    expect(reExports).toEqual([
      { from: "./all.js" },
      { from: "./ns.js", namespace: "ns" },
      { from: "./ns2.js", namespace: "a-b" },
      {
        from: "./names.js",
        names: new Map([
          ["a", "a"],
          ["c", "b"],
          ["d", "default"],
          ["g", "e-f"],
          ["T", "T"],
          ["i-j", "h"],
        ]),
      },
      { from: "./multi.js", names: new Map([["k", "k"]]) },
    ]);
  });

  it("says whether a module may export a binding (an imported one, then, is worth a parse)", () => {
    const may = (code: string) => scanModule(code).mayExportBindings;
    expect(may("import { f } from './a';\nexport { f };")).toBe(true);
    expect(may("import f from './a';\nexport default f;")).toBe(true);
    expect(may("const f = require('./a');\nmodule.exports = { f };")).toBe(true);
    expect(may("const f = require('./a');\nexports.f = f;")).toBe(true);
    expect(may("import f = require('./a');\nexport = f;")).toBe(true);
    expect(may("export * from './a';\nexport { g } from './b';")).toBe(false);
    // A declared value may hold an imported function (fixture modules/object-held-imported).
    expect(may("export default function f() {}")).toBe(true);
    expect(may("export const api = { fetchIt: load };")).toBe(true);
    expect(may("export class C {\n  get = load;\n}")).toBe(true);
    expect(may("export default { load };")).toBe(true);
    expect(may("export type T = string;\nexport interface I {}\nexport declare const x: T;")).toBe(false);
    expect(may("const s = `export { f }`;\n// module.exports = f\nconst t = 'exports.f = f';")).toBe(false);
    expect(may("if (exports.f == null) g();")).toBe(false);
    // CommonJS re-exports hand `exports` to a helper or write it by key (fixture modules/cjs-barrels).
    expect(may('__exportStar(require("./a"), exports);')).toBe(true);
    expect(may('Object.defineProperty(exports, "f", { get: () => a.f });')).toBe(true);
    expect(may("Object.keys(a).forEach((k) => { exports[k] = a[k]; });")).toBe(true);
  });

  it('reads a `require` after a spread (`{ ...require("./a") }`), not after a member dot', () => {
    expect(scanModule('module.exports = { ...require("./a") };').imports).toEqual([
      { specifier: "./a", kind: "require" },
    ]);
    expect(importCandidates('module.exports = { ...require("./a") };')).toEqual([
      { specifier: "./a", kind: "require" },
    ]);
    expect(scanModule('x.require("./a");').imports).toEqual([]);
  });

  it("finds every import beside a `createRequire` its search also matches (the as-is fast path)", () => {
    // The candidates' one search also matches `createRequire` (to skip `madeNames` where it is
    // not written): an import word right after it, or sharing its last `re`, is read as before.
    const code = [
      'const req = createRequire(import.meta.url); req("./a.cjs");',
      'createRequire;require("./b.cjs");',
      'x = createRequirequire("./no.cjs"); y = createRequireimport("./no2.js");',
      'import c from "./c.js"; const { createRequire: cr } = m; const q = cr(u); q("./d.cjs");',
    ].join("\n");
    expect(importCandidates(code).map((i) => `${i.kind} ${i.specifier}`)).toEqual([
      "require ./b.cjs",
      "static ./c.js",
      "require ./a.cjs",
      "require ./d.cjs",
    ]);
    // Without the word, no made name is looked for: the plain reading alone.
    expect(importCandidates('const q = cr(u); q("./d.cjs"); require("./e.cjs")')).toEqual([
      { specifier: "./e.cjs", kind: "require" },
    ]);
  });

  it("reads a `require` made by createRequire under any name, in code only (attack 21, F6)", () => {
    const code = [
      'import { createRequire } from "node:module";',
      "import * as m from 'module';",
      "const req = createRequire(import.meta.url);",
      "const r2 = m.createRequire(import.meta.url);",
      'const r3 = require("node:module").createRequire(__filename);',
      'const c = req("./c.cjs");',
      "r2(`./d.cjs`); r3('./e.cjs'); req(name); other(\"./no1.cjs\");",
      '// req("./no2.cjs")',
      "const s = \"req('./no3.cjs')\";",
      'if (a) /req("no4")/.test(s);',
    ].join("\n");
    expect(scanImports(code)).toEqual([
      { specifier: "node:module", kind: "static" },
      { specifier: "module", kind: "static" },
      { specifier: "node:module", kind: "require" },
      { specifier: "./c.cjs", kind: "require" },
      { specifier: "./d.cjs", kind: "require" },
      { specifier: "./e.cjs", kind: "require" },
    ]);
    // The candidates read every such call, in text too: more, never less.
    const candidates = importCandidates(code).map((i) => i.specifier);
    for (const { specifier } of scanImports(code)) expect(candidates).toContain(specifier);
    expect(mayMakeRequire(code)).toBe(true);
    // Not a binding: a comparison, a member, the name `require` (read already), `createRequire` in text.
    expect(
      mayMakeRequire("if (a == createRequire(u)) x.y = createRequire(u); const require = createRequire(u);"),
    ).toBe(false);
    expect(scanImports('const s = "const q = createRequire(u)"; q("./no.cjs");')).toEqual([]);
  });

  it("reads a `require` made by createRequire under another name of its own (attack21 F6)", () => {
    const code = [
      'import { createRequire as cr } from "node:module";',
      "import mod from 'module';",
      "const { createRequire: mk } = mod;",
      "const alias = mod.createRequire;",
      "const req = cr(import.meta.url);",
      "const r2 = mk(import.meta.url);",
      "const r3 = alias(import.meta.url);",
      'req("./a.cjs"); r2("./b.cjs"); r3("./c.cjs"); cr("./no1.cjs"); crx(u)("./no2.cjs");',
    ].join("\n");
    expect(scanImports(code)).toEqual([
      { specifier: "node:module", kind: "static" },
      { specifier: "module", kind: "static" },
      { specifier: "./a.cjs", kind: "require" },
      { specifier: "./b.cjs", kind: "require" },
      { specifier: "./c.cjs", kind: "require" },
    ]);
    const candidates = importCandidates(code).map((i) => i.specifier);
    for (const { specifier } of scanImports(code)) expect(candidates).toContain(specifier);
    expect(mayMakeRequire(code)).toBe(true);
    // Called in place under its alias: not followed, worth an analysis (SA206).
    expect(
      mayRequireOpaquely('import { createRequire as cr } from "node:module"; const l = cr(u)("./l.cjs");'),
    ).toBe(true);
    expect(
      mayRequireOpaquely('import { createRequire as cr } from "node:module"; const l = crx(u)("./l.cjs");'),
    ).toBe(false);
  });

  it("says whether a module may be required by a computed path (worth an analysis: SA206)", () => {
    expect(mayRequireOpaquely('require(path.join(__dirname, "a"));')).toBe(true);
    expect(mayRequireOpaquely("require(`./a`);")).toBe(true);
    expect(mayRequireOpaquely("const m = require(name);")).toBe(true);
    expect(mayRequireOpaquely("module.exports = { ...require(name) };")).toBe(true);
    expect(mayRequireOpaquely('module.require("./a");')).toBe(true);
    // The `require` createRequire makes, called in place: not followed (attack 16, F17).
    expect(mayRequireOpaquely('const lib = createRequire(import.meta.url)("./lib.cjs");')).toBe(true);
    expect(mayRequireOpaquely('const lib = x.createRequire(import.meta.url)("./lib.cjs");')).toBe(false);
    expect(mayRequireOpaquely("require(\"./a\"); require('./b');")).toBe(false);
    expect(mayRequireOpaquely("x.require(a); createRequire(import.meta.url); require.resolve(a);")).toBe(
      false,
    );
  });

  it("says so exactly where its pattern matches (the native search reads what the regex reads)", () => {
    // Pieces around the places the pattern looks at: what precedes `require`, the spaces of `\s`
    // (a line feed, U+00A0, U+2028, U+3000, a BOM), `module . require`, the argument's first character.
    const pieces = [
      "require",
      "require(",
      "module.require(",
      " require (",
      "createRequire",
      "createRequire(u)",
      "module",
      ".",
      "$",
      "_",
      "x",
      "3",
      " ",
      "\n",
      "\u00a0",
      "\u2028",
      "\u3000",
      "\ufeff",
      "\u00e9",
      "(",
      ")",
      '"',
      "'",
      "`",
      "a",
      ";",
      "/",
      "\\",
      "re",
      "quire",
      "mod",
      "ule",
    ];
    let seed = Number(process.env.SMARTASYNC_SEED ?? 20_261_205) | 1;
    const next = () => {
      seed ^= seed << 13;
      seed >>>= 0;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      seed >>>= 0;
      return seed / 4_294_967_296;
    };
    let yes = 0;
    for (let k = 0; k < 20_000; k++) {
      let code = "";
      const count = 1 + Math.floor(next() * 10);
      for (let j = 0; j < count; j++) code += pieces[Math.floor(next() * pieces.length)];
      const want = OPAQUE_REQUIRE.test(code);
      expect(mayRequireOpaquely(code), JSON.stringify(code)).toBe(want);
      if (want) yes++;
    }
    // Both answers are exercised.
    expect(yes).toBeGreaterThan(500);
    expect(yes).toBeLessThan(19_500);
  });

  it("a re-export written in a comment or a string is not one (a barrel is not misread)", () => {
    const code = [
      '// export * from "./a.js"',
      'const s = "export { load } from \\"./b.js\\"";',
      '/* export { x } from "./c.js" */',
      "const t = `export * from './e.js'`;",
      'export * from "./d.js";',
    ].join("\n");
    expect(scanModule(code).reExports).toEqual([{ from: "./d.js" }]);
  });

  it("lists the names a module exports itself, which win over what an `export *` carries", () => {
    const own = (code: string) => [...scanModule(code).ownExports].sort();
    expect(
      own(
        [
          'export * from "./a.js";',
          "export function load() {}",
          "export async function save() {}",
          "export function* gen() {}",
          "export async function* agen() {}",
          "export class C {}",
          "export abstract class D {}",
          "export const k = 1, alsoRead = 2;",
          "export let l;",
          "export var v;",
          "export const enum E {}",
          "export enum F {}",
          "export { x as y, z };",
          'export { r } from "./r.js";',
          "export default 1;",
          "export type T = number;",
          "export interface I {}",
          "export declare const d: number;",
          "export const { a, b } = o;",
          "namespace NS { export function inner() {} }",
          "const s = `export function fake() {}`; // export const comment = 1",
        ].join("\n"),
      ),
    ).toEqual([
      "C",
      "D",
      "E",
      "F",
      "agen",
      "alsoRead",
      "default",
      "gen",
      "k",
      "l",
      "load",
      "save",
      "v",
      "y",
      "z",
    ]);
  });
});

/** The names Babel's parser sees declared by top-level `export const/let/var` (identifiers only). */
function declaredByParser(code: string, ts: boolean): string[] {
  const ast = babel.parseSync(code, {
    babelrc: false,
    configFile: false,
    sourceType: "module",
    filename: ts ? "x.ts" : "x.js",
    parserOpts: { plugins: ts ? ["typescript"] : ["jsx"] },
  })!;
  const out: string[] = [];
  for (const st of ast.program.body) {
    const d = st.type === "ExportNamedDeclaration" ? st.declaration : null;
    if (d?.type !== "VariableDeclaration" || (d as { declare?: boolean }).declare) continue;
    for (const v of d.declarations) if (v.id.type === "Identifier") out.push(v.id.name);
  }
  return out.sort();
}

describe("the module scan reads every declarator of `export const a = 1, b = 2`", () => {
  // [code, names the scan gives]: where it is exact, the parser's names; where the text cannot
  // say where an initializer ends, fewer (the module graph parses such a module), never others.
  const CASES: [string, string[], boolean?][] = [
    ["export let a = 1, b = 2, c;", ["a", "b", "c"]],
    ["export let a, b, c", ["a", "b", "c"]],
    ["export var a = f(1, 2), b = [3, 4], c = { d: 5, e: [6, 7] }, g = 8;", ["a", "b", "c", "g"]],
    ["export const a = 'x, y', b = \"z, w\", c = `t, u`;", ["a", "b", "c"]],
    ["export const a = async (x, y) => { return x + y; }, b = 2;", ["a", "b"]],
    ["export const a = function (x, y) { return x, y; }, b = class { m(p, q) {} };", ["a", "b"]],
    ["export const a = 1 /* , x = 2 */, b = 2 // , y = 3\n, c = 3;", ["a", "b", "c"]],
    ["export const a = 1\n, b = 2", ["a", "b"]],
    ["export const a = b\n  ? c : d, e = 1;", ["a", "e"]],
    ["export const a = x\n.y, e = 1;", ["a", "e"]],
    ["export const a = x\n(y), e = 1;", ["a", "e"]],
    ["export const a = x\ninstanceof Y, e = 1;", ["a", "e"]],
    ["export const a = typeof\nx, e = 1;", ["a", "e"]],
    // A line break ends the declaration where the next token cannot go on with it (ASI).
    ["export const a = 1\nlet b = 2, c = 3;", ["a"]],
    ["export const a = x\nfoo(), bar;", ["a"]],
    ["export const a = x\n'use', b;", ["a"]],
    ["export const a = x\n{ b, c }", ["a"]],
    ["export const a = x\n!y, z;", ["a"]],
    ["export const a = () => {}\n(b, c), d;", ["a"]],
    ["export const a = 1\nexport const b = 2, c = 3;", ["a", "b", "c"]],
    ["export const a = x\nas\n(y), z", ["a"], true],
    // Where the text alone cannot tell, reading stops (never a wrong name).
    ["export const a = /,/g, b = 2;", ["a"]],
    ["export const a = x / 2, b = 2;", ["a"]],
    ["export const a = x < y, b = y > z;", ["a"]],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the scanned text holds a template
    ["export const a = `${x}, y`, b = 2;", ["a"]],
    ["export const a = x\n++y, b = 2;", ["a"]],
    ["export const a = new Map<string, number>(), b = 2;", ["a"], true],
    ["export const a: number = 1, b = 2;", ["a"], true],
    ["export const { a, b } = o, c = 1;", []],
  ];
  for (const [code, names, ts] of CASES) {
    it(JSON.stringify(code), () => {
      const got = [...scanModule(code).ownExports].sort();
      expect(got).toEqual(names);
      // Never a name the parser does not see: the scan is exact or short.
      const all = declaredByParser(code, ts ?? false);
      expect(got.filter((n) => !all.includes(n))).toEqual([]);
    });
  }

  it("is exact where it reads everything (compared with the parser)", () => {
    for (const [code, names, ts] of CASES)
      if (names.length === declaredByParser(code, ts ?? false).length)
        expect(names, code).toEqual(declaredByParser(code, ts ?? false));
  });

  it("stays linear on a long declarator list and on a long initializer", () => {
    const many = `export const ${Array.from({ length: 20_000 }, (_, i) => `v${i} = [${i}, (${i})]`).join(", ")};`;
    const deep = `export const a = ${"(".repeat(50_000)}1${")".repeat(50_000)}, b = 2;`;
    const t0 = performance.now();
    expect(scanModule(many).ownExports.size).toBe(20_000);
    expect([...scanModule(deep).ownExports]).toEqual(["a", "b"]);
    expect(performance.now() - t0).toBeLessThan(2_000);
  });
});

describe("a regex or a division after `)` and `}` (security review 17, finding 7)", () => {
  const cases = [
    'if (1) /"/.test("x"); import { a } from "./a.js"; //"',
    "while (f(1, (2))) /'/.exec(s); import b from './b.js'; //'",
    'for (const k in o) /"/.test(k); export * from "./c.js"; //"',
    'for await (const k of o) /"/.test(k); import "./d.js"; //"',
    'with (o) /"/.test(k);', // sloppy-mode only: not parsed below
    'function f() {}\n/"/.test("x"); import { e } from "./e.js"; //"',
    'class K {}\n/"/.test("x"); import { e } from "./e.js"; //"',
    'if (a) {} else {} /"/.test("x"); import { e } from "./e.js"; //"',
    'const n = g(4) / 2; import { h } from "./h.js"; const m = n / 2;',
    'const o = { a: 1 } / 2; import { i } from "./i.js"; const p = o / 2;',
    'const q = (() => {})() / 2; import { j } from "./j.js"; const r = q / 2;',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template literal inside the code under test
    'x = `${y}` / 2; import { k } from "./k.js"; z = x / 2;',
    "if (a) (b) / 2; import { l } from './l.js'; c / 2;",
    // A division after a postfix `++`/`--`, whose quotes would otherwise hide the import.
    'let a = 1; const z = a++ / 2 + "/" + \'x\'; import { m } from "./m.js"; const y = "\'" + "";',
    'let b = 1; const w = b-- / 2 + "/" + \'x\'; import { n } from "./n.js"; const v = "\'" + "";',
  ];
  for (const code of cases) {
    it(code.split("\n").join("⏎"), () => {
      if (code.startsWith("with")) {
        expect(specifiers(code)).toEqual([]);
        return;
      }
      expect(specifiers(code)).toEqual(parsed(code));
      expect(specifiers(code)).toHaveLength(1);
    });
  }

  it("stays linear with keyword heads nested and never closed", () => {
    for (const code of [
      "if (".repeat(100_000),
      `if (${"(".repeat(100_000)}${")".repeat(100_000)}) /"/;`,
      `${"while (x) /a/;".repeat(30_000)}import "./z.js";`,
      `${"{} /a/;".repeat(50_000)}import "./z.js";`,
    ]) {
      const start = performance.now();
      scanImports(code);
      expect(performance.now() - start).toBeLessThan(1000);
    }
  });
});
