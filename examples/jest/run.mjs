// `node examples/jest/run.mjs`: installs smartasync into the example (a symlink, as a
// workspace would) and runs its tests with Jest and smartasync/jest.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { ensureDist, root } from "../build.mjs";

const here = join(root, "examples/jest");

export function link() {
  ensureDist();
  const modules = join(here, "node_modules");
  rmSync(join(modules, "smartasync"), { recursive: true, force: true });
  mkdirSync(modules, { recursive: true });
  symlinkSync(root, join(modules, "smartasync"), "dir");
}

/** Runs Jest in the example; `args` go to Jest. Returns its exit status and output. */
export function run({ quiet = false, args = [], env = process.env } = {}) {
  link();
  const jest = createRequire(import.meta.url).resolve("jest/bin/jest");
  const r = spawnSync(process.execPath, [jest, "--ci", ...args], {
    cwd: here,
    encoding: "utf8",
    timeout: 120_000,
    env,
  });
  if (r.error) throw r.error;
  const out = `${r.stdout}${r.stderr}`;
  if (!quiet) process.stdout.write(out);
  return { status: r.status, out };
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = run().status ?? 1;
