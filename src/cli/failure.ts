/**
 * How a file that could not be compiled is described, whichever compiler failed: the pieces of a
 * `TransformFailure` shared by the Babel path (transform-file.ts) and the SWC path
 * (transform-swc.ts).
 */
import { escapeControls } from "../core/escape.js";
import type { FailureKind, TransformFailure } from "./transform-file.js";

export type Fail = (kind: FailureKind, code: string, detail: string, loc?: string) => TransformFailure;

/** A `TransformFailure` maker for one file (`path` is the display path, the default `loc`). */
export function failer(file: string, path: string): Fail {
  return (kind, code, detail, loc = path) => ({
    ok: false,
    file,
    path,
    kind,
    code,
    message: headline(detail, code),
    detail,
    loc,
  });
}

/** The first line of a message, without its `SA101: ` prefix and the `(path:line:col)` the plugin appends. */
export function headline(detail: string, code: string): string {
  let line = detail.split("\n")[0]!.trim();
  if (line.startsWith(`${code}: `)) line = line.slice(code.length + 2);
  // The location is in the last parentheses: found by lastIndexOf, then one anchored match
  // (an unanchored `…\)$` retries from every position: quadratic in a long line).
  const open = line.lastIndexOf("(");
  return open >= 0 && /^\([^()]*:\d+:\d+\)$/.test(line.slice(open)) ? line.slice(0, open).trimEnd() : line;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Compilers put `<file>: ` (or `[BABEL] <file>: `) in front of their messages; the CLI names the
 * file itself. smartasync/swc writes the name escaped (core/escape.ts), Babel raw.
 */
export function stripFile(message: string, file: string): string {
  const shown = escapeControls(file);
  for (const prefix of [`[BABEL] ${file}: `, `${file}: `, `${shown}: `]) {
    if (message.startsWith(prefix)) return message.slice(prefix.length);
  }
  return message;
}

/**
 * smartasync's own diagnostics (`code: "SA101"`, …), thrown by the Babel plugin and by
 * `smartasync/swc` alike, with the location the plugin appends to the first line; undefined for
 * any other error.
 */
export function smartasyncFailure(
  e: unknown,
  file: string,
  path: string,
  fail: Fail,
): TransformFailure | undefined {
  const err = e as { code?: unknown; loc?: unknown; smartasync?: { loc?: string } } | null;
  const code = typeof err?.code === "string" ? err.code : undefined;
  if (code === undefined || !/^SA\d{3}$/.test(code)) return undefined;
  const detail = stripFile(errorText(e), file).trimEnd();
  let loc = err?.smartasync?.loc;
  // The per-file limits (SA901, compile/limits.ts) carry `loc` as `<file as compiled>:line:col`:
  // the place in this file's name as the CLI shows it, so tables, GitHub and SARIF point at it.
  const limit = typeof err?.loc === "string" ? /:(\d+):(\d+)$/.exec(err.loc) : null;
  if (loc === undefined && limit) loc = `${path}:${limit[1]}:${limit[2]}`;
  if (loc === undefined) {
    // `... (src/app.js:3:1)` at the end of the first line, as the plugin writes it.
    const m = /\(([^()]+:\d+:\d+)\)\s*$/.exec(detail.split("\n")[0]!);
    loc = m ? m[1]! : path;
  }
  return fail("smartasync", code, detail, loc);
}

/**
 * Where the code frame of a compiler's error points, as `line:col`: the `>` line's number and the
 * first `^` under it. A Babel plugin that refuses the user's code (preset-typescript's "Namespaces
 * exporting non-const are not supported by Babel") throws with a frame and no `loc` (attack25
 * F18); undefined where the text has no frame.
 */
export function frameLocation(detail: string): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI escapes (a coloured frame)
  const lines = detail.replace(/\u001b\[[0-9;]*m/g, "").split("\n");
  for (let i = 0; i + 1 < lines.length; i++) {
    const at = /^> *(\d+) \|/.exec(lines[i]!);
    if (!at) continue;
    const gutter = at[0].length;
    const marker = lines[i + 1]!;
    const caret = marker.indexOf("^");
    if (!/^ *\|/.test(marker) || caret < gutter) return `${at[1]}:1`;
    // The gutter is as wide on both lines; the frame keeps the source line's characters as they are.
    return `${at[1]}:${caret - gutter}`;
  }
  return undefined;
}
