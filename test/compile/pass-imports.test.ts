/**
 * The nesting pass (src/compile/depth.ts) notes the imports it meets in code, so the fast path
 * of `smartasync/swc` needs no search of the text of its own (compile/fast-path.ts). The fast
 * path leaves a file alone when none of them leads to anything smartasync, so where the pass
 * says it is sure, every import the parser finds must be among them; where its reading of a
 * `/` (regex or division), a bracket or a literal may not be the parser's, it must say so
 * (`imports` undefined: the fast path then searches the text, as before). Checked against
 * @babel/parser on hand-picked cases and on generated programs (fixed seed; SMARTASYNC_SEED
 * explores), and against the import scanner on the installed files of the real-file bench.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_DEPTH, MAX_NESTING, type PassNotes, tooDeep } from "../../src/compile/depth.js";
import { scanImports } from "../../src/core/import-scan.js";
import { transformSync } from "../../src/swc-plugin/index.js";
import { tree } from "../cli/helpers.js";

const require = createRequire(import.meta.url);
const parser = require("@babel/parser") as typeof import("@babel/parser");
const ROOT = join(import.meta.dirname, "../..");

/** The pass's imports as `kind specifier`, or undefined when it is not sure. */
function noted(code: string): string[] | undefined {
  const notes: PassNotes = { longest: 0, imports: undefined };
  expect(tooDeep(code, MAX_DEPTH, MAX_NESTING, notes)).toBeUndefined();
  return notes.imports?.map((i) => `${i.kind} ${i.specifier}`);
}

type Node = { type?: unknown; [key: string]: unknown };

/** The imports @babel/parser finds (static, re-exports, `import()`, `require()`), or undefined if it rejects the text. */
function parsed(code: string): string[] | undefined {
  for (const sourceType of ["module", "script"] as const) {
    let program: Node;
    try {
      program = parser.parse(code, { sourceType, allowAwaitOutsideFunction: true })
        .program as unknown as Node;
    } catch {
      continue;
    }
    const out: string[] = [];
    const visit = (n: unknown): void => {
      if (Array.isArray(n)) {
        for (const x of n) visit(x);
        return;
      }
      if (!n || typeof n !== "object" || typeof (n as Node).type !== "string") return;
      const node = n as Node & {
        source?: { value: string; type: string };
        callee?: Node;
        arguments?: Node[];
      };
      if (
        node.type === "ImportDeclaration" ||
        node.type === "ExportAllDeclaration" ||
        (node.type === "ExportNamedDeclaration" && node.source)
      )
        out.push(`static ${node.source!.value}`);
      if (node.type === "CallExpression" && node.arguments?.[0]?.type === "StringLiteral") {
        const arg = node.arguments[0] as unknown as { value: string };
        if (node.callee?.type === "Import") out.push(`dynamic ${arg.value}`);
        else if (node.callee?.type === "Identifier" && node.callee.name === "require")
          out.push(`require ${arg.value}`);
      }
      if (node.type === "ImportExpression" && node.source?.type === "StringLiteral")
        out.push(`dynamic ${node.source.value}`);
      for (const [k, v] of Object.entries(node)) if (k !== "loc" && v && typeof v === "object") visit(v);
    };
    visit(program);
    return out;
  }
  return undefined;
}

/** `inner` as a multiset is contained in `outer`. */
function within(inner: string[], outer: string[], what: string): void {
  const left = [...outer];
  for (const x of inner) {
    const k = left.indexOf(x);
    expect(k, `${what}: ${x}`).toBeGreaterThanOrEqual(0);
    left.splice(k, 1);
  }
}

// Statements that read differently with a wrong guess of `/`, a bracket or a literal.
const PIECES = [
  'import "m1";',
  'import a1 from "m2";',
  'export * from "m3";',
  'const r1 = require("m4");',
  'f(import("m5"));',
  "x = a / b / c;",
  "x = /re\"'/.test(s);",
  'if (a) /"/.test(b);',
  "for (const k of o) /'/.exec(k);",
  '{} /"/.test(s);',
  "y = ({}) / 2;",
  "z = a++ / 2;",
  'w = a-- / 2 / "x";',
  "s = \"import q from 'no'\";",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the text of a template literal
  't = `import q from "no" ${a / 2} `;',
  '// require("no")\n',
  '/* import "no" */',
  'lbl: { } /"/.test(x);',
  'async function g() { for await (const k of o) /"/.test(k); }',
  'x = a ? /"/ : b / 2;',
  "o = { default: 1 }; o.default / 2 / 3;",
  'let of = 1; x = of / 2 / "q";',
  "x = y.return / 2 / 3;",
  "x = 1./2/3;",
  'x = a > /"/.test(b);',
  'x=/"/.test(s);',
  'class K { m() { return /"/; } }',
  "x = (a) / 2; y = [1] / 2;",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template literal in the code under test
  "x = `${ {a: 1}.a / 2 }`;",
  "switch (x) { case 1: { } /\"/.test(y); default: /'/.test(z); }",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template literal in the code under test
  "x = `a${`b${c}`}d`;",
  'function h() { return\n/"/.test(x); }',
  "x = a\n/b/g;",
  'x = typeof /"/;',
  'do /"/.test(a); while (b);',
  'if (a) {} else /"/.test(b);',
  'x = () => {} \n/"/.test(y);',
  'x = !/"/.test(y);',
  "x = a&&!/'/.test(y)||/\"/.test(y);",
  'x = a==/"/; y = b ?/"/:/\'/;',
  "x = a^~/'/;",
  "x = a.b\n.c / 2;",
  'x = { a: /"/ } / 2;',
  'x = "\\"" / 2;',
  "x = a /* c */ / 2;",
  "x = a // c\n/ 2;",
  "x = y.if / 2 / 3;",
  "x = await / 2 /1;",
  "new Foo / 2;",
  "x = a?.b / 2 / 3;",
  'x = a++ / 2 + "/" + \'x\'; import b1 from "m6"; y = "\'" + "";',
  'o = { ...require("m7"), ...import("m8") }; p = [...typeof /"/];',
];

describe("the imports the nesting pass notes", () => {
  it("are the parser's where the code leaves no doubt", () => {
    const code =
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a template literal in the code under test
      'import a from "a";\nexport * from "b";\nconst c = require("c");\nconst t = `import x from "no" ${import("d")}`;\n// require("no")\nconst r = /import "no"/;\nx.require("no");\n';
    expect(noted(code)).toEqual(parsed(code));
    expect(noted(code)).toEqual(["static a", "static b", "require c", "dynamic d"]);
  });

  it("count a spread `...require(…)` as an import, as the scanner does (its dots make no member)", () => {
    const code = 'const o = { ...require("a"), b: x.require("no") };\nconst p = [...import("c")];\n';
    expect(noted(code)).toEqual(parsed(code));
    expect(noted(code)).toEqual(scanImports(code).map((i) => `${i.kind} ${i.specifier}`));
    expect(noted(code)).toEqual(["require a", "dynamic c"]);
  });

  it("read a regex right after `=`, a prefix `!` or another operator that ends no operand (no space between)", () => {
    // Before: the run of operators took the `/` in, the regex's body was read as code and the
    // pass was not sure (two of the real-file bench's files, vite's build.js among them).
    for (const code of [
      'x=/"/.test(s); import "m";',
      'if (!/^[A-Z]:\\\\$/.test(d)) f(); import "m"; //"',
      'x = a&&!/"/.test(s); import "m"; //"',
      'x = a ?/\'/:/"/; import "m"; //\'',
      'x = a!==/"/; import "m"; //"',
    ]) {
      expect(noted(code), code).toEqual(parsed(code));
      expect(noted(code), code).toEqual(["static m"]);
    }
  });

  it("say they are not sure where a `/`, a bracket or a literal could be read two ways", () => {
    for (const code of [
      'z = a++ / 2; import "m";', // a division the pass would read as a regex
      'x = a! / 2; import "m";', // TypeScript's non-null assertion
      'x = a!/2; import "m";', // the same without spaces
      'x = a!!/2; import "m";',
      'x = a++!/2; import "m";',
      'x = a+/"/.test(s); import "m"; //"', // `+` may end `a++`: the run keeps the `/`
      'x = a</"/; import "m"; //"', // `</` may close a JSX tag
      'x = 1./2; import "m";',
      'x = {} / 2; import "m";',
      '{} /"/.test(s); import "m"; //"',
      'if (a) /"/.test(b); import "m"; //"',
      'for await (const k of o) /"/.test(k); import "m"; //"',
      'x = of /"/; import "m"; //"',
      'x = y.return /"/; import "m"; //"',
      'export default /"/; import "m"; //"',
      '#!/usr/bin/env node\nimport "m";',
      'x = "open\nimport "m";',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a template literal in the code under test
      'x = `open ${a}\nimport "m";',
      '/* open\nimport "m";',
      'x = (a]; import "m";',
      'x = a); import "m";',
    ])
      expect(noted(code), code).toBeUndefined();
  });

  it("hold every import of the parser on generated programs, wherever the pass is sure", () => {
    let seed = Number(process.env.SMARTASYNC_SEED ?? 20_261_205) | 1;
    const next = () => {
      seed ^= seed << 13;
      seed >>>= 0;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      seed >>>= 0;
      return seed / 4_294_967_296;
    };
    let valid = 0;
    let sure = 0;
    for (let k = 0; k < 4000; k++) {
      const count = 1 + Math.floor(next() * 8);
      let code = "";
      for (let j = 0; j < count; j++)
        code += PIECES[Math.floor(next() * PIECES.length)] + (next() < 0.3 ? "\n" : " ");
      const want = parsed(code);
      if (!want) continue;
      valid++;
      const have = noted(code);
      if (!have) continue;
      sure++;
      within(want, have, JSON.stringify(code));
    }
    // The generator must exercise both answers.
    expect(valid).toBeGreaterThan(2000);
    expect(sure).toBeGreaterThan(200);
    expect(sure).toBeLessThan(valid);
  });

  it("hold every import the scanner finds in the real-file bench's installed files", () => {
    // The list of bench/real-files-list.mjs, read as text (the test stays in TypeScript).
    const bench = readFileSync(join(ROOT, "bench/real-files-list.mjs"), "utf8");
    const list = bench.slice(bench.indexOf("export const FILES = ["));
    const files = [...list.slice(0, list.indexOf("];")).matchAll(/^\s*"([^"]+)",/gm)]
      .map((m) => join(ROOT, "node_modules", m[1]!))
      .filter((file) => existsSync(file));
    let sure = 0;
    for (const file of files) {
      const code = readFileSync(file, "utf8");
      const have = noted(code);
      if (!have) continue;
      sure++;
      within(
        scanImports(code).map((i) => `${i.kind} ${i.specifier}`),
        have,
        file,
      );
    }
    // Most real files are read without doubt (that is what saves the search).
    expect(sure).toBeGreaterThan(files.length * 0.8);
  });

  it("smartasync/swc follows an import the pass could have misread (a regex after `for await (…)`, a division after `a++`)", () => {
    const lib = "// @smartasync\nexport async function load() {\n  return 1;\n}\n";
    const dir = tree("pass-imports-e2e", { "lib.js": lib });
    // Read as a division, the `/` after the loop's head would start a string at its quote that
    // hides the import up to the comment's quote.
    const code =
      'for await (const k of []) /"/.test(k); import { load } from "./lib.js"; //"\nexport function run() { return load(); }\n';
    expect(noted(code)).toBeUndefined();
    expect(parsed(code)).toEqual(["static ./lib.js"]);
    const out = transformSync(code, { filename: join(dir, "main.js"), swcrc: false });
    // The call is analysed (followed into ./lib.js), not left alone by the fast path.
    expect(out.smartasync.calls).toMatchObject([{ callee: "load" }]);
    // Read as a regex, the `/` after `a++` would start a literal whose quotes hide the import
    // (the import scanner read it so until this test was written).
    const postfix =
      'let a = 1;\nconst z = a++ / 2 + "/" + \'x\'; import { load } from "./lib.js"; const y = "\'" + "";\nexport function run() { return load(); }\n';
    expect(noted(postfix)).toBeUndefined();
    expect(parsed(postfix)).toEqual(["static ./lib.js"]);
    const again = transformSync(postfix, { filename: join(dir, "postfix.js"), swcrc: false });
    expect(again.smartasync.calls).toMatchObject([{ callee: "load" }]);
  });
});
