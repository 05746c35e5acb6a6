/**
 * The build-tool plugins' per-file budget (`fileTimeout`; SECURITY.md, "How long one file may
 * take"): with a budget, each file compiles in a worker of smartasync's own pool (the CLI's,
 * src/compile/budget.ts); a file whose compile runs away — here a Babel plugin of the build's own
 * that never returns on one file, as a pathological input would — fails the build with a located
 * `timeout-error` once its budget is spent, its worker terminated: the tool's process ends by
 * itself (the driver is a process of its own, so a worker left running would keep it alive
 * until the spawn's limit). Real Rollup, Vite, webpack and esbuild, the built plugin (dist/).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolvePluginOptions } from "../../src/unplugin/options.js";
import { tree } from "../cli/helpers.js";
import { build, said, TOOLS } from "./bundlers.js";

const HANG_PLUGIN = `module.exports = () => ({
  visitor: {
    Program(_path, state) {
      // Runs away on one file only: a compile that never ends, as a hostile input would.
      if (state.filename.endsWith("hang.js")) for (;;) {}
    },
  },
});
`;

const FILES: Record<string, string> = {
  "package.json": '{ "type": "module" }\n',
  "hang-plugin.cjs": HANG_PLUGIN,
  "a.js": "// @smartasync\nexport async function load() {\n  return 1;\n}\n",
  // Something to do for smartasync (a call of an annotated function), so the file is compiled.
  "hang.js": 'import { load } from "./a.js";\nexport const never = () => load();\n',
  "main.js":
    'import { load } from "./a.js";\nimport { never } from "./hang.js";\nexport function run() {\n  return load() + never;\n}\n',
  "good.js": 'import { load } from "./a.js";\nexport function run() {\n  return load();\n}\n',
};

describe("the plugins' fileTimeout", () => {
  const dir = tree("security-bundler-budget", FILES);
  const babel = { engine: "babel", babel: { plugins: ["./hang-plugin.cjs"] } };

  for (const tool of TOOLS) {
    it(`${tool}: a runaway file fails the build, located, in bounded time; the process exits`, () => {
      const r = build(tool, dir, "main.js", { ...babel, fileTimeout: 1500 });
      expect(r.signal, r.stderr).toBeNull();
      expect(r.status, r.stderr).toBe(0);
      expect(r.errors).toHaveLength(1);
      const e = r.errors[0]!;
      // The file is named in the message (webpack, esbuild; Rollup prints its relative path) or,
      // for Vite, which prints the message under the module's id, in the id.
      expect(`${said(e)}\n${e.id ?? ""}`).toMatch(/hang\.js/);
      expect(said(e)).toContain(
        "took longer than 1.5 s to compile (the per-file budget): stopped, its worker terminated. Split the file, exclude it, or raise the plugin's `fileTimeout`",
      );
      if (tool === "rollup" || tool === "vite") expect(e.pluginCode).toBe("timeout-error");
      // Bounded: the budget, plus the tool's own work; far from the spawn's 60 s.
      expect(r.ms).toBeGreaterThanOrEqual(1500);
      expect(r.wall).toBeLessThan(30_000);
    });
  }

  it("a file within its budget compiles in the worker as in the tool's thread", () => {
    const out: Record<string, string> = {};
    for (const fileTimeout of [0, 60_000]) {
      const r = build("rollup", dir, "good.js", { fileTimeout, reportFile: `report-${fileTimeout}.json` });
      expect(r.errors).toEqual([]);
      out[fileTimeout] = readFileSync(join(dir, "dist-rollup", "good.js"), "utf8");
      expect(out[fileTimeout]).toContain("loadSync()");
    }
    expect(out[60_000]).toBe(out[0]);
    expect(readFileSync(join(dir, "report-60000.json"), "utf8")).toBe(
      readFileSync(join(dir, "report-0.json"), "utf8"),
    );
  });

  it("is checked with the other options: milliseconds >= 0, finite; a misspelling has a did-you-mean", () => {
    expect(resolvePluginOptions({}).fileTimeout).toBe(0);
    expect(resolvePluginOptions({ fileTimeout: 5000 }).fileTimeout).toBe(5000);
    for (const bad of [-1, Number.POSITIVE_INFINITY, Number.NaN, "60s"])
      expect(() => resolvePluginOptions({ fileTimeout: bad })).toThrow(
        /`fileTimeout` must be a number of milliseconds >= 0 \(0: no budget\)/,
      );
    expect(() => resolvePluginOptions({ fileTimout: 5000 })).toThrow(/did you mean `?fileTimeout/);
  });
});
