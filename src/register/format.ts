/**
 * Which files the hook compiles, and whether each runs as an ES module or as CommonJS. The
 * rules are Node's own (the `"type"` of the nearest package.json, `.mts`/`.cts`, and module
 * syntax detection for a package without `"type"`), applied to TypeScript as Node 22.7+ applies
 * them when it strips types itself.
 */
import { sep } from "node:path";
import vm from "node:vm";
import { type DeclaredKind, declaredKind } from "../core/package-type.js";

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

/** Errors of code that compiles only as an ES module (Node's own list, lib/internal/modules/helpers). */
const MODULE_ONLY = [
  "Cannot use import statement outside a module",
  "Unexpected token 'export'",
  "Cannot use 'import.meta' outside a module",
];
/** Errors that an ES module would not give: Node retries such code as a module. */
const RETRY_AS_MODULE = [
  "Identifier 'module' has already been declared",
  "Identifier 'exports' has already been declared",
  "Identifier 'require' has already been declared",
  "Identifier '__filename' has already been declared",
  "Identifier '__dirname' has already been declared",
  "await is only valid in async functions and the top level bodies of modules",
];

/**
 * Node's module syntax detection (unflagged in 20.19 and 22.7): code that does not compile as
 * a CommonJS function body because of `import`/`export` statements or `import.meta` is an ES
 * module; so is code that fails only on a CommonJS name declared again or a top-level `await`
 * and compiles as a module body. Anything else is CommonJS. `js` is JavaScript (types already
 * stripped). A syntax error of another kind means CommonJS, where Node then reports it.
 */
export function detectFormat(js: string): Format {
  try {
    vm.compileFunction(js, ["exports", "require", "module", "__filename", "__dirname"]);
    return "commonjs";
  } catch (e) {
    const message = String((e as Error)?.message);
    if ((e as Error)?.name !== "SyntaxError") return "commonjs";
    if (MODULE_ONLY.includes(message)) return "module";
    if (!RETRY_AS_MODULE.includes(message)) return "commonjs";
    try {
      // A module body is strict code in which `await` may stand at the top level: an async
      // function body in strict mode accepts the same statements (without import/export,
      // which would have failed above).
      new vm.Script(`"use strict";(async function () {\n${js}\n})`);
      return "module";
    } catch {
      return "commonjs";
    }
  }
}
