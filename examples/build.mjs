// Builds an example with the smartasync Babel plugin: each source file is transformed with
// `@babel/core` `transformFileSync` and written to <example>/build/, and the plugin's report
// (`result.metadata.smartasync`) is written next to it as build/smartasync-report.json.
// The CLI (`smartasync build`) will do the same; the examples do not depend on it.
import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pluginPath = join(root, "dist/babel-plugin/index.js");
const runtimePath = join(root, "dist/runtime/index.js");

/**
 * Builds dist/ when it is absent (a fresh clone: `npm ci` does not build), after waiting for a
 * build already under way (scripts/build.mjs writes `.dist-<pid>/` and swaps it in).
 */
export function ensureDist() {
  const ready = () => existsSync(pluginPath) && existsSync(runtimePath);
  const building = () => readdirSync(root).some((name) => name.startsWith(".dist-"));
  for (let i = 0; i < 60 && !ready() && building(); i++)
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  if (!ready()) execFileSync(process.execPath, [join(root, "scripts/build.mjs")], { stdio: "inherit" });
}

/**
 * Transforms `files` (relative to `dir`) into `outDir` (default `dir/build`). With
 * `plugin: false` the same Babel pipeline runs without smartasync (for the benchmark).
 * Returns `{ outDir, reports }` (one report per file; empty when the plugin is off).
 */
export async function buildExample(dir, files, { outDir = join(dir, "build"), plugin = true } = {}) {
  ensureDist();
  const { transformFileSync } = await import("@babel/core");
  const smartasync = plugin ? (await import(pathToFileURL(pluginPath).href)).default : null;
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const reports = [];
  for (const file of files) {
    const result = transformFileSync(join(dir, file), {
      babelrc: false,
      configFile: false,
      cwd: dir,
      sourceType: "module",
      plugins: smartasync ? [[smartasync, { root: dir }]] : [],
    });
    mkdirSync(dirname(join(outDir, file)), { recursive: true });
    writeFileSync(join(outDir, file), result.code + "\n");
    if (!smartasync) continue;
    const report = result.metadata.smartasync;
    reports.push(report);
    // Warnings do not stop a build; show them, as `smartasync build` would.
    for (const d of report.diagnostics) console.error(`${d.loc}: ${d.severity} ${d.code}: ${d.message}`);
  }
  if (smartasync)
    writeFileSync(join(outDir, "smartasync-report.json"), JSON.stringify(reports, null, 2) + "\n");
  return { outDir, reports };
}

/** Runs the smartasync CLI as a user would (`node dist/cli/bin.js …`) in `cwd`. */
export function cli(args, cwd) {
  ensureDist();
  return execFileSync(process.execPath, [join(root, "dist/cli/bin.js"), ...args], {
    cwd,
    encoding: "utf8",
    timeout: 60_000,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/**
 * A library example (`examples/find-up`, `examples/config-loader`) built by each compiler and
 * tested on its build: `smartasync check src --deny sync-worker` (the sync API stays inline),
 * then `smartasync build src --out-dir build/<compiler>/src --compiler <compiler>`, the test
 * folder copied beside it (its imports of ../src/ reach the build), and `node --test` on it.
 * Returns the test runs' outputs; throws on the first failure.
 */
export function testLibrary(dir, { compilers = ["babel", "swc"], quiet = false, packages = {} } = {}) {
  const say = (text) => quiet || process.stdout.write(text);
  linkSmartasync(dir);
  ensurePackages(dir, packages);
  say(cli(["check", "src", "--deny", "sync-worker"], dir));
  const outputs = {};
  for (const compiler of compilers) {
    const out = join(dir, "build", compiler);
    rmSync(out, { recursive: true, force: true });
    cli(["build", "src", "--out-dir", join(out, "src"), "--compiler", compiler], dir);
    cpSync(join(dir, "test"), join(out, "test"), { recursive: true });
    const r = spawnSync(process.execPath, ["--test", "--test-reporter=spec", join(out, "test")], {
      cwd: dir,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    });
    if (r.error) throw r.error;
    outputs[compiler] = `${r.stdout}${r.stderr}`;
    say(`\n--- node --test on the ${compiler} build\n${outputs[compiler]}`);
    if (r.status !== 0) throw new Error(`the tests failed on the ${compiler} build:\n${outputs[compiler]}`);
  }
  return outputs;
}

/**
 * The compiled code of a library example imports smartasync/runtime (the library depends on
 * smartasync): this repository, linked into the example's node_modules. Its tests and its bench
 * (bench-lib.mjs) each link it, so either runs on a fresh clone.
 */
export function linkSmartasync(dir) {
  const modules = join(dir, "node_modules");
  rmSync(join(modules, "smartasync"), { recursive: true, force: true });
  mkdirSync(modules, { recursive: true });
  symlinkSync(root, join(modules, "smartasync"), "dir");
}

/**
 * A package an example uses (`p-map` for examples/find-up): a devDependency of the repository,
 * so `npm ci` installs it from the lockfile; linked from the repository's node_modules into the
 * example's own, at the version the example asks for (a mismatch or a missing install is an
 * error saying what to run, never a registry install during a test).
 */
export function ensurePackages(dir, packages) {
  const modules = join(dir, "node_modules");
  mkdirSync(modules, { recursive: true });
  for (const [name, version] of Object.entries(packages)) linkPackage(modules, name, version);
}

function linkPackage(modules, name, version) {
  const installed = join(root, "node_modules", name);
  const manifest = join(installed, "package.json");
  const found = existsSync(manifest) ? JSON.parse(readFileSync(manifest, "utf8")).version : undefined;
  if (found !== version) {
    throw new Error(
      `${name}@${version} is needed by ${modules}: ${found ? `found ${found}` : "not installed"} in ${join(root, "node_modules")}. Run \`npm ci\` in the repository (it is a devDependency).`,
    );
  }
  const link = join(modules, name);
  rmSync(link, { recursive: true, force: true });
  symlinkSync(installed, link, "dir");
}
