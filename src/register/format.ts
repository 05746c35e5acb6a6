/**
 * Which files the hook compiles, and whether each runs as an ES module or as CommonJS. The
 * rules are Node's own (the `"type"` of the nearest package.json, `.mts`/`.cts`, and module
 * syntax detection for a package without `"type"`), applied to TypeScript as Node 22.7+ applies
 * them when it strips types itself.
 */
import { realpathSync } from "node:fs";
import { sep } from "node:path";
import { type DeclaredKind, declaredKind, detectKind } from "../core/package-type.js";
import { flagSet, processNodeArgs } from "./conditions.js";

export type Format = DeclaredKind;

/** Extensions the hook compiles: TypeScript always, JavaScript when smartasync changes it. */
export const TS_EXTENSIONS = [".ts", ".mts", ".cts", ".tsx"];
export const JS_EXTENSIONS = [".js", ".mjs", ".cjs", ".jsx"];

export function extensionOf(path: string): string {
  const m = /\.[cm]?[jt]sx?$/.exec(path);
  return m ? m[0] : "";
}

export function isTypeScript(path: string): boolean {
  return TS_EXTENSIONS.includes(extensionOf(path));
}

export function isJavaScript(path: string): boolean {
  return JS_EXTENSIONS.includes(extensionOf(path));
}

/** Installed packages ship compiled JavaScript: the hook leaves their `.js` files to Node. */
export function inNodeModules(path: string): boolean {
  return path.includes(`${sep}node_modules${sep}`);
}

/**
 * Why the hook never compiles `path` (docs/register.md: JavaScript inside `node_modules`), or
 * undefined: a TypeScript file it compiles, or an installed one, importing such a file is read
 * as importing the plain code Node runs — SA204 where that file holds annotations, never a call
 * of a variant it does not have (attack34 F08).
 */
export function leftToNode(path: string): string | undefined {
  if (!isJavaScript(path)) return undefined;
  if (inNodeModules(path)) return "JavaScript inside node_modules, which smartasync/register runs as it is";
  // A project file that is a link into node_modules (`src/vendor.js -> ../node_modules/lib/index.js`)
  // is loaded by Node at its real path, which the hook leaves as it is: read as that plain code
  // (attack35 F06: the importer called a `loadSync` the file never had). With symlinks
  // preserved Node loads it at the link, which the hook compiles.
  if (preservingSymlinks) return undefined;
  const real = realPathOf(path);
  return real !== undefined && inNodeModules(real)
    ? `a link into node_modules: Node loads ${real}, which smartasync/register runs as it is`
    : undefined;
}

/** Node keeps the linked path of a module (`--preserve-symlinks`, NODE_PRESERVE_SYMLINKS=1). */
export const preservingSymlinks =
  process.env.NODE_PRESERVE_SYMLINKS === "1" ||
  flagSet(processNodeArgs(), "--preserve-symlinks") ||
  flagSet(processNodeArgs(), "--preserve-symlinks-main");

const reals = new Map<string, string | undefined>();

/** `path` with its links resolved (kept: an import's file is asked about on every compile), if it exists. */
function realPathOf(path: string): string | undefined {
  if (reals.has(path)) return reals.get(path);
  let real: string | undefined;
  try {
    real = realpathSync(path);
  } catch {
    real = undefined;
  }
  if (reals.size > 10_000) reals.clear();
  reals.set(path, real);
  return real;
}

const types = new Map<string, string | undefined>();

/**
 * The format fixed by the file's name and package, or `undefined` when Node would detect it
 * from the code (a `.js`/`.ts` file in a package without `"type"`): the rule every host applies
 * (core/package-type.ts), the package.json reads kept for the thread (the hook compiles a file
 * once).
 */
export function declaredFormat(path: string): Format | undefined {
  return declaredKind(path, types);
}

/**
 * Node's module syntax detection for a file of a package without `"type"` (core/package-type.ts,
 * the rule the analysis follows too). `js` is JavaScript (types already stripped).
 */
export const detectFormat: (js: string) => Format = detectKind;
