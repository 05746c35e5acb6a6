/** The compile service's request and result (index.ts explains the service). */
import type { ScannedImport } from "../core/import-scan.js";
import type { ModuleFacts } from "../core/module-facts.js";
import type { Options } from "../core/options.js";
import type { Report } from "../core/report.js";
import type { SwcParserConfig } from "../swc-plugin/lower.js";
import { resolveFileOptions } from "./options.js";

/** A source map, as plain JSON (version 3). */
export interface SourceMapJson {
  version: number;
  sources: string[];
  sourcesContent?: (string | null)[];
  names: string[];
  mappings: string;
  file?: string;
}

export type EngineName = "swc" | "babel";

export interface CompileRequest {
  /** The file's text. */
  code: string;
  /**
   * Absolute path, without query. Only `smartasync/swc` compiles text without one (then no
   * project options, no imports read, the report names `<input>`).
   */
  filename: string | undefined;
  engine: EngineName;
  /**
   * The host's own smartasync options (the Babel plugin's, `opts.smartasync`, the bundler
   * plugin's `smartasync`), layered over the project's file; `host` names them in messages.
   */
  options?: unknown;
  host?: string;
  /** The options already resolved by the caller (`resolveFileOptions`): used as they are. */
  resolved?: Options;
  /** The module URL in the output is `__filename` (the output runs as CommonJS). */
  cjsOutput: boolean;
  /**
   * A bundler reads the output, which takes a `.js` file of a package without `"type"` for an
   * ES module whatever its code (the unplugin hosts). `"by-syntax"`: a bundler that reads such a
   * file as Node does, CommonJS without module syntax (webpack's `javascript/auto`: attack28 F13),
   * so its runtime import is a `require` there. Default: Node reads it, by its code.
   */
  bundler?: boolean | "by-syntax";
  /** Directory the report's paths are relative to, unless smartasync's `root` says otherwise. */
  root: string;
  /** SWC engine: how to parse (default: by extension). */
  parser?: SwcParserConfig;
  /** SWC engine: `true` ES module, `false` script, `"unknown"` let the parser choose, `"commonjs"` a CommonJS script (default: by extension). */
  isModule?: boolean | "unknown" | "commonjs";
  /** Babel engine: `@babel/core` options merged over the service's own (docs/integrations.md). */
  babel?: Record<string, unknown>;
  /** The caller has applied `checkLimits` to this text already. */
  limitsChecked?: boolean;
  /**
   * SWC engine: what `checkLimits` returned for this text, when the caller applied it and the
   * file cannot hold JSX (the pass reads no JSX text): every import written in code, so the
   * fast path need not search the text for them (compile/fast-path.ts).
   */
  codeImports?: readonly ScannedImport[];
  /**
   * SWC engine: the caller compiles this text with `@swc/core` afterwards, which reports any
   * syntax error in it, so the engine may leave unparsed the function bodies that cannot matter
   * (swc-plugin/skim.ts). Off: every syntax error of the file is the engine's to throw.
   */
  skimBodies?: boolean;
  /**
   * `false`: the caller never reads the file's facts (`exports`), which are then not computed
   * (`smartasync/swc`'s transform functions but `transformWithFacts`: core/analysis/analyse.ts).
   */
  facts?: boolean;
  /**
   * Which other files the host does not compile (an `.swcrc` `exclude`, outside the folder
   * `smartasync build` compiles: attack31 F02/F14): why not, or undefined for a compiled one.
   */
  compiles?: {
    notCompiled: (file: string) => string | undefined;
    /**
     * Names a host's own rule for the files it leaves (`smartasync/register`'s), so that the
     * graphs reading other files under it are not another host's (engine.ts `graphFor`).
     */
    layer?: string;
  };
}

export interface CompileResult {
  /** The options the file was compiled with. */
  options: Options;
  report: Report;
  /** The report's diagnostics (warnings and notes; an error is thrown instead). */
  diagnostics: Report["diagnostics"];
  /** The edited text; absent when nothing changed. */
  code?: string;
  /** Maps `code` back to the input (made on first read under SWC). */
  map?: SourceMapJson;
  /** What the file exports that is smartasync (for package manifests). */
  exports?: ModuleFacts;
  /**
   * With `code`: the callees in it whose first argument is the module's URL — the runtime's
   * `runSync`/`offload`/`register` the engine wrote and the program's own `register` — as the
   * core names them (core/analysis/runtime-names.ts), for a host that points them elsewhere.
   */
  urlCallees?: string[];
}

export class MissingPeerError extends Error {
  readonly code = "SMARTASYNC_MISSING_PEER";
}

/** The request's options: resolved by the caller, or the project's file under the host's. */
export function optionsOf(req: CompileRequest): Options {
  return req.resolved ?? resolveFileOptions(req.filename, req.options, req.host ?? "the host's options");
}

export function result(
  options: Options,
  out: { report: Report; code?: string; map?: SourceMapJson; exports?: ModuleFacts; urlCallees?: string[] },
): CompileResult {
  const r: CompileResult = { options, report: out.report, diagnostics: out.report.diagnostics };
  if (out.exports) r.exports = out.exports;
  if (out.code === undefined) return r;
  r.code = out.code;
  if (out.urlCallees) r.urlCallees = out.urlCallees;
  // The SWC engine makes its map when it is read: keep that for callers that never read it.
  Object.defineProperty(r, "map", { get: () => out.map, enumerable: true });
  return r;
}
