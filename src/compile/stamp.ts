/**
 * Which smartasync and which `@swc/core` computed a cached record: part of every key of the
 * on-disk cache (the facts of imported modules, facts-store.ts; register's compiled files,
 * register/compile.ts), so that another version — or another build of the code with an unchanged
 * version number — computes anew instead of reading what an older build wrote.
 *
 * The build is named by a SHA-256 of the modules that decide what is cached, written once by
 * scripts/build.mjs (`writeBuildId`) beside them as dist/build-id.json: a run reads one small
 * file instead of walking dist/, and the name changes with the code, not with when it was
 * written (npm gives every installed file the same modification time, so two builds of one
 * version installed from different commits had the same newest modification time).
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);

/** smartasync's built files (`dist/`). */
const DIST = fileURLToPath(new URL("../", import.meta.url));

/** The file in dist/ that names the build (`writeBuildId`). */
export const BUILD_ID_FILE = "build-id.json";

/** The folders of dist/ whose modules decide the facts and the compiled output. */
const PARTS = ["core", "compile", "swc-plugin", "register"];

/** The modules of `PARTS` below `dir` (`code`: JavaScript only), as paths relative to `dir`, sorted. */
function modulesOf(dir: string, code: RegExp): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const p = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (code.test(e.name)) out.push(p);
    }
  };
  for (const part of PARTS) {
    try {
      walk(part);
    } catch {
      // an unusual install layout: the version numbers alone
    }
  }
  return out.sort();
}

/** Built JavaScript (not declarations or maps). */
const BUILT = /\.[cm]?js$/;

/** A SHA-256 of the built modules of `dist` that decide what is cached: their paths and texts. */
export function hashBuild(dist: string): string {
  const h = createHash("sha256");
  for (const rel of modulesOf(dist, BUILT))
    h.update(`${rel}\0`)
      .update(readFileSync(join(dist, rel)))
      .update("\0");
  return h.digest("hex");
}

/** Writes `dist`'s build id (scripts/build.mjs, once the modules are built). */
export function writeBuildId(dist: string): void {
  writeFileSync(join(dist, BUILD_ID_FILE), `${JSON.stringify({ id: hashBuild(dist) })}\n`);
}

function swcVersion(): string {
  try {
    return (require("@swc/core/package.json") as { version: string }).version;
  } catch {
    // an @swc/core whose exports hide package.json: the path it is installed at
    try {
      return require.resolve("@swc/core");
    } catch {
      return "unknown"; // no @swc/core: the first compile says so
    }
  }
}

/**
 * The build of the smartasync whose built files are `dist` (its package.json beside it): the
 * version and the build id; where there is no build id (sources run as they are, a dist/ an older
 * build script wrote), the newest modification time of the modules instead.
 */
export function stampOf(dist: string): string {
  const pkg = JSON.parse(readFileSync(join(dist, "../package.json"), "utf8")) as { version: string };
  let build: string;
  try {
    const id = (JSON.parse(readFileSync(join(dist, BUILD_ID_FILE), "utf8")) as { id?: unknown }).id;
    if (typeof id !== "string") throw new Error("no id");
    build = id;
  } catch {
    // Sources count too: run from src/ (the tests), an edit there is another build.
    let newest = 0;
    for (const rel of modulesOf(dist, /\.[cm]?[jt]s$/))
      newest = Math.max(newest, statSync(join(dist, rel)).mtimeMs);
    build = `mtime${newest}`;
  }
  return `smartasync@${pkg.version}+${build}`;
}

let stamp: string | undefined;

/** This smartasync's build (`stampOf` its own dist/) and `@swc/core`'s version, read once per thread. */
export function buildStamp(): string {
  stamp ??= `${stampOf(DIST)} @swc/core@${swcVersion()}`;
  return stamp;
}
