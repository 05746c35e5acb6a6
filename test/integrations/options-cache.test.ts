/**
 * The bundler hosts that keep a module's output between builds — Rollup's cache
 * (`shouldTransformCachedModule`), webpack's memory cache (a module is kept until a file it
 * depends on changes), Vite's dev server (a module is kept until it is invalidated) — also see an
 * edit of the files that decide a module's options: its own `smartasync.config.json` or
 * package.json `"smartasync"` field, or a parent folder's (attack26 F02). Kept from the cache, the
 * module exported its variants under the old names while an importer transformed again called
 * the new ones. Each case: a module `lib/load.mjs` annotated, its importer `main.mjs`; built
 * once; the options edited and main.mjs edited; built again in the same session: what the
 * second build prints, and (Rollup) its output is the one a build without the cache gives.
 */
import { execFileSync } from "node:child_process";
import {
  appendFileSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { type RollupCache, rollup } from "rollup";
import { createServer } from "vite";
import { describe, expect, it } from "vitest";
import webpack from "webpack";
import rollupPlugin from "../../src/unplugin/rollup.js";
import vitePlugin from "../../src/unplugin/vite.js";
import webpackPlugin from "../../src/unplugin/webpack.js";

type Engine = "babel" | "swc";

const ROOT = join(import.meta.dirname, "..", "..");
// Inside the repository, so that `smartasync/runtime` resolves to it (package self-reference).
const TMP = join(ROOT, ".tmp", "options-cache-tests");

// No imports: a module whose stamp holds nothing but its options files (attack26 F02's repro).
const LIB = `// @smartasync\nexport async function load(x) {\n  return x * 10;\n}\n`;
const MAIN = `import { load } from "./lib/load.mjs";\nimport { isWorker } from "smartasync/runtime";\nexport function value() {\n  return String(load(2));\n}\nif (!isWorker) console.log("value:", value());\n`;

/** One spelling of an options edit: the files before, and the edit (paths under `src/`). */
interface Case {
  name: string;
  files: Record<string, string>;
  edit(src: string): void;
  /** The sync variant's name after the edit. */
  after: string;
}

const BLOCKING = `{ "syncSuffix": "Blocking" }\n`;
const CASES: Case[] = [
  {
    name: "its own smartasync.config.json deleted",
    files: { "lib/smartasync.config.json": BLOCKING },
    edit: (src) => rmSync(join(src, "lib/smartasync.config.json")),
    after: "loadSync",
  },
  {
    name: "a smartasync.config.json created beside it",
    files: {},
    edit: (src) => writeFileSync(join(src, "lib/smartasync.config.json"), BLOCKING),
    after: "loadBlocking",
  },
  {
    name: "a parent folder's smartasync.config.json edited",
    files: { "smartasync.config.json": BLOCKING },
    edit: (src) => writeFileSync(join(src, "smartasync.config.json"), `{ "syncSuffix": "Now" }\n`),
    after: "loadNow",
  },
  {
    name: `its package.json's "smartasync" field removed`,
    files: { "lib/package.json": `{ "smartasync": { "syncSuffix": "Blocking" } }\n` },
    edit: (src) => writeFileSync(join(src, "lib/package.json"), "{}\n"),
    after: "loadSync",
  },
];

function project(host: string, engine: Engine, c: Case): string {
  const dir = join(TMP, host, engine, c.name.replace(/\W+/g, "-"));
  rmSync(dir, { recursive: true, force: true });
  // Dated a minute back: webpack builds again a file written just before the build started (its
  // time cannot tell it from an edit), which would hide what the plugin's dependencies miss.
  const past = new Date(Date.now() - 60_000);
  for (const [file, text] of Object.entries({ "main.mjs": MAIN, "lib/load.mjs": LIB, ...c.files })) {
    const path = join(dir, "src", file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    utimesSync(path, past, past);
  }
  // A package of its own, smartasync installed in it as in a user's project: the runtime is a
  // package import, not a local module of the project (a self-reference of this repository would
  // be one, and Rollup's cached modules, whose output imports it, would always be transformed
  // again, hiding what the stamp misses).
  writeFileSync(join(dir, "package.json"), `{ "name": "options-cache-case", "private": true }\n`);
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(ROOT, join(dir, "node_modules", "smartasync"), "dir");
  return dir;
}

/** The options edit, and an edit of main.mjs (which is then transformed again, lib.mjs not). */
function edit(dir: string, c: Case): void {
  c.edit(join(dir, "src"));
  appendFileSync(join(dir, "src/main.mjs"), "// edited\n");
}

const run = (file: string): string =>
  execFileSync(process.execPath, [file], { encoding: "utf8", timeout: 60_000 });

async function rollupBuild(engine: Engine, dir: string, out: string, cache?: RollupCache) {
  const bundle = await rollup({
    input: join(dir, "src/main.mjs"),
    cache: cache ?? true,
    external: [/^node:/, /^smartasync/],
    plugins: [rollupPlugin({ engine })],
    onwarn() {},
  });
  await bundle.write({ dir: join(dir, out), format: "es" });
  await bundle.close();
  const code = readFileSync(join(dir, out, "main.js"), "utf8");
  return { cache: bundle.cache, code, stdout: run(join(dir, out, "main.js")) };
}

describe.each(["swc", "babel"] as const)("an options edit between two builds (%s engine)", (engine) => {
  it.each(CASES)(
    "Rollup's cache: $name",
    async (c) => {
      const dir = project("rollup", engine, c);
      const first = await rollupBuild(engine, dir, "out1");
      expect(first.stdout).toBe("value: 20\n");
      edit(dir, c);
      const second = await rollupBuild(engine, dir, "out2", first.cache);
      expect(second.stdout).toBe("value: 20\n");
      expect(second.code).toContain(`${c.after}(`);
      expect(second.code).toBe((await rollupBuild(engine, dir, "out3")).code);
    },
    120_000,
  );

  it.each(CASES)(
    "webpack's memory cache (one compiler run twice): $name",
    async (c) => {
      const dir = project("webpack", engine, c);
      const out = join(dir, "webpack");
      const compiler = webpack({
        mode: "none",
        target: "node",
        devtool: false,
        cache: { type: "memory" },
        context: dir,
        entry: "./src/main.mjs",
        output: { path: out, filename: "main.cjs" },
        plugins: [webpackPlugin({ engine })],
      });
      const build = () =>
        new Promise<string>((resolve, reject) =>
          compiler.run((err, stats) => {
            if (err) reject(err);
            else if (stats?.hasErrors()) reject(new Error(stats.toString("errors-only")));
            else resolve(readFileSync(join(out, "main.cjs"), "utf8"));
          }),
        );
      try {
        await build();
        expect(run(join(out, "main.cjs"))).toBe("value: 20\n");
        edit(dir, c);
        const second = await build();
        expect(run(join(out, "main.cjs"))).toBe("value: 20\n");
        expect(second).toContain(`${c.after})(2)`);
      } finally {
        await new Promise((r) => compiler.close(r));
      }
    },
    120_000,
  );

  it.each(CASES)(
    "Vite's dev server: $name",
    async (c) => {
      const dir = project("vite", engine, c);
      const server = await createServer({
        configFile: false,
        root: dir,
        plugins: [vitePlugin({ engine })],
        server: { middlewareMode: true, hmr: false, watch: {} },
        appType: "custom",
        logLevel: "silent",
      });
      const value = async (): Promise<string> => {
        const m = (await server.ssrLoadModule("/src/main.mjs")) as { value(): string };
        return m.value();
      };
      try {
        expect(await value()).toBe("20");
        edit(dir, c);
        // The file watcher reports the edits when it does: both modules are asked for again until
        // main's edit and lib's new variant name are seen, at most 60 s (lib kept from before the
        // edit never gets there).
        const code = async (url: string) => (await server.environments.ssr.transformRequest(url))?.code ?? "";
        const seen = async () =>
          (await code("/src/main.mjs")).includes("// edited") &&
          (await code("/src/lib/load.mjs")).includes(`function ${c.after}(`);
        for (let i = 0; i < 120 && !(await seen()); i++) await new Promise((r) => setTimeout(r, 500));
        expect(await code("/src/lib/load.mjs")).toContain(`function ${c.after}(`);
        expect(await code("/src/main.mjs")).toContain(`.${c.after})(2)`);
        expect(await value()).toBe("20");
      } finally {
        await server.close();
      }
    },
    120_000,
  );
});
