/**
 * The per-file limits of the compile service (src/compile/limits.ts) in every host: a file
 * nested deeper than `@swc/core` survives is a located SA901 under smartasync/register and the
 * bundler plugins (both engines) too, never a crash of the process. Real Node processes and a
 * real Vite build.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { build as viteBuild } from "vite";
import { describe, expect, it } from "vitest";
import vitePlugin from "../../src/unplugin/vite.js";
import { ROOT, tree } from "../cli/helpers.js";

/** An annotated function and, three lines down, 3,000 nested parentheses (SWC ends the process at such depth). */
const BOMB = `// @smartasync\nexport async function f() {\n  return 1;\n}\nexport const x = ${"(".repeat(3000)}1${")".repeat(3000)};\n`;
const MAIN = `import { f, x } from "./bomb.js";\nconsole.log(await f(), x);\n`;

function project(name: string, files: Record<string, string>): string {
  const dir = tree(`limits/${name}`, {
    "package.json": '{ "name": "limits", "type": "module" }\n',
    ...files,
  });
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(ROOT, join(dir, "node_modules/smartasync"), "dir");
  return dir;
}

describe("a file nested past the limit", () => {
  for (const ext of ["js", "ts"]) {
    it(`register (.${ext}): a located SA901, the process ends with an error, not a signal`, () => {
      const dir = project(`register-${ext}`, {
        [`src/bomb.${ext}`]: BOMB,
        [`src/main.${ext}`]: MAIN,
      });
      const r = spawnSync(
        process.execPath,
        ["--import", join(ROOT, "dist/register/index.js"), `src/main.${ext}`],
        {
          cwd: dir,
          encoding: "utf8",
          timeout: 60_000,
          env: { ...process.env, SMARTASYNC_CACHE_DIR: join(dir, ".cache") },
        },
      );
      expect(r.signal).toBeNull();
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain(
        `SA901: brackets are nested deeper than 500 levels at ${join(dir, `src/bomb.${ext}`)}:5:518;`,
      );
    });
  }

  it('register (.ts with no annotation, in a package without "type"): the limits come before SWC reads the code for its format', () => {
    // Node reads such a file's format from its code, and register asks SWC to strip its types
    // for that first: before the limits, 3,000 parentheses ended the process (SIGSEGV).
    const dir = project("register-format", {
      "package.json": '{ "name": "limits-format" }\n',
      "src/deep.ts": `export const x: number = ${"(".repeat(3000)}1${")".repeat(3000)};\n`,
      "src/main.ts": 'import { x } from "./deep.ts";\nconsole.log(x);\n',
    });
    const r = spawnSync(process.execPath, ["--import", join(ROOT, "dist/register/index.js"), "src/main.ts"], {
      cwd: dir,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, SMARTASYNC_CACHE_DIR: join(dir, ".cache") },
    });
    expect(r.signal).toBeNull();
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(
      `SA901: brackets are nested deeper than 500 levels at ${join(dir, "src/deep.ts")}:1:526;`,
    );
  });

  for (const engine of ["swc", "babel"] as const) {
    it(`the Vite plugin (${engine} engine): the build fails with the located SA901`, async () => {
      const dir = project(`vite-${engine}`, { "src/bomb.js": BOMB, "src/main.js": MAIN });
      const e = (await viteBuild({
        root: dir,
        configFile: false,
        logLevel: "silent",
        plugins: [vitePlugin({ engine })],
        build: { ssr: "src/main.js", outDir: "out" },
      }).catch((x: unknown) => x)) as Error & { code?: string };
      expect(e).toBeInstanceOf(Error);
      expect(e.message).toContain(
        `SA901: brackets are nested deeper than 500 levels at ${join(dir, "src/bomb.js")}:5:518;`,
      );
    });
  }

  it("an imported module past the limit is SA204 at the import, under both engines alike", async () => {
    const dir = project("vite-import", {
      "src/bomb.js": `// @smartasync\nexport async function f() {\n  return ${"[".repeat(3000)}1${"]".repeat(3000)};\n}\n`,
      "src/main.js": `import { f } from "./bomb.js";\n// @smartasync\nexport async function g() {\n  return f();\n}\n`,
    });
    const warnings: Record<string, string[]> = {};
    for (const engine of ["swc", "babel"] as const) {
      const reports: { diagnostics: { code: string; message: string }[]; file: string }[] = [];
      await viteBuild({
        root: dir,
        configFile: false,
        logLevel: "silent",
        // Only main.js is compiled (and bundled: Rolldown's own parser does not survive bomb.js
        // either): the limit applies to the imported module the analysis reads.
        plugins: [vitePlugin({ engine, include: /main\.js$/, onReport: (r) => reports.push(r) })],
        build: { ssr: "src/main.js", outDir: `out-${engine}`, rollupOptions: { external: [/bomb\.js$/] } },
      });
      warnings[engine] = reports.flatMap((r) => r.diagnostics.map((d) => `${d.code}: ${d.message}`));
    }
    expect(warnings.swc).toEqual([
      expect.stringMatching(
        /^SA204: `f\(\)` \(line 4\) is called through the imported module "\.\/bomb\.js", which cannot be parsed/,
      ),
    ]);
    expect(warnings.babel).toEqual(warnings.swc);
  });
});
