/**
 * fast-check generators of JavaScript / TypeScript programs for the transform properties.
 * `plainProgram` has no annotation (it may mention the tag in prose, strings and non-anchored
 * comments, which are not annotations); `annotatedProgram` annotates module-level functions,
 * methods and object methods and calls them in every context of DESIGN §3.2.
 */
import fc from "fast-check";

type G = fc.GeneratorValue;

const NAMES = ["f", "g", "load", "save", "run", "x", "y", "fSync", "gAsync", "data", "item"];
const NOT_ANNOTATIONS = [
  "// @smartasyncfoo",
  "// see @smartasync in the docs",
  "/* smartasync */",
  "// @smart async",
  "/** a JSDoc block\n * mentioning @smartasyncish things\n */",
  "// plain comment",
];

const pick = <T>(g: G, xs: readonly T[]): T => g(fc.constantFrom, ...xs);
const int = (g: G, min: number, max: number): number => g(fc.integer, { min, max });
const bool = (g: G): boolean => g(fc.boolean);

function expr(g: G, depth: number, inAsync: boolean): string {
  const leaf = depth <= 0;
  const k = int(g, 0, leaf ? 3 : 13);
  switch (k) {
    case 0:
      return String(int(g, 0, 99));
    case 1:
      return JSON.stringify(pick(g, ["a", "@smartasync", "x y", "fSync", ""]));
    case 2:
      return pick(g, NAMES);
    case 3:
      return `\`t\${${pick(g, NAMES)}}\``;
    case 4:
      return `${pick(g, NAMES)}(${args(g, depth, inAsync)})`;
    case 5:
      return `${pick(g, NAMES)}.${pick(g, ["m", "then", "map", "call"])}(${args(g, depth, inAsync)})`;
    case 6:
      return `(${pick(g, ["a", "b"])}) => ${expr(g, depth - 1, false)}`;
    case 7:
      return `async (a) => ${bool(g) ? "await " : ""}${expr(g, depth - 1, true)}`;
    case 8:
      return `${expr(g, depth - 1, inAsync)} ? ${expr(g, depth - 1, inAsync)} : ${expr(g, depth - 1, inAsync)}`;
    case 9:
      return `(${expr(g, depth - 1, inAsync)} ${pick(g, ["+", "&&", "||", "??", ","])} ${expr(g, depth - 1, inAsync)})`;
    case 10:
      return inAsync ? `await ${expr(g, depth - 1, inAsync)}` : `[${args(g, depth, inAsync)}]`;
    case 11:
      return `new ${pick(g, ["C", "Promise", "Map"])}(${args(g, depth, inAsync)})`;
    case 12:
      return `Promise.all([${args(g, depth, inAsync)}])`;
    default:
      return `{ k: ${expr(g, depth - 1, inAsync)} }`.replace(/^/, "(").concat(")");
  }
}

function args(g: G, depth: number, inAsync: boolean): string {
  const n = int(g, 0, 2);
  return Array.from({ length: n }, () => expr(g, depth - 1, inAsync)).join(", ");
}

function stmts(g: G, depth: number, inAsync: boolean, inFn: boolean): string {
  const n = int(g, 0, depth > 0 ? 4 : 2);
  return Array.from({ length: n }, () => stmt(g, depth, inAsync, inFn)).join("\n");
}

let counter = 0;
const fresh = (base: string): string => `${base}${counter++}`;

function fn(g: G, depth: number, name: string, isAsync = bool(g)): string {
  const body = stmts(g, depth - 1, isAsync, true);
  return `${isAsync ? "async " : ""}function ${name}(a, b) {\n${body}\nreturn ${expr(g, depth - 1, isAsync)};\n}`;
}

function cls(g: G, depth: number, name: string): string {
  const members: string[] = [];
  const n = int(g, 1, 3);
  for (let i = 0; i < n; i++) {
    const isAsync = bool(g);
    const mod = pick(g, ["", "static ", "get ", "*"]);
    const mname = pick(g, ["m", "load", "run", "size"]) + i;
    if (mod === "get ") members.push(`get ${mname}() { return ${expr(g, depth - 1, false)}; }`);
    else if (mod === "*") members.push(`*${mname}() { yield ${expr(g, depth - 1, false)}; }`);
    else
      members.push(
        `${mod}${isAsync ? "async " : ""}${mname}(a) { ${stmts(g, depth - 1, isAsync, true)}\n return this.${mname}; }`,
      );
  }
  return `class ${name} {\n${members.join("\n")}\n}`;
}

function stmt(g: G, depth: number, inAsync: boolean, inFn: boolean): string {
  const comment = int(g, 0, 5) === 0 ? `${pick(g, NOT_ANNOTATIONS)}\n` : "";
  const k = int(g, 0, depth > 0 ? 7 : 2);
  let s: string;
  switch (k) {
    case 0:
      s = `${expr(g, depth, inAsync)};`;
      break;
    case 1:
      s = `const ${fresh("v")} = ${expr(g, depth, inAsync)};`;
      break;
    case 2:
      s = inFn ? `return ${expr(g, depth, inAsync)};` : `${expr(g, depth, inAsync)};`;
      break;
    case 3:
      s = `if (${expr(g, depth - 1, inAsync)}) {\n${stmts(g, depth - 1, inAsync, inFn)}\n}`;
      break;
    case 4:
      s = fn(g, depth, fresh(pick(g, NAMES)));
      break;
    case 5:
      s = cls(g, depth, fresh("C"));
      break;
    case 6:
      s = `try {\n${stmts(g, depth - 1, inAsync, inFn)}\n} catch (e) {\n${stmts(g, depth - 1, inAsync, inFn)}\n}`;
      break;
    default:
      s = `${pick(g, ["for (const i of xs)", "while (a)"])} {\n${stmts(g, depth - 1, inAsync, inFn)}\n}`;
  }
  return comment + s;
}

/** A module with no annotation: functions, async functions, classes, calls, awaits, exports. */
export const plainProgram: fc.Arbitrary<string> = fc.gen().map((g) => {
  counter = 0;
  const parts: string[] = [];
  if (bool(g)) parts.push(`import { readFile } from "node:fs/promises";`);
  if (bool(g)) parts.push(`import * as ns from "./other.js";`);
  const n = int(g, 1, 6);
  for (let i = 0; i < n; i++) {
    const comment = int(g, 0, 3) === 0 ? `${pick(g, NOT_ANNOTATIONS)}\n` : "";
    const k = int(g, 0, 5);
    const name = fresh(pick(g, NAMES));
    if (k === 0) parts.push(comment + fn(g, 3, name));
    else if (k === 1) parts.push(`${comment}export ${fn(g, 3, name)}`);
    else if (k === 2) parts.push(`${comment}export ${cls(g, 2, fresh("C"))}`);
    else if (k === 3) parts.push(`${comment}export const ${name} = ${expr(g, 3, false)};`);
    else if (k === 4)
      parts.push(comment + stmt(g, 3, true, false)); // top-level await allowed
    else parts.push(`${comment}export default ${fn(g, 2, name)}`.replace(/export default (.*)$/s, "$&"));
  }
  // At most one default export.
  let seen = false;
  return parts
    .filter((p) => {
      if (!p.includes("export default")) return true;
      if (seen) return false;
      seen = true;
      return true;
    })
    .join("\n\n");
});

// ---------------------------------------------------------------------------------------------
// Annotated programs
// ---------------------------------------------------------------------------------------------

const ANNOTATIONS = ["// @smartasync", "/* @smartasync */", "/**\n * Doc.\n * @smartasync\n */"];

interface Fn {
  name: string;
  async: boolean;
}

/** A call of `f` placed in one of the contexts of DESIGN §3.2, inside code of colour `inAsync`. */
function callIn(g: G, f: Fn, inAsync: boolean, ts: boolean): string {
  const call = pick(g, [
    `${f.name}(1)`,
    `${f.name}.call(null, 2)`,
    `${f.name}?.(3)`,
    `${f.name}.apply(null, [4])`,
  ]);
  const wrap = ts ? pick(g, [call, `(${call} as any)`, `${call}!`, `(${call} satisfies unknown)`]) : call;
  const sync = [
    `const ${fresh("v")} = ${wrap};`,
    `${wrap};`,
    `use(${wrap});`,
    `const ${fresh("v")} = (0, ${wrap});`,
    `const ${fresh("v")} = cond ? ${wrap} : null;`,
    `const ${fresh("v")} = cond && ${wrap};`,
    `const ${fresh("v")} = xs.map((x) => ${wrap});`,
    `xs.forEach((x) => { ${wrap}; });`,
    `retry(() => ${wrap});`,
    `const ${fresh("v")} = (() => ${wrap})();`,
    `${wrap}.then((r) => r);`,
    `void ${wrap};`,
    `Promise.resolve(${wrap});`,
    `function ${fresh("inner")}() { return ${wrap}; }`,
    `const ${fresh("v")} = { k: ${wrap} };`,
  ];
  const async = [
    `const ${fresh("v")} = await ${wrap};`,
    `await Promise.all([${wrap}, ${wrap}]);`,
    `await Promise.all(xs.map((x) => ${wrap}));`,
    `await Promise.all(xs.map(async (x) => ${wrap}));`,
    `const ${fresh("v")} = await Promise.all(xs.map(async (x) => ({ k: await ${wrap} })));`,
    `const ${fresh("v")} = await (cond ? ${wrap} : ${wrap});`,
    `return ${wrap};`,
    `xs.map(async (x) => await ${wrap});`,
  ];
  return pick(g, inAsync ? [...sync, ...async] : sync);
}

function tsType(g: G, ts: boolean, isAsync: boolean): string {
  if (!ts) return "";
  return isAsync ? pick(g, [": Promise<number>", ": Promise<any>", ""]) : pick(g, [": number", ""]);
}

/** Body of an annotated async function: awaits that are inline-mappable or not. */
function asyncBody(g: G, others: Fn[], ts: boolean): string {
  const lines: string[] = [];
  const n = int(g, 0, 3);
  for (let i = 0; i < n; i++) {
    const k = int(g, 0, 4);
    const other = others.length > 0 ? pick(g, others) : undefined;
    if (k === 0 && other) lines.push(`const ${fresh("r")} = await ${other.name}(a);`);
    else if (k === 1) lines.push(`const ${fresh("r")} = await readFile("x", "utf8");`);
    else if (k === 2) lines.push(`await sleep(1);`);
    else if (k === 3) lines.push(`const ${fresh("r")} = await new Promise((r) => setImmediate(r));`);
    else if (other) lines.push(callIn(g, other, true, ts));
  }
  return lines.join("\n");
}

/** A module with annotations and calls of them in every context; JS or TypeScript. */
export function annotatedProgram(ts: boolean): fc.Arbitrary<string> {
  return fc.gen().map((g) => {
    counter = 0;
    const parts: string[] = [
      `import { readFile } from "node:fs/promises";`,
      `import { setTimeout as sleep } from "node:timers/promises";`,
      `declare const cond: boolean, xs: number[];`.slice(ts ? 0 : 1000),
      `function use(v${ts ? ": unknown" : ""}) { return v; }`,
      `function retry(fn${ts ? ": () => unknown" : ""}) { return fn(); }`,
    ];
    if (!ts) parts.push("const cond = true, xs = [1, 2];");
    const fns: Fn[] = [];
    const n = int(g, 1, 4);
    for (let i = 0; i < n; i++) fns.push({ name: `fn${i}`, async: bool(g) });
    fns.forEach((f, i) => {
      const ann = pick(g, ANNOTATIONS);
      const later = fns.slice(i + 1).concat(fns.slice(0, i));
      const p = ts ? "a: number" : "a";
      const body = f.async ? asyncBody(g, later, ts) : "";
      const exp = pick(g, ["", "export "]);
      const form = int(g, 0, 2);
      const ret = tsType(g, ts, f.async);
      if (form === 0 || !f.async)
        parts.push(
          `${ann}\n${exp}${f.async ? "async " : ""}function ${f.name}(${p})${ret} {\n${body}\nreturn a;\n}`,
        );
      else if (form === 1)
        parts.push(`${ann}\n${exp}const ${f.name} = async (${p})${ret} => {\n${body}\nreturn a;\n};`);
      else
        parts.push(`${ann}\n${exp}const ${f.name} = async function (${p})${ret} {\n${body}\nreturn a;\n};`);
    });
    // Classes with annotated methods, called through this, the class and other receivers.
    if (bool(g)) {
      const m = bool(g);
      parts.push(
        `export class Store {\n  // @smartasync\n  ${m ? "async " : ""}get1(k${ts ? ": number" : ""}) { return k; }\n` +
          `  // @smartasync\n  static ${m ? "" : "async "}make(k${ts ? ": number" : ""}) { return k; }\n` +
          `  value() { return this.get1(1); }\n  async later() { return await this.get1(2); }\n` +
          `  static build() { return Store.make(3); }\n}`,
        `export function useStore(s${ts ? ": Store" : ""}) { const v = s.get1(4); s.get1(5); return String(v); }`,
        `export async function useStoreAsync(s${ts ? ": Store" : ""}) { return await s.get1(6); }`,
        `const api = {\n  // @smartasync\n  async fetch1(k${ts ? ": number" : ""}) { return k; },\n};`,
        `export function useApi() { return api.fetch1(7); }`,
      );
    }
    // Call sites in sync and async code, nested functions and callbacks.
    const sites = int(g, 1, 6);
    for (let i = 0; i < sites; i++) {
      const f = pick(g, fns);
      const where = int(g, 0, 4);
      const c = (inAsync: boolean) => callIn(g, f, inAsync, ts);
      if (where === 0) parts.push(`export function ${fresh("caller")}() {\n${c(false)}\n}`);
      else if (where === 1) parts.push(`export async function ${fresh("caller")}() {\n${c(true)}\n}`);
      else if (where === 2)
        parts.push(
          `export async function ${fresh("outer")}() {\n  function inner() {\n${c(false)}\n}\n  return inner;\n}`,
        );
      else if (where === 3) parts.push(`export const ${fresh("arrow")} = async () => {\n${c(true)}\n};`);
      else
        parts.push(`export class ${fresh("K")} {\n  m() {\n${c(false)}\n}\n  async n() {\n${c(true)}\n}\n}`);
    }
    return parts.filter((p) => p !== "").join("\n\n");
  });
}

// ---------------------------------------------------------------------------------------------
// Decorated programs: the same text in the clothes an SWC front end can get wrong
// ---------------------------------------------------------------------------------------------

export interface Decoration {
  eol: "\n" | "\r\n" | "\r" | "\u2028" | "\u2029";
  prefix: "" | "bom" | "hashbang";
  /** Rename the annotated functions and the class to non-ASCII names. */
  names: boolean;
  /** Non-ASCII (emoji pairs, CJK, RTL mark, ZWJ) in a header comment, strings and block comments. */
  text: boolean;
}

/**
 * SWC counts UTF-8 bytes and returns no comments, so smartasync/swc rebuilds both from the text:
 * this re-dresses a generated annotated program with other line terminators, a BOM or a hashbang,
 * non-ASCII names, strings and comments (after every `{` that ends a line), keeping its meaning.
 * (A BOM *and* a hashbang together is left out: Babel's parser rejects it.)
 */
export function decorate(src: string, d: Decoration): string {
  let out = src;
  if (d.names) out = out.replace(/\bfn(\d)\b/g, "fñ$1").replace(/\bStore\b/g, "Störe");
  if (d.text) {
    out = `// Grüße 😀 日本語 \u200F עִברִית 👨\u200D👩\u200D👧\n${out}`
      .replace(/"x"/g, '"x é😀\u2028中"')
      .replace(/\{\n/g, "{ /* é😀 中文 \u200F */\n");
  }
  out = out.replace(/\n/g, d.eol);
  if (d.prefix === "bom") out = `\uFEFF${out}`;
  else if (d.prefix === "hashbang") out = `#!/usr/bin/env node${d.eol}${out}`;
  return out;
}

export const decoration: fc.Arbitrary<Decoration> = fc.record({
  eol: fc.constantFrom("\n", "\r\n", "\r", "\u2028", "\u2029"),
  prefix: fc.constantFrom("", "bom", "hashbang"),
  names: fc.boolean(),
  text: fc.boolean(),
});
