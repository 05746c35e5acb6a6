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
import { dirname, isAbsolute, relative, resolve } from "node:path";
import remapping from "@jridgewell/remapping";
import type { Options as SwcOptions, Output as SwcOutput } from "@swc/core";
import { checkLimits } from "../compile/limits.js";
import { resolveFileOptions, withHostResolve } from "../compile/options.js";
import { compileFileSync } from "../compile/swc.js";
import type { CompileRequest, CompileResult } from "../compile/types.js";
import { escapeControls } from "../core/escape.js";
import type { ScannedImport } from "../core/import-scan.js";
import { namedInputMap, rebaseSources } from "../core/input-map.js";
import { lastMapComment, namedMapFile } from "../core/map-comment.js";
import { MSG } from "../core/messages.js";
import type { ModuleFacts } from "../core/module-facts.js";
import type { Options as ResolvedOptions } from "../core/options.js";
import { requirePeer } from "../core/peers.js";
import type { Report } from "../core/report.js";
import type { HostPaths } from "../core/resolve.js";
import { absoluteFilename, excludedBy, readSwcConfig, type SwcFileConfig } from "./config.js";
import type { EditMap } from "./engine.js";
import { checksEveryFile, compiledFolder, leftFiles } from "./every-file.js";

export type { Report } from "../core/report.js";

// An optional peer: without it, importing smartasync/swc says what to install (core/peers.ts).
const swc = requirePeer<typeof import("@swc/core")>("@swc/core");

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
  const plan = prepare(src, opts, false);
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
  return finish(out, plan);
}

export async function transform(src: string, opts?: Options): Promise<Output> {
  return (await transformAsync(src, opts, false)).output;
}

/**
 * `transform`, plus what the file exports that is smartasync (for a package manifest): for
 * tools such as `smartasync build`, which would otherwise compile the file twice to learn it.
 */
export async function transformWithFacts(
  src: string,
  opts?: Options,
): Promise<{ output: Output; exports: ModuleFacts | undefined }> {
  return transformAsync(src, opts, true);
}

/** `transform`, with the file's facts when `facts` (only then are they computed). */
async function transformAsync(
  src: string,
  opts: Options | undefined,
  facts: boolean,
): Promise<{ output: Output; exports: ModuleFacts | undefined }> {
  const plan = prepare(src, opts, facts);
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
  return { output: finish(out, plan), exports: plan.exports };
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
  | {
      ok: true;
      code: string;
      swcOpts: SwcOptions;
      original: SwcOptions;
      report: Report;
      exports?: ModuleFacts;
      compose?: Compose;
    }
  /** smartasync could not read the file or its configuration: SWC decides whose error it is. */
  | { ok: false; error: unknown; swcOpts: SwcOptions };

/** Everything before SWC runs; throws smartasync's own diagnostics (SA104, SAxxx) unchanged. */
function prepare(src: string, opts: Options | undefined, facts: boolean): Plan {
  if (typeof src !== "string") {
    // An SWC AST carries no comments, so the annotations cannot be found in it.
    throw new TypeError(
      "smartasync/swc: transform takes source text, not an SWC AST (@smartasync annotations are comments, which an AST does not carry)",
    );
  }
  const swcOpts = withoutOwn(opts);
  const filename = absoluteFilename(swcOpts);
  // The per-file limits (compile/limits.ts): a file smartasync parses is held to them by the
  // engine, after its fast path. A host of smartasync's own asks for every file, before anything
  // else (every-file.ts): SWC itself never sees a file past them. That pass also notes the
  // imports written in code, for the fast path.
  const everyFile = checksEveryFile(opts);
  const codeImports = everyFile ? checkLimits(src, filename) : undefined;
  // A bad option is reported whatever the file holds, so it comes first.
  const options = resolveFileOptions(filename, opts?.smartasync, "opts.smartasync");
  let config: SwcFileConfig;
  let result: CompileResult;
  try {
    config = readSwcConfig(swcOpts, filename);
    // SWC rewrites imports by `jsc.paths`: the output loads what that table names, so it is
    // followed, not SA204 (attack33 F06) and not tsconfig.json's (attack35 F02; docs/modules.md),
    // for this file and the files it imports, which SWC compiles with the same options.
    const layer = config.jscPaths
      ? withJscPaths(opts?.smartasync, config.jscPaths, filename)
      : opts?.smartasync;
    const used =
      layer === opts?.smartasync ? options : resolveFileOptions(filename, layer, "opts.smartasync");
    // The compile service's SWC engine (src/compile), with the options and limits settled here.
    result = compileFileSync({
      ...engineInput(src, filename, used, layer, config, swcOpts, everyFile, codeImports),
      facts,
      compiles: compilesOf(swcOpts, compiledFolder(opts), leftFiles(opts)),
    });
  } catch (error) {
    if (isOwnDiagnostic(error)) throw error;
    return { ok: false, error, swcOpts };
  }
  const { report, exports } = result;
  if (result.code === undefined) {
    const own = config.sourceMaps ? urlReading(src, swcOpts, filename) : swcOpts;
    return { ok: true, code: src, swcOpts: own, original: swcOpts, report, exports };
  }
  if (!config.sourceMaps) return { ok: true, code: result.code, swcOpts, original: swcOpts, report, exports };
  // A map the user hands over as text is SWC's to refuse: SWC fails a file whose
  // `inputSourceMap` is not one it reads (not JSON, a path, mappings that do not decode), while
  // the edited text goes to SWC with `inputSourceMap: false` and the composition below left it
  // out silently (suspected in attack31). SWC reads it alone, on an empty program.
  const refused = refusedInputMap(swcOpts.inputSourceMap);
  if (refused !== undefined) return { ok: false, error: refused, swcOpts };
  // SWC chains an input map by the *output* column (measured: a call after a stripped type
  // annotation mapped 8 columns early, test/source-maps.test.ts), so the maps are composed here:
  // SWC maps its output to the edited text, ours maps that to the input, the user's (if any)
  // maps the input to where it came from.
  const compose: Compose = {
    edit: sourceMapFor(result.map as EditMap, src, swcOpts, config),
    input: inputMapOf(src, swcOpts, filename),
    inline: config.inlineMap,
  };
  const edited: SwcOptions = { ...swcOpts, sourceMaps: true, inputSourceMap: false };
  return { ok: true, code: result.code, swcOpts: edited, original: swcOpts, report, exports, compose };
}

/**
 * A file smartasync leaves as it is goes to SWC as it came, and SWC reads the input map itself,
 * taking the text's last `sourceMappingURL=` and its URL as a file name. Where that is not the
 * comment Node reads, or another file than the URL names (`a%20b.js.map` names `a b.js.map`:
 * core/map-comment.ts), the map the one reader names is handed over (or none), so a file reads the same map whether smartasync edits it or not
 * (test/source-maps-escaped.test.ts); everywhere else SWC's own reading stands, byte for byte.
 */
function urlReading(src: string, swcOpts: SwcOptions, filename: string | undefined): SwcOptions {
  const given = swcOpts.inputSourceMap;
  if ((given !== undefined && given !== true) || filename === undefined) return swcOpts;
  const comment = lastMapComment(src);
  const mention = src.lastIndexOf("sourceMappingURL=");
  if (mention < 0) return swcOpts;
  // SWC takes the text's last `sourceMappingURL=` wherever it stands (in a block comment after
  // the real one: attack36 F12); where that is not the comment Node reads, ours is handed over.
  const same = comment !== undefined && mention > comment.start && mention < comment.end;
  const file = namedMapFile(src, filename);
  if (same && (file === undefined || file === resolve(dirname(filename), comment.url))) return swcOpts;
  return { ...swcOpts, inputSourceMap: inputMapOf(src, swcOpts, filename) ?? false };
}

/** SWC's error for a user-given `inputSourceMap` text it does not read, or undefined. */
function refusedInputMap(given: SwcOptions["inputSourceMap"]): unknown {
  if (typeof given !== "string") return undefined;
  try {
    swc.transformSync("", { swcrc: false, configFile: false, sourceMaps: true, inputSourceMap: given });
    return undefined;
  } catch (e) {
    return e;
  }
}

/** How the final map is made from SWC's map of the edited text. */
interface Compose {
  edit: EditMap;
  /** The map the input itself came with (`inputSourceMap`, or its `sourceMappingURL`). */
  input: string | undefined;
  /** The user asked for `sourceMaps: "inline"`: the map goes into the code. */
  inline: boolean;
}

/** The input's own map, as SWC would find it (`inputSourceMap` string, else the file's comment). */
function inputMapOf(src: string, opts: SwcOptions, filename: string | undefined): string | undefined {
  const map = inputMapText(src, opts, filename);
  return map !== undefined && isSourceMap(map) ? map : undefined;
}

/**
 * A map that cannot be one (not JSON, no `mappings`: a stale or cut inline comment copied from
 * another build) is left out, as Babel discards it, rather than failing the file (attack19 F11).
 */
function isSourceMap(text: string): boolean {
  try {
    const m = JSON.parse(text) as { mappings?: unknown; sections?: unknown } | null;
    return (
      typeof m === "object" && m !== null && (typeof m.mappings === "string" || Array.isArray(m.sections))
    );
  } catch {
    return false;
  }
}

function inputMapText(src: string, opts: SwcOptions, filename: string | undefined): string | undefined {
  const given = opts.inputSourceMap;
  if (typeof given === "string") return given;
  if (given === false) return undefined;
  const named = namedInputMap(src, filename);
  if (named === undefined) return undefined;
  // The composition resolves the input map's sources from the edited file's folder (attack32 F08).
  return named.dir && filename ? rebaseSources(named.text, named.dir, dirname(filename)) : named.text;
}

function finish(out: SwcOutput, plan: Extract<Plan, { ok: true }>): Output {
  const c = plan.compose;
  if (!c || !out.map) return { ...out, smartasync: plan.report };
  const swcMap = JSON.parse(out.map) as { sourceRoot?: string };
  // The loader is asked for every source down the chain: the input's map belongs to the first
  // level only (the file we edited), not to the sources it names in turn.
  let pending = c.input;
  const loader = () => {
    const map = pending ?? null;
    pending = undefined;
    return map;
  };
  const compose = (load: () => string | null) =>
    remapping([swcMap as never, c.edit as never], load, {
      excludeContent: c.edit.sourcesContent === undefined,
    });
  let composed: ReturnType<typeof remapping>;
  try {
    composed = compose(loader);
  } catch {
    // A map that parses but whose mappings do not decode: left out, as an unreadable one is.
    composed = compose(() => null);
  }
  if (swcMap.sourceRoot) composed.sourceRoot = swcMap.sourceRoot;
  const map = JSON.stringify(composed);
  if (!c.inline) return { ...out, map, smartasync: plan.report };
  const url = `data:application/json;base64,${Buffer.from(map).toString("base64")}`;
  return { code: `${out.code}\n//# sourceMappingURL=${url}`, map: undefined, smartasync: plan.report };
}

/**
 * Which other files these options do not compile: those a `test`/`exclude` rule leaves out (the
 * options' or their `.swcrc`'s), and with `smartasync build` those outside the folder it compiles
 * (attack31 F02/F14). A build script that gives one file other `opts.smartasync` than another is
 * not known here (docs/swc.md).
 */
function compilesOf(
  swcOpts: SwcOptions,
  folder: string | undefined,
  leaves: ((file: string) => string | undefined) | undefined,
): CompileRequest["compiles"] {
  return {
    ...(leaves ? { layer: "leaves" } : {}),
    notCompiled: (file) => {
      const left = leaves?.(file);
      if (left !== undefined) return left;
      if (folder !== undefined) {
        const r = relative(folder, file);
        if (r === "" || r.split(/[\\/]/)[0] === ".." || isAbsolute(r))
          return "outside the folder `smartasync build` compiles";
      }
      return excludedBy(swcOpts, file);
    },
  };
}

/** The user's options without `smartasync`: SWC rejects unknown keys. The caller's object is not changed. */
function withoutOwn(opts: Options | undefined): SwcOptions {
  if (!opts) return {};
  const { smartasync: _, ...rest } = opts;
  return rest;
}

/**
 * smartasync's options layer with SWC's `jsc.paths` as the `resolve` the host applies
 * (`tsconfigPaths` and `paths`): on the layer's own `resolve` where it gives one, else over the
 * project's (withHostResolve), as a bundler's resolution is added.
 */
function withJscPaths(given: unknown, paths: HostPaths, filename: string | undefined): unknown {
  const layer = (typeof given === "object" && given !== null ? given : {}) as { resolve?: object };
  if (layer.resolve !== undefined || filename === undefined)
    return { ...layer, resolve: { ...layer.resolve, tsconfigPaths: true, paths } };
  return withHostResolve(layer, { alias: [], conditions: [], tsconfigPaths: true, paths }, filename);
}

function engineInput(
  code: string,
  filename: string | undefined,
  options: ResolvedOptions,
  swcOwn: unknown,
  config: SwcFileConfig,
  swcOpts: SwcOptions,
  limitsChecked: boolean,
  codeImports: readonly ScannedImport[] | undefined,
): CompileRequest {
  const parser = config.parser as { syntax: string; jsx?: boolean; tsx?: boolean };
  // The nesting pass reads no JSX text: its imports stand for the file's only where the parser
  // reads none (ECMAScript without `jsx`, TypeScript without `tsx`).
  const noJsx =
    (parser.syntax === "ecmascript" && parser.jsx !== true) ||
    (parser.syntax === "typescript" && parser.tsx !== true);
  return {
    code,
    filename,
    engine: "swc",
    resolved: options,
    // The host's layer, for the files this one imports (each under its own project's options).
    options: swcOwn,
    host: "opts.smartasync",
    limitsChecked,
    codeImports: noJsx ? codeImports : undefined,
    // SWC compiles the text next and reports any syntax error in it (the original's, when
    // smartasync's edits fail to compile): bodies that cannot matter need not be parsed here.
    skimBodies: true,
    // SWC's parser settings as they are: the engine parses with them so it reads the file as
    // SWC will (SWC's `flow` syntax too, which `@swc/core`'s parseSync accepts).
    parser: config.parser as CompileRequest["parser"],
    isModule: config.isModule,
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
  const err = new Error(`SA901: ${escapeControls(MSG.internal((e as Error)?.message ?? String(e)))}`, {
    cause: e,
  });
  err.name = "SmartAsyncError";
  return Object.assign(err, { code: "SA901" });
}
