/**
 * Which compiler the CLI runs smartasync in, when `--compiler` does not say: the one the
 * project uses, so that `inspect` and `check` see what its build does (docs/cli.md#compiler).
 *
 * 1. A Babel config in the project directory (`babel.config.*`, `.babelrc*`, or package.json's
 *    `"babel"`) → Babel: the project builds with Babel.
 * 2. The project's package.json lists `@swc/core` and not `@babel/core`, or the project has a
 *    `.swcrc` → SWC.
 * 3. It lists `@babel/core` → Babel.
 * 4. Otherwise whichever is installed where the project can load it, Babel first.
 *
 * The chosen compiler must load before any file is read: a missing one is one message and exit 2
 * (a usage error), never a failure per file.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { loadBabel } from "./babel-loader.js";
import { UsageError } from "./errors.js";
import { loadSwc, SWC_MISSING } from "./swc-loader.js";

export type CompilerName = "babel" | "swc";

export interface Pick {
  compiler: CompilerName;
  /** Why, in words, for `--verbose`. */
  why: string;
}

const BABEL_CONFIGS = [
  "babel.config.json",
  "babel.config.js",
  "babel.config.cjs",
  "babel.config.mjs",
  "babel.config.cts",
  "babel.config.ts",
  ".babelrc",
  ".babelrc.json",
  ".babelrc.js",
  ".babelrc.cjs",
  ".babelrc.mjs",
  ".babelrc.cts",
];

const DEPENDENCY_FIELDS = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"];

/** The nearest package.json at or above `dir`, parsed (undefined when there is none or it is not JSON). */
function nearestPackage(dir: string): { path: string; json: Record<string, unknown> } | undefined {
  for (let d = dir; ; d = dirname(d)) {
    const path = join(d, "package.json");
    if (existsSync(path)) {
      try {
        const json = JSON.parse(readFileSync(path, "utf8").replace(/^\uFEFF/, "")) as unknown;
        return typeof json === "object" && json !== null
          ? { path, json: json as Record<string, unknown> }
          : undefined;
      } catch {
        return undefined;
      }
    }
    if (dirname(d) === d) return undefined;
  }
}

function lists(pkg: Record<string, unknown>, name: string): string | undefined {
  for (const field of DEPENDENCY_FIELDS) {
    const deps = pkg[field];
    if (typeof deps === "object" && deps !== null && name in deps) return field;
  }
  return undefined;
}

function resolvable(dir: string, name: string): boolean {
  for (const from of [join(dir, "__smartasync__.js"), import.meta.url]) {
    try {
      createRequire(from).resolve(name);
      return true;
    } catch {
      // not from here
    }
  }
  return false;
}

/** The compiler the project in `dir` uses, and why (rules in the header). */
export function detectCompiler(dir: string): Pick | undefined {
  const config = BABEL_CONFIGS.find((f) => existsSync(join(dir, f)));
  if (config) return { compiler: "babel", why: `the project has a Babel config (${config})` };
  const pkg = nearestPackage(dir);
  if (pkg && typeof pkg.json.babel === "object" && pkg.json.babel !== null)
    return { compiler: "babel", why: `the project has a Babel config (the "babel" field of ${pkg.path})` };
  const swc = pkg && lists(pkg.json, "@swc/core");
  const babel = pkg && lists(pkg.json, "@babel/core");
  if (swc && !babel)
    return {
      compiler: "swc",
      why: `${pkg.path} lists @swc/core (${swc}) and not @babel/core, and there is no Babel config`,
    };
  if (existsSync(join(dir, ".swcrc")) && !babel)
    return { compiler: "swc", why: "the project has a .swcrc and no Babel config" };
  if (babel) return { compiler: "babel", why: `${pkg!.path} lists @babel/core (${babel})` };
  if (resolvable(dir, "@babel/core"))
    return { compiler: "babel", why: "@babel/core is installed (the project names neither compiler)" };
  if (resolvable(dir, "@swc/core"))
    return {
      compiler: "swc",
      why: "@swc/core is installed and @babel/core is not (the project names neither compiler)",
    };
  return undefined;
}

/**
 * The compiler for this run: `--compiler` when given, else `detectCompiler`; loaded now, so
 * a missing one stops the command with one message naming what to install (exit 2).
 */
export async function pickCompiler(dir: string, given: CompilerName | undefined): Promise<Pick> {
  const pick: Pick | undefined = given ? { compiler: given, why: "--compiler" } : detectCompiler(dir);
  if (!pick)
    throw new UsageError(
      "no compiler to run smartasync in: install @babel/core (`npm i -D @babel/core`) or @swc/core (`npm i -D @swc/core`), then run again (or name one with --compiler)",
    );
  try {
    if (pick.compiler === "swc") await loadSwc();
    else await loadBabel(dir);
  } catch (e) {
    const message = (e as Error).message;
    // The loaders' messages name the CLI and the option already (core/peers.ts wording).
    if (given) throw new UsageError(message);
    throw new UsageError(
      `${pick.compiler === "swc" ? SWC_MISSING.replace(/^--compiler swc/, "SWC") : `Babel: ${message}`} (picked because ${pick.why}; name the other with --compiler ${pick.compiler === "swc" ? "babel" : "swc"})`,
    );
  }
  return pick;
}
