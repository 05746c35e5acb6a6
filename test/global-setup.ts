// Executed fixtures and package tests run built JavaScript under plain `node`, so dist/ must
// match src/. Rebuild once per test run when any source, or the build script itself, is newer
// than the build.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export default function setup(): void {
  const marker = join(root, "dist/runtime/index.js");
  if (
    existsSync(marker) &&
    statSync(marker).mtimeMs >=
      Math.max(newest(join(root, "src")), statSync(join(root, "scripts/build.mjs")).mtimeMs)
  )
    return;
  execFileSync(process.execPath, [join(root, "scripts/build.mjs")], { stdio: "inherit" });
}
