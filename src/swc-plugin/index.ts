/**
 * `smartasync/swc`: `@swc/core`'s four transform functions, with smartasync in front.
 *
 * Each file: smartasync's options (`opts.smartasync` over package.json), the configuration SWC
 * will apply (read, not re-implemented: config.ts), the engine's text edits, then `@swc/core`
 * itself with the user's options minus `smartasync` — on the original text when nothing changed
 * (byte-identical to calling SWC directly), else on the edited text with the edits' source map
 * as SWC's `inputSourceMap`, so the final map points at the original. SWC does everything else
 * (`.swcrc`, module transforms, minification, its error messages).
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import swc, { type Options as SwcOptions, type Output as SwcOutput } from "@swc/core";
import { MSG } from "../core/messages.js";
import type { Options as ResolvedOptions } from "../core/options.js";
import type { Report } from "../core/report.js";
import { absoluteFilename, readSwcConfig, type SwcFileConfig, smartasyncOptions } from "./config.js";
import { compile, type EditMap, type EngineInput } from "./engine.js";

export type { Report } from "../core/report.js";

/** smartasync's own options, as a user writes them (every key optional; see docs/semantics.md#options). */
export type SmartAsyncOptions = Partial<ResolvedOptions>;

/** `@swc/core`'s options, plus smartasync's under `smartasync` (removed before SWC sees them). */
export interface Options extends SwcOptions {
  smartasync?: SmartAsyncOptions;
}

/** `@swc/core`'s output, plus the report. */
export interface Output extends SwcOutput {
  smartasync: Report;
}

export function transformSync(src: string, opts?: Options): Output {
  const plan = prepare(src, opts);
  if (!plan.ok) {
    swc.transformSync(src, plan.swcOpts); // SWC's own error, when SWC fails too
    throw internal(plan.error);
  }
  let out: SwcOutput;
  try {
    out = swc.transformSync(plan.code, plan.swcOpts);
  } catch (e) {
    if (plan.code === src) throw e;
    swc.transformSync(src, plan.original);
    throw internal(e);
  }
  return { ...out, smartasync: plan.report };
}

export async function transform(src: string, opts?: Options): Promise<Output> {
  const plan = prepare(src, opts);
  if (!plan.ok) {
    await swc.transform(src, plan.swcOpts);
    throw internal(plan.error);
  }
  let out: SwcOutput;
  try {
    out = await swc.transform(plan.code, plan.swcOpts);
  } catch (e) {
    if (plan.code === src) throw e;
    await swc.transform(src, plan.original);
    throw internal(e);
  }
  return { ...out, smartasync: plan.report };
}

/** Like `transformSync` on the file's text (UTF-8), with `filename` set to `path` as `@swc/core` does. */
export function transformFileSync(path: string, opts?: Options): Output {
  let src: string;
  try {
    src = readFileSync(path, "utf8");
  } catch (e) {
    swc.transformFileSync(path, withoutOwn(opts)); // SWC's own "cannot load" error
    throw e;
  }
  return transformSync(src, { ...opts, filename: path });
}

export async function transformFile(path: string, opts?: Options): Promise<Output> {
  let src: string;
  try {
    src = await readFile(path, "utf8");
  } catch (e) {
    await swc.transformFile(path, withoutOwn(opts));
    throw e;
  }
  return transform(src, { ...opts, filename: path });
}

type Plan =
  /** `code` goes to SWC with `swcOpts`; `original` are the options for the untouched source. */
  | { ok: true; code: string; swcOpts: SwcOptions; original: SwcOptions; report: Report }
  /** smartasync could not read the file or its configuration: SWC decides whose error it is. */
  | { ok: false; error: unknown; swcOpts: SwcOptions };

/** Everything before SWC runs; throws smartasync's own diagnostics (SA104, SAxxx) unchanged. */
function prepare(src: string, opts: Options | undefined): Plan {
  if (typeof src !== "string") {
    // An SWC AST carries no comments, so the annotations cannot be found in it.
    throw new TypeError(
      "smartasync/swc: transform takes source text, not an SWC AST (@smartasync annotations are comments, which an AST does not carry)",
    );
  }
  const swcOpts = withoutOwn(opts);
  const filename = absoluteFilename(swcOpts);
  // A bad option is reported whatever the file holds, so it comes first.
  const options = smartasyncOptions(opts?.smartasync, filename);
  let config: SwcFileConfig;
  let result: ReturnType<typeof compile>;
  try {
    config = readSwcConfig(swcOpts);
    result = compile(engineInput(src, filename, options, config, swcOpts));
  } catch (error) {
    if (isOwnDiagnostic(error)) throw error;
    return { ok: false, error, swcOpts };
  }
  if (result.code === undefined)
    return { ok: true, code: src, swcOpts, original: swcOpts, report: result.report };
  const edited = config.sourceMaps
    ? { ...swcOpts, inputSourceMap: JSON.stringify(sourceMapFor(result.map, src, swcOpts, config)) }
    : swcOpts;
  return { ok: true, code: result.code, swcOpts: edited, original: swcOpts, report: result.report };
}

/** The user's options without `smartasync`: SWC rejects unknown keys. The caller's object is not changed. */
function withoutOwn(opts: Options | undefined): SwcOptions {
  if (!opts) return {};
  const { smartasync: _, ...rest } = opts;
  return rest;
}

function engineInput(
  code: string,
  filename: string | undefined,
  options: ResolvedOptions,
  config: SwcFileConfig,
  swcOpts: SwcOptions,
): EngineInput {
  return {
    code,
    filename,
    options,
    // SWC's parser settings as they are: the engine parses with them so it reads the file as
    // SWC will. EngineInput's type does not yet name SWC's `flow` syntax nor `isModule:
    // "commonjs"`, which `@swc/core`'s parseSync accepts; they are passed through unchanged.
    parser: config.parser as EngineInput["parser"],
    isModule: config.isModule as EngineInput["isModule"],
    cjsOutput: config.cjsOutput,
    // As in the Babel plugin: smartasync's `root`, else the compiler's root or cwd.
    root: resolve(options.root ?? swcOpts.root ?? swcOpts.cwd ?? process.cwd()),
  };
}

/**
 * The edits' map, named as SWC names a source (`sourceFileName`, else the filename as given,
 * else `<anon>`) and carrying the original text as SWC would (`inlineSourcesContent`): SWC
 * copies both from an input map into its output.
 */
function sourceMapFor(map: EditMap, src: string, swcOpts: SwcOptions, config: SwcFileConfig): EditMap {
  const { sourcesContent: _, ...rest } = map;
  const source = swcOpts.sourceFileName ?? (swcOpts.filename || "<anon>");
  return config.inlineSourcesContent
    ? { ...rest, sources: [source], sourcesContent: [src] }
    : { ...rest, sources: [source] };
}

/** smartasync's diagnostics carry `code: "SAxxx"`; SWC's errors carry `code: "GenericFailure"`. */
function isOwnDiagnostic(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^SA\d{3}$/.test(code);
}

/** SWC accepted the original, so a failure on our side is ours to own: SA901, the cause kept. */
function internal(e: unknown): Error {
  if (isOwnDiagnostic(e)) return e as Error;
  const err = new Error(`SA901: ${MSG.internal((e as Error)?.message ?? String(e))}`, { cause: e });
  err.name = "SmartAsyncError";
  return Object.assign(err, { code: "SA901" });
}
