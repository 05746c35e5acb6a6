/**
 * One file compiled for Node by `smartasync/swc`, through the on-disk cache. Shared by the
 * module hooks (both Node paths), the `require` hook of Node 20, and `smartasync/jest`.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { resolveFileOptions, withHostResolve } from "../compile/options.js";
import { buildStamp } from "../compile/stamp.js";
import { escapeErrorMessage } from "../core/escape.js";
import type { HostResolve } from "../core/resolve.js";
import { type Entry, readEntry, type StoredWarning, writeEntry } from "./cache.js";
import { flagSet, processNodeArgs, processResolve } from "./conditions.js";
import { dependencyFingerprint, hash } from "./deps.js";
import { declaredFormat, type Format } from "./format.js";
import type * as Transform from "./transform.js";

/** Bump when the hook's output for the same inputs changes shape. */
const KEY_VERSION = 1;

const require = createRequire(import.meta.url);

/** smartasync's own built files: never compiled by the hook (they are plain JavaScript). */
export const OWN_DIST = fileURLToPath(new URL("../", import.meta.url));

let compiler: typeof Transform | undefined;

/**
 * The compiler half (transform.ts), loaded on the first cache miss (`require` of an ES module:
 * Node >= 20.19). A caller that cannot load modules at that moment (a synchronous module hook,
 * which would run for the compiler's own modules) hands it over first.
 */
export function useCompiler(module: typeof Transform): void {
  compiler = module;
}

/**
 * Whether this Node can `require()` an ES module (Node >= 20.19, >= 22.12; off under
 * `--no-experimental-require-module`). Without it the compiler half is loaded by `import()`
 * where a thread can wait for it (hooks.ts `initialize`), and the synchronous in-thread hooks
 * are not used (index.ts).
 */
export const REQUIRE_ESM = (process.features as { require_module?: boolean }).require_module === true;

export function loadCompiler(): typeof Transform {
  if (compiler === undefined && !REQUIRE_ESM)
    // The `require` hook of a Node that cannot require() an ES module: the compiler (an ES module
    // with @swc/core) cannot be loaded synchronously here. Said, not Node's ERR_REQUIRE_ESM from
    // inside smartasync.
    throw new Error(
      "smartasync/register cannot compile a file that require() loads while Node runs with `--no-experimental-require-module`: its compiler is an ES module, which this thread cannot load synchronously then. Run without that flag, import the file instead, or build with `smartasync build` and run the output",
    );
  try {
    compiler ??= require("./transform.js") as typeof Transform;
  } catch (e) {
    // `node --no-addons` refuses every native addon, SWC's binding too: said as such, not as
    // SWC's raw "Failed to load native binding" (attack35 F05).
    if (flagSet(processNodeArgs(), "--no-addons"))
      throw new Error(
        "smartasync/register cannot compile under `node --no-addons`: SWC, its compiler, is a native addon. Run without --no-addons (files compiled before are taken from the cache), or build with `smartasync build` and run the output",
        { cause: e },
      );
    throw e;
  }
  return compiler;
}

/**
 * smartasync's and `@swc/core`'s versions and smartasync's build (compile/stamp.ts), with this
 * hook's own key version: a rebuilt smartasync with an unchanged version number compiles anew.
 */
export function compilerStamp(): string {
  return `${buildStamp()} key${KEY_VERSION}`;
}

export interface CompileSettings {
  /** Source maps: inline for Node (stack traces, `--enable-source-maps`), or a separate object for Jest. */
  sourceMaps: "inline" | true;
  /**
   * Force one output format (Jest runs everything as CommonJS unless its ESM mode is on);
   * otherwise the file's own format by Node's rules.
   */
  format?: Format;
  /** Node's format for a JavaScript file, when the caller knows it (the load hook does). */
  hint?: Format;
  /**
   * Check the dependencies' modification times against what this thread read before (a
   * process that outlives edits: Jest's watch mode). The hook compiles each file once.
   */
  fresh?: boolean;
  /** Use the on-disk cache (default true; Jest has its own, keyed by `cacheKey`). */
  cache?: boolean;
  /** For Jest: every file compiled (ES syntax to CommonJS), `jest.mock(…)` hoisted. */
  jest?: boolean;
  /**
   * What the host resolves beyond Node: Jest's `moduleNameMapper`, the conditions Node runs
   * with (`--conditions`), given to smartasync as its `resolve` option (attack26 F11/F05).
   */
  resolve?: HostResolve;
}

export interface Compiled {
  format: Format;
  /** `null`: a JavaScript file smartasync changes nothing in (run it as it is). */
  code: string | null;
  /** With `sourceMaps: true`: the map of `code`. */
  map?: string;
  fromCache: boolean;
  /**
   * smartasync's warnings (SA204 …) of the file, compiled now or kept with the cache entry: Jest
   * and the hook print them (register/warnings.ts), as a bundler does (a warning-only SA204 was
   * seen nowhere, attack28 F03).
   */
  warnings?: StoredWarning[];
}

/**
 * The key of `path`'s compiled output: its text, what it imports (deps.ts), smartasync's
 * options for it (throws SA104 for a bad `"smartasync"` field), the format rules' inputs, the
 * settings, and the compilers' versions.
 */
export function cacheKey(path: string, text: string, settings: CompileSettings): string {
  const resolve = settings.jest || settings.resolve ? settings.resolve : processResolve();
  const options = resolveFileOptions(path, withHostResolve(undefined, resolve, path), "");
  return hash(
    JSON.stringify([
      compilerStamp(),
      path,
      settings.sourceMaps,
      settings.jest === true,
      settings.format ?? declaredFormat(path) ?? settings.hint ?? "detect",
      hash(text),
      options,
      // Resolved as the compile resolves them (Jest's moduleNameMapper, an alias in the
      // "smartasync" field): a module reached through one is in the key (attack33 F01, F02).
      dependencyFingerprint(path, text, settings.fresh === true, options.resolve),
    ]),
  );
}

/**
 * `path` compiled for Node (or Jest): from the cache when its text, its dependencies, the
 * options and the compilers are unchanged; else compiled and stored. `source` is the file's
 * text when the caller has read it. Throws smartasync's diagnostics (SAxxx) and SWC's syntax
 * errors, with their code frames.
 */
export function compileFile(path: string, settings: CompileSettings, source?: string): Compiled {
  try {
    return compileOrThrow(path, settings, source);
  } catch (e) {
    // Node or Jest prints the message: nothing raw from the file's name or text (core/escape.ts).
    throw escapeErrorMessage(e, { names: [path], fields: true });
  }
}

function compileOrThrow(path: string, given: CompileSettings, source?: string): Compiled {
  // Outside Jest, the conditions this process runs with (`node -C development`): Node follows
  // their branches, so does the build (register/conditions.ts). Jest passes its own.
  const settings = given.jest || given.resolve ? given : { ...given, resolve: processResolve() };
  const text = source ?? readFileSync(path, "utf8");
  const useCache = settings.cache !== false;
  const key = useCache ? cacheKey(path, text, settings) : "";
  const hit = useCache ? readEntry(key) : undefined;
  if (hit)
    return {
      format: hit.format,
      ...splitMap(hit.code, settings),
      fromCache: true,
      ...(hit.warnings ? { warnings: hit.warnings } : {}),
    };
  const out = loadCompiler().compileUncached(path, text, settings);
  const code = out.code !== null && out.map !== undefined ? joinMap(out.code, out.map) : out.code;
  const warnings = out.warnings?.map(({ code, message, loc }) => ({ code, message, loc }));
  if (useCache)
    writeEntry({ key, format: out.format, code, ...(warnings ? { warnings } : {}) } satisfies Entry);
  return {
    format: out.format,
    code: out.code,
    map: out.map,
    fromCache: false,
    ...(warnings ? { warnings } : {}),
  };
}

// A separate map is stored after the code, behind a marker line, so one entry holds both.
const MAP_MARKER = "\n//# smartasync-map ";

function joinMap(code: string, map: string): string {
  return code + MAP_MARKER + map;
}

function splitMap(stored: string | null, settings: CompileSettings): { code: string | null; map?: string } {
  if (stored === null || settings.sourceMaps !== true) return { code: stored };
  const at = stored.lastIndexOf(MAP_MARKER);
  if (at < 0) return { code: stored };
  return { code: stored.slice(0, at), map: stored.slice(at + MAP_MARKER.length) };
}
