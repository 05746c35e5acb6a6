import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, MALFORMED, node, ROOT, tree } from "./helpers.js";

const MAIN_TS = `import { readFile } from "node:fs/promises";

// @smartasync
export async function readGreeting(file: URL): Promise<string> {
  const text: string = await readFile(file, "utf8");
  return \`hello \${text.trim()}\`;
}

interface Options {
  loud: boolean;
}

export function main(options: Options): void {
  const greeting = readGreeting(new URL("./name.txt", import.meta.url));
  console.log(options.loud ? String(greeting).toUpperCase() : greeting);
}

main({ loud: false });
`;

describe("smartasync build", () => {
  it("transforms a tree: TypeScript stripped, extensions mapped, maps written, other files copied", () => {
    const dir = tree("build", {
      "src/main.ts": MAIN_TS,
      "src/name.txt": "world\n",
      "src/lib/helper.mts": "export const twice = (n: number): number => n * 2;\n",
      "src/lib/legacy.cts": "const x: number = 1;\nmodule.exports = { x };\n",
      "src/lib/plain.js": "export const y = 2;\n",
      "src/types.d.ts": "export type T = number;\n",
    });
    const r = cli(["build", "src", "--out-dir", "out"], dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^smartasync build: 4 compiled, 2 copied → out \(4 files, 1 function, 1 call \(sync-inline 1\)/,
    );
    for (const f of [
      "main.js",
      "main.js.map",
      "name.txt",
      "lib/helper.mjs",
      "lib/legacy.cjs",
      "lib/plain.js",
      "types.d.ts",
    ]) {
      expect(existsSync(join(dir, "out", f)), f).toBe(true);
    }
    expect(existsSync(join(dir, "out", "main.ts"))).toBe(false);
    const main = readFileSync(join(dir, "out/main.js"), "utf8");
    expect(main).not.toContain("interface Options");
    expect(main).toContain("readGreetingSync(new URL");
    expect(main.trimEnd().split("\n").at(-1)).toBe("//# sourceMappingURL=main.js.map");
    // The map points at the source.
    const map = JSON.parse(readFileSync(join(dir, "out/main.js.map"), "utf8"));
    expect(map.file).toBe("main.js");
    expect(map.sources).toEqual(["../src/main.ts"]);
    expect(resolve(dir, "out", map.sources[0])).toBe(join(dir, "src/main.ts"));
    expect(map.mappings.length).toBeGreaterThan(10);
    // A sync caller of an annotated async function gets the value.
    const run = spawnSync(process.execPath, [join(dir, "out/main.js")], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("hello world\n");
    // Sources untouched.
    expect(readFileSync(join(dir, "src/main.ts"), "utf8")).toBe(MAIN_TS);
  });

  it("TypeScript 7 (no compiler API) skips the declarations with a note, never an internal error", () => {
    // typescript@7.0.2's main entry is this file and nothing else (the compiler is a native
    // binary the package runs as `tsc`): its package.json maps "." to lib/version.cjs, which
    // exports the version only. The project's own copy is found before this repository's 6.x.
    const dir = tree("build-declarations-ts7", {
      "src/main.ts": "// @smartasync\nexport async function load(): Promise<number> {\n  return 1;\n}\n",
      "node_modules/typescript/package.json": JSON.stringify({
        name: "typescript",
        version: "7.0.2",
        type: "module",
        exports: { "./package.json": "./package.json", ".": "./lib/version.cjs" },
      }),
      "node_modules/typescript/lib/version.cjs":
        'const { version } = require("../package.json");\nexports.version = version;\nexports.versionMajorMinor = "7.0";\n',
    });
    const r = cli(["build", "src", "--out-dir", "out"], dir);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.stderr).toContain(
      "typescript 7.0.2 has no compiler API smartasync can drive (TypeScript 7 has none), so no .d.ts files were written",
    );
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, "out/main.js"), "utf8")).toContain("loadSync");
  });

  it("declarations of a class whose methods call this.m(), C.m() and other receivers come out clean", () => {
    // The compiled `this.m()` checks the variant's marker (`this.mSync?.[_sa.OF]`), which a method's
    // type does not declare, and a dispatched call's result is the runtime's: the declarations
    // pass must type-check them where the source type-checks (no "Element implicitly has an
    // 'any' type" from TypeScript, no `unknown` result).
    const dir = tree("build-declarations-this-call", {
      "src/store.ts": `export class Store {
  // @smartasync
  async load(key: string): Promise<string> {
    return \`v:\${key}\`;
  }
  // @smartasync
  async twice(key: string): Promise<string> {
    const a = await this.load(key);
    return a + a;
  }
  // @smartasync
  static async make(): Promise<Store> {
    return new Store();
  }
  // @smartasync
  static async again(): Promise<Store> {
    return Store.make();
  }
}

export class Cache extends Store {
  // @smartasync
  async get(key: string): Promise<string> {
    return (await super.load(key)) + (await this.twice(key));
  }
}

export async function both(s: Store): Promise<string> {
  return (await s.load("a")) + (await s.twice("b"));
}
`,
      "tsconfig.json": JSON.stringify({
        compilerOptions: { strict: true, module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022" },
      }),
    });
    const r = cli(["build", "src", "--out-dir", "out", "--no-source-maps"], dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const dts = readFileSync(join(dir, "out/store.d.ts"), "utf8");
    for (const line of [
      "loadSync(key: string): string;",
      "twiceSync(key: string): string;",
      "static againSync(): Store;",
      "getSync(key: string): string;",
    ])
      expect(dts).toContain(line);
    // The JavaScript keeps the plain check (no cast: types are stripped there anyway).
    expect(readFileSync(join(dir, "out/store.js"), "utf8")).toContain("this.loadSync?.[_sa.OF] ===");
  });

  it("a .tsx with JSX and a file with a byte-order mark before its hashbang build under either compiler (attack21 F14, F8)", () => {
    // Babel 8's TypeScript preset no longer turns JSX on for `.tsx`; Babel reads a hashbang only
    // at the very start of the text. Node runs both files; both compilers must build them.
    const dir = tree("build-tsx-bom", {
      "src/view.tsx": `/** @jsx h */\nconst h = (t: string, p: unknown, ...c: unknown[]) => ({ t, c });\nexport const el = (n: number) => <b>{n}</b>;\n// @smartasync\nexport async function render(n: number): Promise<unknown> {\n  await null;\n  return <i id={n}>x</i>;\n}\nconsole.log(JSON.stringify(el(1)), JSON.stringify(render(2)));\n`,
      "src/main.js": `\uFEFF#!/usr/bin/env node\n// @smartasync\nexport async function g(x) {\n  return x;\n}\nconsole.log("v " + g(1));\n`,
    });
    for (const compiler of ["babel", "swc"]) {
      const out = `out-${compiler}`;
      const r = cli(["build", "src", "--out-dir", out, "--compiler", compiler, "--no-declarations"], dir);
      expect(r.stderr, compiler).toBe("");
      expect(r.status, compiler).toBe(0);
      const main = spawnSync(process.execPath, [join(dir, out, "main.js")], { encoding: "utf8" });
      expect(main.stderr, compiler).toBe("");
      expect(main.stdout, compiler).toBe("v 1\n");
      // JSX is kept in `.jsx` output; the pragma `h` builds plain objects.
      const view = readFileSync(join(dir, out, "view.jsx"), "utf8");
      expect(view, compiler).toContain("<i id={n}>x</i>");
      expect(view, compiler).toContain("export function renderSync(");
    }
  });

  it(".cts with `import x = require()` and `export =` builds without a Babel config or .swcrc, under either compiler", () => {
    // docs/modules.md lists the route as followed; the CLI's defaults parsed a `.cts` as a
    // script, where TypeScript's module forms do not parse. Now a `.cts` that has them is read
    // as a module and compiled to CommonJS, as TypeScript compiles a `.cts`.
    const dir = tree("build-cts-import-equals", {
      "src/lib.cts": `// @smartasync\nasync function load(x: number): Promise<number> {\n  return x + 1;\n}\nexport = { load };\n`,
      "src/main.cts": `import lib = require("./lib.cjs");\nconst plain: number = require("./plain.cjs").two;\nexport function main(): number {\n  return (lib.load(1) as unknown as number) + plain;\n}\nconsole.log(main(), typeof lib.load(2));\n`,
      "src/plain.cts": `module.exports = { two: 2 };\n`,
    });
    for (const compiler of ["babel", "swc"]) {
      const out = `out-${compiler}`;
      const r = cli(["build", "src", "--out-dir", out, "--compiler", compiler], dir);
      expect(r.stderr, compiler).toBe("");
      expect(r.status, compiler).toBe(0);
      const main = readFileSync(join(dir, out, "main.cjs"), "utf8");
      // `lib` is a module object: its `load` could be replaced from another module, so the
      // rewrite checks at run time that it is still the annotated one (else dispatch).
      expect(main, compiler).toMatch(/\blib\b[^;]*\.loadSync\(1\)/);
      expect(main, compiler).toContain('_sa.viaOf(lib, _obj, "load", "loadSync", "sync"');
      expect(readFileSync(join(dir, out, "lib.cjs"), "utf8"), compiler).toMatch(
        /module\.exports = \{\s*load,\s*loadSync\s*\}/,
      );
      expect(readFileSync(join(dir, out, "lib.d.cts"), "utf8"), compiler).toContain("loadSync");
      const run = spawnSync(process.execPath, [join(dir, out, "main.cjs")], { encoding: "utf8" });
      expect(run.stderr, compiler).toBe("");
      // `main()` is sync code: the value; `lib.load(2)` is a value use too (an argument of log).
      expect(run.stdout, compiler).toBe("4 number\n");
    }
  });

  it("a `.cts` written with `import`/`export` is imported by name from an `.mts`, under either compiler", () => {
    // Node's named-exports detection of a CommonJS module did not read SWC's `_export(exports,
    // { get load() … })`: `import { load } from "./lib.cjs"` died at link time (attack31 F11);
    // `tsc`'s output of the same `.cts` loads.
    const dir = tree("build-cts-named-from-mts", {
      "src/lib.cts": `import { readFileSync } from "node:fs";\n// @smartasync\nexport async function load(x: number): Promise<string> {\n  await null;\n  return "load:" + x;\n}\nexport const size = readFileSync(__filename, "utf8").length > 0;\n`,
      "src/main.mts": `import { load, loadSync, size } from "./lib.cjs";\nfunction main(): string {\n  return load(1) as unknown as string;\n}\nconsole.log(main(), loadSync(2), size, typeof load);\n`,
    });
    for (const compiler of ["babel", "swc"]) {
      const out = `out-${compiler}`;
      const r = cli(["build", "src", "--out-dir", out, "--no-declarations", "--compiler", compiler], dir);
      expect(r.stderr, compiler).toBe("");
      expect(r.status, compiler).toBe(0);
      const run = spawnSync(process.execPath, [join(dir, out, "main.mjs")], { encoding: "utf8" });
      expect(run.stderr, compiler).toBe("");
      expect(run.stdout, compiler).toBe("load:1 load:2 true function\n");
    }
  });

  it("a `.cjs` with a top-level `return` builds under either compiler, and its importers run", () => {
    // Node wraps CommonJS in a function, so `return` at the top is legal there; both compilers
    // refused it as a syntax error and the importer died with "Cannot find module" (attack23 F9).
    const dir = tree("build-cjs-top-return", {
      "src/lib.cjs": `const { readFile } = require("node:fs/promises");\n// @smartasync\nasync function size(p) {\n  const t = await readFile(p, "utf8");\n  return t.length;\n}\nmodule.exports = { size };\nif (process.env.NO_MORE) return;\nmodule.exports.extra = 1;\n`,
      "src/main.cjs": `const lib = require("./lib.cjs");\nfunction main() {\n  return lib.size(__filename) > 0;\n}\nconsole.log(main(), lib.extra);\n`,
    });
    for (const compiler of ["babel", "swc"]) {
      const out = `out-${compiler}`;
      const r = cli(["build", "src", "--out-dir", out, "--compiler", compiler], dir);
      expect(r.stderr, compiler).toBe("");
      expect(r.status, compiler).toBe(0);
      for (const [env, extra] of [
        [{}, "1"],
        [{ NO_MORE: "1" }, "undefined"],
      ] as const) {
        const run = spawnSync(process.execPath, [join(dir, out, "main.cjs")], {
          encoding: "utf8",
          env: { ...process.env, ...env },
        });
        expect(run.stderr, compiler).toBe("");
        expect(run.stdout, compiler).toBe(`true ${extra}\n`);
      }
    }
  });

  it('a plain `.js`/`.ts` script runs as the nearest package.json\'s `"type"` says, under either compiler (attack26 F01)', () => {
    // A script with no import/export, require or module.exports is CommonJS in a `"type":
    // "commonjs"` package: an ES `import` of the runtime made the built file die at load. The
    // nearest package.json decides.
    const script = (what: string) =>
      `// @smartasync\nasync function twice(x) {\n  return x * 2;\n}\nfunction main() {\n  console.log("${what}", twice(21), this === undefined ? "module" : "commonjs");\n}\nmain.call(this);\n`;
    const dir = tree("build-type-commonjs", {
      "package.json": `{ "type": "commonjs" }\n`,
      "src/main.js": script("js"),
      "src/typed.ts": script("ts")
        .replace("twice(x)", "twice(x: number)")
        .replace("main()", "main(this: unknown)"),
      "src/esm/package.json": `{ "type": "module" }\n`,
      "src/esm/main.js": script("esm js"),
      "src/esm/legacy/package.json": `{ "type": "commonjs" }\n`,
      "src/esm/legacy/main.js": script("legacy js"),
    });
    // The tree is a package of its own: smartasync is installed, as in a user's project.
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(ROOT, join(dir, "node_modules", "smartasync"), "dir");
    const expected: [string, string][] = [
      ["main.js", "js 42 commonjs"],
      ["typed.js", "ts 42 commonjs"],
      ["esm/main.js", "esm js 42 module"],
      ["esm/legacy/main.js", "legacy js 42 commonjs"],
    ];
    for (const compiler of ["babel", "swc"]) {
      const out = `out-${compiler}`;
      const r = cli(["build", "src", "--out-dir", out, "--compiler", compiler], dir);
      expect(r.stderr, compiler).toBe("");
      expect(r.status, compiler).toBe(0);
      // package.json files are copied beside the outputs, so each output keeps its package's type.
      for (const [file, line] of expected) {
        const run = node(join(dir, out, file), dir);
        expect(run.stderr, `${compiler} ${file}`).toBe("");
        expect(run.stdout, `${compiler} ${file}`).toBe(`${line}\n`);
      }
    }
  });

  it('a plain `.js`/`.ts` script of a package without `"type"` runs as Node reads it, by its code, under either compiler (attack26 F01, a package without "type")', () => {
    // Node reads such a file as CommonJS unless its code is module code (a top-level `await`
    // here): an ES `import` of the runtime made it an ES module, strict, `this` undefined.
    const script = (what: string) =>
      `// @smartasync\nasync function twice(x) {\n  return x * 2;\n}\nfunction sloppy() {\n  return typeof this;\n}\nfunction main(self) {\n  console.log("${what}", twice(21), typeof self, sloppy());\n}\nmain(this);\n`;
    const dir = tree("build-typeless", {
      "package.json": `{ "name": "typeless" }\n`,
      "src/main.js": script("js"),
      "src/typed.ts": script("ts")
        .replace("twice(x)", "twice(x: number)")
        .replace("sloppy()", "sloppy(this: unknown)")
        .replace("main(self)", "main(self: unknown)"),
      "src/tla.js": `${script("tla")}await null;\n`,
    });
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(ROOT, join(dir, "node_modules", "smartasync"), "dir");
    const expected: [string, string][] = [
      ["main.js", "js 42 object object"],
      ["typed.js", "ts 42 object object"],
      ["tla.js", "tla 42 undefined undefined"],
    ];
    for (const compiler of ["babel", "swc"]) {
      const out = `out-${compiler}`;
      const r = cli(["build", "src", "--out-dir", out, "--compiler", compiler], dir);
      expect(r.stderr, compiler).toBe("");
      expect(r.status, compiler).toBe(0);
      for (const [file, line] of expected) {
        const run = node(join(dir, out, file), dir);
        // Node may warn that it read a file of a package without "type" as an ES module.
        expect(
          run.stderr.replace(/^\(node:\d+\) \[MODULE_TYPELESS_PACKAGE_JSON\][\s\S]*$/, ""),
          `${compiler} ${file}`,
        ).toBe("");
        expect(run.stdout, `${compiler} ${file}`).toBe(`${line}\n`);
      }
    }
  });

  it("a `.js` Node runs as CommonJS is parsed as Node compiles it: sloppy mode, a top-level `return` and `new.target` (attack27 F09)", () => {
    // `with`, legacy octal and a top-level `return` are legal in a CommonJS `.js`; both compilers
    // parsed every `.js` as strict module code and the build failed, even for files with nothing
    // to change. A `.js` of the same package written with `import` (compiled to `require`) is
    // still read as a module.
    const dir = tree("build-cjs-sloppy", {
      "package.json": `{ "type": "commonjs" }\n`,
      "src/plain.js": `var mode = 0644;\nmodule.exports = { mode };\n`,
      "src/main.js": `const { readFileSync } = require("node:fs");\nconst { mode } = require("./plain.js");\n// @smartasync\nasync function size(p) {\n  return readFileSync(p, "utf8").length;\n}\nfunction main() {\n  var scope = { n: 8 };\n  const big = size(__filename) > 0;\n  with (scope) {\n    console.log(big, n, mode, typeof new.target);\n  }\n}\nmain();\nif (require.main === module) return;\nconsole.log("imported");\n`,
      "typeless/package.json": `{ "name": "typeless" }\n`,
      "typeless/src/main.js": `var mode = 010;\nconsole.log(mode, typeof new.target);\n`,
    });
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(ROOT, join(dir, "node_modules", "smartasync"), "dir");
    for (const compiler of ["babel", "swc"]) {
      const out = `out-${compiler}`;
      const r = cli(["build", "src", "--out-dir", out, "--compiler", compiler], dir);
      expect(r.stderr, compiler).toBe("");
      expect(r.status, compiler).toBe(0);
      const run = node(join(dir, out, "main.js"), dir);
      expect(run.stderr, compiler).toBe("");
      expect(run.stdout, compiler).toBe("true 8 420 undefined\n");
      const typeless = cli(
        ["build", "typeless/src", "--out-dir", `typeless/${out}`, "--compiler", compiler],
        dir,
      );
      expect(typeless.stderr, compiler).toBe("");
      expect(typeless.status, compiler).toBe(0);
      expect(node(join(dir, "typeless", out, "main.js"), dir).stdout, compiler).toBe("8 undefined\n");
    }
  });

  it("a link to a file of the tree is placed as a link to that file's output: one module, as Node loads it", () => {
    // Node loads a module by its real path, so `./alias.js` and `./lib.js` are one module with one
    // state; compiled as a second file it was a second module (attack20 F9: plain 2, built 0).
    const dir = tree("build-link-in-tree", {
      "src/lib.mts": `export const state = { n: 0 };\n// @smartasync\nexport async function bump(): Promise<number> {\n  await null;\n  state.n++;\n  return state.n;\n}\n`,
      "src/main.mts": `import { bump } from "./lib.mjs";\nimport { state } from "./alias.mjs";\nawait bump();\nawait bump();\nconsole.log("seen through the link:", state.n);\n`,
      "src/data.json": `{ "k": 1 }\n`,
    });
    symlinkSync("lib.mts", join(dir, "src/alias.mts"));
    symlinkSync("data.json", join(dir, "src/same.json"));
    for (const compiler of ["babel", "swc"]) {
      const out = `out-${compiler}`;
      const r = cli(["build", "src", "--out-dir", out, "--compiler", compiler], dir);
      expect(r.stderr, compiler).toBe("");
      expect(r.status, compiler).toBe(0);
      expect(r.stdout, compiler).toMatch(/2 compiled, 1 copied, 2 linked/);
      expect(readlinkSync(join(dir, out, "alias.mjs")), compiler).toBe("lib.mjs");
      expect(readlinkSync(join(dir, out, "alias.d.mts")), compiler).toBe("lib.d.mts");
      expect(readlinkSync(join(dir, out, "same.json")), compiler).toBe("data.json");
      const run = spawnSync(process.execPath, [join(dir, out, "main.mjs")], { encoding: "utf8" });
      expect(run.stderr, compiler).toBe("");
      expect(run.stdout, compiler).toBe("seen through the link: 2\n");
      // A second build over the same out-dir replaces the links (no temporary files left).
      const again = cli(["build", "src", "--out-dir", out, "--compiler", compiler], dir);
      expect(again.status, compiler).toBe(0);
      expect(readlinkSync(join(dir, out, "alias.mjs")), compiler).toBe("lib.mjs");
      expect(
        readdirSync(join(dir, out)).filter((n) => n.endsWith(".smartasync-tmp")),
        compiler,
      ).toEqual([]);
    }
  });

  it("--follow-symlinks refuses a followed file whose relative import would lead elsewhere from its new place", () => {
    // Node runs `src/ext.js -> ../shared/ext.js` by its real path, so its `./dep.js` is
    // shared/dep.js; compiled at out/ext.js it would be out/dep.js, the compiled src/dep.js
    // (attack31 F13: plain `1 via shared/dep.js`, built `1 via src/dep.js`).
    const ext = `import { who } from "./dep.js";\n// @smartasync\nexport async function load(x) {\n  await null;\n  return x + " via " + who;\n}\n`;
    const dir = tree("build-follow-rerooted", {
      "package.json": `{ "type": "module" }\n`,
      "shared/dep.js": `export const who = "shared/dep.js";\n`,
      "shared/ext.js": ext,
      "shared/alone.js": `import { readFile } from "./missing.js";\nexport const n = 1;\n`,
      "src/dep.js": `export const who = "src/dep.js";\n`,
      "src/main.js": `import { load } from "./ext.js";\nimport { n } from "./alone.js";\nconsole.log(await load(1), n);\n`,
    });
    symlinkSync("../shared/ext.js", join(dir, "src/ext.js"));
    // Resolves from neither place: it fails alike in both, not refused.
    symlinkSync("../shared/alone.js", join(dir, "src/alone.js"));
    for (const compiler of ["babel", "swc"]) {
      const r = cli(["build", "src", "--out-dir", "out", "--compiler", compiler, "--follow-symlinks"], dir);
      expect(r.status, compiler).toBe(2);
      expect(r.stderr, compiler).toBe(
        `smartasync: src/ext.js:1: "./dep.js" is shared/dep.js from where the link leads (shared/ext.js), as Node resolves it, but src/dep.js from the link's place, where build writes the compiled file; link the folder that holds both, or import a path that leads to the same file from both places\n`,
      );
      expect(existsSync(join(dir, "out/ext.js")), compiler).toBe(false);
    }
    // Where the import leads to the same file from both places, the link is followed.
    writeFileSync(join(dir, "shared/ext.js"), ext.replace("./dep.js", "../src/dep.js"));
    const ok = cli(["build", "src", "--out-dir", "out", "--follow-symlinks"], dir);
    expect(ok.stderr).toBe("");
    expect(ok.status).toBe(0);
  });

  it("writes nothing for a file that fails, builds the others, exit 1", () => {
    const dir = tree("build-fail", { "src/bad.js": MALFORMED, "src/good.js": "export const a = 1;\n" });
    const r = cli(["build", "src", "-o", "out"], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("smartasync: src/bad.js: SA101: unexpected `inline`");
    expect(existsSync(join(dir, "out/bad.js"))).toBe(false);
    expect(existsSync(join(dir, "out/good.js"))).toBe(true);
    expect(r.stdout).toMatch(/1 compiled, 0 copied, 1 failed \(nothing written for them\)/);
  });

  it("refuses an out-dir that is a file or under one, with a message (attack21 F7)", () => {
    const dir = tree("build-out-file", { "src/a.js": "export const a = 1;\n", afile: "hi\n" });
    const cases: [string[], string][] = [
      [
        ["build", "src", "--out-dir", "afile"],
        "smartasync: --out-dir afile: is a file; name a directory (it is made when missing)\n",
      ],
      [
        ["build", "src", "--out-dir", "afile/sub/deeper"],
        "smartasync: --out-dir afile/sub/deeper: afile is a file; name a directory (it is made when missing)\n",
      ],
      [
        ["build", "src", "--out-dir", "/dev/null"],
        "smartasync: --out-dir /dev/null: is not a directory; name a directory (it is made when missing)\n",
      ],
    ];
    for (const [args, message] of cases) {
      const r = cli(args, dir);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toBe(message);
    }
    expect(readFileSync(join(dir, "afile"), "utf8")).toBe("hi\n");
  });

  it("refuses an out-dir that is, is inside, or contains the source directory", () => {
    const dir = tree("build-refuse", { "src/a.js": "export const a = 1;\n" });
    const cases: [string[], string][] = [
      [
        ["build", "src", "--out-dir", "src"],
        "smartasync: --out-dir src: is the source directory; it would overwrite the sources\n",
      ],
      [
        ["build", "src", "--out-dir", "src/out"],
        "smartasync: --out-dir src/out: is inside the source directory src; choose a directory outside it\n",
      ],
      [
        ["build", "src", "--out-dir", "."],
        "smartasync: --out-dir .: contains the source directory src; choose a directory outside it\n",
      ],
    ];
    for (const [args, message] of cases) {
      const r = cli(args, dir);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toBe(message);
    }
    expect(existsSync(join(dir, "src/out"))).toBe(false);
    expect(cli(["build", "src"], dir).status).toBe(2); // --out-dir is required
    expect(cli(["build", "nope", "-o", "out"], dir)).toMatchObject({
      status: 2,
      stderr: "smartasync: nope: no such file or directory\n",
    });
  });
});
