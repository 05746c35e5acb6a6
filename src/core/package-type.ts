/**
 * The module kind Node gives a file by its name and package — one rule for every host: the
 * analysis (whether generated imports are `require` calls, core/analysis/worker-imports.ts) and
 * `smartasync/register` (which format it compiles a file to, register/format.ts).
 *
 * `.mjs`/`.mts` are ES modules and `.cjs`/`.cts` CommonJS; `.js`/`.jsx`/`.ts`/`.tsx` follow the
 * `"type"` of the nearest package.json (the first one found from the file's folder upward, even
 * without a `"type"`); without one, Node decides by the code.
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import vm from "node:vm";
import { currentCompile } from "./compile-run.js";

export type DeclaredKind = "module" | "commonjs";

/**
 * The `"type"` field of the nearest package.json above `dir` (`undefined` when that
 * package.json has none, or there is none). `memo` keeps the answers by folder for as long as
 * the caller wants them (register: its thread; the analysis: one synchronous run, so a watch
 * session sees an edit of `"type"`).
 */
export function packageType(dir: string, memo: Map<string, string | undefined>): string | undefined {
  if (memo.has(dir)) return memo.get(dir);
  let type: string | undefined;
  const file = join(dir, "package.json");
  if (statSync(file, { throwIfNoEntry: false })?.isFile()) {
    try {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { type?: unknown };
      type = typeof pkg.type === "string" ? pkg.type : undefined;
    } catch {
      type = undefined; // Node reports an unreadable package.json itself, when it reads it
    }
  } else {
    const up = dirname(dir);
    type = up === dir ? undefined : packageType(up, memo);
  }
  memo.set(dir, type);
  return type;
}

/**
 * The kind fixed by the file's name and package, or `undefined` when Node would decide by the
 * code (a `.js`/`.ts` file in a package without `"type"`).
 */
export function declaredKind(path: string, memo: Map<string, string | undefined>): DeclaredKind | undefined {
  if (/\.m[jt]s$/.test(path)) return "module";
  if (/\.c[jt]s$/.test(path)) return "commonjs";
  const type = packageType(resolve(dirname(path)), memo);
  if (type === "module") return "module";
  if (type === "commonjs") return "commonjs";
  // Node's `--experimental-default-type` (Node 20 and 22): a package without `"type"` gets the
  // flag's kind, by no detection; under `node_modules` a `module` default leaves CommonJS (Node's
  // get_format rule). Only a host that runs in the program's own process knows the flag.
  if (typelessDefault === "commonjs") return "commonjs";
  if (typelessDefault === "module") return /[\\/]node_modules[\\/]/.test(path) ? "commonjs" : "module";
  return undefined;
}

let typelessDefault: DeclaredKind | undefined;

/**
 * The kind Node gives files of a package without `"type"` in this process
 * (`--experimental-default-type`), set by `smartasync/register` from Node's flags (attack34 F10:
 * under `=module` it read a plain script as CommonJS and wrote `require(…)` into an ES module).
 */
export function setTypelessDefault(kind: DeclaredKind | undefined): void {
  typelessDefault = kind;
}

let burst: { run: number; memo: Map<string, string | undefined> } | undefined;

/**
 * `declaredKind` with the package.json reads kept for the compile running now (compile-run.ts:
 * one compiled file, or one synchronous run of a caller that is no host): the analysis asks for
 * many files of one folder, and an edit of `"type"` between two compiles — of a watch session,
 * or one synchronous run that writes package.json and compiles again — is seen (as
 * compile/options.ts does for the options; module-facts.ts keeps facts by it).
 */
export function declaredKindNow(path: string): DeclaredKind | undefined {
  const run = currentCompile();
  if (burst?.run !== run) burst = { run, memo: new Map() };
  return declaredKind(path, burst.memo);
}

/**
 * The package.json paths that decide the `"type"` files in `dir` get: one per folder from `dir`
 * upward, to the first that exists (a package.json created closer, or that one edited or deleted,
 * changes the answer). For the hosts that keep a module's output between builds (the bundler
 * plugins' caches, unplugin/cached-modules.ts).
 */
export function packageTypeFiles(dir: string): string[] {
  const files: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    const file = join(d, "package.json");
    files.push(file);
    if (statSync(file, { throwIfNoEntry: false })?.isFile() || dirname(d) === d) return files;
  }
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
export function detectKind(js: string): DeclaredKind {
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

/**
 * Whether a JavaScript file is read for Node as a CommonJS script: Node runs it as CommonJS (a
 * `.cjs`, or a `.js`/`.jsx` whose package says `"commonjs"` or nothing) and its text is no module
 * code (`detectKind`: one with `import`/`export`, which a compiler turns into `require`, is read
 * as a module). Such a file is parsed as Node compiles it, inside a function and in sloppy mode:
 * `with`, legacy octal, a top-level `return` and `new.target` are legal there (attack27 F09, F10:
 * `var mode = 0644` failed `smartasync build` as "not allowed in strict mode", and register left a
 * file with `if (require.main !== module) return;` uncompiled). TypeScript is left to its own
 * reading (its text does not compile as it stands).
 */
export function readAsCommonJsScript(path: string, js: string): boolean {
  if (!/\.(?:c?js|jsx)$/.test(path)) return false;
  if (declaredKindNow(path) === "module") return false;
  return detectKind(js) === "commonjs";
}
