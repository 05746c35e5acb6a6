// `node --import smartasync/register`, run as a user would: real node subprocesses on the
// example project and on small projects written here, each with its own cache folder.
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import * as nodeModule from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
const example = join(root, "examples/node-register");
/** The path this machine's Node takes (docs/register.md): 22.15+ has module.registerHooks. */
const expectedPath =
  typeof (nodeModule as { registerHooks?: unknown }).registerHooks === "function"
    ? "registerHooks"
    : "register";

let scratch: string;
beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "smartasync-register-"));
  const { link } = (await import(join(example, "run.mjs"))) as { link: () => void };
  link(); // examples/node-register/node_modules/smartasync -> the repository
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function env(cache: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env };
  delete e.SMARTASYNC_WORKER_IMPORT;
  delete e.SMARTASYNC_CACHE;
  delete e.NODE_OPTIONS;
  return { ...e, SMARTASYNC_CACHE_DIR: cache, ...extra };
}

function node(cwd: string, args: string[], cache: string, extra?: Record<string, string>): Run {
  const r = spawnSync(process.execPath, args, {
    cwd,
    encoding: "utf8",
    timeout: 60_000,
    env: env(cache, extra),
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function nodeAsync(cwd: string, args: string[], cache: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: env(cache) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** Every cache entry: path → [modification time, text]. */
function entries(cache: string): Map<string, [number, string]> {
  const out = new Map<string, [number, string]>();
  if (!existsSync(cache)) return out;
  for (const sub of readdirSync(cache)) {
    // The compiled files' entries; imported modules' facts have their folder (compile/facts-store.ts).
    if (sub === "facts") continue;
    for (const f of readdirSync(join(cache, sub))) {
      const p = join(cache, sub, f);
      out.set(p, [statSync(p).mtimeMs, readFileSync(p, "utf8")]);
    }
  }
  return out;
}

const MAIN = ["--import", "smartasync/register", "src/main.ts"];

/** The example's output, checked line by line. */
function expectExampleOutput(r: Run): void {
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  const lines = r.stdout.trimEnd().split("\n");
  expect(lines[0]).toBe("stats: 2 lines, 16 words (inline, thread 0)");
  expect(lines[1]).toMatch(/^title: NOTES \(worker thread [1-9]\d*\)$/);
  expect(lines[2]).toBe("first line: smartasync runs this project from its TypeScript sources,");
  // Source maps: the TypeScript file's own line and column.
  expect(lines[3]).toBe("error: only 16 words, thrown at src/text.ts:32:32");
  expect(lines[4]).toMatch(/^digest: [0-9a-f]{12} \(pool thread [1-9]\d*\)$/);
  expect(lines).toHaveLength(5);
}

/** A copy of the example (sources and package.json) with smartasync linked, to edit freely. */
function copyOfExample(name: string): string {
  const dir = join(scratch, name);
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  for (const f of ["src", "package.json", "notes.txt"])
    cpSync(join(example, f), join(dir, f), { recursive: true });
  symlinkSync(root, join(dir, "node_modules/smartasync"), "dir");
  return dir;
}

describe("node --import smartasync/register", () => {
  it(`takes the ${expectedPath} path on Node ${process.versions.node}`, () => {
    const r = node(
      example,
      [
        "--import",
        "smartasync/register",
        "--input-type=module",
        "-e",
        'import { installed } from "smartasync/register"; console.log(installed());',
      ],
      join(scratch, "cache-path"),
    );
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe(expectedPath);
  });

  it("runs the example from its TypeScript sources: inline, worker and pool variants, CommonJS, source maps", () => {
    const cache = join(scratch, "cache-example");
    const cold = node(example, MAIN, cache);
    expectExampleOutput(cold);
    const written = entries(cache);
    // main.ts, text.ts, legacy.cts: once each, although the worker threads load them too.
    expect(written.size).toBe(3);
    for (const [, [, text]] of written)
      expect(JSON.parse(text)).toMatchObject({ v: 2, format: expect.any(String) });

    // Warm: the same entries, none written again.
    const warm = node(example, MAIN, cache);
    expectExampleOutput(warm);
    expect(entries(cache)).toEqual(written);
  });

  it("follows a package.json branch under the conditions Node runs with (-C, --conditions=, NODE_OPTIONS)", () => {
    // attack26 F05: with the condition known, the build follows the branch Node loads, so the
    // call in sync code gets store-dev.js's sync variant, with no SA204 at the import.
    const dir = join(scratch, "conditions");
    mkdirSync(join(dir, "node_modules"), { recursive: true });
    symlinkSync(root, join(dir, "node_modules/smartasync"), "dir");
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({
        type: "module",
        imports: { "#store": { development: "./store-dev.js", default: "./store.js" } },
      }),
    );
    writeFileSync(
      join(dir, "store-dev.js"),
      '// @smartasync\nexport async function load(x) {\n  await null;\n  return "dev:" + x;\n}\n',
    );
    writeFileSync(join(dir, "store.js"), 'export function load(x) {\n  return "plain:" + x;\n}\n');
    writeFileSync(join(dir, "main.js"), 'import { load } from "#store";\nconsole.log(load(1));\n');
    const runs: [string, string[], Record<string, string>?][] = [
      ["-C", ["-C", "development", "--import", "smartasync/register", "main.js"]],
      ["--conditions=", ["--conditions=development", "--import", "smartasync/register", "main.js"]],
      [
        "NODE_OPTIONS",
        ["--import", "smartasync/register", "main.js"],
        { NODE_OPTIONS: "--conditions=development" },
      ],
      // attack34 F06: Node drops the double quotes anywhere in a NODE_OPTIONS word.
      [
        "NODE_OPTIONS quoted",
        ["--import", "smartasync/register", "main.js"],
        { NODE_OPTIONS: '--conditions="development"' },
      ],
      [
        "NODE_OPTIONS inner quotes",
        ["--import", "smartasync/register", "main.js"],
        { NODE_OPTIONS: '--conditions=dev"elopment"' },
      ],
    ];
    for (const [name, args, extra] of runs) {
      const r = node(dir, args, join(scratch, `cache-conditions-${name}`), extra);
      expect(r.stdout, name).toBe("dev:1\n");
      expect(r.stderr, name).not.toContain("SA204");
      expect(r.status, name).toBe(0);
    }
    // Without the condition Node loads store.js: a plain function.
    expect(
      node(dir, ["--import", "smartasync/register", "main.js"], join(scratch, "cache-conditions-none"))
        .stdout,
    ).toBe("plain:1\n");
  });

  it("compiles a linked workspace package Node names by its link (--preserve-symlinks, NODE_PRESERVE_SYMLINKS=1; attack34 F09)", () => {
    // The importer's analysis reads node_modules/wlib at its real place, packages/wlib, and
    // calls loadSync; with symlinks preserved Node hands the hook node_modules/wlib/index.js,
    // which must be compiled all the same (it was left to Node: no export named 'loadSync').
    const dir = join(scratch, "preserve-symlinks");
    mkdirSync(join(dir, "node_modules"), { recursive: true });
    mkdirSync(join(dir, "packages/wlib"), { recursive: true });
    symlinkSync(root, join(dir, "node_modules/smartasync"), "dir");
    symlinkSync("../packages/wlib", join(dir, "node_modules/wlib"), "dir");
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }');
    writeFileSync(
      join(dir, "packages/wlib/package.json"),
      '{ "name": "wlib", "type": "module", "exports": "./index.js" }',
    );
    writeFileSync(
      join(dir, "packages/wlib/index.js"),
      "// @smartasync\nexport async function load(x) {\n  return x * 2;\n}\n",
    );
    writeFileSync(join(dir, "main.js"), 'import { load } from "wlib";\nconsole.log(load(21) + 1);\n');
    const runs: [string, string[], Record<string, string>?][] = [
      ["--preserve-symlinks", ["--preserve-symlinks", "--import", "smartasync/register", "main.js"]],
      [
        "NODE_PRESERVE_SYMLINKS",
        ["--import", "smartasync/register", "main.js"],
        { NODE_PRESERVE_SYMLINKS: "1" },
      ],
      ["links followed", ["--import", "smartasync/register", "main.js"]],
    ];
    for (const [name, args, extra] of runs) {
      const r = node(dir, args, join(scratch, `cache-preserve-${name}`), extra);
      expect(r.stderr, name).toBe("");
      expect(r.stdout, name).toBe("43\n");
    }
  });

  it("resolves a linked package's bare imports from its link under --preserve-symlinks, as Node does (attack35 F04)", () => {
    // wlib (real folder linked/wlib) imports "dep": Node under --preserve-symlinks loads the
    // app's dep (async load, a manifest), without the flag linked/node_modules/dep (plain sync
    // load). The hook compiles wlib at its real path and decided "dep" from there both times.
    const dir = join(scratch, "preserve-symlinks-deps");
    const files: Record<string, string> = {
      "app/package.json": '{ "name": "app", "type": "module" }',
      "app/main.js": 'import { run } from "wlib";\nrun();\n',
      "app/node_modules/dep/package.json":
        '{ "name": "dep", "type": "module", "exports": "./index.js", "smartasync": { "manifest": "./smartasync.manifest.json" } }',
      "app/node_modules/dep/index.js":
        'export async function load(x) { return "async-dep:" + x; }\nexport function loadSync(x) { return "async-dep:" + x; }\n',
      "app/node_modules/dep/smartasync.manifest.json":
        '{"version":1,"files":{"index.js":{"load":{"name":"load","kind":"async","variant":"loadSync","syncStrategy":"inline","params":[{"use":"value"}]}}}}',
      "linked/node_modules/dep/package.json": '{ "name": "dep", "type": "module", "exports": "./index.js" }',
      "linked/node_modules/dep/index.js": 'export function load(x) { return "sync-dep:" + x; }\n',
      "linked/wlib/package.json": '{ "name": "wlib", "type": "module", "exports": "./index.js" }',
      "linked/wlib/index.js":
        'import { load } from "dep";\nexport function run() { const v = load(1); console.log(typeof v, v); }\n',
    };
    for (const [f, text] of Object.entries(files)) {
      mkdirSync(join(dir, f, ".."), { recursive: true });
      writeFileSync(join(dir, f), text);
    }
    symlinkSync(root, join(dir, "app/node_modules/smartasync"), "dir");
    symlinkSync("../../linked/wlib", join(dir, "app/node_modules/wlib"), "dir");
    const cache = join(scratch, "cache-preserve-deps"); // one cache for both: each keeps its own entry
    for (const run of ["cold", "warm"]) {
      const kept = node(
        join(dir, "app"),
        ["--preserve-symlinks", "--import", "smartasync/register", "main.js"],
        cache,
      );
      expect(kept.stderr, run).toBe("");
      expect(kept.stdout, run).toBe("string async-dep:1\n");
      const followed = node(join(dir, "app"), ["--import", "smartasync/register", "main.js"], cache);
      expect(followed.stderr, run).toBe("");
      expect(followed.stdout, run).toBe("string sync-dep:1\n");
    }
  });

  it("resolves a linked package's relative imports from its link under --preserve-symlinks, as Node does (attack36 F04)", () => {
    // wlib (real folder packages/wlib) imports "../shared/x.js": Node under --preserve-symlinks
    // loads it beside the link, app/node_modules/shared (→ packages/shared2: an async find, the
    // hook compiles it), without the flag packages/shared (a plain find). The hook read it
    // beside the real folder both times: `find` stayed plain and its value was a Promise.
    const dir = join(scratch, "preserve-symlinks-relative");
    const files: Record<string, string> = {
      "app/package.json": '{ "name": "app", "type": "module" }',
      "app/main.js": 'import { use } from "wlib";\nconsole.log(use());\n',
      "packages/shared/package.json": '{ "name": "shared", "type": "module" }',
      "packages/shared/x.js": 'export function find(x) { return "plain-real:" + x; }\n',
      "packages/shared2/package.json": '{ "name": "shared", "type": "module" }',
      "packages/shared2/x.js":
        '// @smartasync\nexport async function find(x) { await null; return "sa-link:" + x; }\n',
      "packages/wlib/package.json": '{ "name": "wlib", "type": "module", "main": "index.js" }',
      "packages/wlib/index.js":
        'import { find } from "../shared/x.js";\nexport function use() { const v = find("a"); return typeof v + " " + v; }\n',
    };
    for (const [f, text] of Object.entries(files)) {
      mkdirSync(join(dir, f, ".."), { recursive: true });
      writeFileSync(join(dir, f), text);
    }
    mkdirSync(join(dir, "app/node_modules"));
    symlinkSync(root, join(dir, "app/node_modules/smartasync"), "dir");
    symlinkSync("../../packages/wlib", join(dir, "app/node_modules/wlib"), "dir");
    symlinkSync("../../packages/shared2", join(dir, "app/node_modules/shared"), "dir");
    const cache = join(scratch, "cache-preserve-relative"); // one cache for both: each keeps its own entry
    for (const run of ["cold", "warm"]) {
      const kept = node(
        join(dir, "app"),
        ["--preserve-symlinks", "--import", "smartasync/register", "main.js"],
        cache,
      );
      expect(kept.stderr, run).toBe("");
      expect(kept.stdout, run).toBe("string sa-link:a\n");
      const followed = node(join(dir, "app"), ["--import", "smartasync/register", "main.js"], cache);
      expect(followed.stderr, run).toBe("");
      expect(followed.stdout, run).toBe("string plain-real:a\n");
    }
  });

  it.skipIf(Number(process.versions.node.split(".")[0]) > 22)(
    'reads a script of a package without "type" as Node\'s --experimental-default-type says (attack34 F10)',
    () => {
      // Under `=module` Node runs the plain script as an ES module: the runtime is imported, not
      // required (`require is not defined in ES module scope`); `require` stays undefined.
      const dir = join(scratch, "default-type");
      mkdirSync(join(dir, "node_modules"), { recursive: true });
      symlinkSync(root, join(dir, "node_modules/smartasync"), "dir");
      writeFileSync(join(dir, "package.json"), "{}");
      writeFileSync(
        join(dir, "main.js"),
        "// @smartasync\nasync function load(x) { return x * 2; }\nfunction run() { return load(21) + 1; }\nconsole.log(run(), typeof require);\n",
      );
      const runs: [string, string[], Record<string, string>?, string?][] = [
        ["flag", ["--experimental-default-type=module", "--import", "smartasync/register", "main.js"]],
        [
          "NODE_OPTIONS",
          ["--import", "smartasync/register", "main.js"],
          { NODE_OPTIONS: "--experimental-default-type=module" },
        ],
        ["none", ["--import", "smartasync/register", "main.js"], undefined, "43 function\n"],
      ];
      for (const [name, args, extra, out] of runs) {
        const r = node(dir, args, join(scratch, `cache-default-type-${name}`), extra);
        expect(r.stdout, name).toBe(out ?? "43 undefined\n");
        expect(r.stderr, name).not.toContain("Error");
        expect(r.status, name).toBe(0);
      }
    },
  );

  it.skipIf(!(process.features as { require_module?: boolean }).require_module)(
    "compiles an ES module that require() loads: .mjs, a .js of a type-module folder, a detected one (attack35 F10)",
    () => {
      // Node 20 loads require(esm) with its CommonJS loader's handler, not the hooks: the module
      // ran as written (its own call gave a Promise) and a `.cjs` importer's `loadSync` was undefined.
      const dir = join(scratch, "require-esm");
      mkdirSync(join(dir, "node_modules"), { recursive: true });
      mkdirSync(join(dir, "m"));
      symlinkSync(root, join(dir, "node_modules/smartasync"), "dir");
      writeFileSync(join(dir, "package.json"), '{ "name": "require-esm" }');
      writeFileSync(join(dir, "m/package.json"), '{ "type": "module" }');
      const lib =
        '// @smartasync\nasync function load(x) { return "v" + x; }\nexport function run() { const v = load(1); console.log(typeof v, v); }\n';
      for (const f of ["lib.mjs", "m/lib.js", "detect.js"]) writeFileSync(join(dir, f), lib);
      writeFileSync(
        join(dir, "a.mjs"),
        '// @smartasync\nexport async function load(x) { return "v" + x; }\n',
      );
      writeFileSync(
        join(dir, "calls.cjs"),
        'const { load } = require("./a.mjs");\nfunction main() { const v = load(1); console.log(typeof v, v); }\nmain();\n',
      );
      for (const f of ["lib.mjs", "m/lib.js", "detect.js"])
        writeFileSync(join(dir, `main-${f.replace("/", "-")}.cjs`), `require("./${f}").run();\n`);
      for (const f of ["main-lib.mjs.cjs", "main-m-lib.js.cjs", "main-detect.js.cjs", "calls.cjs"]) {
        const r = node(dir, ["--import", "smartasync/register", f], join(scratch, "cache-require-esm"), {
          SMARTASYNC_CACHE: "0",
        });
        expect(r.stderr, f).not.toContain("Error");
        expect(r.stdout, f).toBe("string v1\n");
        expect(r.status, f).toBe(0);
      }
    },
  );

  it("reads a project file that links into node_modules as the plain code Node loads at its real path: SA204 (attack35 F06)", () => {
    // Node loads src/vendor.js at node_modules/lib/index.js, which the hook leaves as it is: the
    // importer called `loadSync` (no such export); with symlinks preserved the link is compiled.
    const dir = join(scratch, "link-into-node-modules");
    mkdirSync(join(dir, "node_modules/lib"), { recursive: true });
    mkdirSync(join(dir, "src"));
    symlinkSync(root, join(dir, "node_modules/smartasync"), "dir");
    writeFileSync(join(dir, "package.json"), '{ "name": "app", "type": "module" }');
    writeFileSync(
      join(dir, "node_modules/lib/package.json"),
      '{ "name": "lib", "type": "module", "exports": "./index.js" }',
    );
    writeFileSync(
      join(dir, "node_modules/lib/index.js"),
      '// @smartasync\nexport async function load(x) { return "lib:" + x; }\n',
    );
    symlinkSync("../node_modules/lib/index.js", join(dir, "src/vendor.js"));
    writeFileSync(
      join(dir, "src/main.js"),
      'import { load } from "./vendor.js";\nfunction main() { const v = load(1); console.log(typeof v); }\nmain();\n',
    );
    const plain = node(
      dir,
      ["--import", "smartasync/register", "src/main.js"],
      join(scratch, "cache-link-nm"),
    );
    expect(plain.stdout).toBe("object\n");
    expect(plain.stderr).toMatch(
      /^smartasync: src\/main\.js:\d+:\d+: warning SA204: .*a link into node_modules/,
    );
    expect(plain.status).toBe(0);
    const kept = node(
      dir,
      ["--preserve-symlinks", "--import", "smartasync/register", "src/main.js"],
      join(scratch, "cache-link-nm-preserved"),
    );
    expect(kept.stderr).toBe("");
    expect(kept.stdout).toBe("string\n");
  });

  it("reads a workspace package as the project's source; an annotated installed package without a manifest is SA204 (attack33 F03)", () => {
    // npm workspaces: node_modules/@m/lib is a link to packages/lib, whose "exports" is its
    // annotated source and whose own options name the variants `…Blocking`. The call in sync code
    // gets the variant, as the same import written as a relative path does.
    const ws = join(scratch, "workspace");
    mkdirSync(join(ws, "node_modules/@m"), { recursive: true });
    symlinkSync(root, join(ws, "node_modules/smartasync"), "dir");
    writeFileSync(
      join(ws, "package.json"),
      '{ "private": true, "type": "module", "workspaces": ["packages/*"] }',
    );
    const lib = join(ws, "packages/lib");
    mkdirSync(join(lib, "src"), { recursive: true });
    writeFileSync(
      join(lib, "package.json"),
      '{ "name": "@m/lib", "type": "module", "exports": { ".": "./src/index.ts" }, "smartasync": { "syncSuffix": "Blocking" } }',
    );
    writeFileSync(
      join(lib, "src/index.ts"),
      "// @smartasync\nexport async function load(n: number): Promise<number> {\n  return n * 2;\n}\n",
    );
    symlinkSync(lib, join(ws, "node_modules/@m/lib"), "dir");
    const app = join(ws, "packages/app");
    mkdirSync(join(app, "src"), { recursive: true });
    writeFileSync(join(app, "package.json"), '{ "name": "@m/app", "type": "module" }');
    const main =
      'import { load } from "@m/lib";\nconst v = load(21);\nconsole.log(typeof v, String((v as any) + 1));\n';
    writeFileSync(join(app, "src/main.ts"), main);
    const linked = node(app, MAIN, join(scratch, "cache-workspace"));
    expect(linked.stderr).toBe("");
    expect(linked.stdout).toBe("number 43\n");

    // The same package copied under node_modules (installed, no manifest): its calls stay plain,
    // said at the import, never silent.
    const inst = join(scratch, "installed");
    mkdirSync(join(inst, "node_modules/@m"), { recursive: true });
    symlinkSync(root, join(inst, "node_modules/smartasync"), "dir");
    writeFileSync(join(inst, "package.json"), '{ "type": "module" }');
    const copy = join(inst, "node_modules/@m/lib");
    mkdirSync(join(copy, "src"), { recursive: true });
    writeFileSync(
      join(copy, "package.json"),
      '{ "name": "@m/lib", "type": "module", "exports": { ".": "./src/index.js" } }',
    );
    writeFileSync(
      join(copy, "src/index.js"),
      "// @smartasync\nexport async function load(n) {\n  return n * 2;\n}\n",
    );
    mkdirSync(join(inst, "src"));
    writeFileSync(join(inst, "src/main.ts"), main);
    const installed = node(inst, MAIN, join(scratch, "cache-installed"));
    expect(installed.stderr).toContain("SA204");
    expect(installed.stderr).toContain(
      "is the package @m/lib, whose src/index.js holds @smartasync functions",
    );
    expect(installed.stdout).toBe("object [object Promise]1\n");
  });

  it("follows an installed package's barrel entry to the annotated file it exports from: SA204, never a silent Promise (attack34 F02)", () => {
    const ANN = "// @smartasync\nexport async function load(x) {\n  return x * 2;\n}\n";
    const ANNC = "// @smartasync\nasync function load(x) {\n  return x * 2;\n}\nmodule.exports = { load };\n";
    const esm = { type: "module", exports: "./index.js" };
    const layouts: [string, object, Record<string, string>][] = [
      ["export *", esm, { "index.js": 'export * from "./impl.js";\n', "impl.js": ANN }],
      ["export { load } from", esm, { "index.js": 'export { load } from "./impl.js";\n', "impl.js": ANN }],
      [
        "import then export",
        esm,
        { "index.js": 'import { load } from "./impl.js";\nexport { load };\n', "impl.js": ANN },
      ],
      [
        "module.exports = require",
        { main: "index.js" },
        { "index.js": 'module.exports = require("./impl.js");\n', "impl.js": ANNC },
      ],
      [
        "tsc's __exportStar",
        { main: "index.js" },
        {
          "index.js":
            '"use strict";\nvar __exportStar = function (m, exports) { for (var p in m) if (p !== "default") exports[p] = m[p]; };\nObject.defineProperty(exports, "__esModule", { value: true });\n__exportStar(require("./impl"), exports);\n',
          "impl.js": ANNC,
        },
      ],
      [
        'export * from "dep"',
        esm,
        {
          "index.js": 'export * from "dep";\n',
          "node_modules/dep/package.json": '{ "name": "dep", "type": "module", "exports": "./i.js" }',
          "node_modules/dep/i.js": ANN,
        },
      ],
    ];
    layouts.forEach(([name, pkg, files], i) => {
      const dir = join(scratch, `barrel-${i}`);
      mkdirSync(join(dir, "node_modules/lib"), { recursive: true });
      symlinkSync(root, join(dir, "node_modules/smartasync"), "dir");
      writeFileSync(join(dir, "package.json"), '{ "type": "module" }');
      writeFileSync(join(dir, "node_modules/lib/package.json"), JSON.stringify({ name: "lib", ...pkg }));
      for (const [f, text] of Object.entries(files)) {
        mkdirSync(join(dir, "node_modules/lib", f, ".."), { recursive: true });
        writeFileSync(join(dir, "node_modules/lib", f), text);
      }
      writeFileSync(
        join(dir, "main.mjs"),
        'import { load } from "lib";\nfunction run() { const v = load(21); return v + 1; }\nconsole.log(String(run()));\n',
      );
      const r = node(
        dir,
        ["--import", "smartasync/register", "main.mjs"],
        join(scratch, `cache-barrel-${i}`),
      );
      expect(r.stderr, name).toContain("main.mjs:1:1: warning SA204");
      expect(r.stderr, name).toContain("is the package lib, whose index.js exports from ");
      expect(r.stdout, name).toBe("[object Promise]1\n");
    });
  });

  it("reads a .js inside node_modules, which it never compiles, as the plain code Node runs: SA204, never a variant it lacks (attack34 F08)", () => {
    const dir = join(scratch, "installed-ts");
    mkdirSync(join(dir, "node_modules/tspkg/src"), { recursive: true });
    mkdirSync(join(dir, "node_modules/jslib"), { recursive: true });
    symlinkSync(root, join(dir, "node_modules/smartasync"), "dir");
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }');
    const ANN = "// @smartasync\nexport async function load(x) {\n  return x * 2;\n}\n";
    // A package shipping TypeScript (compiled: ".ts anywhere") that imports an annotated `.js`
    // beside it (never compiled: ".js inside node_modules").
    writeFileSync(
      join(dir, "node_modules/tspkg/package.json"),
      '{ "name": "tspkg", "type": "module", "exports": "./src/index.ts" }',
    );
    writeFileSync(
      join(dir, "node_modules/tspkg/src/index.ts"),
      'import { load } from "./util.js";\nexport function total(): number { const v = load(21); return (v as any) + 1; }\n',
    );
    writeFileSync(join(dir, "node_modules/tspkg/src/util.js"), ANN);
    writeFileSync(
      join(dir, "main.ts"),
      'import { total } from "tspkg";\nconsole.log("total() =", total());\n',
    );
    const ts = node(dir, ["--import", "smartasync/register", "main.ts"], join(scratch, "cache-installed-ts"));
    expect(ts.stderr).not.toContain("does not provide an export named");
    expect(ts.stderr).toContain("main.ts:1:1: warning SA204");
    expect(ts.stdout).toBe("total() = [object Promise]1\n");

    // The project's own file importing such a `.js` by a relative path: read as Node runs it.
    writeFileSync(join(dir, "node_modules/jslib/package.json"), '{ "name": "jslib", "type": "module" }');
    writeFileSync(join(dir, "node_modules/jslib/index.js"), ANN);
    writeFileSync(
      join(dir, "rel.js"),
      'import { load } from "./node_modules/jslib/index.js";\nfunction run() { const v = load(21); return v + 1; }\nconsole.log("run() =", run());\n',
    );
    const rel = node(dir, ["--import", "smartasync/register", "rel.js"], join(scratch, "cache-installed-ts"));
    expect(rel.stderr).not.toContain("does not provide an export named");
    expect(rel.stderr).toContain(
      'rel.js:1:1: warning SA204: `load()` (line 2) is called through the imported module "./node_modules/jslib/index.js", which is not compiled by smartasync (JavaScript inside node_modules, which smartasync/register runs as it is)',
    );
    expect(rel.stdout).toBe("run() = [object Promise]1\n");
  });

  it("reads a package's manifest for the file the load reaches under its conditions, not Node's plain import (attack33 F04)", () => {
    const build = (cwd: string, from: string, to: string, cache: string): void => {
      const r = spawnSync(
        process.execPath,
        [join(root, "dist/cli/bin.js"), "build", from, "--out-dir", to, "--no-declarations"],
        { cwd, encoding: "utf8", env: env(join(scratch, cache)) },
      );
      expect(r.status, r.stderr).toBe(0);
    };
    // A workspace package whose "development" condition leads to its sources and "default" to
    // the dist smartasync build wrote; the source's `load` became async since. Under `-C
    // development` Node runs src: the call gets src's variant (dist's manifest said "direct").
    const ws = join(scratch, "f04-dev");
    mkdirSync(join(ws, "node_modules/@m"), { recursive: true });
    symlinkSync(root, join(ws, "node_modules/smartasync"), "dir");
    writeFileSync(join(ws, "package.json"), '{ "private": true, "type": "module" }');
    const lib = join(ws, "packages/lib");
    mkdirSync(join(lib, "src"), { recursive: true });
    writeFileSync(
      join(lib, "package.json"),
      '{ "name": "@m/lib", "type": "module", "exports": { ".": { "development": "./src/index.ts", "default": "./dist/index.js" } }, "smartasync": { "manifest": "./dist/smartasync.manifest.json" } }',
    );
    writeFileSync(
      join(lib, "src/index.ts"),
      "// @smartasync\nexport function load(n: number): number {\n  return n * 2;\n}\n",
    );
    build(lib, "src", "dist", "cache-f04-build");
    writeFileSync(
      join(lib, "src/index.ts"),
      "// @smartasync\nexport async function load(n: number): Promise<number> {\n  await null;\n  return n * 2;\n}\n",
    );
    symlinkSync(lib, join(ws, "node_modules/@m/lib"), "dir");
    const main =
      'import { load } from "@m/lib";\nconst v = load(21);\nconsole.log(typeof v, String((v as any) + 1));\n';
    writeFileSync(join(ws, "main.ts"), main);
    const dev = node(
      ws,
      ["-C", "development", "--import", "smartasync/register", "main.ts"],
      join(scratch, "cache-f04-dev"),
    );
    expect(dev.stderr).toBe("");
    expect(dev.stdout).toBe("number 43\n");
    const plain = node(ws, ["--import", "smartasync/register", "main.ts"], join(scratch, "cache-f04-plain"));
    expect(plain.stdout).toBe("number 43\n");

    // A dual package: the manifest describes dist/esm; a require() meets dist/cjs, a CommonJS
    // build another tool made (no variants). An ES importer gets esm's variant; a CommonJS one
    // is SA204 naming the file, never `loadSync is not a function`.
    const dual = join(scratch, "f04-dual");
    mkdirSync(join(dual, "node_modules/@m"), { recursive: true });
    symlinkSync(root, join(dual, "node_modules/smartasync"), "dir");
    writeFileSync(join(dual, "package.json"), '{ "private": true, "type": "module" }');
    const dlib = join(dual, "packages/lib");
    mkdirSync(join(dlib, "src"), { recursive: true });
    mkdirSync(join(dlib, "dist/cjs"), { recursive: true });
    writeFileSync(
      join(dlib, "package.json"),
      '{ "name": "@m/lib", "type": "module", "exports": { ".": { "import": "./dist/esm/index.js", "require": "./dist/cjs/index.cjs" } }, "smartasync": { "manifest": "./dist/esm/smartasync.manifest.json" } }',
    );
    writeFileSync(
      join(dlib, "src/index.js"),
      "// @smartasync\nexport async function load(n) {\n  return n * 2;\n}\n",
    );
    build(dlib, "src", "dist/esm", "cache-f04-dual-build");
    writeFileSync(
      join(dlib, "dist/cjs/index.cjs"),
      "async function load(n) {\n  return n * 2;\n}\nmodule.exports = { load };\n",
    );
    symlinkSync(dlib, join(dual, "node_modules/@m/lib"), "dir");
    writeFileSync(
      join(dual, "main.mjs"),
      'import { load } from "@m/lib";\nconsole.log(String(load(21) + 1));\n',
    );
    writeFileSync(
      join(dual, "main.cjs"),
      'const { load } = require("@m/lib");\nfunction main() {\n  return load(21) + 1;\n}\nconsole.log(String(main()));\n',
    );
    const esm = node(dual, ["--import", "smartasync/register", "main.mjs"], join(scratch, "cache-f04-esm"));
    expect(esm.stderr).toBe("");
    expect(esm.stdout).toBe("43\n");
    const cjs = node(dual, ["--import", "smartasync/register", "main.cjs"], join(scratch, "cache-f04-cjs"));
    expect(cjs.stderr).toContain("SA204");
    expect(cjs.stderr).toContain(
      'leads this load under its conditions (its package.json "exports") to packages/lib/dist/cjs/index.cjs',
    );
    expect(cjs.stdout).toBe("[object Promise]1\n");

    // The same package installed, its CommonJS side built by smartasync too, into its own folder
    // with its own manifest: a require() reads that manifest. Without it, SA204 naming the file.
    const inst = join(scratch, "f04-installed");
    const copy = join(inst, "node_modules/@m/lib");
    mkdirSync(join(copy, "src/cjs"), { recursive: true });
    mkdirSync(join(copy, "src/esm"), { recursive: true });
    symlinkSync(root, join(inst, "node_modules/smartasync"), "dir");
    writeFileSync(join(inst, "package.json"), '{ "type": "module" }');
    writeFileSync(join(copy, "package.json"), readFileSync(join(dlib, "package.json")));
    writeFileSync(join(copy, "src/esm/index.js"), readFileSync(join(dlib, "src/index.js")));
    writeFileSync(
      join(copy, "src/cjs/index.cjs"),
      "// @smartasync\nasync function load(n) {\n  return n * 2;\n}\nmodule.exports = { load };\n",
    );
    build(copy, "src/esm", "dist/esm", "cache-f04-inst-build");
    build(copy, "src/cjs", "dist/cjs", "cache-f04-inst-build");
    writeFileSync(join(inst, "main.cjs"), readFileSync(join(dual, "main.cjs")));
    const both = node(inst, ["--import", "smartasync/register", "main.cjs"], join(scratch, "cache-f04-both"));
    expect(both.stderr).toBe("");
    expect(both.stdout).toBe("43\n");
    rmSync(join(copy, "dist/cjs/smartasync.manifest.json"));
    const one = node(inst, ["--import", "smartasync/register", "main.cjs"], join(scratch, "cache-f04-one"));
    expect(one.stderr).toContain("SA204");
    expect(one.stderr).toContain("does not describe dist/cjs/index.cjs, the file this load reaches");
    expect(one.stdout).toBe("[object Promise]1\n");
  });

  it('says SA204 where tsconfig.json "paths" lead to a package\'s source and Node to its dist (attack33 F06)', () => {
    // The app's tsconfig.json maps "@m/lib" to lib's annotated source (for the type checker); Node
    // ignores "paths" and loads the workspace link's "exports", lib's dist, built without
    // smartasync: no `loadSync` there. The call stays plain, as in the program without
    // smartasync, and the import is said, never rewritten to a variant dist lacks.
    const ws = join(scratch, "paths-workspace");
    mkdirSync(join(ws, "node_modules/@m"), { recursive: true });
    symlinkSync(root, join(ws, "node_modules/smartasync"), "dir");
    writeFileSync(
      join(ws, "package.json"),
      '{ "private": true, "type": "module", "workspaces": ["packages/*"] }',
    );
    const lib = join(ws, "packages/lib");
    mkdirSync(join(lib, "src"), { recursive: true });
    mkdirSync(join(lib, "dist"));
    writeFileSync(
      join(lib, "package.json"),
      '{ "name": "@m/lib", "version": "1.0.0", "type": "module", "exports": { ".": { "types": "./src/index.ts", "default": "./dist/index.js" } } }',
    );
    writeFileSync(
      join(lib, "src/index.ts"),
      "// @smartasync\nexport async function load(n: number): Promise<number> {\n  return n * 2;\n}\n",
    );
    writeFileSync(join(lib, "dist/index.js"), "export async function load(n) {\n  return n * 2;\n}\n");
    symlinkSync(lib, join(ws, "node_modules/@m/lib"), "dir");
    const app = join(ws, "packages/app");
    mkdirSync(join(app, "src"), { recursive: true });
    writeFileSync(join(app, "package.json"), '{ "name": "@m/app", "private": true, "type": "module" }');
    writeFileSync(
      join(app, "tsconfig.json"),
      '{ "compilerOptions": { "strict": true, "module": "nodenext", "paths": { "@m/lib": ["../lib/src/index.ts"] } } }',
    );
    writeFileSync(
      join(app, "src/main.ts"),
      'import { load } from "@m/lib";\nconst v = load(21);\nconsole.log("typeof", typeof v, String((v as any) + 1));\n',
    );
    // Compiled, then from the cache: the same program and the same warning.
    for (const run of ["compiled", "cached"]) {
      const r = node(app, MAIN, join(scratch, "cache-paths"));
      expect(r.stdout, run).toBe("typeof object [object Promise]1\n");
      expect(r.status, run).toBe(0);
      expect(r.stderr, run).toContain("SA204");
      expect(r.stderr, run).toContain(
        'is mapped by tsconfig.json "paths" to ../../lib/src/index.ts, while Node (and a bundler without a tsconfig-paths plugin), which ignores "paths", loads ../../lib/dist/index.js',
      );
    }
    // dist built keeping the annotation (tsc keeps comments): Node's file is compiled too and
    // gives the same functions as the source "paths" name, so the call gets the variant.
    writeFileSync(
      join(lib, "dist/index.js"),
      "// @smartasync\nexport async function load(n) {\n  return n * 2;\n}\n",
    );
    const same = node(app, MAIN, join(scratch, "cache-paths"));
    expect(same.stderr).toBe("");
    expect(same.stdout).toBe("typeof number 43\n");
  });

  it("follows a package entry the manifest does not describe through its re-exports into files it does (attack33 F08)", () => {
    // @m/lib ships a manifest for dist/ (smartasync build), but its "exports" entry is a root
    // index.js that re-exports dist: the call follows it to dist's variant.
    const dir = join(scratch, "shim");
    const lib = join(dir, "node_modules/@m/lib");
    mkdirSync(join(lib, "src"), { recursive: true });
    symlinkSync(root, join(dir, "node_modules/smartasync"), "dir");
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }');
    writeFileSync(
      join(lib, "package.json"),
      '{ "name": "@m/lib", "type": "module", "exports": { ".": "./index.js" }, "smartasync": { "manifest": "./dist/smartasync.manifest.json" } }',
    );
    writeFileSync(
      join(lib, "src/index.js"),
      "// @smartasync\nexport async function load(n) {\n  return n * 2;\n}\n",
    );
    const built = spawnSync(
      process.execPath,
      [join(root, "dist/cli/bin.js"), "build", "src", "--out-dir", "dist", "--no-declarations"],
      { cwd: lib, encoding: "utf8", env: env(join(scratch, "cache-shim-build")) },
    );
    expect(built.status, built.stderr).toBe(0);
    writeFileSync(join(lib, "index.js"), 'export * from "./dist/index.js";\n');
    writeFileSync(
      join(dir, "main.ts"),
      'import { load } from "@m/lib";\nconst v = load(21);\nconsole.log(typeof v, String((v as any) + 1));\n',
    );
    const r = node(dir, ["--import", "smartasync/register", "main.ts"], join(scratch, "cache-shim"));
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("number 43\n");
    // The entry imports dist and exports the binding again: not followed, said.
    writeFileSync(join(lib, "index.js"), 'import { load } from "./dist/index.js";\nexport { load };\n');
    const bound = node(
      dir,
      ["--import", "smartasync/register", "main.ts"],
      join(scratch, "cache-shim-bound"),
    );
    expect(bound.stderr).toContain("SA204");
    expect(bound.stderr).toContain(
      "does not describe index.js, the file it is entered by, which reaches dist/index.js",
    );
  });

  it("compiles a CommonJS script with a top-level `return` or `new.target`, sloppy mode kept (attack27 F10)", () => {
    // `if (require.main !== module) return;` is legal CommonJS; parsed as a module-or-script, it
    // failed, and register left the file to Node uncompiled: its sync caller got a Promise.
    const dir = join(scratch, "cjs-script");
    mkdirSync(join(dir, "node_modules"), { recursive: true });
    symlinkSync(root, join(dir, "node_modules/smartasync"), "dir");
    const body = [
      'const { readFile } = require("node:fs/promises");',
      "// @smartasync",
      "async function load(p) {",
      '  const t = await readFile(p, "utf8");',
      "  return t.length;",
      "}",
      "function report() {",
      "  const n = load(__filename);",
      '  console.log(typeof n === "number" ? "value" : "got a Promise", typeof new.target, 010);',
      "}",
      "report();",
      "if (require.main === module) return;",
      'console.log("required");',
      "",
    ].join("\n");
    writeFileSync(join(dir, "main.cjs"), body);
    mkdirSync(join(dir, "lib"));
    writeFileSync(join(dir, "lib/package.json"), '{ "type": "commonjs" }\n');
    writeFileSync(join(dir, "lib/main.js"), body);
    for (const entry of ["main.cjs", "lib/main.js"]) {
      const r = node(dir, ["--import", "smartasync/register", entry], join(scratch, "cache-cjs-script"));
      expect(r.stderr, entry).toBe("");
      expect(r.stdout, entry).toBe("value undefined 8\n");
      expect(r.status, entry).toBe(0);
    }
  });

  it("compiles an importer again when an imported module's annotation changes", () => {
    const dir = copyOfExample("edit");
    const cache = join(scratch, "cache-edit");
    expectExampleOutput(node(dir, MAIN, cache));
    // slowTitle stops being a smartasync function: main.ts must now call it directly (a
    // promise in sync code), not keep the worker variant of the cached main.ts.
    const text = join(dir, "src/text.ts");
    writeFileSync(
      text,
      readFileSync(text, "utf8").replace(
        "// @smartasync\nexport async function slowTitle",
        "export async function slowTitle",
      ),
    );
    const r = node(dir, MAIN, cache);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("title: [object Promise]\n");
    expect(r.stdout).toContain("stats: 2 lines, 16 words (inline, thread 0)\n");
  });

  it("compiles an importer again when a module it imports with a comment before the specifier changes", () => {
    // `import … from /* c */ "./lib.ts"`: the cache key reads imports with the compilers' own
    // import scanner (test/security/import-forms.test.ts has every form); a key that missed
    // this one served the stale main.ts, which imports a loadSync that is gone.
    const dir = join(scratch, "comment-import");
    mkdirSync(join(dir, "node_modules"), { recursive: true });
    symlinkSync(root, join(dir, "node_modules/smartasync"), "dir");
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
    const lib = join(dir, "lib.ts");
    writeFileSync(
      lib,
      '// @smartasync\nexport async function load(): Promise<string> {\n  return "v1";\n}\n',
    );
    writeFileSync(
      join(dir, "main.ts"),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the written program's own template
      'import { load } from /* c */ "./lib.ts";\nfunction run(): void {\n  const v = load();\n  console.log(`value: ${v}`);\n}\nrun();\n',
    );
    const cache = join(scratch, "cache-comment-import");
    const args = ["--import", "smartasync/register", "main.ts"];
    expect(node(dir, args, cache).stdout).toBe("value: v1\n");
    writeFileSync(lib, 'export async function load(): Promise<string> {\n  return "v2";\n}\n');
    const r = node(dir, args, cache);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("value: [object Promise]\n");
  });

  it("compiles an importer again when a module it imports through a `resolve.alias` gains its annotation (attack33 F02)", () => {
    // `@/lib.js`: an alias given to smartasync in package.json and to Node by a resolve hook. The
    // cache key resolved the imports as Node does, found no `@/lib.js`, and kept main's plain call.
    const dir = join(scratch, "alias-import");
    mkdirSync(join(dir, "node_modules"), { recursive: true });
    mkdirSync(join(dir, "src"), { recursive: true });
    symlinkSync(root, join(dir, "node_modules/smartasync"), "dir");
    writeFileSync(
      join(dir, "package.json"),
      '{ "type": "module", "smartasync": { "resolve": { "alias": { "@": "./src" } } } }\n',
    );
    writeFileSync(
      join(dir, "alias-hooks.mjs"),
      'const src = new URL("./src/", import.meta.url).href;\nexport async function resolve(spec, ctx, next) {\n  return next(spec.startsWith("@/") ? src + spec.slice(2) : spec, ctx);\n}\n',
    );
    writeFileSync(
      join(dir, "alias.mjs"),
      'import { register } from "node:module";\nregister("./alias-hooks.mjs", import.meta.url);\n',
    );
    const lib = (annotated: boolean) =>
      `${annotated ? "// @smartasync" : "// (not annotated)"}\nexport async function load(n) {\n  return n * 2;\n}\n`;
    writeFileSync(join(dir, "src/lib.js"), lib(false));
    writeFileSync(
      join(dir, "src/main.js"),
      'import { load } from "@/lib.js";\nconsole.log("main:", String(load(21) + 1));\n',
    );
    const cache = join(scratch, "cache-alias-import");
    const args = ["--import", "./alias.mjs", "--import", "smartasync/register", "src/main.js"];
    expect(node(dir, args, cache, { SMARTASYNC_WARNINGS: "0" }).stdout).toBe("main: [object Promise]1\n");
    writeFileSync(join(dir, "src/lib.js"), lib(true));
    const r = node(dir, args, cache, { SMARTASYNC_WARNINGS: "0" });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("main: 43\n");
  });

  it("ignores corrupt cache entries and writes them again", () => {
    const cache = join(scratch, "cache-corrupt");
    expectExampleOutput(node(example, MAIN, cache));
    const before = entries(cache);
    for (const [p, [, text]] of before) writeFileSync(p, text.slice(0, text.length / 2)); // a torn write
    expectExampleOutput(node(example, MAIN, cache));
    const after = entries(cache);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [p, [, text]] of after) expect(text).toBe(before.get(p)?.[1]);
  });

  it("ignores an entry somebody else could have written (another owner, or writable by group or others)", () => {
    const cache = join(scratch, "cache-planted");
    expectExampleOutput(node(example, MAIN, cache));
    const planted = (p: string, text: string) => {
      const e = JSON.parse(text) as { code: string | null };
      if (typeof e.code === "string") e.code = `console.log("PLANTED");\n${e.code}`;
      writeFileSync(p, JSON.stringify(e));
    };
    // Writable by others: ignored.
    for (const [p, [, text]] of entries(cache)) {
      planted(p, text);
      chmodSync(p, 0o666);
    }
    let out = node(example, MAIN, cache);
    expect(out.stdout).not.toContain("PLANTED");
    expectExampleOutput(out);
    // Owned by another user (root can give it away here): ignored too.
    if (process.getuid?.() === 0) {
      for (const [p, [, text]] of entries(cache)) {
        planted(p, text);
        chmodSync(p, 0o644);
        chownSync(p, 65534, 65534);
      }
      out = node(example, MAIN, cache);
      expect(out.stdout).not.toContain("PLANTED");
      expectExampleOutput(out);
    }
  });

  it("lets concurrent processes fill one cache (atomic writes)", async () => {
    const cache = join(scratch, "cache-concurrent");
    const runs = await Promise.all([1, 2, 3].map(() => nodeAsync(example, MAIN, cache)));
    for (const r of runs) expectExampleOutput(r);
    const written = entries(cache);
    expect(written.size).toBe(3);
    for (const [p, [, text]] of written) {
      expect(p.endsWith(".json")).toBe(true); // no temporary file left behind
      expect(() => JSON.parse(text)).not.toThrow();
    }
  });

  it("reaches smartasync's workers when imported by code instead of --import (SMARTASYNC_WORKER_IMPORT)", () => {
    const dir = copyOfExample("programmatic");
    writeFileSync(
      join(dir, "start.mjs"),
      'await import("smartasync/register");\nawait import("./src/main.ts");\n',
    );
    // No --import: the workers' execArgv has no hook; the runtime imports it from the variable.
    expectExampleOutput(node(dir, ["start.mjs"], join(scratch, "cache-programmatic")));
  });

  it("fails each worker call with the error when SMARTASYNC_WORKER_IMPORT cannot be imported", () => {
    const dir = join(scratch, "bad-preload");
    mkdirSync(join(dir, "node_modules"), { recursive: true });
    symlinkSync(root, join(dir, "node_modules/smartasync"), "dir");
    writeFileSync(
      join(dir, "main.mjs"),
      [
        'import { isWorker, register, runSync } from "smartasync/runtime";',
        "async function f() { return 1; }",
        "register(import.meta.url, { f });",
        "if (!isWorker) {",
        "  for (let i = 0; i < 2; i++) {",
        '    try { runSync(import.meta.url, "f", []); } catch (e) { console.log(e.code, e.message.split("\\n")[0]); }',
        "  }",
        "}",
        "",
      ].join("\n"),
    );
    const missing = "file:///nonexistent/smartasync-hooks.mjs";
    const r = node(dir, ["main.mjs"], join(scratch, "cache-bad"), { SMARTASYNC_WORKER_IMPORT: missing });
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual([
      `ERR_MODULE_NOT_FOUND Cannot find module '/nonexistent/smartasync-hooks.mjs' imported from ${join(root, "dist/runtime/worker.js")}`,
      expect.stringMatching(/^ERR_MODULE_NOT_FOUND /),
    ]);
  });

  it("prints each file's warnings once, on stderr, from the cache too; SMARTASYNC_WARNINGS=0 silences them", () => {
    // The warnings `smartasync check` and smartasync/swc print (SA206 here) were swallowed by the
    // hook: a second name's call gave a Promise with no word. lib.ts is also imported by the
    // worker that runs `slow`'s sync variant: its warning is still printed once. legacy.cjs is
    // loaded by `createRequire` (the `require` hook on Node 20).
    const dir = join(scratch, "warnings");
    mkdirSync(join(dir, "node_modules"), { recursive: true });
    symlinkSync(root, join(dir, "node_modules/smartasync"), "dir");
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
    writeFileSync(
      join(dir, "lib.ts"),
      [
        "// @smartasync",
        "export async function load(n: number): Promise<number> {",
        "  return n * 2;",
        "}",
        "// @smartasync",
        "export async function slow(n: number): Promise<number> {",
        "  await new Promise((r) => setTimeout(r, 1));",
        "  return n + 1;",
        "}",
        "const g = load;",
        "export const early = g(1);",
        "",
      ].join("\n"),
    );
    writeFileSync(
      join(dir, "legacy.cjs"),
      [
        "// @smartasync",
        "async function twice(n) {",
        "  return n * 2;",
        "}",
        "const t = twice;",
        "module.exports = { v: t(3) };",
        "",
      ].join("\n"),
    );
    writeFileSync(
      join(dir, "main.ts"),
      [
        'import { createRequire } from "node:module";',
        'import { early, slow } from "./lib.ts";',
        "const require = createRequire(import.meta.url);",
        'console.log(early instanceof Promise, slow(2), require("./legacy.cjs").v instanceof Promise);',
        "",
      ].join("\n"),
    );
    const expected = [
      "smartasync: legacy.cjs:6:23: warning SA206: `t(...)` calls a smartasync function by a route smartasync does not follow (`t` is a second name for `twice` (line 5)), so it stays a plain call, which gives a promise where this code wants the value. Instead, call `twice` itself so its variant can be chosen.",
      "smartasync: lib.ts:11:22: warning SA206: `g(...)` calls a smartasync function by a route smartasync does not follow (`g` is a second name for `load` (line 10)), so it stays a plain call, which gives a promise where this code wants the value. Instead, call `load` itself so its variant can be chosen.",
    ];
    const cache = join(scratch, "cache-warnings");
    const args = ["--import", "smartasync/register", "main.ts"];
    for (const run of ["cold", "warm"]) {
      const r = node(dir, args, cache);
      expect(r.stdout, run).toBe("true 3 true\n");
      expect(r.stderr.trimEnd().split("\n").sort(), run).toEqual(expected);
      expect(r.status, run).toBe(0);
    }
    const silent = node(dir, args, cache, { SMARTASYNC_WARNINGS: "0" });
    expect(silent.stdout).toBe("true 3 true\n");
    expect(silent.stderr).toBe("");
  });

  it("prints a CommonJS file's warnings once when an ES module imports it, and of a CommonJS entry point (attack34 F11)", () => {
    // On Node 20 both Node's hooks thread (the import) and the CommonJS loader that then runs the
    // file in the main thread (the `require` hook) compiled it, and each printed the SA206.
    const dir = join(scratch, "warnings-cjs");
    mkdirSync(join(dir, "node_modules"), { recursive: true });
    symlinkSync(root, join(dir, "node_modules/smartasync"), "dir");
    writeFileSync(join(dir, "package.json"), "{}\n");
    writeFileSync(
      join(dir, "lib.js"),
      "// @smartasync\nasync function load(x) { return x * 2; }\nmodule.exports = { load };\n",
    );
    writeFileSync(
      join(dir, "other.cjs"),
      'const lib = require("./lib");\nconst fns = [lib.load];\nmodule.exports = () => fns[0](1) instanceof Promise;\n',
    );
    writeFileSync(join(dir, "main.mjs"), 'import f from "./other.cjs";\nconsole.log(f());\n');
    const sa206 = /^smartasync: other\.cjs:3:24: warning SA206: /;
    for (const file of ["main.mjs", "other.cjs"])
      for (const run of ["cold", "warm"]) {
        const r = node(dir, ["--import", "smartasync/register", file], join(scratch, "cache-warnings-cjs"));
        const lines = r.stderr.trimEnd().split("\n");
        expect(lines, `${file} ${run}`).toHaveLength(1);
        expect(lines[0], `${file} ${run}`).toMatch(sa206);
        expect(r.stdout, `${file} ${run}`).toBe(file === "main.mjs" ? "true\n" : "");
      }
  });

  it("an .mts a CommonJS module requires: its imports read as require()s where register compiles it to CommonJS (attack35 F09)", () => {
    // Node 20: the require hook compiles lib.mts to CommonJS, so `import { load } from "dual"`
    // becomes require("dual"), which reaches cjs/index.cjs (no loadSync): its imports were read
    // as imports only, `load(1)` became `loadSync(1)`, a TypeError. Now SA204 naming both files.
    const dir = join(scratch, "mts-required");
    const dual = join(dir, "node_modules/dual");
    mkdirSync(join(dual, "esm"), { recursive: true });
    mkdirSync(join(dual, "cjs"), { recursive: true });
    symlinkSync(root, join(dir, "node_modules/smartasync"), "dir");
    writeFileSync(join(dir, "package.json"), "{}\n");
    writeFileSync(
      join(dual, "package.json"),
      JSON.stringify({
        name: "dual",
        version: "1.0.0",
        exports: { ".": { import: "./esm/index.js", require: "./cjs/index.cjs" } },
        smartasync: { manifest: "./esm/smartasync.manifest.json" },
      }),
    );
    writeFileSync(join(dual, "esm/package.json"), '{ "type": "module" }\n');
    writeFileSync(
      join(dual, "esm/index.js"),
      'export async function load(x) { return "esm" + x; }\nexport function loadSync(x) { return "esm" + x; }\n',
    );
    writeFileSync(
      join(dual, "esm/smartasync.manifest.json"),
      JSON.stringify({
        version: 1,
        files: {
          "index.js": { load: { name: "load", kind: "async", variant: "loadSync", syncStrategy: "inline" } },
        },
      }),
    );
    writeFileSync(
      join(dual, "cjs/index.cjs"),
      'async function load(x) { return "cjs" + x; }\nexports.load = load;\n',
    );
    writeFileSync(
      join(dir, "lib.mts"),
      'import { load } from "dual";\nexport function run(): void { const v = load(1); console.log(typeof v); }\n',
    );
    writeFileSync(join(dir, "main.cjs"), 'require("./lib.mts").run();\n');
    const r = node(dir, ["--import", "smartasync/register", "main.cjs"], join(scratch, "cache-mts-required"));
    expect(r.stderr).not.toContain("TypeError");
    expect(r.status).toBe(0);
    if (expectedPath === "register") {
      expect(r.stderr).toMatch(
        /^smartasync: lib\.mts:1:1: warning SA204: `load\(\)` \(line 2\) is called through the imported module "dual", which leads an import to node_modules\/dual\/esm\/index\.js and a require\(\) to node_modules\/dual\/cjs\/index\.cjs /,
      );
      expect(r.stdout).toBe("object\n");
    }
  });

  it("require() tries .ts .cts .mts .tsx after Node's own extensions, then a folder's index, on both paths (attack36 F06)", () => {
    // Node 22+ (registerHooks): the resolve hook added no extension to a require(), so
    // require("./lib") with only lib.ts was "Cannot find module"; Node 20's require hook adds
    // them to Node's CommonJS loader. The same answers on both paths, in Node 20's order.
    const dir = join(scratch, "require-extensions");
    const files: Record<string, string> = {
      "package.json": "{}\n",
      "lib.ts": "// @smartasync\nexport async function load(x: number): Promise<number> { return x * 2; }\n",
      "d/index.ts": "exports.v = 2;\n",
      "c.cts": 'exports.v = "cts";\n',
      "both.ts": 'exports.v = "file";\n',
      "both/index.js": 'exports.v = "folder";\n',
      "js.js": 'exports.v = "js";\n',
      "js.ts": 'exports.v = "ts";\n',
      "main.cjs":
        'const { load } = require("./lib");\nconsole.log(load(21) + 1, require("./d").v, require("./c").v, require("./both").v, require("./js").v, require("./d/").v);\n',
    };
    for (const [f, text] of Object.entries(files)) {
      mkdirSync(join(dir, f, ".."), { recursive: true });
      writeFileSync(join(dir, f), text);
    }
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(root, join(dir, "node_modules/smartasync"), "dir");
    const r = node(
      dir,
      ["--import", "smartasync/register", "main.cjs"],
      join(scratch, "cache-require-extensions"),
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("43 2 cts file js 2\n");
  });

  it("follows node-addons and module-sync branches as this Node runs them: it is the program's Node (attack35 F05)", () => {
    // A build that cannot tell how the program runs keeps these calls plain with SA204 (fixture
    // modules/conditions-switchable); register runs the program itself and knows.
    const dir = join(scratch, "switchable");
    cpSync(join(root, "fixtures/modules/conditions-switchable"), dir, {
      recursive: true,
      filter: (f) => !/output\.|report\.json|stdout\.txt/.test(f),
    });
    mkdirSync(join(dir, "node_modules"), { recursive: true });
    symlinkSync(root, join(dir, "node_modules/smartasync"), "dir");
    writeFileSync(join(dir, "req.cjs"), 'require("./plain.cjs");\n');
    writeFileSync(join(dir, "plain.cjs"), "module.exports = 1;\n");
    const cache = join(scratch, "cache-switchable");
    const on = node(dir, ["--import", "smartasync/register", "input.js"], cache);
    expect(on.stderr).toBe("");
    expect(on.stdout).toBe("addons plain:1\nsync plain:2\nself plain:3\nsame async:4\n");
    // `module-sync` off: a condition this Node does not match. Register passes only the
    // conditions it knows on, so this branch stays SA204 (safe: the call is plain), and the
    // program still loads — it crashed in smartasync's own require() of its compiler.
    const off = node(
      dir,
      ["--no-experimental-require-module", "--import", "smartasync/register", "input.js"],
      cache,
    );
    expect(off.status).toBe(0);
    expect(off.stderr).toMatch(
      /SA204: `viaSync\(\)` \(line 12\) is called through the imported module "#sync"/,
    );
    expect(off.stdout).toBe("addons plain:1\nsync Promise { <pending> }\nself plain:3\nsame async:4\n");
    // A file require() loads cannot be compiled then (the compiler is an ES module): said.
    const req = node(
      dir,
      ["--no-experimental-require-module", "--import", "smartasync/register", "req.cjs"],
      cache,
    );
    expect(req.status).not.toBe(0);
    expect(req.stderr).toContain(
      "smartasync/register cannot compile a file that require() loads while Node runs with `--no-experimental-require-module`",
    );
  });

  it("follows an installed package's module-sync/node-addons branches as this Node runs them (attack36 F11)", () => {
    // The build alone keeps these calls plain with SA204 (fixture
    // modules/package-module-sync-switchable); register knows which this Node has on.
    const dir = join(scratch, "switchable-installed");
    cpSync(join(root, "fixtures/modules/package-module-sync-switchable"), dir, {
      recursive: true,
      filter: (f) => !/output\.|report\.json|stdout\.txt/.test(f),
    });
    symlinkSync(root, join(dir, "node_modules/smartasync"), "dir");
    const cache = join(scratch, "cache-switchable-installed");
    const on = node(dir, ["--import", "smartasync/register", "input.js"], cache);
    expect(on.stderr).toBe("");
    expect(on.stdout).toBe("sync string\naddons string\n");
    // `module-sync` off: this run loads the other branch, another tool's build without
    // `findSync`, read as the module it is: the call stays plain, as in the plain program (a
    // build's output that took the branch as always on called `findSync` there: a TypeError).
    const off = node(
      dir,
      ["--no-experimental-require-module", "--import", "smartasync/register", "input.js"],
      cache,
    );
    expect(off.status).toBe(0);
    expect(off.stdout).toBe("sync object\naddons string\n");
  });

  it("says why it cannot compile under node --no-addons, not SWC's raw binding error (attack35 F05)", () => {
    const dir = join(scratch, "no-addons");
    mkdirSync(join(dir, "node_modules"), { recursive: true });
    symlinkSync(root, join(dir, "node_modules/smartasync"), "dir");
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }');
    writeFileSync(
      join(dir, "main.js"),
      "// @smartasync\nasync function load(x) { return x * 2; }\nfunction run() { return load(21) + 1; }\nconsole.log(run());\n",
    );
    const r = node(
      dir,
      ["--no-addons", "--import", "smartasync/register", "main.js"],
      join(scratch, "cache-no-addons"),
    );
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("smartasync/register cannot compile under `node --no-addons`");
  });

  it("writes nothing with SMARTASYNC_CACHE=0", () => {
    const cache = join(scratch, "cache-off");
    expectExampleOutput(node(example, MAIN, cache, { SMARTASYNC_CACHE: "0" }));
    expect(existsSync(cache)).toBe(false);
  });

  describe('module formats as Node decides them (a package without "type")', () => {
    let dir: string;
    beforeAll(() => {
      dir = join(scratch, "formats");
      mkdirSync(join(dir, "node_modules"), { recursive: true });
      symlinkSync(root, join(dir, "node_modules/smartasync"), "dir");
      writeFileSync(join(dir, "package.json"), '{ "name": "formats", "private": true }\n');
      const files: Record<string, string> = {
        // CommonJS by extension, written with ES syntax (as TypeScript compiles it)
        "lib.cts": [
          'import { readFile } from "node:fs/promises";',
          "// @smartasync",
          "export async function readName(path: string): Promise<string> {",
          '  return JSON.parse(await readFile(path, "utf8")).name;',
          "}",
          "// @smartasync",
          "export async function later(n: number): Promise<number> {",
          "  await new Promise((r) => setTimeout(r, 5));",
          "  return n + 1;",
          "}",
          "",
        ].join("\n"),
        // no "type": CommonJS by its syntax; required as ./util.js
        "util.ts": "const twice = (n: number): number => n * 2;\nmodule.exports = { twice };\n",
        // no "type": an ES module by its syntax
        "esm.ts": 'import { later } from "./lib.cjs";\nexport const eleven: number = later(10);\n',
        "main.cts": [
          'import { later, readName } from "./lib.cjs";',
          'const { twice } = require("./util.js");',
          'console.log("main.cts", readName(__dirname + "/package.json"), twice(later(1)), require.main === module);',
          "",
        ].join("\n"),
        // plain JavaScript entry (Node's own CommonJS loader), compiled because it calls smartasync functions
        "plain.cjs":
          'const { later } = require("./lib.cts");\nfunction run() { return later(2); }\nconsole.log("plain.cjs", run());\n',
        // an ES module importing CommonJS by name, and a detected ES module
        "main.mts": [
          'import { later, readName } from "./lib.cjs";',
          'import { eleven } from "./esm.js";',
          "const n: number = later(41);",
          'console.log("main.mts", readName(new URL("./package.json", import.meta.url).pathname), n, eleven);',
          "",
        ].join("\n"),
      };
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    });

    // The warnings the CLI gives these files too (SA210: a value handed to util.ts, which the
    // build does not follow; SA208: an exported value of a variant), now printed by the hook.
    const cases: [string, string, string[]][] = [
      ["main.cts", "main.cts formats 4 true", ["main.cts:3:70: warning SA210"]],
      ["plain.cjs", "plain.cjs 3", []],
      ["main.mts", "main.mts formats 42 11", ["esm.ts:2:31: warning SA208"]],
    ];
    for (const [entry, expected, warnings] of cases) {
      it(`runs ${entry}`, () => {
        const r = node(dir, ["--import", "smartasync/register", entry], join(scratch, "cache-formats"));
        const lines = r.stderr.split("\n").filter((l) => l !== "");
        expect(lines.map((l) => /^smartasync: (.*? SA\d{3}):/.exec(l)?.[1] ?? l)).toEqual(warnings);
        expect(r.stdout.trim()).toBe(expected);
        expect(r.status).toBe(0);
      });
    }
  });
});
