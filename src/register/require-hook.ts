/**
 * Node 20's `require()`: the off-thread hooks of `module.register` see the modules that Node's
 * ES module loader loads (the entry point, `import`, and `require` inside a CommonJS module
 * that the hooks compiled), but not those the classic CommonJS loader loads (`createRequire`,
 * a `.cjs` entry point, `require` in a module Node loaded itself). This installs the same
 * compilation there: extension handlers for TypeScript, a wrapper around the JavaScript ones,
 * and TypeScript's `./x.js` → `./x.ts` in resolution. Node 22.15+ does not need it:
 * `module.registerHooks` covers `require` too.
 */
import Module from "node:module";
import { compileFile, OWN_DIST } from "./compile.js";
import { javaScriptTarget, linkResolve, typeScriptAlternatives } from "./hooks.js";
import { printWarnings } from "./warnings.js";

interface CjsModule {
  _compile(code: string, filename: string, format?: "module"): unknown;
}

/** Node can `require()` an ES module (20.19+ and 22.12+ by default; off with `--no-experimental-require-module`). */
const requireModule = (process.features as { require_module?: boolean }).require_module === true;
type Handler = (module: CjsModule, filename: string) => void;
interface ModuleInternals {
  _extensions: Record<string, Handler>;
  _resolveFilename: (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;
}

export function installRequireHook(): void {
  const M = Module as unknown as ModuleInternals;
  // A TypeScript file required from CommonJS runs as CommonJS (a `.mts`, or a `.ts` of a
  // `"type": "module"` package, included: the classic loader cannot wait for an ES module).
  const ts: Handler = (module, filename) => {
    const c = compileFile(filename, { sourceMaps: "inline", format: "commonjs" });
    printWarnings(c.warnings);
    module._compile(c.code as string, filename);
  };
  for (const ext of [".ts", ".cts", ".mts", ".tsx"]) M._extensions[ext] = ts;
  // JavaScript: compiled only when it is CommonJS (Node's own handler loads an ES module) and
  // smartasync changes it; anything else goes to Node's handler untouched.
  for (const ext of [".js", ".cjs"]) {
    const original = M._extensions[ext];
    if (typeof original !== "function") continue;
    M._extensions[ext] = (module, filename) => {
      const path = filename.startsWith(OWN_DIST) ? undefined : javaScriptTarget(filename);
      if (path !== undefined) {
        const resolve = linkResolve(filename, path);
        const c = compileFile(path, { sourceMaps: "inline", ...(resolve ? { resolve } : {}) });
        // Left to Node's handler as it is, with its warnings (a call SA204 keeps plain).
        if (c.code === null) printWarnings(c.warnings);
        if (c.code !== null && c.format === "commonjs") {
          printWarnings(c.warnings);
          module._compile(c.code, filename);
          return;
        }
        // An ES module reached by `require()` (Node 20.19+: require(esm); `.mjs`, a `.js` of a
        // `"type": "module"` package or one Node detects as ESM) is loaded by this handler, not
        // by the hooks: given to Node's `_compile` as the module it is, compiled, as the
        // analysis of its importers expected (attack35 F10: left to Node, its calls gave a
        // Promise, and its importer's `loadSync` was undefined).
        if (c.code !== null && c.format === "module" && requireModule) {
          printWarnings(c.warnings);
          module._compile(c.code, filename, "module");
          return;
        }
      }
      original(module, filename);
    };
  }
  const resolveFilename = M._resolveFilename;
  M._resolveFilename = function (request, parent, isMain, options) {
    try {
      return resolveFilename.call(this, request, parent, isMain, options);
    } catch (e) {
      if ((e as { code?: unknown } | null)?.code !== "MODULE_NOT_FOUND") throw e;
      for (const alt of typeScriptAlternatives(request)) {
        try {
          return resolveFilename.call(this, alt, parent, isMain, options);
        } catch {
          // try the next alternative
        }
      }
      throw e;
    }
  };
}
