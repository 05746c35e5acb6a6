/**
 * The heavy half of compile.ts (`@swc/core` and smartasync's analysis, through the compile
 * service of src/compile), loaded only when a file is not in the cache: a warm start never
 * loads the compiler.
 */
import { dirname } from "node:path";
import { enableFactsStore } from "../compile/facts-store.js";
import { checkLimits } from "../compile/limits.js";
import { loadProjectOptions, withHostResolve } from "../compile/options.js";
import { compileFileSync } from "../compile/swc.js";
import type { CompileResult } from "../compile/types.js";
import type { Diagnostic } from "../core/diagnostics.js";
import { readAsCommonJsScript } from "../core/package-type.js";
import { requirePeer } from "../core/peers.js";
import type { HostResolve } from "../core/resolve.js";
import { checkingEveryFile, leavingFiles } from "../swc-plugin/every-file.js";
import { type Options, transformSync } from "../swc-plugin/index.js";
import {
  declaredFormat,
  detectFormat,
  extensionOf,
  type Format,
  isTypeScript,
  leftToNode,
} from "./format.js";

const swc = requirePeer<typeof import("@swc/core")>("@swc/core", "smartasync/register");

// Imported modules' facts kept on disk beside the compiled files: the next run (and the other
// processes of a test runner) read no unchanged dependency again (compile/facts-store.ts).
enableFactsStore();

/** `@swc/core` options for one file; smartasync's own come from the nearest package.json. */
export function swcOptionsFor(
  path: string,
  format: Format,
  sourceMaps: "inline" | true,
  jest = false,
  /** What the host resolves beyond Node (Jest's `moduleNameMapper`, `--conditions`). */
  hostResolve?: HostResolve,
  /** The file's text: a CommonJS script is parsed as Node compiles it (`isModuleFor`). */
  text = "",
): Options {
  const given = jest ? { mockable: loadProjectOptions(dirname(path)).given.mockable ?? true } : undefined;
  const smartasync = withHostResolve(given, hostResolve, path);
  const ext = extensionOf(path);
  const ts = isTypeScript(path);
  return {
    filename: path,
    swcrc: false,
    configFile: false,
    // Under Jest, calls of imported smartasync functions go through the callee's marker, so that
    // `jest.mock` of their module is honoured (core/analysis/calls.ts, viaMarker); a project can
    // still say `"mockable": false`.
    ...(smartasync ? { smartasync } : {}),
    sourceMaps,
    isModule: isModuleFor(path, text, format),
    jsc: {
      parser: ts
        ? { syntax: "typescript", tsx: ext === ".tsx" }
        : { syntax: "ecmascript", jsx: ext === ".jsx" },
      target: "es2022",
      experimental: { keepImportAttributes: true },
      // SWC's own hoisting of `jest.mock(…)` above the imports (what babel-jest does), as
      // @swc/jest turns it on; @swc/core's types do not name it.
      ...(jest ? { transform: { hidden: { jest: true } } as NonNullable<Options["jsc"]>["transform"] } : {}),
    },
    module:
      format === "commonjs"
        ? { type: "commonjs", ignoreDynamic: true, exportInteropAnnotation: true }
        : { type: "es6" },
  };
}

/**
 * SWC's `isModule` for a file Node runs in `format`: a CommonJS script is parsed as Node compiles
 * it, with a top-level `return` and `new.target` (core/package-type.ts): parsed as `"unknown"`,
 * `if (require.main !== module) return;` failed, and the file was left to Node uncompiled, its
 * sync callers given Promises (attack27 F10).
 */
function isModuleFor(path: string, text: string, format: Format): Options["isModule"] {
  if (format === "module") return true;
  return readAsCommonJsScript(path, text) ? "commonjs" : "unknown";
}

/** TypeScript without its types (no smartasync), to detect the format from the code as Node does. */
function stripped(path: string, source: string): string {
  const ext = extensionOf(path);
  // SWC reads the file here, before the compile that holds it to the per-file limits: held to
  // them first, so a file nested past what SWC survives is a located SA901 here too, not the end
  // of the process (a `.ts` file of a package without "type" crashed register before the check).
  checkLimits(source, path);
  return swc.transformSync(source, {
    filename: path,
    swcrc: false,
    configFile: false,
    isModule: "unknown",
    jsc: { parser: { syntax: "typescript", tsx: ext === ".tsx" }, target: "esnext" },
  }).code;
}

/** The format `path` runs in: fixed by name and package, else detected from the code. */
export function formatOf(path: string, source: string, hint?: Format): Format {
  const declared = declaredFormat(path);
  if (declared !== undefined) return declared;
  if (hint !== undefined) return hint;
  return detectFormat(isTypeScript(path) ? stripped(path, source) : source);
}

/**
 * Does smartasync change this JavaScript file, and what does it warn of? (TypeScript is always
 * compiled: Node cannot strip it.)
 */
function smartasyncChanges(
  path: string,
  source: string,
  format: Format,
  hostResolve?: HostResolve,
): { changes: boolean; warnings: Diagnostic[] } {
  const ext = extensionOf(path);
  let result: CompileResult;
  try {
    // The compile service (src/compile): the project's options, the per-file limits (SA901 for
    // a file nested past what SWC survives), the fast path, the SWC engine.
    result = compileFileSync({
      code: source,
      filename: path,
      engine: "swc",
      parser: { syntax: "ecmascript", jsx: ext === ".jsx" },
      isModule: isModuleFor(path, source, format),
      cjsOutput: format === "commonjs",
      root: process.cwd(),
      options: withHostResolve(undefined, hostResolve, path),
      // What it imports from node_modules' JavaScript is what Node runs (attack34 F08).
      compiles: { notCompiled: leftToNode, layer: "leaves" },
    });
  } catch (e) {
    const code = (e as { code?: unknown } | null)?.code;
    if (typeof code === "string" && /^SA\d{3}$/.test(code)) throw e;
    return { changes: false, warnings: [] }; // a syntax error: Node reports it in its own words
  }
  return {
    changes: result.code !== undefined,
    warnings: result.diagnostics.filter((d) => d.severity === "warning"),
  };
}

/**
 * Compiles `text` (the file at `path`) for Node in `format` (else the file's own), with source
 * maps inline or as a separate map. `code: null`: JavaScript that smartasync leaves unchanged.
 */
export function compileUncached(
  path: string,
  text: string,
  settings: {
    sourceMaps: "inline" | true;
    format?: Format;
    hint?: Format;
    jest?: boolean;
    resolve?: HostResolve;
  },
): { format: Format; code: string | null; map?: string; warnings?: Diagnostic[] } {
  const format = settings.format ?? formatOf(path, text, settings.hint);
  // Jest needs every file it hands over in its format (ES syntax becomes CommonJS).
  if (!settings.jest && !isTypeScript(path)) {
    const seen = smartasyncChanges(path, text, format, settings.resolve);
    // Left as it is, its warnings still said (a plain call SA204 keeps plain: attack33 F04).
    if (!seen.changes)
      return { format, code: null, ...(seen.warnings.length ? { warnings: seen.warnings } : {}) };
  }
  // Every file SWC compiles here is held to the per-file limits first, one smartasync leaves as
  // it is too: a located SA901, not the end of the process (swc-plugin/every-file.ts).
  const options = checkingEveryFile(
    swcOptionsFor(path, format, settings.sourceMaps, settings.jest, settings.resolve, text),
  );
  // The hook never compiles JavaScript inside node_modules: a `.ts` anywhere importing one reads
  // it as what Node runs (attack34 F08). Jest's own `transformIgnorePatterns` decide there.
  const out = transformSync(text, settings.jest ? options : leavingFiles(options, leftToNode));
  const warnings = out.smartasync.diagnostics.filter((d) => d.severity === "warning");
  return { format, code: out.code, map: out.map, ...(warnings.length ? { warnings } : {}) };
}
