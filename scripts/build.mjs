// Builds dist/ from src/ with the project's own TypeScript. Runs on `npm pack`/`npm publish`
// (prepack), so the tarball holds plain JavaScript and the projects that install it run no
// script; in a clone, `npm start` (scripts/demo.mjs) and `npm test` (test/global-setup.ts) build
// dist/ when it is missing or older than src/.
// The new build is written beside the old one and swapped in, so a test or a worker that is
// reading dist/ at that moment never finds it missing.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
let tsc;
try {
  tsc = require.resolve("typescript/bin/tsc");
} catch {
  if (existsSync(join(root, "dist/runtime/index.js"))) process.exit(0); // installed from a packed tarball: already built
  console.error("smartasync build: typescript is not installed (run `npm ci` in the repository first)");
  process.exit(1);
}
const next = join(root, `.dist-${process.pid}`);
const old = join(root, `.dist-old-${process.pid}`);
rmSync(next, { recursive: true, force: true });
try {
  execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json"), "--outDir", next], {
    stdio: "inherit",
    cwd: root,
  });
} catch {
  rmSync(next, { recursive: true, force: true });
  process.exit(1);
}
const bin = join(next, "cli/bin.js");
if (existsSync(bin)) chmodSync(bin, 0o755);
const dist = join(root, "dist");
if (existsSync(dist)) renameSync(dist, old);
renameSync(next, dist);
rmSync(old, { recursive: true, force: true });
