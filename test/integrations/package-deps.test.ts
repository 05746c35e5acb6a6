/**
 * What an importer's output is made of besides the modules it reaches: the package.json and
 * manifest of each package it imports, and the tsconfig.json files whose `paths` its bare
 * imports are looked up in (register/deps.ts `Reached.read`), and the modules reached through
 * the tool's own aliases (attack33 F02). A tool that keeps a module's output
 * between builds must build it again when one of them changes (attack28 F01, F04, F07, F08), and
 * webpack must read a plain script as it would without smartasync (F13). Each case with the real
 * tool: Rollup's cache and Vite's dev server in this process, webpack's persistent cache in a
 * new process per build (as a user's second `webpack` run), from the built package (dist/).
 */
import { type SpawnOptions, spawn } from "node:child_process";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type RollupCache, rollup } from "rollup";
import { createServer } from "vite";
import { describe, expect, it } from "vitest";
import rollupPlugin from "../../src/unplugin/rollup.js";
import vitePlugin from "../../src/unplugin/vite.js";

const ROOT = join(import.meta.dirname, "..", "..");
const TMP = join(ROOT, ".tmp", "package-deps-tests");

function tree(name: string, files: Record<string, string>): string {
  const dir = join(TMP, name);
  rmSync(dir, { recursive: true, force: true });
  write(dir, files);
  // smartasync installed in the project, as a user's (its runtime stays external).
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(ROOT, join(dir, "node_modules", "smartasync"), "dir");
  return dir;
}

function write(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

function run(args: string[], cwd: string, opts: SpawnOptions = {}): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env.VITEST;
  delete env.VITEST_MODE;
  delete env.NODE_OPTIONS;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env, timeout: 90_000, ...opts });
    let out = "";
    child.stdout?.on("data", (d) => {
      out += d;
    });
    child.stderr?.on("data", (d) => {
      out += d;
    });
    child.on("error", reject);
    child.on("close", (status) =>
      status === 0 ? resolve(out) : reject(new Error(`node ${args.join(" ")} (${status}):\n${out}`)),
    );
  });
}

const MAIN = `import { load } from "dep";\nconst v = load();\nconsole.log(typeof v === "string" ? v : "got a Promise");\n`;

/** dep@1: a plain `load`. */
const DEP_V1 = {
  "package.json": `${JSON.stringify({ name: "dep", version: "1.0.0", type: "module", exports: "./index.js" })}\n`,
  "index.js": `export function load() {\n  return "v1 plain";\n}\n`,
};

/**
 * dep@2: `load` smartasync, its inline sync variant beside it, named by the package's manifest
 * (as `smartasync build` writes it; one written by hand is taken at its word).
 */
function depV2(version = "2.0.0"): Record<string, string> {
  return {
    "package.json": `${JSON.stringify({
      name: "dep",
      version,
      type: "module",
      exports: "./dist/index.js",
      smartasync: { manifest: "./dist/smartasync.manifest.json" },
    })}\n`,
    "dist/index.js": `export async function load() {\n  return "v2 async";\n}\nexport function loadSync() {\n  return "v2 sync";\n}\n`,
    "dist/smartasync.manifest.json": `${JSON.stringify({
      version: 1,
      files: {
        "index.js": { load: { name: "load", kind: "async", variant: "loadSync", syncStrategy: "inline" } },
      },
    })}\n`,
  };
}

/** Replaces node_modules/dep with `files`, as an install of another version does. */
function install(dir: string, files: Record<string, string>): void {
  rmSync(join(dir, "node_modules/dep"), { recursive: true, force: true });
  write(join(dir, "node_modules/dep"), files);
}

describe("Rollup's cache: an imported package's manifest is part of the importer's output (attack28 F01)", () => {
  async function build(dir: string, out: string, cache?: RollupCache) {
    const bundle = await rollup({
      input: join(dir, "main.js"),
      cache: cache ?? true,
      external: [/^smartasync/],
      plugins: [rollupPlugin()],
      onwarn() {},
    });
    await bundle.write({ dir: join(dir, out), format: "es" });
    await bundle.close();
    return { cache: bundle.cache, stdout: await run([join(dir, out, "main.js")], dir) };
  }

  it("an installed package upgraded to a version with a manifest", async () => {
    const dir = tree("rollup-install", { "package.json": '{ "type": "module" }\n', "main.js": MAIN });
    install(dir, DEP_V1);
    const first = await build(dir, "out1");
    expect(first.stdout).toBe("v1 plain\n");
    install(dir, depV2());
    // Before: main.js came from the cache as built for dep@1, the plain call kept: "got a Promise".
    expect((await build(dir, "out2", first.cache)).stdout).toBe("v2 sync\n");
    expect((await build(dir, "out3")).stdout).toBe("v2 sync\n");
  }, 120_000);

  it("a linked workspace package rebuilt in place, its version unchanged", async () => {
    const dir = tree("rollup-linked", { "package.json": '{ "type": "module" }\n', "main.js": MAIN });
    write(join(dir, "ws-dep"), DEP_V1);
    symlinkSync(join(dir, "ws-dep"), join(dir, "node_modules/dep"), "dir");
    const first = await build(dir, "out1");
    expect(first.stdout).toBe("v1 plain\n");
    write(join(dir, "ws-dep"), depV2("1.0.0"));
    // Before: "got a Promise" (the package's version is the same, its manifest new).
    expect((await build(dir, "out2", first.cache)).stdout).toBe("v2 sync\n");
  }, 120_000);
});

describe("Vite's dev server: a linked workspace package rebuilt with a manifest (attack28 F04)", () => {
  /** A dev server on a project whose `dep` is the linked `ws-dep`; `rebuild` then main.js's answer. */
  async function served(name: string, v1: Record<string, string>, rebuild: (ws: string) => void) {
    const dir = tree(name, {
      "package.json": '{ "type": "module" }\n',
      "main.js": `import { load } from "dep";\nexport function report() {\n  const v = load();\n  return typeof v === "string" ? v : "got a Promise";\n}\n`,
    });
    write(join(dir, "ws-dep"), v1);
    symlinkSync(join(dir, "ws-dep"), join(dir, "node_modules/dep"), "dir");
    const server = await createServer({
      root: dir,
      configFile: false,
      logLevel: "silent",
      appType: "custom",
      server: { middlewareMode: true, hmr: false },
      plugins: [vitePlugin()],
    });
    try {
      const report = async () => ((await server.ssrLoadModule("/main.js")) as { report(): string }).report();
      const first = await report();
      rebuild(join(dir, "ws-dep"));
      // The watcher reports the rebuilt files when it sees them: ask until main.js changes.
      let now = await report();
      for (let i = 0; i < 120 && now !== "v2 sync"; i++) {
        await new Promise((r) => setTimeout(r, 250));
        now = await report();
      }
      return [first, now];
    } finally {
      await server.close();
    }
  }

  it("its package.json gains the manifest: the importer is compiled again", async () => {
    const [first, now] = await served("vite-linked", DEP_V1, (ws) => write(ws, depV2("1.0.0")));
    expect(first).toBe("v1 plain");
    // Before: main.js was never compiled again, however long: its output for dep@1 stayed.
    expect(now).toBe("v2 sync");
  }, 120_000);

  it("only its dist/ (code and manifest) is rebuilt, package.json untouched", async () => {
    const v2 = depV2("1.0.0");
    const v1 = {
      "package.json": v2["package.json"]!,
      "dist/index.js": DEP_V1["index.js"],
      "dist/smartasync.manifest.json": `${JSON.stringify({ version: 1, files: {} })}\n`,
    };
    const [first, now] = await served("vite-linked-dist", v1, (ws) => {
      const { "package.json": _, ...dist } = v2;
      write(ws, dist);
    });
    expect(first).toBe("v1 plain");
    // Before: "got a Promise" (dep's new code ran; main.js kept its plain call).
    expect(now).toBe("v2 sync");
  }, 120_000);
});

describe("webpack's persistent cache, a new process per build", () => {
  const BUILD = (resolve: string) => `import webpack from "webpack";
import smartasync from "smartasync/webpack";
import { fileURLToPath } from "node:url";
const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const compiler = webpack({
  target: "node", mode: "development", devtool: false, context: here("."), entry: "./src/main.js",
  output: { path: here("dist"), filename: "main.cjs" },
  externals: [/^smartasync/], externalsType: "commonjs",
  resolve: ${resolve},
  cache: { type: "filesystem", cacheDirectory: here(".wpcache") },
  plugins: [smartasync()],
});
compiler.run((err, stats) => {
  if (err || stats.hasErrors()) {
    console.error(err ?? stats.toString("errors-only"));
    process.exitCode = 1;
  }
  compiler.close(() => {});
});
`;

  async function build(dir: string): Promise<string> {
    await run(["build.mjs"], dir);
    return run(["dist/main.cjs"], dir);
  }

  it("a module imported through webpack's resolve.alias gains its annotation (attack33 F02)", async () => {
    const lib = (annotated: boolean) =>
      `${annotated ? "// @smartasync\n" : ""}export async function load() {\n  return "lib async";\n}\n`;
    const dir = tree("webpack-alias", {
      "package.json": '{ "type": "module" }\n',
      "build.mjs": BUILD(`{ alias: { "@": here("src") } }`),
      "src/main.js": MAIN.replace('"dep"', '"@/lib.js"'),
      "src/lib.js": lib(false),
    });
    expect(await build(dir)).toBe("got a Promise\n");
    write(dir, { "src/lib.js": lib(true) });
    // Before: webpack restored main.js's plain call from its cache ("got a Promise"): lib.js, reached
    // through the alias, was not among main.js's file dependencies.
    expect(await build(dir)).toBe("lib async\n");
  }, 180_000);

  it("an installed package upgraded to a version with a manifest (attack28 F07)", async () => {
    const dir = tree("webpack-install", {
      "package.json": '{ "type": "module" }\n',
      "build.mjs": BUILD("{}"),
      "src/main.js": MAIN,
    });
    install(dir, DEP_V1);
    expect(await build(dir)).toBe("v1 plain\n");
    install(dir, depV2());
    // Before: webpack restored main.js's output from its cache: "got a Promise".
    expect(await build(dir)).toBe("v2 sync\n");
  }, 180_000);

  it("an edit of tsconfig.json `paths`, in the base it extends (attack28 F08)", async () => {
    const annotated = `import { readFile } from "node:fs/promises";\n// @smartasync\nexport async function load() {\n  return "b:" + (await readFile("data.txt", "utf8")).trim();\n}\n`;
    const dir = tree("webpack-tsconfig", {
      "package.json": '{ "type": "module" }\n',
      "build.mjs": BUILD(`{ tsconfig: here("tsconfig.json") }`),
      "tsconfig.json": '{ "extends": "./cfg/base.json" }\n',
      "cfg/base.json": '{ "compilerOptions": { "baseUrl": "../src", "paths": { "@lib/*": ["a/*"] } } }\n',
      "src/main.js": MAIN.replace('"dep"', '"@lib/lib.js"'),
      "src/a/lib.js": `export function load() {\n  return "a plain";\n}\n`,
      "src/b/lib.js": annotated,
      "data.txt": "data\n",
    });
    expect(await build(dir)).toBe("a plain\n");
    write(dir, {
      "cfg/base.json": '{ "compilerOptions": { "baseUrl": "../src", "paths": { "@lib/*": ["b/*"] } } }\n',
    });
    // Before: webpack bundled b/lib.js but restored main.js's plain call: "got a Promise".
    expect(await build(dir)).toBe("b:data\n");
  }, 180_000);

  it("a plain script of a package without type stays a sloppy CommonJS script (attack28 F13)", async () => {
    const dir = tree("webpack-script", {
      "package.json": '{ "name": "script-case" }\n',
      // .mjs: an ES module in a package without "type" too.
      "build.mjs": BUILD("{}"),
      "src/main.js": [
        "// @smartasync",
        "async function load(p) {",
        "  return p.toUpperCase();",
        "}",
        "function report() {",
        "  return load('x');",
        "}",
        "function isStrict() {",
        "  return this === undefined;",
        "}",
        "function withDefault(name) {",
        '  if (!name) arguments[0] = "anon";',
        "  return name;",
        "}",
        'console.log(report(), isStrict(), JSON.stringify(withDefault("")));',
        "",
      ].join("\n"),
    });
    // Before: the runtime's ES import made webpack read the file as an ES module (strict):
    // "X true \"\"". Node, and webpack without smartasync, run it sloppy.
    expect(await build(dir)).toBe('X false "anon"\n');
    // The Babel engine the same.
    write(dir, { "build.mjs": BUILD("{}").replace("smartasync()", 'smartasync({ engine: "babel" })') });
    rmSync(join(dir, ".wpcache"), { recursive: true, force: true });
    expect(await build(dir)).toBe('X false "anon"\n');
  }, 180_000);
});

describe("Vite's dev server: a module imported through resolve.alias gains its annotation (attack33 F02)", () => {
  it("the importer is compiled again", async () => {
    const lib = (annotated: boolean) =>
      `${annotated ? "// @smartasync\n" : ""}export async function load() {\n  return "lib async";\n}\n`;
    const dir = tree("vite-alias", {
      "package.json": '{ "type": "module" }\n',
      "src/main.js": `import { load } from "@/lib.js";\nexport function report() {\n  const v = load();\n  return typeof v === "string" ? v : "got a Promise";\n}\n`,
      "src/lib.js": lib(false),
    });
    const server = await createServer({
      root: dir,
      configFile: false,
      logLevel: "silent",
      appType: "custom",
      server: { middlewareMode: true, hmr: false },
      resolve: { alias: { "@": join(dir, "src") } },
      plugins: [vitePlugin()],
    });
    try {
      const report = async () =>
        ((await server.ssrLoadModule("/src/main.js")) as { report(): string }).report();
      expect(await report()).toBe("got a Promise");
      write(dir, { "src/lib.js": lib(true) });
      // The watcher reports the edit when it sees it: ask until main.js changes (at most 30 s).
      let now = await report();
      for (let i = 0; i < 120 && now !== "lib async"; i++) {
        await new Promise((r) => setTimeout(r, 250));
        now = await report();
      }
      // Before: main.js was never compiled again, its plain call kept: "got a Promise".
      expect(now).toBe("lib async");
    } finally {
      await server.close();
    }
  }, 120_000);
});
