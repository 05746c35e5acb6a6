/**
 * Lines and columns of a text as a given reader counts them. Source maps are line/column pairs,
 * so two maps compose only when they count lines alike: MagicString counts `\n` alone, SWC also
 * `\r\n` and a lone `\r`, ECMAScript (Node's stack traces, Babel, every report) also U+2028 and
 * U+2029 (attack32 F05). A byte-order mark at the start is no column for Node, SWC or an editor
 * (attack32 F07).
 */

/** Which characters end a line. */
export type LineBreaks = "lf" | "swc" | "ecmascript";

/**
 * Whether `text` holds a character other than `\n` that ends a line for someone (`\r`, U+2028,
 * U+2029; a `\r\n` counts once). Three `indexOf`s rather than the class `/[\r\u2028\u2029]/`:
 * on a 260 KB file without them, 0.3–0.4 ms against 0.9–1.0 ms (the lowering asks it of every
 * file it reads: docs/performance.md, "(2026-12-08)").
 */
export function hasOtherBreaks(text: string): boolean {
  return text.indexOf("\r") >= 0 || text.indexOf("\u2028") >= 0 || text.indexOf("\u2029") >= 0;
}

/** Whether the lines and columns of `text` are the same for every reader: no `\r`, U+2028/9 or BOM. */
export function countsAlike(text: string): boolean {
  return !hasOtherBreaks(text) && text.charCodeAt(0) !== 0xfeff;
}

/** Offsets of a text's line starts, and positions (0-based line and column, UTF-16) of offsets. */
export class LineTable {
  readonly starts: number[] = [0];
  /** 1 when the text starts with a BOM that `position` does not count as a column. */
  private readonly bom: number;

  constructor(text: string, breaks: LineBreaks, { bom = false }: { bom?: boolean } = {}) {
    this.bom = bom && text.charCodeAt(0) === 0xfeff ? 1 : 0;
    const starts = this.starts;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (breaks === "lf") continue;
      else if (c === 13) {
        if (text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
      } else if (breaks === "ecmascript" && (c === 0x2028 || c === 0x2029)) starts.push(i + 1);
    }
  }

  /** The offset of 0-based `line`:`column` (as this reader counts them). */
  offset(line: number, column: number): number {
    const start = this.starts[Math.min(line, this.starts.length - 1)]!;
    return start + column + (line === 0 ? this.bom : 0);
  }

  /** The 0-based line and column of `offset`. */
  position(offset: number): { line: number; column: number } {
    const lo = lineAt(this.starts, offset);
    const column = offset - this.starts[lo]!;
    return { line: lo, column: lo === 0 ? Math.max(0, column - this.bom) : column };
  }
}

/** The index of the last of the ascending `starts` at or before `offset` (0 if none): its line. */
export function lineAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
