// Builds dist/ from src/ with the project's own TypeScript. Runs on `npm ci` (prepare), so a
// project that depends on this one through `file:` or a symlink gets plain JavaScript.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, rmSync } from "node:fs";
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
rmSync(join(root, "dist"), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], {
  stdio: "inherit",
  cwd: root,
});
const bin = join(root, "dist/cli/bin.js");
if (existsSync(bin)) chmodSync(bin, 0o755);
