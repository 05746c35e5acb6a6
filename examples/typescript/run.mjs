// `node examples/typescript/run.mjs`: type-checks the example (strict tsconfig), builds it with
// `smartasync build` (TypeScript stripped, .d.ts emitted), shows the declarations of the
// generated variants, and runs the built program with plain node.
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { ensureDist, root } from "../build.mjs";

const here = join(root, "examples/typescript");
const require = createRequire(import.meta.url);

export function run({ quiet = false } = {}) {
  ensureDist();
  const say = (s) => quiet || console.log(s);
  const tsc = require.resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "--noEmit", "-p", join(here, "tsconfig.json")], { stdio: "inherit" });
  say("tsc --noEmit (strict): ok");
  rmSync(join(here, "build"), { recursive: true, force: true });
  const built = execFileSync(
    process.execPath,
    [join(root, "dist/cli/bin.js"), "build", join(here, "src"), "--out-dir", join(here, "build")],
    { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
  );
  say(built.trim());
  const dts = readFileSync(join(here, "build/users.d.ts"), "utf8");
  say("build/users.d.ts (generated variants):");
  for (const line of dts.split("\n")) if (/Sync|Async/.test(line)) say(`  ${line.trim()}`);
  const out = execFileSync(process.execPath, [join(here, "build/main.js")], {
    encoding: "utf8",
    timeout: 30_000,
  });
  say(out.trimEnd());
  return { dts, out };
}

if (import.meta.url === `file://${process.argv[1]}`) run();
