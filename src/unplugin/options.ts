/**
 * The options of the build-tool plugin (`smartasync/vite`, `/rollup`, `/webpack`, `/esbuild`),
 * checked strictly before any file is read: an unknown key is SA104 with "did you mean", as for
 * smartasync's own options (which are checked by the core, under `smartasync`).
 */
import { unknownOption } from "../core/did-you-mean.js";
import { type Options as CoreOptions, OptionsError, validateOptions } from "../core/options.js";
import type { Report } from "../core/report.js";

/** A file filter: a picomatch glob (relative globs are relative to the working directory) or a RegExp. */
export type FilterPattern = string | RegExp | readonly (string | RegExp)[];

/** SWC's parser settings (`jsc.parser` of `@swc/core`), for files the default by extension does not fit. */
export interface SwcParserOptions {
  syntax: "ecmascript" | "typescript";
  jsx?: boolean;
  tsx?: boolean;
  decorators?: boolean;
}

/** Options of the SWC engine. It parses with `@swc/core`; it does not compile (the build tool does). */
export interface SwcEngineOptions {
  /** How to parse every included file (default: by extension, see docs/integrations.md). */
  parser?: SwcParserOptions;
}

/**
 * Options of the Babel engine: `@babel/core` options merged over the plugin's own
 * (`babelrc: false`, `configFile: false`, the syntax plugins the extension needs, source maps).
 * `plugins` and `presets` you give run after smartasync; `parserOpts.plugins` are added to the
 * plugin's.
 */
export type BabelEngineOptions = Record<string, unknown>;

export interface PluginOptions {
  /** Which compiler front end reads the files (default `"swc"`). Both produce the same report. */
  engine?: "swc" | "babel";
  /** Files to transform (default: `.js .mjs .cjs .ts .mts .cts .jsx .tsx`). */
  include?: FilterPattern;
  /** Files to leave alone (default: anything under `node_modules`). */
  exclude?: FilterPattern;
  /** smartasync's own options (docs/semantics.md#options). */
  smartasync?: Partial<CoreOptions>;
  /** Called with the report of every file smartasync found something in, as it is compiled. */
  onReport?: (report: Report) => void;
  /** Write every file's report (a JSON array, ordered by file) here when the build ends. */
  reportFile?: string;
  /** Options of the SWC engine. */
  swc?: SwcEngineOptions;
  /** Options of the Babel engine. */
  babel?: BabelEngineOptions;
  /**
   * Give each module that holds worker or offloaded functions an output file of its own, which
   * the workers import (default `true`; docs/integrations.md#worker-strategies).
   */
  workerChunks?: boolean;
  /**
   * Milliseconds one file's compile may take (default `0`: no budget, compiled in the tool's
   * thread). With a budget, files compile in a worker of smartasync's own pool; one past it has
   * its worker terminated and fails the build with a located `timeout-error` (SECURITY.md, "How
   * long one file may take"). Off by default: the worker added up to 1.2 s a build, measured by
   * bench/file-budget.mjs (docs/integrations.md#a-time-budget-per-file).
   */
  fileTimeout?: number;
}

export interface ResolvedPluginOptions {
  engine: "swc" | "babel";
  include: (string | RegExp)[];
  exclude: (string | RegExp)[];
  smartasync: CoreOptions;
  onReport: ((report: Report) => void) | undefined;
  reportFile: string | undefined;
  swc: SwcEngineOptions;
  babel: BabelEngineOptions;
  workerChunks: boolean;
  /** ms; 0 is no budget (compiled in the tool's thread). */
  fileTimeout: number;
}

export const DEFAULT_INCLUDE: RegExp = /\.(?:[cm]?[jt]s|[jt]sx)$/;
export const DEFAULT_EXCLUDE: RegExp = /[\\/]node_modules[\\/]/;

const KEYS = [
  "engine",
  "include",
  "exclude",
  "smartasync",
  "onReport",
  "reportFile",
  "swc",
  "babel",
  "workerChunks",
  "fileTimeout",
] as const;
const SWC_KEYS = ["parser"] as const;
const PARSER_KEYS = ["syntax", "jsx", "tsx", "decorators"] as const;

function fail(message: string): never {
  throw new OptionsError(`smartasync plugin options: ${message}`);
}

function unknownKey(key: string, known: readonly string[], where: string): never {
  fail(unknownOption(key, known, where));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof RegExp);
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (v instanceof RegExp) return String(v);
  if (typeof v === "function") return "a function";
  if (typeof v === "object") return "an object";
  return JSON.stringify(v) ?? String(v);
}

function pattern(v: unknown, key: string): (string | RegExp)[] {
  const list = Array.isArray(v) ? v : [v];
  for (const p of list) {
    if (!(typeof p === "string" && p !== "") && !(p instanceof RegExp))
      fail(`\`${key}\` must be a glob string, a RegExp, or an array of them, got ${describe(p)}`);
  }
  return list as (string | RegExp)[];
}

function swcOptions(v: unknown): SwcEngineOptions {
  if (!isPlainObject(v)) fail(`\`swc\` must be an object, got ${describe(v)}`);
  for (const k of Object.keys(v)) {
    if (!(SWC_KEYS as readonly string[]).includes(k)) {
      if (k === "jsc" || k === "module" || k === "env" || k === "minify" || k === "sourceMaps")
        fail(
          `\`swc.${k}\` is not used: the SWC engine only parses (with \`swc.parser\`) and applies smartasync's edits; ` +
            "compiling (TypeScript, JSX, targets, modules) is left to the build tool. Known options: swc.parser.",
        );
      unknownKey(k, SWC_KEYS, "swc.");
    }
  }
  const parser = v.parser;
  if (parser === undefined) return {};
  if (!isPlainObject(parser))
    fail(`\`swc.parser\` must be an object like { syntax: "typescript", tsx: true }`);
  for (const k of Object.keys(parser))
    if (!(PARSER_KEYS as readonly string[]).includes(k)) unknownKey(k, PARSER_KEYS, "swc.parser.");
  if (parser.syntax !== "ecmascript" && parser.syntax !== "typescript")
    fail(`\`swc.parser.syntax\` must be "ecmascript" or "typescript", got ${describe(parser.syntax)}`);
  for (const k of ["jsx", "tsx", "decorators"] as const) {
    if (parser[k] !== undefined && typeof parser[k] !== "boolean")
      fail(`\`swc.parser.${k}\` must be true or false, got ${describe(parser[k])}`);
  }
  return { parser: parser as unknown as SwcParserOptions };
}

/** Validates the plugin's options; throws SA104 (`OptionsError`) naming the key and what it expects. */
export function resolvePluginOptions(raw: unknown): ResolvedPluginOptions {
  if (raw === undefined || raw === null) raw = {};
  if (!isPlainObject(raw)) fail(`the options must be an object, got ${describe(raw)}`);
  for (const k of Object.keys(raw)) if (!(KEYS as readonly string[]).includes(k)) unknownKey(k, KEYS, "");
  const o = raw as PluginOptions & Record<string, unknown>;
  const engine = o.engine ?? "swc";
  if (engine !== "swc" && engine !== "babel")
    fail(`\`engine\` must be "swc" or "babel", got ${describe(o.engine)}`);
  if (o.onReport !== undefined && typeof o.onReport !== "function")
    fail(`\`onReport\` must be a function (report) => void, got ${describe(o.onReport)}`);
  if (o.reportFile !== undefined && (typeof o.reportFile !== "string" || o.reportFile === ""))
    fail(`\`reportFile\` must be a file path, got ${describe(o.reportFile)}`);
  if (o.babel !== undefined && !isPlainObject(o.babel))
    fail(`\`babel\` must be an object of @babel/core options`);
  if (o.babel !== undefined && engine !== "babel")
    fail('`babel` options are given but `engine` is not "babel"');
  if (o.swc !== undefined && engine !== "swc") fail('`swc` options are given but `engine` is "babel"');
  if (o.workerChunks !== undefined && typeof o.workerChunks !== "boolean")
    fail(`\`workerChunks\` must be true or false, got ${describe(o.workerChunks)}`);
  const ft = o.fileTimeout;
  if (ft !== undefined && !(typeof ft === "number" && Number.isFinite(ft) && ft >= 0))
    fail(
      `\`fileTimeout\` must be a number of milliseconds >= 0 (0: no budget), got ${describe(ft)}; the budget must be finite`,
    );
  let smartasync: CoreOptions;
  try {
    smartasync = validateOptions(o.smartasync);
  } catch (e) {
    if (e instanceof OptionsError)
      throw new OptionsError(
        `smartasync plugin options: \`smartasync\`: ${e.message.replace(/^SA104: /, "")}`,
      );
    throw e;
  }
  return {
    engine,
    include: o.include === undefined ? [DEFAULT_INCLUDE] : pattern(o.include, "include"),
    exclude: o.exclude === undefined ? [DEFAULT_EXCLUDE] : pattern(o.exclude, "exclude"),
    smartasync,
    onReport: o.onReport,
    reportFile: o.reportFile,
    swc: o.swc === undefined ? {} : swcOptions(o.swc),
    babel: (o.babel as BabelEngineOptions | undefined) ?? {},
    workerChunks: o.workerChunks ?? true,
    // Off unless asked: see the option's comment for the measured cost.
    fileTimeout: ft ?? 0,
  };
}
