/**
 * Cache keys (SECURITY.md, docs/register.md#the-cache): the key of a compiled file covers every
 * module it imports, in every form an import can be written — found by the one import scanner
 * (src/core/import-scan.ts) that the compilers' fast path also uses, so the key sees whatever the
 * analysis can see. Each form below is written into a file, the imported module is edited, and
 * the key of `smartasync/register`'s cache and of `smartasync/jest`'s `getCacheKey` must change;
 * an import inside a comment or a string must not count. Then the same forms through
 * `smartasync/swc` (whose fast path skips files that import nothing smartasync) and Babel (which
 * always analyses) give the same report.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as babel8 from "@babel/core";
import { describe, expect, it } from "vitest";
import smartasync from "../../src/babel-plugin/index.js";
import { scanImports } from "../../src/core/import-scan.js";
import jest from "../../src/jest/index.js";
import { cacheKey } from "../../src/register/compile.js";
import { clearDependencyCache } from "../../src/register/deps.js";
import { transformSync as swcTransform } from "../../src/swc-plugin/index.js";

const ROOT = join(import.meta.dirname, "..", "..");
const DIR = join(ROOT, ".tmp", "security-import-forms");

/** Each way to name `./lib.js` from another module (the file under test is `main.js`). */
const FORMS: Record<string, string> = {
  "named import": `import { load } from "./lib.js";`,
  "comment before the specifier": `import { load } from /* c */ "./lib.js";`,
  "line comment and line breaks": `import {\n  load,\n} from // the loader\n  "./lib.js";`,
  "default and named, single quotes": `import def, { load } from './lib.js';`,
  "namespace import": `import * as lib from "./lib.js";\nconst load = lib.load;`,
  "side-effect import": `import "./lib.js";\nconst load = () => 1;`,
  "minified, no spaces": `import{load}from"./lib.js";`,
  "after a comment on the same line": `/* first */ import { load } from "./lib.js";`,
  "after a template and a regex holding quotes":
    'const t = `import "./nope.js"`;\nconst r = /"\'/;\nimport { load } from "./lib.js";',
  "re-export list": `export { load } from "./lib.js";\nimport { load } from "./lib.js";`,
  "re-export all with a comment": `export * from /* all */ "./lib.js";\nconst load = () => 1;`,
  "namespace re-export": `export * as lib from "./lib.js";\nconst load = () => 1;`,
  "dynamic import": `const lib = await import(/* lazy */ "./lib.js");\nconst load = lib.load;`,
  require: `const { load } = require( /* c */ "./lib.js" );`,
  "through a barrel": `import { load } from "./barrel.js";`,
  // String-named specifiers (ES2022): the quoted name is a string the scanner passes over whole.
  "string-named import": `import { "load" as load } from "./lib.js";`,
  "string-named, braces and quotes in the names, minified": `import{"}{"as a,'"'as b,"load"as load}from"./lib.js";`,
  // A regex right after the `)` of `if (…)`/`while (…)`/`for (…)` or a block's `}`, holding a
  // quote: read as a division, the quote hid the import after it (security review 17, finding 7).
  "regex after if (…)": `if (1) /"/.test("x"); import { load } from "./lib.js"; //"`,
  "regex after while (…), nested parentheses": `while ((0)) /'/.test("x"); import { load } from "./lib.js"; //'`,
  "regex after for (…)": `for (;false;) /"/.test("x"); import { load } from "./lib.js"; //"`,
  "regex after for await (…)": `for await (const x of []) /"/.test(x); import { load } from "./lib.js"; //"`,
  "regex after a block's }": `{}\n/"/.test("x"); import { load } from "./lib.js"; //"`,
  "regex after an if's block }": `if (1) {} /"/.test("x"); import { load } from "./lib.js"; //"`,
  // And the other way: a division after a call's `)` or an object's `}` is not a regex.
  "division after a call's )": `const n = Number(4) / 2; import { load } from "./lib.js"; const m = n / 2;`,
  "division after an object's }": `const n = {} / 2; import { load } from "./lib.js"; const m = n / 2;`,
};

const LIB_V1 = "// @smartasync\nexport async function load() {\n  return 1;\n}\n";
const LIB_V2 = "export async function load() {\n  return 2; // no longer annotated\n}\n";
const BARREL = `export { load } from /* through */ "./lib.js";\n`;

function write(name: string, files: Record<string, string>): string {
  const dir = join(DIR, name.replace(/[^a-z0-9]+/gi, "-"));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  return dir;
}

const main = (form: string): string => `${form}\nexport function run() {\n  return load();\n}\n`;

const SETTINGS = { sourceMaps: "inline" as const };

describe("the cache key follows every import form", () => {
  for (const [name, form] of Object.entries(FORMS)) {
    it(name, () => {
      const dir = write(name, { "main.js": main(form), "lib.js": LIB_V1, "barrel.js": BARREL });
      const file = join(dir, "main.js");
      const text = main(form);
      clearDependencyCache();
      const before = cacheKey(file, text, SETTINGS);
      const jestBefore = jest.getCacheKey(text, file, {});
      writeFileSync(join(dir, "lib.js"), LIB_V2);
      clearDependencyCache();
      expect(cacheKey(file, text, SETTINGS)).not.toBe(before);
      // Jest's transformer notices the edit by modification time and size, without a reset.
      expect(jest.getCacheKey(text, file, {})).not.toBe(jestBefore);
    });
  }

  it("an import inside a comment, a string or a template is not a dependency", () => {
    const text = [
      '// import { load } from "./lib.js";',
      '/* export * from "./lib.js"; */',
      "const s = \"import { load } from './lib.js'\";",
      'const t = `require("./lib.js")`;',
      "export const load = () => 1;",
      "",
    ].join("\n");
    expect(scanImports(text)).toEqual([]);
    const dir = write("not-imports", { "main.js": text, "lib.js": LIB_V1 });
    clearDependencyCache();
    const before = cacheKey(join(dir, "main.js"), text, SETTINGS);
    writeFileSync(join(dir, "lib.js"), LIB_V2);
    clearDependencyCache();
    expect(cacheKey(join(dir, "main.js"), text, SETTINGS)).toBe(before);
  });
});

describe("the cache key follows a package without a manifest (twins by name read its text)", () => {
  const PKG = JSON.stringify({ name: "dep", version: "1.0.0", type: "module", main: "index.js" });
  const TEXT = `import { read } from "dep";\n// @smartasync\nexport async function run() {\n  return await read();\n}\n`;
  const layout = (index: string, more: Record<string, string> = {}) => ({
    "main.js": TEXT,
    "node_modules/dep/package.json": PKG,
    "node_modules/dep/index.js": index,
    ...more,
  });
  const keyAfter = (dir: string, edit: () => void): [string, string, string, string] => {
    const file = join(dir, "main.js");
    clearDependencyCache();
    const before = cacheKey(file, TEXT, SETTINGS);
    const jestBefore = jest.getCacheKey(TEXT, file, {});
    edit();
    clearDependencyCache();
    return [before, cacheKey(file, TEXT, SETTINGS), jestBefore, jest.getCacheKey(TEXT, file, {})];
  };

  it("an edit of the entry that keeps the version (an npm link) changes the key", () => {
    const dir = write("pkg-entry", layout("export async function read() {}\n"));
    const [a, b, ja, jb] = keyAfter(dir, () =>
      writeFileSync(
        join(dir, "node_modules/dep/index.js"),
        "export async function read() {}\nexport function readSync() {}\n",
      ),
    );
    expect(b).not.toBe(a);
    expect(jb).not.toBe(ja);
  });

  it("an edit behind the entry's export * chain changes the key", () => {
    const dir = write(
      "pkg-chain",
      layout('export * from "./lib/read.js";\n', {
        "node_modules/dep/lib/read.js": 'export * from "./impl.js";\n',
        "node_modules/dep/lib/impl.js": "export async function read() {}\n",
      }),
    );
    const [a, b] = keyAfter(dir, () =>
      writeFileSync(
        join(dir, "node_modules/dep/lib/impl.js"),
        "export async function read() {}\nexport function readSync() {}\n",
      ),
    );
    expect(b).not.toBe(a);
  });

  it("an edit of a package file the entry does not re-export from leaves the key", () => {
    const dir = write(
      "pkg-other",
      layout('import "./side.js";\nexport async function read() {}\n', {
        "node_modules/dep/side.js": "globalThis.x = 1;\n",
      }),
    );
    const [a, b] = keyAfter(dir, () =>
      writeFileSync(join(dir, "node_modules/dep/side.js"), "globalThis.x = 2;\n"),
    );
    expect(b).toBe(a);
  });
});

describe("smartasync/swc's fast path sees the imports Babel's analysis sees", () => {
  const babelReport = (code: string, filename: string) =>
    (
      babel8.transformSync(code, {
        filename,
        babelrc: false,
        configFile: false,
        parserOpts: { allowAwaitOutsideFunction: true },
        plugins: [smartasync],
      })!.metadata as { smartasync: unknown }
    ).smartasync;

  for (const [name, form] of Object.entries(FORMS)) {
    if (name === "require") continue; // CommonJS: its own fixture tree (fixtures/cjs)
    it(name, () => {
      const dir = write(`swc-${name}`, { "main.js": main(form), "lib.js": LIB_V1, "barrel.js": BARREL });
      const file = join(dir, "main.js");
      const swc = swcTransform(main(form), { filename: file, swcrc: false, configFile: false });
      expect(JSON.parse(JSON.stringify(swc.smartasync))).toEqual(babelReport(main(form), file));
    });
  }

  it("a string-named import of a smartasync function is rewritten, not skipped by the fast path", () => {
    const form = FORMS["string-named, braces and quotes in the names, minified"]!;
    expect(scanImports(form)).toEqual([{ specifier: "./lib.js", kind: "static" }]);
    const dir = write("swc-string-named", { "main.js": main(form), "lib.js": LIB_V1 });
    const out = swcTransform(main(form), { filename: join(dir, "main.js"), swcrc: false, configFile: false });
    expect(JSON.stringify(out.smartasync.calls)).toContain('"callee":"load"');
  });

  it("the comment form is rewritten, not skipped (the stale-output case)", () => {
    const dir = write("swc-comment", {
      "main.js": main(FORMS["comment before the specifier"]!),
      "lib.js": LIB_V1,
    });
    const out = swcTransform(main(FORMS["comment before the specifier"]!), {
      filename: join(dir, "main.js"),
      swcrc: false,
      configFile: false,
    });
    expect(JSON.stringify(out.smartasync.calls)).toContain('"callee":"load"');
  });
});
