/**
 * The per-file step every command shares: read one file, compile it — with Babel and the
 * smartasync plugin under the project's own Babel config, or with `smartasync/swc`
 * (transform-swc.ts) — and return `{ code, map, report }` or a structured error. Plain data in
 * and out, so it can run in a worker (the CLI's pool, pool-worker.ts), the same shape from both compilers.
 */
import { dirname, extname, posix } from "node:path";
import { type ItemLike, isSmartasyncItem } from "../babel-plugin/host-config.js";
import smartasyncPlugin from "../babel-plugin/index.js";
import { enableFactsStore } from "../compile/facts-store.js";
import { setRunConditions } from "../compile/options.js";
import type { SourceMapJson } from "../compile/types.js";
import { withoutBom } from "../core/chars.js";
import { namedInputMap, rebaseSources } from "../core/input-map.js";
import { isPathLike } from "../core/map-comment.js";
import type { ModuleFacts } from "../core/module-facts.js";
import { readAsCommonJsScript } from "../core/package-type.js";
import type { Report } from "../core/report.js";
import { syntaxOf } from "../core/syntax.js";
import { type BabelCore, loadBabel, loadPresetTypescript, MissingPackageError } from "./babel-loader.js";
import { escapeControls, hasTerminalControls } from "./escape.js";
import { errorText, type Fail, failer, frameLocation, smartasyncFailure, stripFile } from "./failure.js";
import { describeFsError, displayPath, isTypeScript, readSource } from "./files.js";
import { inputMapNote } from "./input-map.js";
import { transformFileSwc } from "./transform-swc.js";

export interface TransformOptions {
  /** Project directory: Babel's `cwd` and `root`, SWC's `cwd` and `root` (config discovery, report paths). */
  cwd: string;
  /** `babel` (the default) or `swc` (`smartasync/swc`; the caller has checked that `@swc/core` loads). */
  compiler?: "babel" | "swc";
  /** Also return the file's export facts (for the package manifest): free under Babel, one more engine pass under SWC. */
  moduleFacts?: boolean;
  /** Ask the compiler for a source map. */
  sourceMaps?: boolean;
  /** `sources[0]` of the map (a path relative to where the map will be written). */
  sourceFileName?: string;
  /**
   * `build`: the source folder. The input map a file names (`//# sourceMappingURL=`) is read
   * only when it is a regular file inside it (input-map.ts); otherwise it is not read, and the
   * result says why in `notes`.
   */
  inputMapRoot?: string;
  /** With `inputMapRoot`: a link inside it leading out may be read (`build --follow-symlinks`). */
  followSymlinks?: boolean;
  /** Keep the input text in the result (for --diff). */
  keepSource?: boolean;
  /** Colour Babel's code frames. */
  highlightCode?: boolean;
  /** `--conditions`: the conditions the program runs with, as the `resolve.conditions` option. */
  conditions?: string[];
  /**
   * `build`: the folder it compiles. A module imported from outside it is not compiled, so its
   * importers call it as it is (attack31 F14).
   */
  compiles?: string;
}

/** A source map, as plain JSON (the compile service's type). */
export type { SourceMapJson } from "../compile/types.js";

export interface TransformSuccess {
  ok: true;
  /** Absolute path. */
  file: string;
  /** Path relative to the project directory, `/`-separated. */
  path: string;
  code: string;
  map: SourceMapJson | null;
  report: Report;
  /** What the file exports that is smartasync (for the package manifest). */
  exports?: ModuleFacts;
  source?: string;
  /** The project's Babel config (`ignore`/`only`) or `.swcrc` (`test`/`exclude`) ignores this file: nothing was transformed. */
  ignored?: boolean;
  /** Where the Babel config (or the `.swcrc`) came from, if any. */
  config?: string;
  /** What the caller should tell the user about this file (not diagnostics: an input map not read). */
  notes?: string[];
}

export type FailureKind = "read" | "syntax" | "smartasync" | "config" | "internal" | "timeout";

export interface TransformFailure {
  ok: false;
  file: string;
  path: string;
  kind: FailureKind;
  /** The SA code, or `syntax-error` / `read-error` / `config-error` / `internal-error` / `timeout-error`. */
  code: string;
  /** The message's first line, without the file name in front. */
  message: string;
  /** The whole message (with Babel's code frame where there is one), without the file name in front. */
  detail: string;
  /** `path:line:column` (1-based), or the path alone when no position is known. */
  loc: string;
  /** The compiler coloured `detail`'s code frame itself (its colour codes may be printed as they are). */
  highlighted?: boolean;
}

export type TransformOutcome = TransformSuccess | TransformFailure;

const TS_PLUGIN = /(preset-typescript|plugin-transform-typescript|plugin-syntax-typescript)/;

function handlesTypescript(item: ItemLike): boolean {
  return item.file?.resolved !== undefined && TS_PLUGIN.test(item.file.resolved);
}

/** Transforms one file with the chosen compiler. Never throws: every failure comes back as a `TransformFailure`. */
export function transformFile(file: string, opts: TransformOptions): Promise<TransformOutcome> {
  // Every file of one command has the same; set here, so a `--jobs` worker has them too.
  setRunConditions(opts.conditions);
  // Imported modules' facts kept on disk: for the other workers of this run and the next run.
  enableFactsStore();
  return opts.compiler === "swc" ? transformFileSwc(file, opts) : transformFileBabel(file, opts);
}

/** The Babel path: the project's `@babel/core` and Babel config, the plugin added if the config lacks it. */
async function transformFileBabel(file: string, opts: TransformOptions): Promise<TransformOutcome> {
  const path = displayPath(file, opts.cwd);
  const fail = failer(file, path);

  let source: string;
  try {
    source = await readSource(file);
  } catch (e) {
    return fail("read", "read-error", `cannot read: ${describeFsError(e)}`);
  }

  let babel: BabelCore;
  let partial: Awaited<ReturnType<BabelCore["loadPartialConfigAsync"]>>;
  try {
    babel = await loadBabel(opts.cwd);
    partial = await babel.loadPartialConfigAsync({
      filename: file,
      cwd: opts.cwd,
      root: opts.cwd,
    });
  } catch (e) {
    if (e instanceof MissingPackageError) return fail("config", "config-error", e.message);
    // One line, every control character escaped: Babel quotes a malformed package.json's text
    // in its JSON error, line breaks and all (a `::error` line on a CI log).
    return fail(
      "config",
      "config-error",
      `cannot load the Babel config: ${escapeControls(stripFile(errorText(e), file))}`,
    );
  }
  if (partial === null) {
    const report: Report = { version: 1, file: path, functions: [], calls: [], diagnostics: [] };
    return { ok: true, file, path, code: source, map: null, report, ignored: true, ...keep(opts, source) };
  }

  const options = { ...partial.options } as Record<string, unknown> & {
    plugins?: ItemLike[];
    presets?: ItemLike[];
    parserOpts?: { plugins?: unknown[] };
  };
  const plugins: unknown[] = [...(options.plugins ?? [])];
  const presets: unknown[] = [...(options.presets ?? [])];
  if (!(options.plugins ?? []).some(isSmartasyncItem)) plugins.push(smartasyncPlugin);
  const ext = extname(file);
  if (
    isTypeScript(file) &&
    ![...(options.plugins ?? []), ...(options.presets ?? [])].some(handlesTypescript)
  ) {
    try {
      presets.push(await loadPresetTypescript(opts.cwd));
    } catch (e) {
      return fail("config", "config-error", (e as Error).message);
    }
  }
  const parserPlugins = [...(options.parserOpts?.plugins ?? [])];
  // `.tsx` too: Babel 8's TypeScript preset no longer turns JSX on for it (attack21 F14: every
  // `.tsx` with JSX was a syntax error on the CLI's default path).
  if ((ext === ".jsx" || ext === ".js" || ext === ".tsx") && !parserPlugins.includes("jsx"))
    parserPlugins.push("jsx");

  // A frame is coloured only for a file with no control characters of its own: then every
  // colour code in it is Babel's, and the rest of the text can be escaped (common.ts).
  const highlight = (opts.highlightCode ?? false) && !hasTerminalControls(source);
  const mapNote = inputMapNote(source, file, opts);
  // A file Node runs as a CommonJS script is parsed as one (core/package-type.ts).
  const script = readAsCommonJsScript(file, source);
  let result: Awaited<ReturnType<BabelCore["transformAsync"]>>;
  try {
    result = await babel.transformAsync(withoutBom(source), {
      ...options,
      babelrc: false,
      configFile: false,
      filename: file,
      // The plugin loads an imported file's config as this file's is loaded here, and knows which
      // files this command compiles (babel-plugin/host-config.ts: attack31 F01/F02/F14).
      caller: {
        name: "smartasync-cli",
        smartasyncConfigCwd: opts.cwd,
        ...(opts.compiles === undefined ? {} : { smartasyncCompiles: opts.compiles }),
      } as never,
      plugins: plugins as never,
      presets: presets as never,
      parserOpts: {
        // A `.cjs` may `return` at the top level, as Node allows (attack23 F9; the SWC path too);
        // so may a `.js` Node runs as CommonJS, in sloppy mode (attack27 F09).
        ...(script
          ? { allowReturnOutsideFunction: true, allowNewTargetOutsideFunction: true }
          : syntaxOf(file).commonjs
            ? { allowReturnOutsideFunction: true }
            : {}),
        ...(options.parserOpts ?? {}),
        plugins: parserPlugins as never,
      },
      // `.cjs` is a script; `.cts` too, unless it uses TypeScript's CommonJS module forms
      // (`import x = require()`, `export =`), which the parser reads only in a module, and which
      // the TypeScript preset compiles to `require`/`module.exports` (docs/modules.md, routes).
      sourceType:
        (options.sourceType as "module" | "script" | "unambiguous" | undefined) ??
        (script || ext === ".cjs" ? "script" : ext === ".cts" ? "unambiguous" : "module"),
      sourceMaps: opts.sourceMaps ?? false,
      sourceFileName: opts.sourceFileName ?? path,
      highlightCode: highlight,
      compact: compactFor(options, source),
      ...(mapNote ? { inputSourceMap: false } : inputMapFor(source, file, opts)),
    });
  } catch (e) {
    const failure = classify(e, file, path, fail);
    return highlight ? { ...failure, highlighted: true } : failure;
  }
  const report = (result?.metadata as { smartasync?: Report } | undefined)?.smartasync ?? {
    version: 1 as const,
    file: path,
    functions: [],
    calls: [],
    diagnostics: [],
  };
  const map = result?.map ? (JSON.parse(JSON.stringify(result.map)) as SourceMapJson) : null;
  return {
    ok: true,
    file,
    path,
    code: result?.code ?? "",
    map,
    report: JSON.parse(JSON.stringify(report)) as Report,
    ...((result?.metadata as { smartasyncExports?: ModuleFacts } | undefined)?.smartasyncExports
      ? { exports: (result!.metadata as unknown as { smartasyncExports: ModuleFacts }).smartasyncExports }
      : {}),
    ...(partial.config ? { config: displayPath(partial.config, opts.cwd) } : {}),
    ...(mapNote ? { notes: [mapNote] } : {}),
    ...keep(opts, source),
  };
}

/**
 * The input map Babel chains, read here by the one reader (core/map-comment.ts): Babel reads the
 * comment's URL as a file name (`a%20b.js.map`, not the `a b.js.map` it names, which `build`
 * itself writes for `a b.js`), so the map goes to Babel as an object, or `false` when the
 * comment names none that can be read: Babel reads no other (Babel 7 reads such a comment
 * anywhere in the file, one before the code too, which `build`'s check of the map's place,
 * input-map.ts, would not have seen). Babel copies the input map's `sources` as written, which
 * are relative to the input map (not to the map `build` writes in --out-dir), so they are
 * rebased to the output's folder — the folder `sourceFileName` is relative to (attack32 F08).
 */
function inputMapFor(source: string, file: string, opts: TransformOptions): { inputSourceMap?: never } {
  if (!opts.sourceMaps) return {};
  const named = namedInputMap(source, file);
  if (named?.dir === undefined) return { inputSourceMap: false as never };
  let rebased: { sources?: unknown; mappings?: unknown } | null;
  try {
    rebased = JSON.parse(rebaseSources(named.text, named.dir, dirname(file))) as typeof rebased;
  } catch {
    return { inputSourceMap: false as never }; // not a map: Babel discards it too
  }
  if (typeof rebased !== "object" || rebased === null || typeof rebased.mappings !== "string")
    return { inputSourceMap: false as never };
  if (!Array.isArray(rebased.sources)) return { inputSourceMap: rebased as never };
  const out = posix.dirname(opts.sourceFileName ?? ".");
  const sources = rebased.sources.map((s: unknown) =>
    typeof s === "string" && !posix.isAbsolute(s) && isPathLike(s) ? posix.normalize(posix.join(out, s)) : s,
  );
  return { inputSourceMap: { ...rebased, sources } as never };
}

/**
 * Babel's `compact: "auto"` (its default) compacts a file over 500 KB and says so itself, on
 * stderr, with the file's name raw ("[BABEL] Note: The code generator has deoptimised the styling
 * of <file>"): a name holding a line break or ESC would reach the CLI's output unescaped. The
 * same decision made here — true past 500,000 characters, as @babel/generator does — gives the
 * same output without the note; a config's own `compact` (true or false) stands.
 */
function compactFor(options: Record<string, unknown>, source: string): boolean {
  const given = options.compact;
  if (typeof given === "boolean") return given;
  return source.length > 500_000;
}

function keep(opts: TransformOptions, source: string): { source?: string } {
  return opts.keepSource ? { source } : {};
}

function classify(e: unknown, file: string, path: string, fail: Fail): TransformFailure {
  const own = smartasyncFailure(e, file, path, fail);
  if (own) return own;
  const err = e as { code?: unknown; loc?: { line: number; column: number } };
  const detail = stripFile(errorText(e), file).trimEnd();
  const code = typeof err.code === "string" ? err.code : undefined;
  if (code === "BABEL_PARSE_ERROR" || (e instanceof SyntaxError && err.loc)) {
    const loc = err.loc ? `${path}:${err.loc.line}:${err.loc.column + 1}` : path;
    return fail("syntax", "syntax-error", detail, loc);
  }
  // Another plugin or preset refusing the user's code (preset-typescript's `export let` in a
  // namespace) shows where in its code frame: the user's error, located, not ours (attack25 F18).
  const framed = code === "BABEL_TRANSFORM_ERROR" ? frameLocation(detail) : undefined;
  if (framed !== undefined) return fail("syntax", "syntax-error", detail, `${path}:${framed}`);
  if (/^\[BABEL\]/.test(errorText(e)) || code === "BABEL_UNKNOWN_PLUGIN_PROPERTY") {
    return fail("config", "config-error", detail);
  }
  return fail("internal", "internal-error", detail);
}
