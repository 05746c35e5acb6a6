/**
 * Cross-module facts (DESIGN §3.6): cached by path and mtime, re-read when a file changes, read
 * once for many importers; package manifests round-trip.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as babel from "@babel/core";
import { afterAll, describe, expect, it } from "vitest";
import smartasync, { moduleGraphFor } from "../src/babel-plugin/index.js";
import { startCompile } from "../src/core/compile-run.js";
import { buildFileManifest, buildManifest, factsFromManifest } from "../src/core/module-facts.js";
import { clearResolveCache, rememberedResolutions, resolveImport } from "../src/core/resolve.js";
import { transformSync as swcTransformSync } from "../src/swc-plugin/index.js";
import { type Case, listCases, ROOT, transformCase } from "./harness.js";
import { transformCaseSwc } from "./swc/harness-swc.js";

const dir = join(ROOT, ".tmp", "modules-test");
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Calls = { strategy: string; target: string; from?: string }[];

function transform(file: string, code: string, options: Record<string, unknown>) {
  const r = babel.transformSync(code, {
    filename: file,
    cwd: dir,
    babelrc: false,
    configFile: false,
    plugins: [[smartasync, options]],
  })!;
  return {
    code: r.code!,
    calls: (r.metadata as unknown as { smartasync: { calls: Calls } }).smartasync.calls,
  };
}

describe("cross-module facts", () => {
  it("re-reads an imported file when it changes (mtime), and only then", () => {
    const options = { root: join(dir, "a") };
    mkdirSync(join(dir, "a"), { recursive: true });
    const lib = join(dir, "a/lib.js");
    writeFileSync(lib, "// @smartasync\nexport async function f() { return 1 }\n");
    const entry = join(dir, "a/main.js");
    const src = 'import { f } from "./lib.js";\nexport const v = () => f() + 1;\n';
    const first = transform(entry, src, options);
    expect(first.calls).toMatchObject([{ strategy: "sync-inline", target: "fSync", from: "lib.js" }]);
    const graph = moduleGraphFor(8, options)!;
    expect(graph.facts.reads).toBe(1);
    transform(entry, src, options);
    expect(graph.facts.reads).toBe(1);

    // The function becomes sync: the same call is now a direct call.
    writeFileSync(lib, "// @smartasync\nexport function f() { return 1 }\n");
    const later = new Date(Date.now() + 5_000);
    utimesSync(lib, later, later);
    // Stamped once per compiled file (core/compile-run.ts), so seen by the next compile even in
    // the same synchronous run.
    const second = transform(entry, src, options);
    expect(second.calls).toMatchObject([{ strategy: "direct", target: "f" }]);
    expect(second.code).not.toContain("fSync");
    expect(graph.facts.reads).toBe(2);
  });

  it.each(["babel", "swc"] as const)(
    "re-reads an imported file replaced by a text of the same size, its modification time kept (%s; attack33 F07)",
    (engine) => {
      // `cp -p`, `rsync -a`, `tar x`: the same size and modification time, another text. The
      // change time says so; a stamp too young to name one text has its text checked.
      const options = { root: join(dir, `cp-p-${engine}`) };
      mkdirSync(options.root, { recursive: true });
      const lib = join(options.root, "lib.js");
      const entry = join(options.root, "main.js");
      const src = 'import { loadB } from "./lib.js";\nexport const v = () => loadB("x") + 1;\n';
      const compile = (): Calls =>
        engine === "babel"
          ? transform(entry, src, options).calls
          : (
              swcTransformSync(src, { filename: entry, swcrc: false, smartasync: options }) as unknown as {
                smartasync: { calls: Calls };
              }
            ).smartasync.calls;
      const kept = new Date("2026-01-01T00:00:00Z");
      const A =
        "// @smartasync\nexport async function loadA() { return 42; }\nexport async function loadB() { return 7; }\n";
      const B =
        "export async function loadA() { return 42; }\n// @smartasync\nexport async function loadB() { return 7; }\n";
      expect(A.length).toBe(B.length);
      writeFileSync(lib, A);
      utimesSync(lib, kept, kept);
      expect(compile()).toEqual([]);
      writeFileSync(lib, B);
      utimesSync(lib, kept, kept);
      // Before: loadB stayed plain (the facts of A), a Promise in sync code.
      expect(compile()).toMatchObject([{ strategy: "sync-inline", target: "loadBSync", from: "lib.js" }]);
    },
  );

  it("checks a module of an installed package by the package's package.json (core/managed.ts)", () => {
    const options = { root: join(dir, "m") };
    const pkg = join(dir, "m/node_modules/shop");
    mkdirSync(join(pkg, "lib"), { recursive: true });
    writeFileSync(join(pkg, "package.json"), '{ "name": "shop", "main": "lib/index.js" }\n');
    const lib = join(pkg, "lib/index.js");
    writeFileSync(lib, "// @smartasync\nexport async function f() { return 1 }\n");
    // A file of the package compiled by a bundler, importing a module of its own package.
    const entry = join(pkg, "lib/main.js");
    const src = 'import { f } from "./index.js";\nexport const v = () => f() + 1;\n';
    expect(transform(entry, src, options).calls).toMatchObject([
      { strategy: "sync-inline", target: "fSync" },
    ]);
    const graph = moduleGraphFor(8, options)!;
    const reads = graph.facts.reads;

    // Edited by hand, its package.json unchanged: the package counts as unchanged (as a bundler's
    // managed paths do), so the facts are kept and the file is not read again.
    writeFileSync(lib, "// @smartasync\nexport function f() { return 1 }\n");
    const later = new Date(Date.now() + 5_000);
    utimesSync(lib, later, later);
    expect(transform(entry, src, options).calls).toMatchObject([
      { strategy: "sync-inline", target: "fSync" },
    ]);
    expect(graph.facts.reads).toBe(reads);

    // An install rewrites package.json: the package's modules are stamped again, one by one.
    const evenLater = new Date(Date.now() + 10_000);
    utimesSync(join(pkg, "package.json"), evenLater, evenLater);
    expect(transform(entry, src, options).calls).toMatchObject([{ strategy: "direct", target: "f" }]);
    expect(graph.facts.reads).toBe(reads + 1);
  });

  it("sees an installed file edited twice within RACY_MS at the same size and mtime (review: annotatedThrough)", () => {
    const options = { root: join(dir, "racy-annotated") };
    const pkg = join(dir, "racy-annotated/node_modules/lib");
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, "package.json"), '{ "name": "lib", "type": "module" }\n');
    const index = join(pkg, "index.js");
    // The same size: only the first comment differs.
    writeFileSync(index, "// not-smart!!\nexport async function load(x) { return x; }\n");
    const stamp = new Date();
    utimesSync(index, stamp, stamp);
    const entry = join(dir, "racy-annotated/main.js");
    const src = 'import { load } from "lib";\nexport function run() { return load(1); }\n';
    const codes = (): string[] => {
      const r = babel.transformSync(src, {
        filename: entry,
        cwd: dir,
        babelrc: false,
        configFile: false,
        plugins: [[smartasync, options]],
      })!;
      const meta = r.metadata as unknown as { smartasync: { diagnostics: { code: string }[] } };
      return meta.smartasync.diagnostics.map((d) => d.code);
    };
    expect(codes()).toEqual([]);
    writeFileSync(index, "// @smartasync\nexport async function load(x) { return x; }\n");
    utimesSync(index, stamp, stamp);
    // A stamp this young names no text: the file is read again, its annotation seen (SA204: an
    // installed package without a manifest whose file holds @smartasync).
    expect(codes()).toEqual(["SA204"]);
  });

  it.each(["[]", '"x"', "5", "true"])(
    "reads a package.json that is %s as the Node running the build does (attack36 F14)",
    (json) => {
      const root = join(dir, "objectless", String(json.length) + json.replace(/\W/g, ""));
      const pkg = join(root, "node_modules/lib");
      mkdirSync(pkg, { recursive: true });
      writeFileSync(join(pkg, "package.json"), json);
      writeFileSync(join(pkg, "index.js"), "// @smartasync\nexport async function load(x) { return x; }\n");
      // This Node, asked: Node 20 reads it as `{}` and loads index.js; Node 22 refuses it.
      const loads =
        spawnSync(process.execPath, ["--input-type=module", "-e", 'await import("lib")'], { cwd: root })
          .status === 0;
      const r = babel.transformSync(
        'import { load } from "lib";\nexport function run() { return load(1); }\n',
        {
          filename: join(root, "main.mjs"),
          cwd: root,
          babelrc: false,
          configFile: false,
          plugins: [[smartasync, { root }]],
        },
      )!;
      const meta = r.metadata as unknown as {
        smartasync: { diagnostics: { code: string; message: string }[] };
      };
      // Loaded: an installed package without a manifest whose file holds @smartasync (SA204);
      // refused: the program fails in Node itself, at its start.
      expect(resolveImport("lib", join(root, "main.mjs"))?.kind).toBe(loads ? "package" : undefined);
      if (loads) expect(meta.smartasync.diagnostics.map((d) => d.code)).toEqual(["SA204"]);
    },
  );

  it("resolves again what a file of an installed package imports once the package changes", () => {
    const options = { root: join(dir, "m2") };
    const pkg = join(dir, "m2/node_modules/shop");
    mkdirSync(join(pkg, "lib"), { recursive: true });
    writeFileSync(join(pkg, "package.json"), '{ "name": "shop" }\n');
    writeFileSync(join(pkg, "lib/store.js"), "// @smartasync\nexport async function f() { return 1 }\n");
    const entry = join(pkg, "lib/main.js");
    const src = 'import { f } from "./store";\nexport const v = () => f() + 1;\n';
    expect(transform(entry, src, options).calls).toMatchObject([
      { strategy: "sync-inline", target: "fSync" },
    ]);
    // An install brings a store.ts, which an extensionless import now finds first, and rewrites
    // package.json: what the package's files import is resolved again.
    writeFileSync(join(pkg, "lib/store.ts"), "export function f() { return 1 }\n");
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(pkg, "package.json"), later, later);
    expect(transform(entry, src, options).calls).toEqual([]);
  });

  it("parses no module of an import cycle that reaches no annotation (third-party chunks)", () => {
    // Bundled packages' chunks import each other (vite's dist/node/chunks): before, each module
    // of a cycle was parsed whole to read its exports, ten times plain SWC's time on a cold build.
    const options = { root: join(dir, "cy") };
    const pkg = join(dir, "cy/node_modules/chunky");
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, "package.json"), '{ "name": "chunky", "type": "module", "main": "a.js" }\n');
    writeFileSync(
      join(pkg, "a.js"),
      'import { b } from "./b.js";\nexport const a = () => b();\nexport { b };\n',
    );
    writeFileSync(join(pkg, "b.js"), 'import { c } from "./c.js";\nexport const b = () => c();\n');
    writeFileSync(
      join(pkg, "c.js"),
      'import { a } from "./a.js";\nimport "node:fs";\nexport const c = () => 1;\nexport { a };\n',
    );
    // A file of the package compiled by a bundler (files of installed packages are read by their
    // relative imports; a bare import of a package reads its manifest only).
    const entry = join(pkg, "main.js");
    const src = 'import { a, b } from "./a.js";\nexport const v = () => a() + b();\n';
    for (const run of [
      (file: string, code: string) => transform(file, code, options).calls,
      (file: string, code: string) =>
        (
          swcTransformSync(code, { filename: file, swcrc: false, smartasync: options }) as unknown as {
            smartasync: { calls: Calls };
          }
        ).smartasync.calls,
    ])
      expect(run(entry, src)).toEqual([]);
    expect(moduleGraphFor(8, options)!.parsedWhole).toBe(0);

    // An annotation the cycle reaches is followed as before: the module that exports it again
    // is read whole, and the call is rewritten.
    writeFileSync(join(pkg, "d.js"), "// @smartasync\nexport async function load() { return 1 }\n");
    writeFileSync(
      join(pkg, "c.js"),
      'import { a } from "./a.js";\nimport { load } from "./d.js";\nexport const c = () => 1;\nexport { a, load };\n',
    );
    writeFileSync(
      join(pkg, "a.js"),
      'import { b, load } from "./b.js";\nexport const a = () => b();\nexport { b, load };\n',
    );
    writeFileSync(
      join(pkg, "b.js"),
      'import { c, load } from "./c.js";\nexport const b = () => c();\nexport { load };\n',
    );
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(pkg, "package.json"), later, later);
    const calls = transform(
      entry,
      'import { load } from "./a.js";\nexport const v = () => load() + 1;\n',
      options,
    ).calls;
    expect(calls).toMatchObject([{ strategy: "sync-inline", target: "loadSync" }]);
  });

  it("an import cycle's facts follow an edit of a module they re-export from (a watch session)", () => {
    for (const [name, run] of [
      [
        "babel",
        (file: string, code: string, options: Record<string, unknown>) =>
          transform(file, code, options).calls,
      ],
      [
        "swc",
        (file: string, code: string, options: Record<string, unknown>) =>
          (
            swcTransformSync(code, { filename: file, swcrc: false, smartasync: options }) as unknown as {
              smartasync: { calls: Calls };
            }
          ).smartasync.calls,
      ],
    ] as const) {
      const root = join(dir, `cycle-edit-${name}`);
      mkdirSync(root, { recursive: true });
      const options = { root };
      writeFileSync(
        join(root, "a.js"),
        'import { b, load } from "./b.js";\nexport const a = () => b();\nexport { b, load };\n',
      );
      writeFileSync(
        join(root, "b.js"),
        'import { a } from "./a.js";\nexport const b = () => 1;\nexport const load = () => 2;\nexport { a };\n',
      );
      const entry = join(root, "main.js");
      const src = 'import { load } from "./a.js";\nexport const v = () => load() + 1;\n';
      expect(run(entry, src, options)).toEqual([]);
      // b.js now re-exports an annotated function; a.js, unchanged, exports it again. Before, the
      // facts of a.js, read through the cycle, were kept unchecked: the call stayed plain and
      // sync code got a Promise until the process restarted.
      writeFileSync(join(root, "c.js"), "// @smartasync\nexport async function load() { return 1 }\n");
      writeFileSync(
        join(root, "b.js"),
        'import { a } from "./a.js";\nexport const b = () => 1;\nexport { load } from "./c.js";\nexport { a };\n',
      );
      const later = new Date(Date.now() + 5_000);
      utimesSync(join(root, "b.js"), later, later);
      expect(run(entry, src, options), name).toMatchObject([{ strategy: "sync-inline", target: "loadSync" }]);
    }
  });

  it('computes again the kept facts of a module whose package.json changes its "type"', () => {
    // lib.js has no module syntax of its own: CommonJS in a `"type": "commonjs"` package, where
    // it hands out its `module` (what it exports at run time is then not what its text says:
    // SA206 at the call), an ES module in a `"type": "module"` one, where `module` is nobody's
    // and `load` is exported. Its text and modification time stay the same.
    const options = { root: join(dir, "k") };
    mkdirSync(join(dir, "k"), { recursive: true });
    const pkg = join(dir, "k/package.json");
    writeFileSync(pkg, '{ "type": "commonjs" }\n');
    writeFileSync(
      join(dir, "k/lib.js"),
      '// @smartasync\nasync function load(x) { return x }\nObject.defineProperty(exports, "load", { enumerable: true, value: load });\nglobalThis.held = typeof module === "object" ? module : undefined;\n',
    );
    const entry = join(dir, "k/main.mjs");
    const src = 'import { load } from "./lib.js";\nexport const v = () => load(1) + 1;\n';
    const cjs = [{ strategy: "direct", target: "load", reason: "SA206" }];
    const esm = [{ strategy: "sync-inline", target: "loadSync" }];
    expect(transform(entry, src, options).calls).toMatchObject(cjs);
    writeFileSync(pkg, '{ "type": "module" }\n');
    expect(transform(entry, src, options).calls).toMatchObject(esm);
    writeFileSync(pkg, '{ "type": "commonjs" }\n');
    expect(transform(entry, src, options).calls).toMatchObject(cjs);
  });

  it("reads a module once for 500 files that import it", () => {
    const options = { root: join(dir, "b") };
    mkdirSync(join(dir, "b"), { recursive: true });
    writeFileSync(
      join(dir, "b/shared.js"),
      "// @smartasync\nexport async function load(x) { return await x }\n",
    );
    for (let i = 0; i < 500; i++) {
      const r = transform(
        join(dir, `b/f${i}.js`),
        `import { load } from "./shared.js";\nexport function g() { return String(load(${i})); }\n`,
        options,
      );
      // The strategy (inline behind a guard, or a worker) is not what this test is about.
      expect(r.calls[0]).toMatchObject({ context: "value", target: "loadSync" });
    }
    expect(moduleGraphFor(8, options)!.facts.reads).toBe(1);
  });

  it("resolves like Node and TypeScript: extensions, index files, .js written for .ts", () => {
    mkdirSync(join(dir, "c/pkg"), { recursive: true });
    writeFileSync(join(dir, "c/a.ts"), "");
    writeFileSync(join(dir, "c/pkg/index.mts"), "");
    const from = join(dir, "c/main.ts");
    expect(resolveImport("./a.js", from)).toEqual({ kind: "file", path: join(dir, "c/a.ts") });
    expect(resolveImport("./a", from)).toEqual({ kind: "file", path: join(dir, "c/a.ts") });
    expect(resolveImport("./pkg", from)).toEqual({ kind: "file", path: join(dir, "c/pkg/index.mts") });
    expect(resolveImport("./missing", from)).toBeUndefined();
    expect(resolveImport("node:fs", from)).toBeUndefined();
  });

  it("reads tsconfig.json `paths` through `extends` as TypeScript does (attack26 F11)", () => {
    const root = join(dir, "ts-extends");
    const dollar = "$";
    const files: Record<string, string> = {
      "src/a.ts": "",
      "src/b.ts": "",
      "app/lib/c.ts": "",
      // A package's root tsconfig.json (`"extends": "@tsconfig/node20"`) gives `paths` relative to
      // its own folder (no `baseUrl`); a later entry of an `extends` array wins.
      "node_modules/@tsconfig/node20/package.json": JSON.stringify({ name: "@tsconfig/node20" }),
      "node_modules/@tsconfig/node20/tsconfig.json": JSON.stringify({
        compilerOptions: { paths: { "@pkg": ["../../../src/a.ts"], "@both": ["../../../src/a.ts"] } },
      }),
      "config/later.json": JSON.stringify({
        // `${configDir}`: the folder of the tsconfig.json the chain starts from (TypeScript 5.5).
        compilerOptions: {
          paths: { "@both": [`${dollar}{configDir}/../src/b.ts`], "~/*": [`${dollar}{configDir}/lib/*`] },
        },
      }),
      "app/tsconfig.json": `{ "extends": ["@tsconfig/node20", "../config/later"], /* TS allows comments */ }`,
      // `baseUrl` from a base, relative to the base; `paths` from the child, relative to that `baseUrl`.
      "config/base-url.json": JSON.stringify({ compilerOptions: { baseUrl: "../src" } }),
      "other/tsconfig.json": JSON.stringify({
        extends: "../config/base-url.json",
        compilerOptions: { paths: { "@b": ["b.ts"] } },
      }),
    };
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, name)), { recursive: true });
      writeFileSync(join(root, name), text);
    }
    const app = join(root, "app/main.ts");
    // The later base's `paths` replace the package's whole: `@pkg` is gone.
    expect(resolveImport("@pkg", app)).toBeUndefined();
    expect(resolveImport("@both", app)).toEqual({ kind: "file", path: join(root, "src/b.ts") });
    expect(resolveImport("~/c.js", app)).toEqual({ kind: "file", path: join(root, "app/lib/c.ts") });
    expect(resolveImport("@b", join(root, "other/x.ts"))).toEqual({
      kind: "file",
      path: join(root, "src/b.ts"),
    });
    writeFileSync(join(root, "app/tsconfig.json"), JSON.stringify({ extends: "@tsconfig/node20" }));
    clearResolveCache();
    expect(resolveImport("@pkg", app)).toEqual({ kind: "file", path: join(root, "src/a.ts") });
  });

  it('follows tsconfig.json "paths" under SWC\'s jsc.paths, which rewrites the import to what they name (attack33 F06)', () => {
    // The layout of fixtures/modules/tsconfig-paths-differ-from-node: SA204 there (Node loads the
    // package's dist); SWC with `jsc.paths` writes the mapped file into the output instead.
    const root = join(ROOT, "fixtures/modules/tsconfig-paths-differ-from-node");
    const filename = join(root, "input.ts");
    const src =
      'import { load } from "@m/lib";\nexport const v = () => (load(1) as unknown as number) + 1;\n';
    const compile = (jsc: Record<string, unknown>) =>
      swcTransformSync(src, {
        filename,
        swcrc: false,
        jsc: { parser: { syntax: "typescript" }, target: "es2022", ...jsc },
      }) as unknown as {
        code: string;
        smartasync: { calls: Calls; diagnostics: { code: string }[] };
      };
    const plain = compile({});
    expect(plain.smartasync.diagnostics.map((d) => d.code)).toEqual(["SA204"]);
    expect(plain.code).toContain('from "@m/lib"');
    const mapped = compile({ baseUrl: root, paths: { "@m/lib": ["./lib/src/index.ts"] } });
    expect(mapped.smartasync.diagnostics).toEqual([]);
    expect(mapped.smartasync.calls).toMatchObject([{ strategy: "sync-inline", target: "loadSync" }]);
    // SWC itself rewrote the specifier: the output loads lib's source, which has `loadSync`.
    expect(mapped.code).toMatch(/import \{ loadSync \} from "\.\/lib\/src(\/index(\.ts)?)?"/);
  });

  it("follows SWC's own jsc.paths table (with its baseUrl), not tsconfig.json's (attack35 F02)", () => {
    // tsconfig.json maps `@lib/*` to plain files, jsc.paths to annotated ones: SWC writes the
    // latter into the output, so the call must be the sync variant's, through a re-export too.
    const root = join(dir, "jsc-paths-table");
    const files: Record<string, string> = {
      "package.json": JSON.stringify({ type: "module" }),
      "tsconfig.json": JSON.stringify({
        compilerOptions: { baseUrl: ".", paths: { "@lib/*": ["./src/libA/*"] } },
      }),
      "src/libA/x.ts": 'export function load(x: number) { return "sync:" + x; }\n',
      "src/libA/y.ts": 'export function load(x: number) { return "sync-y:" + x; }\n',
      "src/libB/x.ts": '// @smartasync\nexport async function load(x: number) { return "annotated:" + x; }\n',
      "src/libB/y.ts": 'export { load } from "@lib/x.js";\n',
      "src/main.ts":
        'import { load } from "@lib/x.js";\nimport { load as viaY } from "@lib/y.js";\nconsole.log(typeof load(1), load(1), viaY(2));\n',
    };
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, name)), { recursive: true });
      writeFileSync(join(root, name), text);
    }
    // The output imports the runtime (dist/, built by the suite's setup) by its name.
    mkdirSync(join(root, "node_modules"), { recursive: true });
    symlinkSync(ROOT, join(root, "node_modules", "smartasync"), "dir");
    const compileAll = (jsc: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
      const out: Record<string, { calls: Calls; diagnostics: { code: string }[] }> = {};
      for (const name of [
        "src/main.ts",
        "src/libA/x.ts",
        "src/libA/y.ts",
        "src/libB/x.ts",
        "src/libB/y.ts",
      ]) {
        const filename = join(root, name);
        const r = swcTransformSync(readFileSync(filename, "utf8"), {
          filename,
          ...extra,
          jsc: { parser: { syntax: "typescript" }, target: "es2022", ...jsc },
          module: { type: "es6" },
        }) as unknown as { code: string; smartasync: { calls: Calls; diagnostics: { code: string }[] } };
        const to = join(root, "out", name.replace(/\.ts$/, ".js"));
        mkdirSync(dirname(to), { recursive: true });
        writeFileSync(to, r.code);
        out[name] = r.smartasync;
      }
      return out;
    };
    const run = () => execFileSync(process.execPath, [join(root, "out/src/main.js")], { encoding: "utf8" });
    const given = compileAll({ baseUrl: root, paths: { "@lib/*": ["./src/libB/*"] } }, { swcrc: false });
    expect(given["src/main.ts"]!.diagnostics).toEqual([]);
    expect(given["src/main.ts"]!.calls).toMatchObject([
      { strategy: "sync-inline", target: "loadSync" },
      { strategy: "sync-inline", target: "loadSync" },
      { strategy: "sync-inline", target: "loadSync" },
    ]);
    expect(readFileSync(join(root, "out/src/main.js"), "utf8")).toContain('from "./libB/x.js"');
    expect(run()).toBe("string annotated:1 annotated:2\n");

    // The same table from a .swcrc, whose relative baseUrl SWC reads from the .swcrc's folder.
    writeFileSync(
      join(root, "src/.swcrc"),
      JSON.stringify({ jsc: { baseUrl: "./libB", paths: { "@lib/*": ["./*"] } } }),
    );
    const rc = compileAll({}, { root, swcrc: true, configFile: join(root, "src/.swcrc") });
    expect(rc["src/main.ts"]!.diagnostics).toEqual([]);
    expect(rc["src/main.ts"]!.calls).toMatchObject([
      { target: "loadSync" },
      { target: "loadSync" },
      { target: "loadSync" },
    ]);
    expect(run()).toBe("string annotated:1 annotated:2\n");

    // The pattern with the longest prefix wins, whichever comes first (as SWC and TypeScript pick).
    const table = { "*": ["./src/libA/*"], "@lib/*": ["./src/libB/*"] };
    expect(
      resolveImport("@lib/x.js", join(root, "src/main.ts"), "import", {
        alias: [],
        conditions: [],
        tsconfigPaths: true,
        paths: { baseUrl: root, table },
      }),
    ).toEqual({ kind: "file", path: join(root, "src/libB/x.ts") });

    // A table leading to the plain files: plain calls, as the output loads.
    const plain = compileAll(
      { baseUrl: join(root, "src"), paths: { "@lib/*": ["./libA/*"] } },
      { swcrc: false },
    );
    expect(plain["src/main.ts"]!.calls).toEqual([]);
    expect(run()).toBe("string sync:1 sync-y:2\n");
  });

  it("reads a relative import as Node does, a URL; a require as a path (attack 21, F5)", () => {
    mkdirSync(join(dir, "e/d #1 50%"), { recursive: true });
    writeFileSync(join(dir, "e/d #1 50%/wörk.cjs"), "");
    writeFileSync(join(dir, "e/p%41.cjs"), "");
    writeFileSync(join(dir, "e/pA.cjs"), "");
    mkdirSync(join(dir, "e/x"), { recursive: true });
    writeFileSync(join(dir, "e/x/y.cjs"), "");
    const from = join(dir, "e/main.mjs");
    const file = (path: string) => ({ kind: "file", path: join(dir, "e", path) });
    expect(resolveImport("./d%20%231%2050%25/w%C3%B6rk.cjs", from)).toEqual(file("d #1 50%/wörk.cjs"));
    expect(resolveImport("./pA.cjs?v=1#top", from)).toEqual(file("pA.cjs"));
    // Decoded first, as Node does; the specifier as a path only when that names no file.
    expect(resolveImport("./p%41.cjs", from)).toEqual(file("pA.cjs"));
    expect(resolveImport("./p%41.cjs", from, "require")).toEqual(file("p%41.cjs"));
    expect(resolveImport("./d%20%231%2050%25/w%C3%B6rk.cjs", from, "require")).toBeUndefined();
    // An encoded separator or a malformed escape fails in Node: no file.
    expect(resolveImport("./x%2Fy.cjs", from)).toBeUndefined();
    expect(resolveImport("./x%5cy.cjs", from)).toBeUndefined();
    expect(resolveImport("./d%zz/w.cjs", from)).toBeUndefined();
  });

  it('resolves a directory through its package.json main (`require("..")` from a package\'s bin/)', () => {
    mkdirSync(join(dir, "d/bin"), { recursive: true });
    mkdirSync(join(dir, "d/lib"), { recursive: true });
    writeFileSync(join(dir, "d/package.json"), JSON.stringify({ main: "./lib/main" }));
    writeFileSync(join(dir, "d/lib/main.js"), "");
    expect(resolveImport("..", join(dir, "d/bin/cli.js"))).toEqual({
      kind: "file",
      path: join(dir, "d/lib/main.js"),
    });
  });

  it("round-trips a package manifest", () => {
    const facts = {
      exports: new Map([
        [
          "greet",
          {
            name: "greet",
            kind: "async" as const,
            variant: "greetSync",
            syncStrategy: "inline" as const,
            from: "src/index.ts",
          },
        ],
      ]),
      methods: new Map([["get", new Set(["async" as const])]]),
    };
    const manifest = buildManifest({ ".": facts });
    expect(manifest).toEqual({
      version: 1,
      exports: {
        ".": { greet: { name: "greet", kind: "async", variant: "greetSync", syncStrategy: "inline" } },
      },
      methods: { get: ["async"] },
    });
    mkdirSync(join(dir, "d"), { recursive: true });
    writeFileSync(join(dir, "d/m.json"), JSON.stringify(manifest));
    const back = factsFromManifest("lib", join(dir, "d"), ".", { smartasync: { manifest: "./m.json" } });
    expect(back.exports.get("greet")).toEqual({ ...facts.exports.get("greet"), from: "lib" });
    expect(factsFromManifest("lib", join(dir, "d"), ".", {}).exports.size).toBe(0);
  });

  it.each([
    ["null", null, "that is not a JSON object"],
    ["an array", [], "that is not a JSON object"],
    [
      "a null fact",
      { version: 1, files: { "index.js": { load: null } } },
      'entry "load" of index.js is not an object',
    ],
    [
      "a fact without its variant",
      { version: 1, files: { "index.js": { load: { kind: "async" } } } },
      'entry "load" of index.js lacks its "name", "kind" ("sync" or "async") or "variant"',
    ],
    [
      "an unknown strategy",
      {
        version: 1,
        files: {
          "index.js": { load: { name: "load", kind: "async", variant: "loadSync", syncStrategy: "x" } },
        },
      },
      'entry "load" of index.js has an unknown "syncStrategy"',
    ],
    [
      "a variant that is the function (attack36 F03)",
      { version: 1, files: { "index.js": { load: { name: "load", kind: "async", variant: "load" } } } },
      `entry "load" of index.js has "variant" "load", the function's own name`,
    ],
    [
      "a variant that is no identifier (attack36 F03)",
      { version: 1, files: { "index.js": { load: { name: "load", kind: "async", variant: "load-Sync" } } } },
      'has "variant" "load-Sync", a name smartasync build never gives a variant',
    ],
    [
      "an empty variant (attack36 F03)",
      { version: 1, files: { "index.js": { load: { name: "load", kind: "async", variant: "" } } } },
      'has "variant" "", a name smartasync build never gives a variant',
    ],
    [
      "a __proto__ variant (attack36 F03)",
      { version: 1, files: { "index.js": { load: { name: "load", kind: "async", variant: "__proto__" } } } },
      'has "variant" "__proto__", a name smartasync build never gives a variant',
    ],
    [
      "a sync function with a syncStrategy (attack36 F03)",
      {
        version: 1,
        files: {
          "index.js": { load: { name: "load", kind: "sync", variant: "loadAsync", syncStrategy: "inline" } },
        },
      },
      'is a sync function with a "syncStrategy"',
    ],
    ["a table that is a string", { version: 1, files: { "index.js": "load" } }, "index.js is not an object"],
    [
      "methods not a list",
      { version: 1, files: { "index.js": {} }, methods: { get: 1 } },
      'methods entry "get"',
    ],
    [
      "a null picked table",
      { version: 1, files: { "index.js": {} }, picked: { "index.js": null } },
      "picked of index.js",
    ],
  ])(
    "a malformed manifest (%s) is the package's problem, named, never a crash (attack35 F14)",
    (_, manifest, why) => {
      const root = join(dir, "malformed", _.replaceAll(" ", "-"));
      mkdirSync(root, { recursive: true });
      writeFileSync(join(root, "index.js"), "export async function load() {}\n");
      writeFileSync(join(root, "m.json"), JSON.stringify(manifest));
      const facts = factsFromManifest("pk", root, ".", {
        exports: "./index.js",
        smartasync: { manifest: "./m.json" },
      });
      expect(facts.exports.size).toBe(0);
      expect(facts.problem).toContain(why);
    },
  );

  it("takes the variant of a function exported under a string, the one non-identifier variant a build writes (attack36 F03)", () => {
    const root = join(dir, "string-export");
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, "index.js"), "export {};\n");
    const fact = { name: "load", kind: "async", variant: "a-bSync", syncStrategy: "inline" };
    writeFileSync(
      join(root, "m.json"),
      JSON.stringify({ version: 1, files: { "index.js": { "a-b": fact } } }),
    );
    const facts = factsFromManifest("pk", root, ".", {
      exports: "./index.js",
      smartasync: { manifest: "./m.json" },
    });
    expect(facts.problem).toBeUndefined();
    expect(facts.exports.get("a-b")?.variant).toBe("a-bSync");
  });

  it("reads an installed package's manifest once while its package.json holds (core/managed.ts)", () => {
    const pkg = join(dir, "mf/node_modules/greet");
    mkdirSync(join(pkg, "lib"), { recursive: true });
    const packageJson = { name: "greet", main: "lib/index.js", smartasync: { manifest: "./lib/m.json" } };
    writeFileSync(join(pkg, "package.json"), JSON.stringify(packageJson));
    writeFileSync(join(pkg, "lib/index.js"), "export async function greet() {}\n");
    const entry = (variant: string) => ({
      greet: { name: "greet", kind: "async", variant, syncStrategy: "inline" },
    });
    writeFileSync(
      join(pkg, "lib/m.json"),
      JSON.stringify({ version: 1, files: { "index.js": entry("greetSync") } }),
    );
    const variant = () => {
      startCompile();
      return factsFromManifest("greet", pkg, ".", packageJson).exports.get("greet")?.variant;
    };
    expect(variant()).toBe("greetSync");
    // Rewritten by hand, its package.json unchanged: the package counts as unchanged, as its
    // modules do (docs/modules.md, "Caching"), and the manifest is not read again.
    writeFileSync(
      join(pkg, "lib/m.json"),
      JSON.stringify({ version: 1, files: { "index.js": entry("greetNow") } }),
    );
    expect(variant()).toBe("greetSync");
    // An install rewrites package.json: read again.
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(pkg, "package.json"), later, later);
    expect(variant()).toBe("greetNow");
  });
});

/**
 * attack26 F03: a resolution holds only while what it was made of holds, in one process (a
 * watch session, a dev server, the API): a package.json `"imports"` remap, a tsconfig.json
 * `paths` remap, a file that now wins resolution. Each is seen by the next compile, in the same
 * synchronous run too (stamps taken once per compiled file), whether the compiled file itself
 * resolves the import or a module it imports does (a barrel's kept facts re-check their
 * resolutions). The edits keep each file's size, so a later modification time marks them.
 */
describe("a package linked from outside node_modules is the project's source (attack33 F03)", () => {
  it("in Babel 7, Babel 8 and SWC: the linked package's file with its own options; an installed copy without a manifest is SA204", () => {
    const ws = join(dir, "workspace");
    const lib = join(ws, "packages/lib");
    mkdirSync(join(lib, "src"), { recursive: true });
    mkdirSync(join(ws, "node_modules/@m"), { recursive: true });
    writeFileSync(
      join(lib, "package.json"),
      '{ "name": "@m/lib", "type": "module", "exports": { ".": "./src/index.js" }, "smartasync": { "syncSuffix": "Blocking" } }',
    );
    const annotated = "// @smartasync\nexport async function load(n) {\n  return n * 2;\n}\n";
    writeFileSync(join(lib, "src/index.js"), annotated);
    symlinkSync(lib, join(ws, "node_modules/@m/lib"), "dir");
    const app = join(ws, "packages/app");
    mkdirSync(app, { recursive: true });
    const main = 'import { load } from "@m/lib";\nexport function main() {\n  return load(21) + 1;\n}\n';
    writeFileSync(join(app, "main.js"), main);
    const seen = (c: Case) =>
      [transformCase(c, 7), transformCase(c, 8), transformCaseSwc(c)].map((o) => [
        o.error,
        o.report?.calls.map((k) => `${k.strategy} ${k.target}`),
        o.report?.diagnostics.map(
          (d) => `${d.code} ${d.message.includes("src/index.js holds @smartasync functions")}`,
        ),
      ]);
    const linked = seen({ name: "ws", dir: app, input: join(app, "main.js"), options: {}, harness: {} });
    for (const each of linked) expect(each).toEqual([undefined, ["sync-inline loadBlocking"], []]);

    // The same package installed (a folder under node_modules), no manifest: plain, said.
    const inst = join(dir, "installed");
    const copy = join(inst, "node_modules/@m/lib");
    mkdirSync(join(copy, "src"), { recursive: true });
    writeFileSync(
      join(copy, "package.json"),
      '{ "name": "@m/lib", "type": "module", "exports": { ".": "./src/index.js" } }',
    );
    writeFileSync(join(copy, "src/index.js"), annotated);
    writeFileSync(join(inst, "main.js"), main);
    const installed = seen({
      name: "inst",
      dir: inst,
      input: join(inst, "main.js"),
      options: {},
      harness: {},
    });
    for (const each of installed) expect(each).toEqual([undefined, [], ["SA204 true"]]);
    // Without an annotation in its entry, it is plain JavaScript, as before.
    writeFileSync(join(copy, "src/index.js"), "export async function load(n) {\n  return n * 2;\n}\n");
    utimesSync(join(copy, "package.json"), new Date(Date.now() + 9_000), new Date(Date.now() + 9_000));
    const plain = seen({ name: "inst", dir: inst, input: join(inst, "main.js"), options: {}, harness: {} });
    for (const each of plain) expect(each).toEqual([undefined, [], []]);
  });
});

describe("a resolution holds while what it was made of holds (attack26 F03)", () => {
  const touch = (file: string, text: string, step: number): void => {
    writeFileSync(file, text);
    const later = new Date(Date.now() + step * 5_000);
    utimesSync(file, later, later);
  };
  const annotated = "// @smartasync\nexport async function load(x) { return x; }\n";
  const plain = "export function load(x) { return x; }\nexport function loadSync(x) { return -1; }\n";
  const line = (code: string): string =>
    code
      .split("\n")
      .find((l) => l.includes("console.log"))
      ?.trim() ?? "";
  const hosts: [string, (file: string, code: string) => string][] = [
    ["babel", (file, code) => transform(file, code, { root: dirname(file) }).code],
    [
      "swc",
      (file, code) =>
        swcTransformSync(code, { filename: file, swcrc: false, jsc: { target: "es2022" }, smartasync: {} })
          .code,
    ],
  ];
  // Each row: a project, the import, the edit that moves it from the annotated file to the plain one.
  const rows: [string, Record<string, string>, string, (root: string, step: number) => void][] = [
    [
      'package.json "imports" remap',
      { "package.json": JSON.stringify({ type: "module", imports: { "#lib": "./src/a.js" } }) },
      "#lib",
      (root, step) =>
        touch(
          join(root, "package.json"),
          JSON.stringify({ type: "module", imports: { "#lib": "./src/b.js" } }),
          step,
        ),
    ],
    [
      'package.json "imports" condition remap',
      { "package.json": JSON.stringify({ type: "module", imports: { "#lib": { import: "./src/a.js" } } }) },
      "#lib",
      (root, step) =>
        touch(
          join(root, "package.json"),
          JSON.stringify({ type: "module", imports: { "#lib": { import: "./src/b.js" } } }),
          step,
        ),
    ],
    [
      "tsconfig.json paths remap",
      {
        "package.json": JSON.stringify({ type: "module" }),
        "tsconfig.json": JSON.stringify({ compilerOptions: { paths: { "@lib": ["./src/a.js"] } } }),
      },
      "@lib",
      (root, step) =>
        touch(
          join(root, "tsconfig.json"),
          JSON.stringify({ compilerOptions: { paths: { "@lib": ["./src/b.js"] } } }),
          step,
        ),
    ],
    [
      "a tsconfig.json added nearer",
      {
        "package.json": JSON.stringify({ type: "module" }),
        "tsconfig.json": JSON.stringify({ compilerOptions: { paths: { "@lib": ["./src/a.js"] } } }),
      },
      "@lib",
      (root, step) =>
        touch(
          join(root, "src/tsconfig.json"),
          JSON.stringify({ compilerOptions: { paths: { "@lib": ["./b.js"] } } }),
          step,
        ),
    ],
    [
      "tsconfig.json paths remap in the base it extends",
      {
        "package.json": JSON.stringify({ type: "module" }),
        "tsconfig.json": JSON.stringify({ extends: "./config/base.json" }),
        "config/base.json": JSON.stringify({ compilerOptions: { paths: { "@lib": ["../src/a.js"] } } }),
      },
      "@lib",
      (root, step) =>
        touch(
          join(root, "config/base.json"),
          JSON.stringify({ compilerOptions: { paths: { "@lib": ["../src/b.js"] } } }),
          step,
        ),
    ],
    [
      "a .js added beside the .ts a ./c.js import led to",
      { "package.json": JSON.stringify({ type: "module" }), "src/c.ts": annotated },
      "./c.js",
      (root, step) => touch(join(root, "src/c.js"), plain, step),
    ],
    [
      "an extensionless import: a .ts added where the .js came later in the order",
      { "package.json": JSON.stringify({ type: "module" }), "src/c.js": annotated },
      "./c",
      (root, step) => touch(join(root, "src/c.ts"), plain, step),
    ],
  ];
  let n = 0;
  describe.each(hosts)("%s", (host, compile) => {
    describe.each([
      ["imported by the compiled file", false],
      ["behind a barrel (kept facts)", true],
    ])("%s", (_, barrel) => {
      it.each(rows)("%s", (_name, files, specifier, edit) => {
        const root = join(dir, "f03", `${host}-${n++}`);
        mkdirSync(join(root, "src"), { recursive: true });
        writeFileSync(join(root, "src/a.js"), annotated);
        writeFileSync(join(root, "src/b.js"), plain);
        for (const [name, text] of Object.entries(files)) {
          mkdirSync(dirname(join(root, name)), { recursive: true });
          writeFileSync(join(root, name), text);
        }
        const from = barrel ? "./barrel.js" : specifier;
        if (barrel) writeFileSync(join(root, "src/barrel.js"), `export * from "${specifier}";\n`);
        const main = join(root, "src/main.js");
        const code = `import * as lib from "${from}";\nfunction main() { console.log("sync:", lib.load(1)); }\nmain();\n`;
        writeFileSync(main, code);
        expect(line(compile(main, code))).toBe('console.log("sync:", lib.loadSync(1));');
        edit(root, 1);
        expect(line(compile(main, code))).toBe('console.log("sync:", lib.load(1));');
      });
    });
  });
});

describe("a package manifest carries the plain exports that block on a worker", () => {
  it("both manifest forms, read back with the package as `from`; malformed entries skipped", () => {
    const facts = {
      exports: new Map(),
      methods: new Map(),
      blocking: new Map([
        ["remoteText", { name: "remoteText", from: "src/helpers.js" }],
        ["Thing", { name: "Thing", class: true as const, from: "src/helpers.js" }],
      ]),
    };
    const byPath = buildManifest({ ".": facts });
    expect(byPath.blocking).toEqual({
      ".": { remoteText: { name: "remoteText" }, Thing: { name: "Thing", class: true } },
    });
    const byFile = buildFileManifest({ "index.js": facts });
    expect(byFile.blocking).toEqual({ "index.js": byPath.blocking!["."] });
    mkdirSync(join(dir, "blk/dist"), { recursive: true });
    writeFileSync(
      join(dir, "blk/a.json"),
      JSON.stringify({ ...byPath, blocking: { ".": { ...byPath.blocking!["."], bad: { name: 3 } } } }),
    );
    writeFileSync(join(dir, "blk/dist/b.json"), JSON.stringify(byFile));
    for (const [field, pkg] of [
      ["./a.json", {}],
      ["./dist/b.json", { main: "./dist/index.js" }],
    ] as const) {
      const back = factsFromManifest("lib", join(dir, "blk"), ".", {
        ...pkg,
        smartasync: { manifest: field },
      });
      expect([...(back.blocking ?? new Map())]).toEqual([
        ["remoteText", { name: "remoteText", from: "lib" }],
        ["Thing", { name: "Thing", class: true, from: "lib" }],
      ]);
    }
  });
});

describe("a package manifest carries the exported objects and classes holding annotated methods (SA213)", () => {
  it("both manifest forms, read back with the package as `from`; malformed entries skipped", () => {
    const facts = {
      exports: new Map(),
      methods: new Map(),
      listed: new Map([
        [
          "Store",
          {
            name: "Store",
            class: true as const,
            own: ["openSync"],
            prototype: ["getSync"],
            from: "src/store.js",
          },
        ],
        ["api", { name: "api", own: ["loadSync"], prototype: [], from: "src/store.js" }],
      ]),
    };
    const byPath = buildManifest({ ".": facts });
    expect(byPath.listed).toEqual({
      ".": {
        Store: { name: "Store", class: true, own: ["openSync"], prototype: ["getSync"] },
        api: { name: "api", own: ["loadSync"], prototype: [] },
      },
    });
    const byFile = buildFileManifest({ "index.js": facts });
    expect(byFile.listed).toEqual({ "index.js": byPath.listed!["."] });
    mkdirSync(join(dir, "lst/dist"), { recursive: true });
    writeFileSync(
      join(dir, "lst/a.json"),
      JSON.stringify({ ...byPath, listed: { ".": { ...byPath.listed!["."], bad: { own: ["x"] } } } }),
    );
    writeFileSync(join(dir, "lst/dist/b.json"), JSON.stringify(byFile));
    for (const [field, pkg] of [
      ["./a.json", {}],
      ["./dist/b.json", { main: "./dist/index.js" }],
    ] as const) {
      const back = factsFromManifest("lib", join(dir, "lst"), ".", {
        ...pkg,
        smartasync: { manifest: field },
      });
      expect([...(back.listed ?? new Map())]).toEqual([
        ["Store", { name: "Store", class: true, own: ["openSync"], prototype: ["getSync"], from: "lib" }],
        ["api", { name: "api", own: ["loadSync"], prototype: [], from: "lib" }],
      ]);
    }
  });
});

describe("routes (docs/modules.md)", () => {
  it("TypeScript's `export = f` is reported at importers' calls (SA206), in both compilers", () => {
    // Not a fixture: Babel compiles `export =` only to CommonJS, and the fixture tree is also
    // inspected by the CLI with its default (ESM) config.
    const root = join(dir, "equals");
    mkdirSync(root, { recursive: true });
    writeFileSync(
      join(root, "only.ts"),
      "// @smartasync\nasync function only(x: number): Promise<number> {\n  return x + (await 1);\n}\nexport = only;\n",
    );
    const c: Case = { name: "equals", dir: root, input: join(root, "input.ts"), options: {}, harness: {} };
    for (const [importer, at] of [
      ['import only = require("./only.js");\nexport function main() {\n  return only(1) + 1;\n}\n', "3:10"],
      ['import only from "./only.js";\nexport function main() {\n  return only(1) + 1;\n}\n', "3:10"],
    ] as const) {
      writeFileSync(c.input, importer);
      const codes = (r: { report?: { diagnostics: { code: string; loc: string; message: string }[] } }) =>
        r.report?.diagnostics.map((d) => `${d.code} ${d.loc} ${d.message.includes("export = only")}`);
      const commonjs = { ...c, harness: { commonjs: true } };
      const babel = transformCase(commonjs, 8);
      expect(babel.error).toBeUndefined();
      expect(codes(babel)).toEqual([`SA206 input.ts:${at} true`]);
      expect(codes(transformCaseSwc(commonjs))).toEqual(codes(babel));
    }
  });

  it("a package manifest carries `export * as ns` (both manifest forms)", () => {
    const fact = {
      name: "load",
      kind: "async" as const,
      variant: "loadSync",
      syncStrategy: "inline" as const,
    };
    const inner = { exports: new Map([["load", { ...fact, from: "src/lib.ts" }]]), methods: new Map() };
    const facts = { exports: new Map(), methods: new Map(), namespaces: new Map([["lib", inner]]) };
    const byPath = buildManifest({ ".": facts });
    expect(byPath.namespaces).toEqual({ ".": { lib: { load: fact } } });
    const byFile = buildFileManifest({ "index.js": facts });
    expect(byFile.namespaces).toEqual({ "index.js": { lib: { load: fact } } });
    mkdirSync(join(dir, "ns/dist"), { recursive: true });
    writeFileSync(join(dir, "ns/a.json"), JSON.stringify(byPath));
    writeFileSync(join(dir, "ns/dist/b.json"), JSON.stringify(byFile));
    for (const [field, pkg] of [
      ["./a.json", {}],
      ["./dist/b.json", { main: "./dist/index.js" }],
    ] as const) {
      const back = factsFromManifest("lib", join(dir, "ns"), ".", {
        ...pkg,
        smartasync: { manifest: field },
      });
      expect(back.problem).toBeUndefined();
      expect(back.namespaces?.get("lib")?.exports.get("load")).toEqual({ ...fact, from: "lib" });
    }
  });

  it("a package manifest carries namespaces inside namespaces by path, and skips malformed entries", () => {
    const fact = {
      name: "deep",
      kind: "async" as const,
      variant: "deepSync",
      syncStrategy: "inline" as const,
    };
    const b = { exports: new Map([["deep", { ...fact, from: "src/ns.ts" }]]), methods: new Map() };
    const a = { exports: new Map(), methods: new Map(), namespaces: new Map([["B", b]]) };
    const facts = { exports: new Map(), methods: new Map(), namespaces: new Map([["A", a]]) };
    const byPath = buildManifest({ ".": facts });
    expect(byPath.namespaces).toEqual({ ".": { A: {} } });
    expect(byPath.nested).toEqual({ ".": [{ path: ["A", "B"], exports: { deep: fact } }] });
    expect(buildFileManifest({ "index.js": facts }).nested).toEqual({
      "index.js": [{ path: ["A", "B"], exports: { deep: fact } }],
    });
    mkdirSync(join(dir, "nested"), { recursive: true });
    // A dependency's file: entries that are not a path of names and a table are left out.
    const malformed = [{ path: "A.B" }, { path: [1, 2], exports: {} }, { path: ["A", "C"], exports: "x" }];
    writeFileSync(
      join(dir, "nested/m.json"),
      JSON.stringify({ ...byPath, nested: { ".": [...byPath.nested!["."]!, ...malformed] } }),
    );
    const back = factsFromManifest("lib", join(dir, "nested"), ".", { smartasync: { manifest: "./m.json" } });
    expect(back.problem).toBeUndefined();
    const inner = back.namespaces?.get("A")?.namespaces;
    expect(inner?.get("B")?.exports.get("deep")).toEqual({ ...fact, from: "lib" });
    expect([...(inner?.keys() ?? [])]).toEqual(["B"]);
  });

  // Companion modules that export what they import: the fixtures compile them, but run only the
  // first pass. A second pass over their output must add nothing (no `loadSync` twice).
  const companions: [string, string][] = [
    ["modules/export-imported", "barrel.js"],
    ["modules/export-imported", "as-default.js"],
    ["modules/string-export-names", "barrel.js"],
    ["cjs/require-routes", "relay.cjs"],
    ["cjs/require-routes", "lib.cjs"],
    ["cjs/module-exports-function", "only.cjs"],
  ];
  const cases = new Map(listCases().map((c) => [c.name, c] as [string, Case]));
  for (const [name, file] of companions) {
    it(`a second pass over ${name}/${file} is a no-op (Babel and SWC)`, () => {
      const c = cases.get(name)!;
      const path = join(c.dir, file);
      const babelOnce = transformCase(c, 8, undefined, path);
      expect(babelOnce.error).toBeUndefined();
      expect(babelOnce.code).toMatch(/Sync/);
      expect(transformCase(c, 8, babelOnce.code, path).code).toBe(babelOnce.code);
      const swcOnce = transformCaseSwc(c, undefined, path);
      expect(swcOnce.error).toBeUndefined();
      expect(transformCaseSwc(c, swcOnce.code, path).code).toBe(swcOnce.code);
    });
  }
});

describe("a module required by a computed path (docs/modules.md, CommonJS routes)", () => {
  const diagnostics = (file: string, code: string) =>
    (
      babel.transformSync(code, {
        filename: file,
        cwd: dir,
        babelrc: false,
        configFile: false,
        plugins: [[smartasync, { root: join(dir, "opaque") }]],
      })!.metadata as unknown as { smartasync: { diagnostics: { code: string; loc: string }[] } }
    ).smartasync.diagnostics;
  const src =
    'const lib = require(require("node:path").join(__dirname, "lib.cjs"));\nfunction main() {\n  return lib.load(1) + 1;\n}\nmodule.exports = { main };\n';

  it("is SA206 at a call whose value sync code uses, in a file with no annotation", () => {
    mkdirSync(join(dir, "opaque"), { recursive: true });
    const found = diagnostics(join(dir, "opaque/main.cjs"), src);
    expect(found.map((d) => `${d.code} ${d.loc}`)).toEqual(["SA206 main.cjs:3:10"]);
  });

  it("is quiet where the value is not used, and in third-party code that never asked for smartasync", () => {
    const discarded = src.replace("return lib.load(1) + 1;", "lib.load(1);");
    expect(diagnostics(join(dir, "opaque/discarded.cjs"), discarded)).toEqual([]);
    mkdirSync(join(dir, "opaque/node_modules/dep"), { recursive: true });
    expect(diagnostics(join(dir, "opaque/node_modules/dep/index.js"), src)).toEqual([]);
  });

  it("is SA206 through a `require` made by createRequire under a name written again (attack 21, F6)", () => {
    mkdirSync(join(dir, "opaque"), { recursive: true });
    const code = (decl: string) =>
      `import { createRequire } from "node:module";\n${decl}\nconst lib = req(process.env.LIB);\nexport function main() {\n  return lib.load(1) + 1;\n}\n`;
    const messages = (decl: string) =>
      (
        babel.transformSync(code(decl), {
          filename: join(dir, "opaque/made.mjs"),
          cwd: dir,
          babelrc: false,
          configFile: false,
          plugins: [[smartasync, { root: join(dir, "opaque") }]],
        })!.metadata as unknown as { smartasync: { diagnostics: { code: string; message: string }[] } }
      ).smartasync.diagnostics.map((d) => `${d.code} ${d.message}`);
    const reassigned = messages(
      "let req = createRequire(import.meta.url);\nreq = createRequire(import.meta.url);",
    );
    expect(reassigned).toHaveLength(1);
    expect(reassigned[0]).toContain("SA206");
    expect(reassigned[0]).toContain(
      "made by `createRequire` under a name that is not a `const` written once",
    );
    // A `const` one given a computed path: the module cannot be named.
    const computed = messages("const req = createRequire(import.meta.url);");
    expect(computed).toHaveLength(1);
    expect(computed[0]).toContain("a module the build cannot name");
  });
});

/**
 * Issue 16: a resolution of a project file's import is remembered across compiles while the
 * stamps of the folders it probed, the JSON files it read and the links it met hold (core/resolve.ts
 * `remember`). A stamp younger than RACY_MS stands for nothing, so the projects here are made,
 * then left for longer than that before the first compile: the second compile answers from
 * what was remembered, and each edit is seen by the next compile all the same.
 */
describe("a resolution remembered across compiles still sees each edit (issue 16)", () => {
  const annotated = "// @smartasync\nexport async function load(x) { return x; }\n";
  const plain = "export function load(x) { return x; }\nexport function loadSync(x) { return -1; }\n";
  const rows: [string, Record<string, string>, string, (root: string) => void][] = [
    [
      "a .js added beside the .ts a ./c.js import led to",
      { "src/c.ts": annotated },
      "./c.js",
      (root) => writeFileSync(join(root, "src/c.js"), plain),
    ],
    [
      "the file an import led to deleted, a later extension left",
      { "src/c.ts": annotated, "src/c.js": plain },
      "./c",
      (root) => rmSync(join(root, "src/c.ts")),
    ],
    [
      "a file added in front of the folder's index an import led to",
      { "src/c/index.js": annotated },
      "./c",
      (root) => writeFileSync(join(root, "src/c.ts"), plain),
    ],
    [
      'package.json "imports" remap, its size kept',
      { "package.json": JSON.stringify({ type: "module", imports: { "#lib": "./src/a.js" } }) },
      "#lib",
      (root) =>
        writeFileSync(
          join(root, "package.json"),
          JSON.stringify({ type: "module", imports: { "#lib": "./src/b.js" } }),
        ),
    ],
    [
      "a dangling link that now leads to a file",
      { "src/c.ts": annotated },
      "./c.js",
      (root) => writeFileSync(join(root, "elsewhere/c.js"), plain),
    ],
  ];
  const made: { root: string; specifier: string; edit: (root: string) => void; code: string }[] = [];
  for (const [i, [, files, specifier, edit]] of rows.entries()) {
    const root = join(dir, "remembered", String(i));
    mkdirSync(join(root, "src"), { recursive: true });
    mkdirSync(join(root, "elsewhere"), { recursive: true });
    if (!files["package.json"]) writeFileSync(join(root, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(join(root, "src/a.js"), annotated);
    writeFileSync(join(root, "src/b.js"), plain);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, name)), { recursive: true });
      writeFileSync(join(root, name), text);
    }
    if (i === 4) symlinkSync(join(root, "elsewhere/c.js"), join(root, "src/c.js"));
    const code = `import * as lib from "${specifier}";\nfunction main() { console.log("sync:", lib.load(1)); }\nmain();\n`;
    writeFileSync(join(root, "src/main.js"), code);
    made.push({ root, specifier, edit, code });
  }
  // Older than RACY_MS (core/compile-run.ts) before the first compile.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1_300);
  const line = (code: string): string =>
    code
      .split("\n")
      .find((l) => l.includes("console.log"))
      ?.trim() ?? "";
  it.each(rows.map((r, i) => [r[0], i] as const))("%s", (_name, i) => {
    const { root, edit, code } = made[i]!;
    const main = join(root, "src/main.js");
    const compile = (): string => line(transform(main, code, { root }).code);
    expect(compile()).toBe('console.log("sync:", lib.loadSync(1));');
    const before = rememberedResolutions();
    expect(compile()).toBe('console.log("sync:", lib.loadSync(1));');
    // The second compile was answered by what the first remembered.
    expect(rememberedResolutions()).toBeGreaterThan(before);
    edit(root);
    expect(compile()).toBe('console.log("sync:", lib.load(1));');
  });
});
