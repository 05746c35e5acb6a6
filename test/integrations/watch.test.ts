/**
 * Rollup's and webpack's watch modes with the plugin: a file's output depends on facts of modules
 * it reaches through others (a barrel's `export … from`, `export *`, a plain helper of a third
 * module that starts async work), not only on the modules it imports directly. Each case: a chain
 * main → b → c, a watch session built once, an edit of `c` only (main and b unchanged), and the
 * rebuilt output checked: main's rewrite changed, and (Rollup) the output is the one a fresh run
 * builds from the edited tree. The module graph lives for the session, so this also checks that
 * what it keeps of `c` (facts, parses) is dropped when `c` changes.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type RollupWatcher, type RollupWatcherEvent, rollup, watch } from "rollup";
import { describe, expect, it } from "vitest";
import webpack from "webpack";
import rollupPlugin from "../../src/unplugin/rollup.js";
import webpackPlugin from "../../src/unplugin/webpack.js";

type Engine = "babel" | "swc";

const ROOT = join(import.meta.dirname, "..", "..");
// Inside the repository, so that `smartasync/runtime` resolves to it (package self-reference).
const TMP = join(ROOT, ".tmp", "watch-tests");

const EXTERNAL = [/^node:/, /^smartasync/];

function project(engine: Engine, name: string, files: Record<string, string>): string {
  const dir = join(TMP, engine, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "src"), { recursive: true });
  // Dated a minute back: webpack builds again a file written just before the build started (its
  // time cannot tell it from an edit), which would hide what the plugin's watch list misses.
  const past = new Date(Date.now() - 60_000);
  for (const [file, text] of Object.entries(files)) {
    writeFileSync(join(dir, "src", file), text);
    utimesSync(join(dir, "src", file), past, past);
  }
  return dir;
}

/** The next event of the watcher that ends a build (`END` or `ERROR`), bundles closed. */
function nextBuild(watcher: RollupWatcher, started?: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const on = (e: RollupWatcherEvent): void => {
      if (e.code === "START") started?.();
      if (e.code === "BUNDLE_END") void e.result.close();
      if (e.code === "ERROR") {
        void e.result?.close();
        watcher.off("event", on);
        reject(e.error);
      }
      if (e.code === "END") {
        watcher.off("event", on);
        resolve();
      }
    };
    watcher.on("event", on);
  });
}

/**
 * Writes `text` to `file` and waits for the rebuild it causes. The file watcher may not be ready
 * when the first build ends (its scan is asynchronous), so the same text is written again every
 * half second until a build starts (writing it again changes nothing else); at most 60 s.
 */
async function editAndRebuild(watcher: RollupWatcher, file: string, text: string): Promise<void> {
  let started = false;
  const done = nextBuild(watcher, () => {
    started = true;
  });
  for (let i = 0; i < 120 && !started; i++) {
    writeFileSync(file, text);
    await Promise.race([done, new Promise((r) => setTimeout(r, 500))]);
  }
  if (!started) throw new Error(`no rebuild after editing ${file}`);
  await done;
}

async function freshBuild(engine: Engine, dir: string, out: string): Promise<string> {
  const bundle = await rollup({
    input: join(dir, "src/main.mjs"),
    cache: false,
    external: EXTERNAL,
    plugins: [rollupPlugin({ engine })],
    onwarn() {},
  });
  await bundle.write({ dir: join(dir, out), format: "es" });
  await bundle.close();
  return readFileSync(join(dir, out, "main.js"), "utf8");
}

/** A watch session: the first build's main.js, then main.js after `c` is edited. */
async function watched(engine: Engine, dir: string, edit: string): Promise<[string, string]> {
  const watcher = watch({
    input: join(dir, "src/main.mjs"),
    external: EXTERNAL,
    plugins: [rollupPlugin({ engine })],
    onwarn() {},
    output: { dir: join(dir, "watched"), format: "es" },
    watch: { clearScreen: false, exclude: [join(dir, "watched/**"), join(dir, "fresh/**")] },
  });
  try {
    await nextBuild(watcher);
    const first = readFileSync(join(dir, "watched/main.js"), "utf8");
    await editAndRebuild(watcher, join(dir, "src/c.mjs"), edit);
    return [first, readFileSync(join(dir, "watched/main.js"), "utf8")];
  } finally {
    await watcher.close();
  }
}

/**
 * webpack's watch mode: webpack builds a module again only when a file of its dependencies
 * changed, and those are the files the plugin watches (`addWatchFile`): it has no other hook
 * that asks. `main.cjs` after the first build (run then: the rebuild writes over it), after the
 * edit of `c`.
 */
async function webpackWatched(engine: Engine, dir: string, edit: string): Promise<[string, string]> {
  const out = join(dir, "webpack");
  const compiler = webpack({
    mode: "none",
    target: "node",
    devtool: false,
    // Development mode's default (mode "none" has none: every module built again each time).
    cache: { type: "memory" },
    context: dir,
    entry: "./src/main.mjs",
    output: { path: out, filename: "main.cjs" },
    plugins: [webpackPlugin({ engine })],
  });
  let started = false;
  compiler.hooks.watchRun.tap("test", () => {
    started = true;
  });
  let builds = 0;
  let failure: Error | undefined;
  let wake = (): void => {};
  const watching = compiler.watch({ aggregateTimeout: 50 }, (err, stats) => {
    if (err) failure = err;
    else if (stats?.hasErrors()) failure = new Error(stats.toString("errors-only"));
    builds++;
    wake();
  });
  const built = (n: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (failure) reject(failure);
        else if (builds >= n) resolve();
        else wake = check;
      };
      check();
    });
  try {
    await built(1);
    const first = `${readFileSync(join(out, "main.cjs"), "utf8")}\0${run(join(out, "main.cjs"))}`;
    started = false;
    // As editAndRebuild: written again until a build starts, at most 60 s.
    for (let i = 0; i < 120 && !started; i++) {
      writeFileSync(join(dir, "src/c.mjs"), edit);
      await Promise.race([built(2), new Promise((r) => setTimeout(r, 500))]);
    }
    if (!started) throw new Error("no rebuild after editing c.mjs");
    await built(2);
    return [first, readFileSync(join(out, "main.cjs"), "utf8")];
  } finally {
    await new Promise((r) => watching?.close(r) ?? r(undefined));
    await new Promise((r) => compiler.close(r));
  }
}

const run = (file: string): string =>
  execFileSync(process.execPath, [file], { encoding: "utf8", timeout: 60_000 });

const load = (annotated: boolean) =>
  `import { setTimeout as sleep } from "node:timers/promises";\n${annotated ? "// @smartasync" : "// (not annotated)"}\nexport async function load(x) {\n  await sleep(1);\n  return x * 10;\n}\n`;
const CALLS_LOAD = `import { load } from "./b.mjs";\nimport { isWorker } from "smartasync/runtime";\nif (!isWorker) console.log("value:", String(load(2)));\n`;

// main's inline copy calls b's `relay` before an await it drops; `relay` calls c's `later`,
// which starts async work or not: main's function needs the worker variant exactly when it does.
const RELAY_MAIN = `import { readFile } from "node:fs/promises";\nimport { relay } from "./b.mjs";\nconst here = new URL(import.meta.url);\n\n// @smartasync\nexport async function viaChain(m) {\n  relay(m);\n  await readFile(here);\n  return m;\n}\n\nexport function run() {\n  return viaChain("x");\n}\n`;
const RELAY_B = `import { later } from "./c.mjs";\nexport const seen = [];\nexport function relay(m) {\n  later(m, seen);\n}\n`;
const later = (starts: boolean) =>
  starts
    ? `export function later(m, into) {\n  Promise.resolve(m).then((v) => into.push(v));\n}\n`
    : `export function later(m, into) {\n  into.push(m);\n}\n`;

describe.each(["swc", "babel"] as const)(
  "Rollup's watch mode (%s engine): an edit two modules away",
  (engine) => {
    it.each([
      ["a barrel's export … from", `export { load } from "./c.mjs";\n`],
      ["a barrel's export *", `export * from "./c.mjs";\n`],
    ])(
      "%s: the module behind it loses // @smartasync",
      async (name, barrel) => {
        const dir = project(engine, name.replace(/\W+/g, "-"), {
          "main.mjs": CALLS_LOAD,
          "b.mjs": barrel,
          "c.mjs": load(true),
        });
        const [first, second] = await watched(engine, dir, load(false));
        expect(run(join(dir, "watched/main.js"))).toBe("value: [object Promise]\n");
        // main's call was rewritten to the sync variant, and is no longer.
        expect(first).toContain("loadSync(2)");
        expect(second).not.toContain("loadSync");
        expect(second).toBe(await freshBuild(engine, dir, "fresh"));
      },
      120_000,
    );

    it("a helper a plain helper calls starts async work after the edit: the worker variant", async () => {
      const dir = project(engine, "starts", {
        "main.mjs": RELAY_MAIN,
        "b.mjs": RELAY_B,
        "c.mjs": later(false),
      });
      const [first, second] = await watched(engine, dir, later(true));
      // The worker variant: main's function registered for smartasync's workers, its sync variant
      // running it there; before, the inline copy.
      const onWorker = /runSync\(import\.meta\.url, "viaChain"/;
      expect(first).not.toMatch(onWorker);
      expect(second).toMatch(onWorker);
      expect(second).toBe(await freshBuild(engine, dir, "fresh"));
    }, 120_000);
  },
);

describe.each(["swc", "babel"] as const)(
  "webpack's watch mode (%s engine): an edit two modules away",
  (engine) => {
    it("a barrel's export … from: the module behind it loses // @smartasync", async () => {
      const dir = project(engine, "webpack-barrel", {
        "main.mjs": CALLS_LOAD,
        "b.mjs": `export { load } from "./c.mjs";\n`,
        "c.mjs": load(true),
      });
      const [first, second] = await webpackWatched(engine, dir, load(false));
      expect(first.split("\0")[1]).toBe("value: 20\n");
      expect(first).toContain("loadSync)(2)");
      // main was built again: its call is the plain one now, and so is what it prints.
      expect(second).not.toContain("loadSync");
      expect(run(join(dir, "webpack/main.cjs"))).toBe("value: [object Promise]\n");
    }, 120_000);
  },
);
