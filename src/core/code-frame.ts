/**
 * Code frames for diagnostics, byte-identical to Babel's.
 *
 * Under Babel an error gets its frame from `file.buildCodeFrameError(node, message)`, which
 * calls `@babel/code-frame`'s `codeFrameColumns(code, loc, { highlightCode })`. The SWC path must
 * print the very same text without depending on Babel, so this module re-implements the
 * non-highlighted output (written from the observed format, not copied). Colours are never
 * produced: with `highlightCode: true` and a colour-capable terminal Babel's text differs.
 *
 * Positions: lines are 1-based and columns are 0-based UTF-16 code-unit offsets, which is both
 * what `codeFrameColumns` takes in @babel/code-frame 8 and what a Babel node's `loc` holds. (Babel 7's
 * code-frame took 1-based columns and its core added 1; the printed frames come out the same.)
 */

import { escapeControls, escapeMessage } from "./escape.js";

/** A point in the source: `line` 1-based, `column` 0-based in UTF-16 code units. */
export interface Position {
  line: number;
  column: number;
}

/** The shape of a Babel node's `loc` that matters here (also easy to build from an SWC span). */
export interface NodeLocation {
  start: Position;
  end?: Position | null;
}

/** `codeFrameColumns` options that affect non-highlighted text. */
export interface CodeFrameOptions {
  /** Context lines printed above the first marked line (default 2). */
  linesAbove?: number;
  /** Context lines printed below the last marked line, counting from it (default 3). */
  linesBelow?: number;
  /** Printed after the carets of the last marked line. */
  message?: string;
}

/** What `codeFrameColumns` splits lines on: the same terminators Babel's parser counts lines by. */
const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/;

/** A caret row: where it starts on the line and how many carets (0 prints one). */
type Marker = readonly [column: number, carets: number];

/** Length of a 1-based line that is read for its length; out of range is a caller error. */
function lengthOf(lines: readonly string[], line: number): number {
  const text = lines[line - 1];
  // code-frame itself crashes with a TypeError here; fail loudly too rather than invent a frame.
  if (text === undefined) throw new RangeError(`code frame: line ${line} is not in the source`);
  return text.length;
}

/** Caret rows per 1-based line number. */
function markersFor(lines: readonly string[], start: Position, end: Position): Map<number, Marker> {
  const markers = new Map<number, Marker>();
  const span = end.line - start.line;
  if (span === 0) {
    // Equal columns give 0 carets, printed as one: a zero-width range still points somewhere.
    markers.set(start.line, [start.column, end.column - start.column]);
    return markers;
  }
  // A range over several lines marks the first line from its column to its end, any middle line
  // whole, and the last line from its start to the end column. An end before the start marks
  // nothing (the loop does not run), as in code-frame.
  for (let i = 0; i <= span; i++) {
    const line = start.line + i;
    if (i === 0) markers.set(line, [start.column, lengthOf(lines, line) - start.column]);
    else if (i === span) markers.set(line, [0, end.column]);
    else markers.set(line, [0, lengthOf(lines, line)]);
  }
  return markers;
}

/**
 * The frame `codeFrameColumns(source, { start, end }, { highlightCode: false, ...options })` of
 * @babel/code-frame 8 returns. Without `end` the range is the single point `start`.
 *
 * Throws (as code-frame does, if with other messages) when the range is malformed: a same-line end
 * before the start, a start column past the end of its line in a multi-line range, or a multi-line
 * range over lines the source does not have.
 */
export function codeFrame(
  source: string,
  start: Position,
  end?: Position,
  options: CodeFrameOptions = {},
): string {
  const { linesAbove = 2, linesBelow = 3, message } = options;
  const last = end ?? start;
  const lines = source.split(LINE_BREAK);
  const markers = markersFor(lines, start, last);

  // The window, as a half-open range of 0-based line indexes. Line -1 is code-frame's "no line"
  // default and opens the window to that side.
  const from = start.line === -1 ? 0 : Math.max(start.line - (linesAbove + 1), 0);
  const to = last.line === -1 ? lines.length : Math.min(lines.length, last.line + linesBelow);
  // code-frame takes the lines with `split(re, to).slice(from, to)`; a negative `to` is no limit to
  // `split` (it converts it to a huge unsigned number) but still counts from the end in `slice`.
  const shown = lines.slice(0, to >>> 0).slice(from, to);
  // The gutter is as wide as the last line number of the window, but a number is padded with one
  // space at most: a window from 1-digit to 3-digit numbers prints a ragged gutter, as Babel does.
  const width = String(to).length;

  return shown
    .map((text, index) => {
      const number = from + 1 + index;
      const gutter = ` ${` ${number}`.slice(-width)} |`;
      // No trailing space after the bar on an empty line.
      const body = text.length > 0 ? ` ${text}` : "";
      const marker = markers.get(number);
      if (marker === undefined) return ` ${gutter}${body}`;
      const [column, carets] = marker;
      // Tabs are kept so the carets line up under tab-indented code; every other UTF-16 code
      // unit becomes a space (so an astral character counts two, a wide CJK character one).
      const indent = text.slice(0, column).replace(/[^\t]/g, " ");
      let underline = `\n ${gutter.replace(/\d/g, " ")} ${indent}${"^".repeat(carets || 1)}`;
      if (message && !markers.has(number + 1)) underline += ` ${message}`;
      return `>${gutter}${body}${underline}`;
    })
    .join("\n");
}

/**
 * The frame Babel's `buildCodeFrameError` appends for a node with this `loc`, or `undefined` when it
 * appends none (`node` null, or no `loc`). Babel keeps the end only when it is on the start line:
 * a node spanning several lines gets a single caret at its start, and the window is counted from
 * the start line alone.
 *
 * Not covered: for a node without `loc` Babel borrows the first located descendant's and appends a
 * sentence to the message; callers with such nodes must do that themselves.
 */
export function frameForNode(source: string, loc: NodeLocation | null | undefined): string | undefined {
  if (!loc) return undefined;
  const end = loc.end && loc.end.line === loc.start.line ? loc.end : undefined;
  return codeFrame(source, loc.start, end);
}

/**
 * The `message` of the error a Babel transform throws when a plugin throws
 * `file.buildCodeFrameError(node, message)`: Babel's `run` prefixes the file name (`unknown file`
 * without one) to the message, which carries the frame on the lines after it.
 */
export function babelErrorMessage(
  filename: string | null | undefined,
  message: string,
  source: string,
  loc: NodeLocation | null | undefined,
): string {
  const frame = frameForNode(source, loc);
  // The name and the message are shown on one line whatever they hold, the frame's source lines
  // with their escapes and carets realigned (core/escape.ts); text without control characters
  // is unchanged, so this is Babel's message byte for byte. (Babel itself prefixes the name raw.)
  const head = `${escapeControls(filename ?? "unknown file")}: ${escapeControls(message)}`;
  // An empty frame (a location past the end of the source) still gets its newline, as in Babel.
  return frame === undefined ? head : `${head}\n${escapeMessage(frame)}`;
}
