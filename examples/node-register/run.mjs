// `node examples/node-register/run.mjs`: installs smartasync into the example (a symlink, as a
// workspace would) and runs its TypeScript sources with `node --import smartasync/register`.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { ensureDist, root } from "../build.mjs";

const here = join(root, "examples/node-register");

export function link() {
  ensureDist();
  const modules = join(here, "node_modules");
  rmSync(join(modules, "smartasync"), { recursive: true, force: true });
  mkdirSync(modules, { recursive: true });
  symlinkSync(root, join(modules, "smartasync"), "dir");
}

export function run({ quiet = false, env = process.env } = {}) {
  link();
  const out = execFileSync(process.execPath, ["--import", "smartasync/register", "src/main.ts"], {
    cwd: here,
    encoding: "utf8",
    timeout: 60_000,
    env,
  });
  if (!quiet) process.stdout.write(out);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) run();
