import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import * as babel8 from "@babel/core";
import commonjs8 from "@babel/plugin-transform-modules-commonjs";
import { describe, expect, it } from "vitest";
import smartasync from "../src/babel-plugin/index.js";
import { ROOT } from "./harness.js";

const require = createRequire(import.meta.url);
const babel7 = require("babel7-core") as typeof babel8;

const base = {
  babelrc: false,
  configFile: false,
  highlightCode: false,
  filename: join(ROOT, "src/app.js"),
  cwd: ROOT,
};

describe("smartasync/babel", () => {
  it("validates options before any file (SA104, did you mean)", () => {
    for (const babel of [babel8, babel7]) {
      expect(() =>
        babel.transformSync("x", { ...base, plugins: [[smartasync, { syncSufix: "S" }]] }),
      ).toThrow(/SA104: unknown option `syncSufix`; did you mean `syncSuffix`\?/);
    }
  });

  it("puts the report at result.metadata.smartasync, paths relative to the root", () => {
    const r = babel8.transformSync(
      "// @smartasync\nexport async function f() { return 1 }\nexport const v = () => f() * 1;\n",
      {
        ...base,
        plugins: [smartasync],
      },
    );
    const report = (
      r!.metadata as unknown as {
        smartasync: { file: string; functions: unknown[]; calls: { strategy: string }[] };
      }
    ).smartasync;
    expect(report.file).toBe("src/app.js");
    expect(report.functions).toHaveLength(1);
    expect(report.calls.map((c) => c.strategy)).toEqual(["sync-inline"]);
  });

  it("uses __filename when Babel's CommonJS transform runs after it", () => {
    const src = "// @smartasync\nexport async function f() { return await fetch('x') }\n";
    const esm = babel8.transformSync(src, { ...base, plugins: [smartasync] })!.code!;
    expect(esm).toContain("import.meta.url");
    const cjs = babel8.transformSync(src, { ...base, plugins: [smartasync, commonjs8] })!.code!;
    expect(cjs).toContain("__filename");
    expect(cjs).not.toContain("import.meta");
    expect(cjs).toContain('require("smartasync/runtime")');
  });

  // Node runs UMD output as CommonJS, and Babel's UMD transform keeps `import.meta.url` as its
  // CommonJS one does: the module could not load (attack31 F07). Runs where
  // @babel/plugin-transform-modules-umd (Babel 8) is installed as a dev dependency.
  const umd = (() => {
    try {
      return require(require.resolve("@babel/plugin-transform-modules-umd", { paths: [ROOT] }));
    } catch {
      return undefined;
    }
  })();
  it.skipIf(umd === undefined)(
    "uses __filename when Babel's UMD transform runs after it, and the output runs",
    () => {
      // A timer's promise: the sync caller's variant runs in a worker, which loads this module by its URL.
      const src = `// @smartasync\nexport async function later(x) {\n  await new Promise((r) => setTimeout(r, 1));\n  return x * 2;\n}\nexport function cli() {\n  const v = later(21);\n  console.log(v);\n}\n`;
      const out = babel8.transformSync(src, { ...base, plugins: [smartasync, umd.default ?? umd] })!.code!;
      expect(out).toContain("__filename");
      expect(out).not.toContain("import.meta");
      // Under the package root: `smartasync/runtime` resolves to this checkout (self-reference).
      const dir = join(ROOT, ".tmp", "babel-plugin-umd");
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      try {
        writeFileSync(join(dir, "lib.cjs"), out);
        const run = spawnSync(process.execPath, ["-e", 'require("./lib.cjs").cli()'], {
          cwd: dir,
          encoding: "utf8",
        });
        expect(run.stderr).toBe("");
        expect(run.stdout).toBe("42\n");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it("leaves files without annotations byte-identical to Babel without the plugin", () => {
    // Real-world sources from installed packages (not generated code), JS and TS declarations.
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(m?js)$/.test(e.name) && statSync(p).size < 200_000) files.push(p);
      }
    };
    for (const pkg of ["@babel/traverse/lib", "@babel/generator/lib", "piscina/dist", "synckit/lib"]) {
      walk(join(ROOT, "node_modules", pkg));
    }
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const code = readFileSync(file, "utf8");
      const opts = { ...base, filename: file, sourceType: "unambiguous" as const };
      const plain = babel8.transformSync(code, opts)!.code;
      const withPlugin = babel8.transformSync(code, { ...opts, plugins: [smartasync] })!.code;
      expect(withPlugin, file).toBe(plain);
    }
  });
});
