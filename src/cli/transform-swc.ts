/**
 * The SWC path of the per-file step (`--compiler swc`): `smartasync/swc`'s `transform` — the same
 * front end a build script calls — on the file's text, configured the way `@swc/core` configures
 * itself: the project's `.swcrc` when SWC would find one for the file, else the CLI's defaults
 * (`swcDefaults`), which compile as the Babel path does (TypeScript stripped, nothing else
 * down-levelled, ES modules kept). The outcome has the Babel path's shape.
 */
import { extname } from "node:path";
import { escapeControls } from "../core/escape.js";
import { hasFacts, type ModuleFacts } from "../core/module-facts.js";
import { readAsCommonJsScript } from "../core/package-type.js";
import type { Report } from "../core/report.js";
import { syntaxOf } from "../core/syntax.js";
import { checkingEveryFile, compilingFolder } from "../swc-plugin/every-file.js";
import type { Options as SwcOptions } from "../swc-plugin/index.js";
import { errorText, type Fail, failer, smartasyncFailure } from "./failure.js";
import { describeFsError, displayPath, readSource } from "./files.js";
import { inputMapNote } from "./input-map.js";
import { loadSwc, type SwcModules } from "./swc-loader.js";
import type {
  SourceMapJson,
  TransformFailure,
  TransformOptions,
  TransformOutcome,
} from "./transform-file.js";

/**
 * SWC's options when the project has no `.swcrc` for the file. SWC's own defaults would compile
 * to ES5 (async functions become generators with inlined helpers), parse `.mts`/`.cts` as plain
 * JavaScript and `.jsx` without JSX, turn JSX into `React.createElement` and drop import
 * attributes; these mirror the Babel path instead: the parser by extension (JSX in `.js`/`.jsx`
 * as the Babel path allows it), `esnext` (only types are stripped), JSX kept, import attributes
 * kept, `.cjs` parsed as a CommonJS script (top-level `return` allowed), `.cts` compiled to CommonJS as TypeScript compiles it.
 */
export function swcDefaults(file: string, source = ""): SwcOptions {
  const ext = extname(file);
  const typescript = /^\.[cm]?tsx?$/.test(ext);
  // A `.cts` is CommonJS that may be written with TypeScript's module forms (`import x =
  // require()`, `export =`) or ES ones: parsed as a module where it has them, and compiled to
  // `require`/`module.exports` as TypeScript compiles a `.cts` (docs/modules.md, routes).
  const cts = ext === ".cts";
  return {
    swcrc: false,
    // `.cjs` is CommonJS: a top-level `return` is legal there, as Node wraps it in a function
    // (attack23 F9); SWC's "commonjs" parses a script that allows it.
    // So is a `.js` Node runs as a CommonJS script, in sloppy mode (attack27 F09).
    isModule: cts
      ? "unknown"
      : syntaxOf(file).commonjs || readAsCommonJsScript(file, source)
        ? "commonjs"
        : true,
    // With the annotation Node's CommonJS named-exports detection reads (`0 && (module.exports =
    // { a: null, … })`): SWC's `_export(exports, { get a() … })` alone is not recognised, so an
    // `.mts` importing the output by name failed at load, where tsc's output loads (attack31 F11).
    ...(cts ? { module: { type: "commonjs" as const, exportInteropAnnotation: true } } : {}),
    jsc: {
      parser: typescript
        ? { syntax: "typescript", tsx: ext === ".tsx" }
        : { syntax: "ecmascript", jsx: ext === ".js" || ext === ".jsx" },
      target: "esnext",
      transform: { react: { runtime: "preserve" } },
      experimental: { keepImportAttributes: true },
    },
  };
}

/**
 * The options one file is compiled with, and the `.swcrc` SWC will apply (if any). The project
 * directory is SWC's `cwd` and `root` (the `.swcrc` lookup stops there, report paths are relative
 * to it); source maps are the command's choice whatever the `.swcrc` says, as under Babel.
 */
export function swcOptionsFor(
  file: string,
  opts: TransformOptions,
  config: SwcModules["config"],
  /** The file's text: whether Node runs it as a CommonJS script decides how it is parsed. */
  source = "",
): { options: SwcOptions; swcrc?: string } {
  const base: SwcOptions = {
    filename: file,
    cwd: opts.cwd,
    root: opts.cwd,
    sourceMaps: opts.sourceMaps ?? false,
    ...(opts.sourceMaps && opts.sourceFileName !== undefined ? { sourceFileName: opts.sourceFileName } : {}),
  };
  let swcrc: string | undefined;
  try {
    swcrc = config.readSwcConfig(base).configFile;
  } catch {
    // A `.swcrc` SWC will refuse, or one that ignores this file: SWC says so in its own words.
    return { options: base };
  }
  return swcrc === undefined
    ? { options: { ...base, ...swcDefaults(file, source) } }
    : { options: base, swcrc };
}

/** Transforms one file with `smartasync/swc`. Never throws: every failure comes back as a `TransformFailure`. */
export async function transformFileSwc(file: string, opts: TransformOptions): Promise<TransformOutcome> {
  const path = displayPath(file, opts.cwd);
  const fail = failer(file, path);
  let source: string;
  try {
    source = await readSource(file);
  } catch (e) {
    return fail("read", "read-error", `cannot read: ${describeFsError(e)}`);
  }
  let swc: SwcModules;
  try {
    swc = await loadSwc();
  } catch (e) {
    return fail("config", "config-error", errorText(e));
  }
  const { options, swcrc } = swcOptionsFor(file, opts, swc.config, source);
  const mapNote = inputMapNote(source, file, opts);
  if (mapNote) options.inputSourceMap = false;
  const keep = opts.keepSource ? { source } : {};
  let out: Awaited<ReturnType<SwcModules["frontEnd"]["transform"]>>;
  let facts: ModuleFacts | undefined;
  try {
    // Every file held to the per-file limits, one smartasync leaves as it is too: one file past
    // them is a located SA901 and the others go on (swc-plugin/every-file.ts).
    ({ output: out, exports: facts } = await swc.frontEnd.transformWithFacts(
      source,
      // The folder `build` compiles: a module imported from outside it is not (attack31 F14).
      compilingFolder(checkingEveryFile(options), opts.compiles),
    ));
  } catch (e) {
    if (/ignored by \.swcrc/.test(errorText(e))) {
      // As under a Babel `ignore`: nothing transformed, nothing reported.
      const report: Report = { version: 1, file: path, functions: [], calls: [], diagnostics: [] };
      return { ok: true, file, path, code: source, map: null, report, ignored: true, ...keep };
    }
    return classifySwc(e, file, path, source, fail);
  }
  // One test of "anything for importers" (hasFacts): namespaces and element-held literals count too.
  const exports = opts.moduleFacts && facts && hasFacts(facts) ? facts : undefined;
  return {
    ok: true,
    file,
    path,
    code: out.code,
    map: out.map ? (JSON.parse(out.map) as SourceMapJson) : null,
    report: JSON.parse(JSON.stringify(out.smartasync)) as Report,
    ...(exports ? { exports } : {}),
    ...(swcrc ? { config: displayPath(swcrc, opts.cwd) } : {}),
    ...(mapNote ? { notes: [mapNote] } : {}),
    ...keep,
  };
}

// ——— SWC's errors ———

/** Colour codes, should SWC ever colour its report. */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

/**
 * smartasync's diagnostics as under Babel; SWC's own errors (`code: "GenericFailure"`, a
 * rendered report with Rust's "Caused by:" chain and a backtrace) turned into a syntax error
 * with its position and code frame, or a configuration error with the chain on one line.
 */
export function classifySwc(
  e: unknown,
  file: string,
  path: string,
  source: string,
  fail: Fail,
): TransformFailure {
  const own = smartasyncFailure(e, file, path, fail);
  if (own) return own;
  // The file's name first, escaped (core/escape.ts): a line break in it would split the frame's
  // header (losing the position), and colour stripping would eat an escape sequence in it.
  const shown = escapeControls(path);
  let text = errorText(e).split(file).join(shown).replace(ANSI, "");
  const backtrace = text.indexOf("\nStack backtrace:");
  if (backtrace >= 0) text = text.slice(0, backtrace);
  text = text.trimEnd();
  // Leading blanks of one line only: `\s*` after a multiline `^` would run over every
  // following line break again from each line start (quadratic).
  const diagnostic = /^[ \t]*[x×] (.+)$/m.exec(text);
  if (diagnostic) {
    const at = diagnosticPosition(text, source);
    const frame = frameOf(text, shown, at);
    const where = at ? ` (${at.line}:${at.column})` : "";
    return fail(
      "syntax",
      "syntax-error",
      `${diagnostic[1]!.trim()}${where}${frame ? `\n\n${frame}` : ""}`,
      at ? `${path}:${at.line}:${at.column}` : path,
    );
  }
  const causes = causesOf(text);
  if (/\.swcrc|config/i.test(text)) {
    return fail("config", "config-error", `cannot load the SWC config: ${causes.join(": ")}`);
  }
  return fail("internal", "internal-error", causes.length > 0 ? causes.join(": ") : text.trim());
}

/** The lines of Rust's `Caused by:` chain (`0: …`, `1: …`, or one unnumbered line), in order. */
function causesOf(text: string): string[] {
  const at = text.indexOf("Caused by:");
  const lines = (at >= 0 ? text.slice(at + "Caused by:".length) : text).split("\n");
  return lines.map((l) => l.trim().replace(/^\d+: /, "")).filter((l) => l !== "");
}

/**
 * 1-based line and column of SWC's first diagnostic. The frame's header names the line (its
 * column is always 1); the column is where the first `^` stands under the source line, mapped
 * back through SWC's tab expansion (tab stops of 4) to a column of the real line.
 */
function diagnosticPosition(text: string, source: string): { line: number; column: number } | undefined {
  const lines = text.split("\n");
  // The header `,-[file:line:col]`: found by indexOf, its end checked by a pattern anchored on
  // `]` (an unanchored `,-\[.*…$` retries `.*` from every `,-[`: quadratic in a long line).
  const h = lines.findIndex((l) => l.includes(",-[") && /:\d+:\d+\]\s*$/.test(l));
  if (h < 0) return undefined;
  const header = /:(\d+):(\d+)\]\s*$/.exec(lines[h]!)!;
  let line = Number(header[1]);
  let column = Number(header[2]);
  let current: { line: number; textStart: number } | undefined;
  for (const l of lines.slice(h + 1)) {
    if (/^\s*`-{2,}/.test(l)) break;
    const src = /^(\s*(\d+) \|) ?/.exec(l);
    if (src) {
      current = { line: Number(src[2]), textStart: src[1]!.length + 1 };
      continue;
    }
    const caret = l.indexOf("^");
    if (current && /^\s*:/.test(l) && caret >= current.textStart) {
      line = current.line;
      column = realColumn(source.split(/\r\n|\r|\n/)[line - 1] ?? "", caret - current.textStart) + 1;
      break;
    }
  }
  return lineTerminators(source, line, column);
}

/**
 * SWC numbers lines by `\n`, `\r\n` and `\r` only; ECMAScript (Babel, Node, every other report
 * location) also ends a line at U+2028 and U+2029. The same place in ECMAScript's numbering, so
 * both compilers' reports agree (attack17 F13; test/cli/transform-swc.test.ts).
 */
function lineTerminators(source: string, line: number, column: number): { line: number; column: number } {
  if (!source.includes("\u2028") && !source.includes("\u2029")) return { line, column };
  let offset = 0;
  for (let l = 1; l < line && offset < source.length; offset++) {
    const c = source.charCodeAt(offset);
    if (c === 10 || (c === 13 && source.charCodeAt(offset + 1) !== 10)) l++;
  }
  offset += column - 1;
  let esLine = 1;
  let start = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 13 && source.charCodeAt(i + 1) === 10) continue; // `\r\n` ends at its `\n`
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) {
      esLine++;
      start = i + 1;
    }
  }
  return { line: esLine, column: offset - start + 1 };
}

/**
 * Whether SWC's frame draws the UTF-16 unit `c` two columns wide: East Asian wide and fullwidth
 * characters of the BMP (CJK, kana, Hangul, fullwidth forms). A character past the BMP is two
 * units, each counted once: two columns, as SWC draws an emoji. Counted as one, every column after
 * a CJK character on the line was one too far right (attack32 F06).
 */
function isWide(c: number): boolean {
  return (
    (c >= 0x1100 && c <= 0x115f) ||
    (c >= 0x2e80 && c <= 0x303e) ||
    (c >= 0x3041 && c <= 0x33ff) ||
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0xa000 && c <= 0xa4cf) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6)
  );
}

/** The index in `text` of the character SWC drew at display column `visual` (tabs to stops of 4). */
function realColumn(text: string, visual: number): number {
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    const width = text[i] === "\t" ? 4 - (at % 4) : isWide(text.charCodeAt(i)) ? 2 : 1;
    if (at + width > visual) return i;
    at += width;
  }
  return text.length;
}

/** SWC's code frame of the first diagnostic (header to closing line), the header naming `path:line:column`. */
function frameOf(text: string, path: string, at: { line: number; column: number } | undefined): string {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.includes(",-[") && /\]\s*$/.test(l));
  if (start < 0) return "";
  let end = lines.findIndex((l, i) => i > start && /^\s*`-{2,}/.test(l));
  if (end < 0) end = lines.length - 1;
  const frame = lines.slice(start, end + 1);
  if (at) frame[0] = `${frame[0]!.slice(0, frame[0]!.indexOf("["))}[${path}:${at.line}:${at.column}]`;
  return frame.join("\n");
}
