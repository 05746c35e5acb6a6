/**
 * `@swc/core` aborts the whole process (a Rust panic while drawing its message: "Formatting
 * argument out of range") when it reports a syntax error past column 65,535 of a line — measured
 * with 1.16: `let a = "a…70,000…" @;` ends the process, the same error at column 60,000 is
 * reported, and an error on a short line next to a long one is reported too. Nothing in
 * `@swc/core`'s options draws the message differently, so a file with a line that long is
 * parsed first by a parser that throws instead (`@babel/parser`, there wherever `@babel/core` is
 * installed), and a syntax error becomes smartasync's own located error: only files that parse
 * reach SWC (security review; limits.ts applies it in every host).
 */
import { createRequire } from "node:module";
import { join } from "node:path";

/** SWC draws an error's column in 16 bits. */
export const MAX_LINE = 65_535;

/** Calls `visit(line, length)` for each line as SWC counts lines (1-based), until it returns true. */
function eachLine(src: string, visit: (line: number, length: number) => boolean): void {
  let line = 1;
  let start = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) {
      if (visit(line, i - start)) return;
      if (c === 13 && src.charCodeAt(i + 1) === 10) i++;
      line++;
      start = i + 1;
    }
  }
  visit(line, src.length - start);
}

/** 1-based number of the first line longer than MAX_LINE characters (as SWC counts lines), or undefined. */
export function longLine(src: string): number | undefined {
  if (src.length <= MAX_LINE) return undefined;
  // Every line SWC counts lies within one stretch between two `\n` (its other breaks only cut
  // lines shorter), so when no such stretch is longer than MAX_LINE, no line is: found by the
  // native search, without a look at each character (the check runs before every file).
  let longest = 0;
  for (let from = 0; ; ) {
    const at = src.indexOf("\n", from);
    const end = at < 0 ? src.length : at;
    if (end - from > longest) longest = end - from;
    if (at < 0 || longest > MAX_LINE) break;
    from = at + 1;
  }
  if (longest <= MAX_LINE) return undefined;
  let found: number | undefined;
  eachLine(src, (line, length) => {
    if (length > MAX_LINE) found = line;
    return found !== undefined;
  });
  return found;
}

/** Length of the 1-based line `n` of `src` (0 past the end). */
export function lineLength(src: string, n: number): number {
  let out = 0;
  eachLine(src, (line, length) => {
    if (line === n) out = length;
    return line >= n;
  });
  return out;
}

export type SyntaxCheck =
  | { ok: true }
  | { ok: false; line: number; column: number; message: string }
  | { ok: false; noParser: true };

interface BabelParser {
  parse(code: string, opts: Record<string, unknown>): unknown;
}

let parser: BabelParser | null | undefined;

/** `@babel/parser`, from smartasync's own install or the working directory's; null when neither has it. */
function babelParser(): BabelParser | null {
  if (parser !== undefined) return parser;
  parser = null;
  for (const from of [import.meta.url, join(process.cwd(), "noop.js")]) {
    try {
      parser = createRequire(from)("@babel/parser") as BabelParser;
      break;
    } catch {
      // not installed there
    }
  }
  return parser;
}

/**
 * Parses `src` as SWC would read `filename` (TypeScript by extension, JSX in `.jsx`/`.tsx` and
 * plain JavaScript), as a module and, failing that, as a script; the module's error is the one
 * reported when both fail.
 */
export function checkSyntax(src: string, filename: string | undefined): SyntaxCheck {
  const p = babelParser();
  if (p === null) return { ok: false, noParser: true };
  const ext = /\.[^./\\]*$/.exec(filename ?? "")?.[0] ?? ".js";
  const ts = /^\.[cm]?tsx?$/.test(ext);
  const plugins = ts ? (ext === ".tsx" ? ["typescript", "jsx"] : ["typescript"]) : ["jsx"];
  let first: { line: number; column: number; message: string } | undefined;
  for (const sourceType of ["module", "script"]) {
    try {
      p.parse(src, { sourceType, plugins, allowReturnOutsideFunction: sourceType === "script" });
      return { ok: true };
    } catch (e) {
      const err = e as { message?: unknown; loc?: { line?: unknown; column?: unknown } };
      const line = typeof err.loc?.line === "number" ? err.loc.line : 1;
      const column = typeof err.loc?.column === "number" ? err.loc.column + 1 : 1;
      // Babel ends its message with the position: it is given separately.
      const message = String(err.message ?? e).replace(/ \(\d+:\d+\)$/, "");
      first ??= { line, column, message };
    }
  }
  return { ok: false, ...first! };
}
