/**
 * Twins by name read a plain module's exports from its text (src/core/analysis/export-names.ts):
 * only names the text proves exported, with both compilers' parsers, never a guess.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseSync, type types as t } from "@babel/core";
import { afterAll, describe, expect, it } from "vitest";
import type { ParsedFile } from "../../src/core/analysis/analyse.js";
import { clearExportNames, exportNamesOf } from "../../src/core/analysis/export-names.js";
import { clearResolveCache } from "../../src/core/resolve.js";
import { parserFor } from "../../src/swc-plugin/engine.js";
import { parseToBabelShape } from "../../src/swc-plugin/lower.js";

const babel = (source: string, path: string): ParsedFile => {
  const file = parseSync(source, {
    filename: path,
    sourceType: "unambiguous",
    configFile: false,
    babelrc: false,
    parserOpts: { plugins: ["typescript"] },
  }) as t.File;
  return { program: file.program, comments: file.comments ?? [] };
};
const swc = (source: string, path: string): ParsedFile => {
  const file = parseToBabelShape(source, { parser: parserFor(path), isModule: "unknown" });
  return { program: file.program, comments: file.comments ?? [] };
};

const root = mkdtempSync(join(tmpdir(), "sa-export-names-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(rel: string, text: string): string {
  const file = join(root, rel);
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, text);
  return file;
}

const from = write("app.js", "");
write(
  "node_modules/esm-lib/package.json",
  JSON.stringify({ name: "esm-lib", type: "module", exports: "./index.js" }),
);
write(
  "node_modules/esm-lib/index.js",
  `export async function find() {}
export function findSync() {}
export async function lateSync() {}
export const arrowSync = async () => {};
export const a = 1, b = 2;
const c = 3; export { c as renamed };
export * from "./more.js";
export * as ns from "./more.js";
export default function () {}`,
);
write("node_modules/esm-lib/more.js", "export function more() {} export default 1;");
write("node_modules/cjs-lib/package.json", JSON.stringify({ name: "cjs-lib", main: "lib/main.js" }));
write(
  "node_modules/cjs-lib/lib/main.js",
  `exports.lost = 1;
module.exports = { probe, probeSync: probe, "quoted": 1, [computed]: 2, ...spread };
exports.stale = 2;
module.exports.added = 3;
Object.defineProperty(module.exports, "defined", { get() {} });
Object.defineProperty(module.exports, "__esModule", { value: true });`,
);
write("node_modules/umd-lib/package.json", JSON.stringify({ name: "umd-lib" }));
write(
  "node_modules/umd-lib/index.js",
  `(function (root, f) { if (typeof module === "object") module.exports = f(); })(this, function () { return { x: 1, xSync: 2 }; });`,
);
write(
  "node_modules/with-manifest/package.json",
  JSON.stringify({ name: "with-manifest", smartasync: "./m.json" }),
);
write("node_modules/with-manifest/index.js", "export function x() {} export function xSync() {}");
write("node_modules/broken/package.json", JSON.stringify({ name: "broken" }));
write("node_modules/broken/index.js", "export function x( {");
const local = write(
  "local.ts",
  "export async function load(): Promise<number> { return 1 } export function loadSync() { return 1 }",
);
write(
  "helpers.mjs",
  `import * as cp from "node:child_process";
import { execFileSync as efs } from "child_process";
import util, { promisify as p } from "node:util";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const fs = await import("node:fs");
let later = cp.spawnSync;
const { readSync: rs } = require("fs");
export const exec = p(cp.exec), execSync = cp["execSync"];
export { efs as execFileSync, later, rs as readSync };
export const execFile = util.promisify(require("node:child_process").execFile);
export { statSync } from "node:fs";
export { copy } from "./more.js";
export const dyn = fs.readFile;
export function handSync() {}
export const bound = cp.exec.bind(cp);`,
);
write(
  "helpers.cjs",
  `function require(m) { return {}; }
exports.shadowed = require("fs").readFileSync;
module.exports.early = 1;`,
);
write(
  "helpers2.cjs",
  `const cp = require("node:child_process");
module.exports = { exec: require("util").promisify(cp.exec), execSync: cp.execSync, hand() {} };
exports.ignored = cp.exec;
module.exports.spawn = cp.spawn;`,
);

// CommonJS forms Node's export scanner (cjs-module-lexer) reads or stops at (attack36 F10): what an
// ES importer of each sees is asked of this very Node, in a child process.
const LEXER_CASES = [
  "module.exports = { find, 0: VERSION, findSync };",
  "module.exports = { find, \\u0066indSync };",
  "exports.find = find; exports.f\\u0069ndSync = findSync;",
  "module.exports.f\\u0069ndSync = findSync; exports.find = find;",
  'exports["f\\u0069ndSync"] = findSync; exports.find = find;',
  "module.exports = { find, f\\u0069ndSync };",
  "module.exports = { find, get findSync() { return findSync; } };",
  "module.exports = { find, findSync() {} };",
  "module.exports = { find, async findSync() {} };",
  "module.exports = { find: g , findSync };",
  "module.exports = { find: g, findSync };",
  "module.exports = { find: g/*c*/, findSync };",
  "module.exports = { find /*c*/, findSync };",
  "module.exports = { find: impl.x, findSync };",
  "module.exports = { find: 1, findSync };",
  "module.exports = { find: \\u0067, findSync };",
  'module.exports = { find, "findSync": findSync };',
  'module.exports = { find, "f\\u0069ndSync": findSync };',
  "module.exports = { find, 'findSync': g };",
  "module.exports = { find, ...impl, findSync };",
  "module.exports = { find, ...impl.x, findSync };",
  "module.exports = { find, findSync: function () {} };",
  "module.exports = { find, findSync: (g) };",
  "module.exports = ({ find, findSync });",
  "module.exports = { find, [`findSync`]: findSync };",
  "module.exports = { find, findSync: impl.findSync };",
];
const lexerFiles = LEXER_CASES.map((line, i) =>
  write(
    `lexer/c${i}.cjs`,
    `function find() {} function findSync() {} function g() {} const VERSION = 1, impl = {};\n${line}\n`,
  ),
);
const seenByNode: string[][] = JSON.parse(
  execFileSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `const out = []; for (const f of ${JSON.stringify(lexerFiles)}) out.push(Object.keys(await import(f))); console.log(JSON.stringify(out));`,
    ],
    { encoding: "utf8" },
  ),
);

// Two stars binding `findSync` differently (ambiguous: left out), the same `same` through both
// (one binding: kept), `own` declared here shadows the stars, and a CommonJS star's getter.
write(
  "stars/index.js",
  `export async function find() {}
export * from "./a.js";
export * from "./b.js";
export * from "./impl.cjs";
export const own = 1;`,
);
write(
  "stars/a.js",
  `export function findSync() {} export { same } from "./same.js"; export const own = 2, one = 1;`,
);
write("stars/b.js", `export function findSync() {} export * from "./same.js"; export const own = 3;`);
write("stars/same.js", "export const same = 1;");
write(
  "stars/impl.cjs",
  `exports.seen = 1; Object.defineProperty(exports, "hidden", { enumerable: true, get: () => 1 });`,
);

for (const [name, parse] of [
  ["babel", babel],
  ["swc", swc],
] as const) {
  describe(`export names (${name})`, () => {
    const names = (specifier: string) => {
      clearExportNames();
      clearResolveCache();
      const r = exportNamesOf(parse, specifier, from);
      return r && { names: [...r.names].sort(), async: [...r.async].sort(), commonjs: r.commonjs };
    };

    it("reads ES exports, `export *` of the package's own files without their default", () => {
      expect(names("esm-lib")).toEqual({
        names: ["a", "arrowSync", "b", "default", "find", "findSync", "lateSync", "more", "ns", "renamed"],
        async: ["arrowSync", "find", "lateSync"],
        commonjs: false,
      });
    });

    it("reads CommonJS exports; `module.exports =` drops what came before and stales `exports`", () => {
      expect(names("cjs-lib")).toEqual({
        names: ["added", "defined", "probe", "probeSync", "quoted"],
        async: [],
        commonjs: true,
      });
    });

    it("knows nothing of exports made at run time, of a package with a manifest, of built-ins", () => {
      expect(names("umd-lib")).toEqual({ names: [], async: [], commonjs: false });
      expect(names("with-manifest")).toBeUndefined();
      expect(names("broken")).toBeUndefined();
      expect(names("fs")).toBeUndefined();
      expect(names("node:fs")).toBeUndefined();
      expect(names("./missing.js")).toBeUndefined();
    });

    it("notes which of Node's own functions an export visibly is (attack26 F07), never a guess", () => {
      clearExportNames();
      const node = (specifier: string) =>
        Object.fromEntries(exportNamesOf(parse, specifier, from)?.node ?? []);
      expect(node("./helpers.mjs")).toEqual({
        exec: "promisify(child_process.exec)",
        execSync: "child_process.execSync",
        execFileSync: "child_process.execFileSync",
        readSync: "fs.readSync",
        execFile: "promisify(child_process.execFile)",
        statSync: "fs.statSync",
      });
      // A `require` the module declares itself is not Node's.
      expect(node("./helpers.cjs")).toEqual({});
      expect(node("./helpers2.cjs")).toEqual({
        exec: "promisify(child_process.exec)",
        execSync: "child_process.execSync",
        spawn: "child_process.spawn",
      });
    });

    it("gives an ES importer what Node's export scanner finds, no more (attack36 F10)", () => {
      clearExportNames();
      const got = LEXER_CASES.map((line, i) => {
        const r = exportNamesOf(parse, `./lexer/c${i}.cjs`, from);
        return `${line} → ${r?.names.has("findSync") === true && !r.esHidden?.has("findSync")}`;
      });
      const want = seenByNode.map((keys, i) => `${LEXER_CASES[i]} → ${keys.includes("findSync")}`);
      expect(got).toEqual(want);
      // The ones Node does not see are still there for require().
      expect(exportNamesOf(parse, "./lexer/c0.cjs", from)?.names.has("findSync")).toBe(true);
      expect(exportNamesOf(parse, "./lexer/c0.cjs", from)?.esHidden?.get("findSync")).toContain(
        "at `0: VERSION`",
      );
    });

    it("leaves out an ambiguous `export *` name, and a star's scanner-hidden one (attack36 F01, F02)", () => {
      clearExportNames();
      clearResolveCache();
      const r = exportNamesOf(parse, "./stars/index.js", from);
      expect([...(r?.names ?? [])].sort()).toEqual(["find", "one", "own", "same", "seen"]);
      expect([...(r?.unseen?.keys() ?? [])].sort()).toEqual(["findSync", "hidden"]);
      expect(r?.unseen?.get("findSync")).toContain('`export *` of "./a.js" and "./b.js"');
    });

    it("reads a relative TypeScript file, and again once it changes", () => {
      expect(names("./local.js")?.names).toEqual(["load", "loadSync"]);
      clearResolveCache();
      writeFileSync(local, "export async function load(): Promise<number> { return 1 }");
      const later = new Date(Date.now() + 5000);
      utimesSync(local, later, later);
      expect(exportNamesOf(parse, "./local.js", from)?.names).toEqual(new Set(["load"]));
      writeFileSync(
        local,
        "export async function load(): Promise<number> { return 1 } export function loadSync() { return 1 }",
      );
    });
  });
}
