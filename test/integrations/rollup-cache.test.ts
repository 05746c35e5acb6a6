/**
 * Rollup's incremental builds (`rollup({ cache: previous.cache })`) keep a module whose own code
 * did not change. A smartasync module's output also depends on the modules it reaches and their
 * folders' options, so the plugin's `shouldTransformCachedModule` transforms such a module again
 * when what it read changed (attack 16, F13). Each case: two builds in this process with the
 * cache, an edit between them, the second bundle run with plain `node` and compared with a
 * build without the cache.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Plugin, type RollupCache, rollup } from "rollup";
import { describe, expect, it } from "vitest";
import rollupPlugin from "../../src/unplugin/rollup.js";

type Engine = "babel" | "swc";

const ROOT = join(import.meta.dirname, "..", "..");
// Inside the repository, like the other integration tests' trees.
const TMP = join(ROOT, ".tmp", "rollup-cache-tests");

const lib = (annotated: boolean) =>
  `import { setTimeout as sleep } from "node:timers/promises";\n${annotated ? "// @smartasync" : "// (not annotated)"}\nexport async function load(x) {\n  await sleep(1);\n  return x * 10;\n}\n`;
const MAIN = `import { load } from "./lib/load.mjs";\nimport { isWorker } from "smartasync/runtime";\nif (!isWorker) console.log("value:", String(load(2)));\n`;

/** A plugin resolving `@/x` to `src/x` of `dir`, as @rollup/plugin-alias would. */
const atAlias = (dir: string): Plugin => ({
  name: "at-alias",
  resolveId: (s: string) => (s.startsWith("@/") ? join(dir, "src", s.slice(2)) : null),
});

async function build(
  engine: Engine,
  dir: string,
  out: string,
  cache?: RollupCache,
): Promise<{ cache?: RollupCache; stdout: string }> {
  const bundle = await rollup({
    input: join(dir, "src/main.mjs"),
    cache: cache ?? true,
    external: [/^node:/, /^smartasync/],
    plugins: [rollupPlugin({ engine }), atAlias(dir)],
    onwarn() {},
  });
  await bundle.write({ dir: join(dir, out), format: "es" });
  await bundle.close();
  const stdout = execFileSync(process.execPath, [join(dir, out, "main.js")], {
    encoding: "utf8",
    timeout: 60_000,
  });
  return { cache: bundle.cache, stdout };
}

function project(engine: Engine, name: string, annotated: boolean, suffix: string): string {
  const dir = join(TMP, engine, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "src/lib"), { recursive: true });
  writeFileSync(join(dir, "src/main.mjs"), MAIN);
  writeFileSync(join(dir, "src/lib/load.mjs"), lib(annotated));
  writeFileSync(join(dir, "src/lib/package.json"), JSON.stringify({ smartasync: { syncSuffix: suffix } }));
  // A package of its own, smartasync installed in it as in a user's project: a self-reference of
  // this repository would make the runtime a local module that every transformed output imports,
  // and Rollup's cached modules would always be transformed again, whatever the stamp says.
  writeFileSync(join(dir, "package.json"), `{ "name": "rollup-cache-case", "private": true }\n`);
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(ROOT, join(dir, "node_modules", "smartasync"), "dir");
  return dir;
}

describe.each(["swc", "babel"] as const)(
  "Rollup's cache (%s engine): a module is transformed again when what it read changed",
  (engine) => {
    it("an imported module gains // @smartasync", async () => {
      const dir = project(engine, "gains", false, "Sync");
      const first = await build(engine, dir, "out1");
      expect(first.stdout).toBe("value: [object Promise]\n");
      writeFileSync(join(dir, "src/lib/load.mjs"), lib(true));
      const second = await build(engine, dir, "out2", first.cache);
      expect(second.stdout).toBe("value: 20\n");
      expect(second.stdout).toBe((await build(engine, dir, "out3")).stdout);
    }, 120_000);

    it("the imported module's folder options change (syncSuffix)", async () => {
      const dir = project(engine, "options", true, "Sync");
      const first = await build(engine, dir, "out1");
      expect(first.stdout).toBe("value: 20\n");
      writeFileSync(
        join(dir, "src/lib/package.json"),
        JSON.stringify({ smartasync: { syncSuffix: "Blocking" } }),
      );
      const second = await build(engine, dir, "out2", first.cache);
      expect(second.stdout).toBe("value: 20\n");
    }, 120_000);

    it("a module imported through an alias gains // @smartasync (attack33 F02)", async () => {
      // The alias given to smartasync in package.json ("resolve.alias"), to Rollup by a plugin.
      const dir = project(engine, "alias", false, "Sync");
      writeFileSync(
        join(dir, "package.json"),
        JSON.stringify({
          name: "rollup-cache-case",
          private: true,
          smartasync: { resolve: { alias: { "@": "./src" } } },
        }),
      );
      writeFileSync(join(dir, "src/main.mjs"), MAIN.replace("./lib/load.mjs", "@/lib/load.mjs"));
      const first = await build(engine, dir, "out1");
      expect(first.stdout).toBe("value: [object Promise]\n");
      writeFileSync(join(dir, "src/lib/load.mjs"), lib(true));
      const second = await build(engine, dir, "out2", first.cache);
      expect(second.stdout).toBe("value: 20\n");
    }, 120_000);

    it("a module two imports away loses its annotation", async () => {
      const dir = project(engine, "deeper", true, "Sync");
      writeFileSync(join(dir, "src/lib/load.mjs"), `export { load } from "./impl.mjs";\n`);
      writeFileSync(join(dir, "src/lib/impl.mjs"), lib(true));
      const first = await build(engine, dir, "out1");
      expect(first.stdout).toBe("value: 20\n");
      writeFileSync(join(dir, "src/lib/impl.mjs"), lib(false));
      const second = await build(engine, dir, "out2", first.cache);
      expect(second.stdout).toBe("value: [object Promise]\n");
    }, 120_000);
  },
);
