/**
 * The package's declarations as a TypeScript project that installs it sees them: every public
 * entry point imported and used from a consumer with `strict` and `skipLibCheck: false`, under
 * `moduleResolution` `node16`, `nodenext` and `bundler`, once with Babel 8 (its own types) and
 * once with Babel 7 (`@types/babel__core`). The consumer lives outside the repository, its
 * node_modules holding a copy of smartasync's tarball files and only the Babel it is testing, so
 * nothing resolves to this repository's own installs by accident.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "./harness.js";

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const modules = join(ROOT, "node_modules");

const MAIN = `import { transformSync as babelTransform } from "@babel/core";
import smartasync, { createManifest, type Options as BabelOptions, type Report } from "smartasync/babel";
import esbuildPlugin from "smartasync/esbuild";
import jestTransformer from "smartasync/jest";
import { install, installed } from "smartasync/register";
import rollupPlugin from "smartasync/rollup";
import { configure, isWorker, offload, runSync, smartasync as typed } from "smartasync/runtime";
import { type Options as SwcOptions, type Output, transformSync } from "smartasync/swc";
import vitePlugin from "smartasync/vite";
import webpackPlugin from "smartasync/webpack";

// A Babel config written in TypeScript: the plugin and a partial options object.
const options: BabelOptions = { syncSuffix: "Sync" };
const result = babelTransform("export {}", { filename: "a.js", plugins: [[smartasync, options]] });
const report = (result?.metadata as { smartasync?: Report } | undefined)?.smartasync;
const swcOptions: SwcOptions = { smartasync: { syncSuffix: "Sync" } };
const out: Output = transformSync("export {}", swcOptions);
const add = typed(async (n: number) => n + 1);
const sum: number = add.sync(1);

export const used = [
  report?.calls.length,
  out.smartasync.functions,
  createManifest,
  esbuildPlugin(),
  jestTransformer,
  install,
  installed(),
  rollupPlugin({ engine: "babel" }),
  configure,
  isWorker,
  offload,
  runSync,
  sum,
  vitePlugin(),
  webpackPlugin(),
];
`;

/**
 * Errors in other packages' declarations that no smartasync change can fix: unplugin's types
 * import every bundler it supports (Farm, Rsbuild, Rspack, Bun, unloader), and Babel 8's import
 * `convert-source-map`, which has no types. Anything else fails the test.
 */
const THEIRS = [
  /(^|\/)node_modules\/unplugin\/dist\/index\.d\.mts\(\d+,\d+\): error TS2307: Cannot find module '(@farmfe\/core|@rsbuild\/core|@rspack\/core|bun|unloader)'/,
  /(^|\/)node_modules\/@babel\/core\/lib\/index\.d\.ts\(\d+,\d+\): error TS7016: Could not find a declaration file for module 'convert-source-map'/,
];

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A consumer project with Babel `major`'s types: smartasync's files copied, the rest linked. */
function consumer(major: 7 | 8): string {
  const dir = mkdtempSync(join(tmpdir(), `smartasync-types-babel${major}-`));
  dirs.push(dir);
  const nm = join(dir, "node_modules");
  mkdirSync(join(nm, "smartasync"), { recursive: true });
  cpSync(join(ROOT, "dist"), join(nm, "smartasync/dist"), {
    recursive: true,
    filter: (f) => !f.endsWith(".map"),
  });
  cpSync(join(ROOT, "package.json"), join(nm, "smartasync/package.json"));
  for (const name of readdirSync(modules)) {
    if (name.startsWith(".") || name === "@babel" || name === "@types" || name.startsWith("babel7-"))
      continue;
    if (name === "smartasync") continue;
    symlinkSync(join(modules, name), join(nm, name), "dir");
  }
  mkdirSync(join(nm, "@babel"));
  mkdirSync(join(nm, "@types"));
  symlinkSync(join(modules, "@types/node"), join(nm, "@types/node"), "dir");
  if (major === 8) {
    symlinkSync(join(modules, "@babel/core"), join(nm, "@babel/core"), "dir");
  } else {
    // Babel 7 has no types of its own; its project has @types/babel__core. Copied, not linked:
    // linked, they would resolve @babel/types from this repository's top level, which is Babel 8.
    symlinkSync(join(modules, "babel7-core"), join(nm, "@babel/core"), "dir");
    for (const t of ["babel__core", "babel__generator", "babel__template", "babel__traverse"])
      cpSync(join(modules, "@types", t), join(nm, "@types", t), { recursive: true, dereference: true });
  }
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module" }),
  );
  writeFileSync(join(dir, "main.ts"), MAIN);
  return dir;
}

function check(dir: string, module: string, moduleResolution: string, file = "main.ts"): string[] {
  const config = `tsconfig.${moduleResolution}.${file}.json`;
  writeFileSync(
    join(dir, config),
    JSON.stringify({
      compilerOptions: {
        module,
        moduleResolution,
        target: "ES2022",
        lib: ["ES2023"],
        types: ["node"],
        strict: true,
        skipLibCheck: false,
        noEmit: true,
      },
      files: [file],
    }),
  );
  const r = spawnSync(process.execPath, [tsc, "-p", config, "--pretty", "false"], {
    cwd: dir,
    encoding: "utf8",
    timeout: 300_000,
  });
  expect(r.error).toBeUndefined();
  const lines = (r.stdout + r.stderr).split("\n").filter((l) => /error TS\d+/.test(l));
  return lines.filter((l) => !THEIRS.some((re) => re.test(l)));
}

const RESOLUTIONS = [
  ["node16", "node16"],
  ["nodenext", "nodenext"],
  ["esnext", "bundler"],
] as const;

const consumers = { 7: consumer(7), 8: consumer(8) };

describe.each([8, 7] as const)("the declarations with Babel %i's types", (major) => {
  const dir = consumers[major];
  it.each(RESOLUTIONS)(
    "check with skipLibCheck: false under module %s, moduleResolution %s",
    (module, resolution) => {
      expect(check(dir, module, resolution)).toEqual([]);
    },
    300_000,
  );
});

it("a type error in the consumer is reported (the check is real)", () => {
  const dir = consumers[8];
  writeFileSync(
    join(dir, "bad.ts"),
    `import { runSync } from "smartasync/runtime";\nexport const bad: string = runSync;\n`,
  );
  const errors = check(dir, "nodenext", "nodenext", "bad.ts");
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(/^bad\.ts\(\d+,\d+\): error TS2322/);
}, 300_000);
