/**
 * The nesting limit in every host (SECURITY.md, "Input that would crash SWC"; src/compile/limits.ts):
 * `@swc/core` ends the whole process on brackets nested a few thousand deep, so every host
 * refuses a file nested past 500 bracket levels (or an equally deep bracket-free chain) with a located SA901 before a compiler sees it. Here
 * 3,000 nested parentheses through real Rollup, Vite, webpack and esbuild (both engines, and
 * through the budget's worker), and real Jest with smartasync/jest: the build or the test run
 * fails with the located SA901, and the process ends by itself, not by a signal.
 * (`smartasync/register` and a Vite build in this process: test/integrations/limits.test.ts;
 * the CLI and smartasync/swc: test/security/swc-depth.test.ts.)
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, tree } from "../cli/helpers.js";
import { build, said, TOOLS } from "./bundlers.js";

/** An annotated function and, three lines down, 3,000 nested parentheses. */
const BOMB = `// @smartasync\nexport async function f() {\n  return 1;\n}\nexport const x = ${"(".repeat(3000)}1${")".repeat(3000)};\n`;

describe("a file nested 3,000 deep", () => {
  const dir = tree("security-bundler-depth", {
    "package.json": '{ "type": "module" }\n',
    "bomb.js": BOMB,
    "main.js": 'import { f, x } from "./bomb.js";\nconsole.log(await f(), x);\n',
  });
  const located = `SA901: brackets are nested deeper than 500 levels at ${join(dir, "bomb.js")}:5:518;`;

  for (const tool of TOOLS) {
    for (const [engine, fileTimeout] of [
      ["swc", 0],
      ["babel", 0],
      ["swc", 30_000],
    ] as const) {
      it(`${tool}, ${engine} engine${fileTimeout ? ", in the budget's worker" : ""}: a located SA901`, () => {
        const r = build(tool, dir, "main.js", { engine, fileTimeout });
        expect(r.signal, r.stderr).toBeNull();
        expect(r.status, r.stderr).toBe(0);
        const errors = r.errors.map(said).join("\n");
        expect(errors).toContain(located);
        if (tool === "rollup" || tool === "vite") expect(r.errors[0]!.pluginCode).toBe("SA901");
      });
    }
  }

  it("smartasync/jest: the test file fails with the located SA901; Jest ends by itself", () => {
    const project = tree("security-jest-depth", {
      "package.json": '{ "name": "depth", "type": "module" }\n',
      "jest.config.js":
        'export default { transform: { "\\\\.[cm]?[jt]sx?$": "smartasync/jest" }, testMatch: ["**/*.test.js"] };\n',
      "bomb.js": BOMB,
      "bomb.test.js": 'import { x } from "./bomb.js";\ntest("x", () => expect(x).toBe(1));\n',
    });
    mkdirSync(join(project, "node_modules"), { recursive: true });
    symlinkSync(ROOT, join(project, "node_modules/smartasync"), "dir");
    const jest = createRequire(import.meta.url).resolve("jest/bin/jest");
    const env: NodeJS.ProcessEnv = { ...process.env, SMARTASYNC_CACHE_DIR: join(project, ".cache") };
    delete env.NODE_OPTIONS;
    const r = spawnSync(process.execPath, [jest, "--ci", "--cacheDirectory", join(project, ".jest")], {
      cwd: project,
      encoding: "utf8",
      timeout: 120_000,
      env,
    });
    const out = `${r.stdout}${r.stderr}`;
    expect(r.signal, out).toBeNull();
    expect(r.status, out).toBe(1);
    expect(out).toContain(
      `SA901: brackets are nested deeper than 500 levels at ${join(project, "bomb.js")}:5:518;`,
    );
  });
});
