/**
 * Which smartasync and which `@swc/core` computed a cached record: part of every key of the
 * on-disk cache (the facts of imported modules, facts-store.ts; register's compiled files,
 * register/compile.ts), so that another version — or a rebuilt smartasync with an unchanged
 * version number — computes anew instead of reading what an older build wrote.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);

/** smartasync's built files (`dist/`). */
const DIST = fileURLToPath(new URL("../", import.meta.url));

let stamp: string | undefined;

/**
 * smartasync's version, `@swc/core`'s, and the build of the modules that decide the output (the
 * newest modification time of the JavaScript in dist/core, dist/compile, dist/swc-plugin and
 * dist/register), read once per thread.
 */
export function buildStamp(): string {
  if (stamp !== undefined) return stamp;
  const pkg = JSON.parse(readFileSync(join(DIST, "../package.json"), "utf8")) as { version: string };
  let swcVersion = "unknown";
  try {
    swcVersion = (require("@swc/core/package.json") as { version: string }).version;
  } catch {
    // an @swc/core whose exports hide package.json: the path it is installed at
    try {
      swcVersion = require.resolve("@swc/core");
    } catch {
      // no @swc/core: the first compile says so
    }
  }
  let newest = 0;
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".js")) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const part of ["core", "compile", "swc-plugin", "register"]) {
    try {
      walk(join(DIST, part));
    } catch {
      // an unusual install layout: the version numbers alone
    }
  }
  stamp = `smartasync@${pkg.version}+${newest} @swc/core@${swcVersion}`;
  return stamp;
}
