/**
 * The module hooks of `smartasync/register`, in both of Node's forms: synchronous, run in the
 * importing thread (`module.registerHooks`, Node 22.15+; they also see `require`), and
 * asynchronous, run on Node's hooks thread (`module.register`, the Node 20 path: this module
 * is its URL). The logic is the same; only the calls to `next` differ.
 */
import { realpathSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { setTypelessDefault } from "../core/package-type.js";
import type { HostResolve } from "../core/resolve.js";
import { compileFile, OWN_DIST, REQUIRE_ESM, useCompiler } from "./compile.js";
import { processDefaultType, processResolve } from "./conditions.js";
import { type Format, inNodeModules, isJavaScript, isTypeScript, preservingSymlinks } from "./format.js";
import { printWarnings, quietThread } from "./warnings.js";

// Node's hook types (the @types/node of Node 20 does not name the synchronous ones).
export interface ResolveContext {
  parentURL?: string;
  conditions?: string[];
  importAttributes?: Record<string, string>;
}
export interface ResolveResult {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
  importAttributes?: Record<string, string>;
}
export interface LoadContext {
  format?: string | null;
  conditions?: string[];
  importAttributes?: Record<string, string>;
}
export interface LoadResult {
  format: string;
  source?: string | ArrayBuffer | Uint8Array | null;
  shortCircuit?: boolean;
}
type Next<C, R> = (specifier: string, context?: C) => R;

// Node's `--experimental-default-type` decides the files of a package without `"type"` in this
// process, so it decides the build's reading of them too (attack34 F10). Set here, in each thread
// that runs the hooks (not by smartasync/jest, whose files Jest loads whatever Node's flags say).
setTypelessDefault(processDefaultType());

/** TypeScript's ESM convention: `./x.js` names the `./x.ts` on disk. */
const JS_TO_TS: Record<string, string[]> = {
  ".js": [".ts", ".tsx"],
  ".mjs": [".mts"],
  ".cjs": [".cts"],
  ".jsx": [".tsx"],
};

/** The TypeScript names a relative, absolute or `file:` specifier may mean. */
export function typeScriptAlternatives(specifier: string): string[] {
  if (!/^(?:\.{1,2}\/|\/|file:)/.test(specifier)) return [];
  // `[\s\S]`, not `.`: a line break cannot make the lazy head retry each suffix (quadratic).
  const m = /^([\s\S]*?)(\.[cm]?jsx?)([?#][\s\S]*)?$/.exec(specifier);
  if (!m) return [];
  return (JS_TO_TS[m[2]] ?? []).map((ts) => m[1] + ts + (m[3] ?? ""));
}

/**
 * The extensions smartasync/register adds to what a `require()` tries, after Node's own `.js`
 * `.json` `.node`, in the order the Node 20 path registers them (require-hook.ts) and the
 * analysis probes them (core/resolve.ts `REQUIRE_EXTENSIONS`).
 */
const REQUIRE_TS = [".ts", ".cts", ".mts", ".tsx"];

/**
 * What a `require()` of a path (`./lib`, `../d`, an absolute one) tries beyond Node's own
 * probes: the path with each TypeScript extension (`file`), then its folder's `index` with each
 * (`index`), as Node's CommonJS loader does once the extensions are registered (attack36 F06:
 * on Node 22 the `registerHooks` path added none, and `require("./lib")` with only `lib.ts` was
 * "Cannot find module").
 */
export function requireAlternatives(specifier: string): { file: string[]; index: string[] } {
  if (!/^(?:\.{1,2}(?:\/|$)|\/|file:)/.test(specifier)) return { file: [], index: [] };
  const folderOnly = /(?:^|\/)\.{0,2}$/.test(specifier); // ".", "..", "./d/": no file of that name
  const dir = specifier.endsWith("/") ? specifier : `${specifier}/`;
  return {
    file: folderOnly ? [] : REQUIRE_TS.map((e) => specifier + e),
    index: REQUIRE_TS.map((e) => `${dir}index${e}`),
  };
}

/** The path `specifier` names from `parentURL` (a `require()` of a path), or undefined. */
function namedPath(specifier: string, parentURL: string | undefined): string | undefined {
  try {
    if (specifier.startsWith("file:")) return fileURLToPath(specifier);
    if (specifier.startsWith("/")) return specifier;
    return parentURL?.startsWith("file:") ? fileURLToPath(new URL(specifier, parentURL)) : undefined;
  } catch {
    return undefined;
  }
}

function isRequire(context: ResolveContext): boolean {
  return context.conditions?.includes("require") === true;
}

function notFound(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND";
}

/** The file the hook compiles for this URL, or `undefined` to leave it to Node. */
function target(url: string): string | undefined {
  if (!url.startsWith("file:")) return undefined;
  const path = fileURLToPath(url);
  if (path.startsWith(OWN_DIST)) return undefined;
  if (isTypeScript(path)) return path;
  if (isJavaScript(path)) return javaScriptTarget(path);
  return undefined;
}

let ownDistReal: string | undefined;

/**
 * The file to compile for a `.js` Node loads from `path`, or `undefined` to leave it to Node
 * (installed packages ship compiled JavaScript). With symlinks preserved, Node names a workspace
 * package by its link (`node_modules/wlib/index.js`) while the analysis of its importers read it
 * at its real place (`packages/wlib/index.js`) and called the variants it has there: the test is
 * made on the real path, and that is what is compiled (attack34 F09: the file was left to Node
 * and the importer's `loadSync` import failed).
 */
export function javaScriptTarget(path: string): string | undefined {
  if (!inNodeModules(path)) return path;
  if (!preservingSymlinks) return undefined;
  let real: string;
  try {
    real = realpathSync(path);
    ownDistReal ??= realpathSync(OWN_DIST);
  } catch {
    return undefined; // Node reports a file it cannot read itself
  }
  return inNodeModules(real) || real.startsWith(ownDistReal) ? undefined : real;
}

/**
 * How a linked file that Node names by its link (`named`, under `--preserve-symlinks`) and the
 * hook compiles at its real path (`real`) resolves its bare imports: as Node does, from the
 * link's folder — `node_modules` folders of the link's path, in Node's order, given as the
 * compile's module folders — not from the real folder (attack35 F04: a workspace package's
 * `import "dep"` was decided on `packages/node_modules/dep` while Node loaded the app's `dep`),
 * and its relative imports from the link's path (`HostResolve.linked`).
 * `undefined`: the file is not such a link.
 */
export function linkResolve(named: string, real: string): HostResolve | undefined {
  if (named === real) return undefined;
  const modules: string[] = [];
  for (let dir = dirname(named); ; dir = dirname(dir)) {
    if (!dir.endsWith(`${sep}node_modules`)) modules.push(join(dir, "node_modules"));
    if (dirname(dir) === dir) break;
  }
  const own = processResolve();
  // Its relative imports too (attack36 F04: `../shared/x.js` leaving the package is, for Node,
  // beside the link): the compile is told the name Node loads it by.
  return { alias: own?.alias ?? [], conditions: own?.conditions ?? [], modules, linked: { real, named } };
}

function toText(source: LoadResult["source"]): string | undefined {
  if (source === null || source === undefined) return undefined;
  if (typeof source === "string") return source;
  return Buffer.from(source as Uint8Array).toString("utf8");
}

function asFormat(format: string | null | undefined): Format | undefined {
  return format === "module" || format === "commonjs" ? format : undefined;
}

/**
 * TypeScript: always compiled (Node 20 cannot run it). JavaScript: Node loads it first (its
 * format is Node's own answer), then smartasync compiles it only if it changes something.
 * `undefined`: Node's own result stands.
 *
 * A CommonJS source returned by a load hook may run under the ES loader's substitute
 * `require` (on Node 20: the entry point and CommonJS files that an ES module imports), which
 * cannot load an ES module (`smartasync/runtime` is one) and bypasses the CommonJS loader (and
 * so the `require` hook). Such a source gets the real `require` first
 * (`createRequire(__filename)`, on its first line so the source map's lines stay right); under
 * Node's CommonJS loader that is the `require` it had.
 */
function loaded(
  path: string,
  node: LoadResult | undefined,
  offThread = false,
  resolve?: HostResolve,
): LoadResult | undefined {
  let c: ReturnType<typeof compileFile>;
  if (node !== undefined) {
    const format = asFormat(node.format);
    // No format yet: a `.js` of a package without "type" that `require()` loads on Node 22+
    // (Node detects its syntax after this hook; attack35 F10 there): detected as Node would.
    const undecided = (node.format === undefined || node.format === null) && isJavaScript(path);
    if (format === undefined && !undecided) return undefined; // JSON, WASM, …: not ours
    c = compileFile(
      path,
      { sourceMaps: "inline", ...(format ? { hint: format } : {}), ...(resolve ? { resolve } : {}) },
      toText(node.source),
    );
    if (c.code === null) {
      // Left to Node as it is, with its warnings (a call SA204 keeps plain). Not from Node's
      // hooks thread for a CommonJS file Node gave no source: Node runs such a file with its
      // CommonJS loader in the importing thread, whose `require` hook prints them
      // (require-hook.ts); printed here too they came twice (attack34 F11, Node 20).
      const classic = offThread && format === "commonjs" && toText(node.source) === undefined;
      if (!classic) printWarnings(c.warnings);
      return undefined;
    }
  } else {
    c = compileFile(path, { sourceMaps: "inline" });
  }
  // Its warnings, from the compile or the cache entry (register/warnings.ts).
  printWarnings(c.warnings);
  const code = c.code as string;
  const source = c.format === "commonjs" ? withRealRequire(code) : code;
  return { format: c.format, source, shortCircuit: true };
}

const REAL_REQUIRE = 'require = require("node:module").createRequire(__filename);';

/** Puts REAL_REQUIRE on the first line, after a leading "use strict" (which must stay first). */
export function withRealRequire(code: string): string {
  const m = /^(\s*(?:"use strict"|'use strict');?)/.exec(code);
  return m ? m[1] + REAL_REQUIRE + code.slice(m[1].length) : REAL_REQUIRE + code;
}

// ——— synchronous (module.registerHooks) ———

/** The first of `specifiers` that `next` resolves, or undefined. */
function firstResolved(
  specifiers: readonly string[],
  context: ResolveContext,
  next: Next<ResolveContext, ResolveResult>,
): ResolveResult | undefined {
  for (const alt of specifiers) {
    try {
      return next(alt, context);
    } catch {
      // try the next alternative
    }
  }
  return undefined;
}

export function resolveSync(
  specifier: string,
  context: ResolveContext,
  next: Next<ResolveContext, ResolveResult>,
): ResolveResult {
  // A `require()` tries the TypeScript extensions as on the Node 20 path, where they are
  // registered with Node's CommonJS loader (attack36 F06): after Node's own, but before the
  // folder of that name (`lib.ts` beside a `lib/` folder is what Node 20 loads).
  const alts = isRequire(context) ? requireAlternatives(specifier) : undefined;
  let found: ResolveResult;
  try {
    found = next(specifier, context);
  } catch (e) {
    if (!notFound(e)) throw e;
    const alt =
      (alts && firstResolved([...alts.file, ...alts.index], context, next)) ??
      firstResolved(typeScriptAlternatives(specifier), context, next);
    if (alt) return alt;
    throw e;
  }
  if (alts?.file.length) {
    // Node found the folder (its `index.js`, its package.json `main`): a file of that name with
    // a TypeScript extension comes first, as it does for Node 20's loader.
    const named = namedPath(specifier, context.parentURL);
    const path = named !== undefined && found.url.startsWith("file:") ? fileURLToPath(found.url) : undefined;
    if (path !== undefined && named !== undefined && path.startsWith(named + sep)) {
      return firstResolved(alts.file, context, next) ?? found;
    }
  }
  return found;
}

export function loadSync(url: string, context: LoadContext, next: Next<LoadContext, LoadResult>): LoadResult {
  const path = target(url);
  if (path === undefined) return next(url, context);
  if (isTypeScript(path)) return loaded(path, undefined) as LoadResult;
  const node = next(url, context);
  return loaded(path, node, false, linkResolve(fileURLToPath(url), path)) ?? node;
}

// ——— asynchronous (module.register: Node's hooks thread) ———

/** What `module.register` hands the hooks thread (index.ts). */
export interface HooksData {
  /** The registering thread is a smartasync worker: print no warnings (register/warnings.ts). */
  quiet?: boolean;
}

export async function initialize(data: HooksData | undefined): Promise<void> {
  if (data?.quiet) quietThread();
  // This thread waits for what it loads: without require(esm) (`--no-experimental-require-module`)
  // the compiler half is loaded here, as compile.ts's `require` cannot.
  if (!REQUIRE_ESM) useCompiler(await import("./transform.js"));
}

export async function resolve(
  specifier: string,
  context: ResolveContext,
  next: Next<ResolveContext, Promise<ResolveResult>>,
): Promise<ResolveResult> {
  try {
    return await next(specifier, context);
  } catch (e) {
    if (!notFound(e)) throw e;
    for (const alt of typeScriptAlternatives(specifier)) {
      try {
        return await next(alt, context);
      } catch {
        // try the next alternative
      }
    }
    throw e;
  }
}

export async function load(
  url: string,
  context: LoadContext,
  next: Next<LoadContext, Promise<LoadResult>>,
): Promise<LoadResult> {
  const path = target(url);
  if (path === undefined) return next(url, context);
  if (isTypeScript(path)) return loaded(path, undefined) as LoadResult;
  const node = await next(url, context);
  return loaded(path, node, true, linkResolve(fileURLToPath(url), path)) ?? node;
}
