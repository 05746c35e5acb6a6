/**
 * Position bookkeeping for SWC spans.
 *
 * `@swc/core` reports spans as UTF-8 byte offsets into a source map that may be shared between
 * parses: 1.16 numbers every parse from 1, older releases kept counting across parses, and a BOM
 * is stripped before counting. Rather than trusting any of that, the base is derived from the
 * program span and the text itself, so both numbering schemes give the same UTF-16 indices.
 */

import { hasOtherBreaks, lineAt } from "../core/lines.js";

export interface Position {
  line: number;
  column: number;
  index: number;
}

/** Babel's line terminators (`\r\n` counts once). */
function isLineTerminator(code: number): boolean {
  return code === 10 || code === 13 || code === 0x2028 || code === 0x2029;
}

/** ECMAScript WhiteSpace (including the BOM) plus line terminators. */
export function isWhitespace(code: number): boolean {
  if (code === 32 || (code >= 9 && code <= 13)) return true;
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0xfeff ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/**
 * Index of the first character at or after `i` that is neither whitespace nor inside a comment.
 * Only ever called on stretches of source that hold punctuation and keywords (never inside
 * literals), so a lone `/` is an operator and not the start of a regular expression.
 */
export function skipTrivia(source: string, i: number, end = source.length): number {
  while (i < end) {
    const c = source.charCodeAt(i);
    if (isWhitespace(c)) {
      i++;
    } else if (c === 47 /* / */ && i + 1 < end) {
      const n = source.charCodeAt(i + 1);
      if (n === 47) {
        i += 2;
        while (i < end && !isLineTerminator(source.charCodeAt(i))) i++;
      } else if (n === 42) {
        const close = source.indexOf("*/", i + 2);
        i = close === -1 ? end : close + 2;
      } else {
        return i;
      }
    } else {
      return i;
    }
  }
  return i;
}

/** Length of a leading `#!` line (0 when there is none); a BOM before it is allowed. */
export function hashbangEnd(source: string): number {
  const at = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (source.charCodeAt(at) !== 35 /* # */ || source.charCodeAt(at + 1) !== 33 /* ! */) return 0;
  let i = at + 2;
  while (i < source.length && !isLineTerminator(source.charCodeAt(i))) i++;
  return i;
}

/**
 * Maps SWC span positions (UTF-8 bytes, arbitrary base) to UTF-16 indices into `source`.
 *
 * ASCII text needs only the base. Otherwise the non-ASCII characters are listed once (one entry
 * per character: its byte offset and how many more bytes than UTF-16 units the text has after
 * it), and a position is converted by a binary search, started from the last answer because the
 * lowering asks in roughly source order. Memory is proportional to the non-ASCII characters, not
 * to the file.
 */
export class OffsetMap {
  /** SWC position of byte 0 of `source`. */
  readonly base: number;
  readonly ascii: boolean;
  /** Byte offset of each non-ASCII character. */
  private readonly charByte: number[] = [];
  /** Bytes minus UTF-16 units up to the end of that character. */
  private readonly extraAfter: number[] = [];
  private cursor = 0;

  /**
   * @param programSpanStart `span.start` of the SWC `Module`/`Script`: SWC starts it at the `#!`
   *   of a hashbang, otherwise at the first token (leading comments and a BOM are not counted).
   */
  constructor(
    readonly source: string,
    programSpanStart: number,
    /**
     * Text cut out of what SWC parsed (the skipped bodies, swc-plugin/skim.ts): SWC was given
     * `source` and indices are shifted back into the text the caller lowers from.
     */
    private readonly gaps?: Gaps,
  ) {
    const firstNonAscii = source.search(/[\u0080-\uffff]/);
    this.ascii = firstNonAscii === -1;
    if (!this.ascii) this.index(firstNonAscii);
    const hb = hashbangEnd(source);
    const bom = source.charCodeAt(0) === 0xfeff ? 1 : 0;
    const anchor = hb > 0 ? bom : skipTrivia(source, 0);
    this.base = programSpanStart - this.byteOffset(anchor);
  }

  private index(from: number): void {
    const source = this.source;
    const re = /[\u0080-\uffff]+/g;
    re.lastIndex = from;
    let extra = 0;
    for (let m = re.exec(source); m !== null; m = re.exec(source)) {
      const runEnd = m.index + m[0].length;
      for (let i = m.index; i < runEnd; i++) {
        const c = source.charCodeAt(i);
        this.charByte.push(i + extra);
        if (c < 0x800) extra += 1;
        else if (c >= 0xd800 && c <= 0xdbff && i + 1 < runEnd) {
          const n = source.charCodeAt(i + 1);
          // A surrogate pair is one 4-byte scalar over two UTF-16 units; a lone surrogate is
          // written as U+FFFD (3 bytes for 1 unit).
          if (n >= 0xdc00 && n <= 0xdfff) i++;
          extra += 2;
        } else extra += 2;
        this.extraAfter.push(extra);
      }
    }
  }

  /** UTF-8 length of `source.slice(0, index)`. */
  private byteOffset(index: number): number {
    if (this.ascii) return index;
    let bytes = index;
    for (let k = 0; k < this.charByte.length; k++) {
      if (this.charByte[k] - (k === 0 ? 0 : this.extraAfter[k - 1]) >= index) break;
      bytes = index + this.extraAfter[k];
    }
    return bytes;
  }

  /** UTF-16 index of an SWC span position (in the uncut text, when there are gaps). */
  toIndex(pos: number): number {
    const index = this.inSource(pos);
    return this.gaps ? this.gaps.widen(index) : index;
  }

  /** UTF-16 index into `source` of an SWC span position. */
  private inSource(pos: number): number {
    const byte = pos - this.base;
    if (this.ascii) return byte;
    const at = this.charByte;
    // Last non-ASCII character starting before `byte`.
    let k = this.cursor;
    if (k >= at.length || at[k] >= byte || (k + 1 < at.length && at[k + 1] < byte)) {
      let lo = 0;
      let hi = at.length - 1;
      k = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (at[mid] < byte) {
          k = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      if (k < 0) return byte;
      this.cursor = k;
    }
    return byte - this.extraAfter[k];
  }
}

/**
 * Where text was cut out of a longer text: each cut leaves its two ends side by side (`{}` of a
 * skipped body), and an index in the shorter text at or after a cut lies that much further on
 * in the longer one. Lookups start from the last answer (the lowering asks in roughly source
 * order) and fall back to a binary search.
 */
export class Gaps {
  /** Index in the shorter text where each cut is (the character after it), ascending. */
  private readonly at: number[] = [];
  /** Characters cut up to and including each cut. */
  private readonly removed: number[] = [];
  private cursor = 0;

  /**
   * Cuts `[from, to)` of `longer`, ascending and apart; returns the shorter text and its gaps.
   */
  static cut(longer: string, from: readonly number[], to: readonly number[]): { text: string; gaps: Gaps } {
    const gaps = new Gaps();
    const parts: string[] = [];
    let pos = 0;
    let removed = 0;
    for (let k = 0; k < from.length; k++) {
      parts.push(longer.slice(pos, from[k]));
      removed += to[k]! - from[k]!;
      gaps.at.push(from[k]! - (removed - (to[k]! - from[k]!)));
      gaps.removed.push(removed);
      pos = to[k]!;
    }
    parts.push(longer.slice(pos));
    return { text: parts.join(""), gaps };
  }

  /** Index in the longer text of `index` in the shorter one. */
  widen(index: number): number {
    const at = this.at;
    let k = this.cursor;
    // Last cut at or before `index` (k = -1: none).
    if (!(k < at.length && at[k]! <= index && (k + 1 >= at.length || at[k + 1]! > index))) {
      let lo = 0;
      let hi = at.length - 1;
      k = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (at[mid]! <= index) {
          k = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      if (k < 0) return index;
      this.cursor = k;
    }
    return index + this.removed[k]!;
  }
}

/** Line starts for Babel-style `loc` positions (line 1-based, column 0-based UTF-16). */
export class LineIndex {
  private readonly starts: number[] = [0];
  /** The line of the last answer: the lowering asks about nearby places in turn. */
  private cursor = 0;
  private readonly recent: (Position | undefined)[] = new Array(1024);

  /**
   * Only the line starts, found by the engine's own search for `\n` where the text has no other
   * line terminator: the text may be a large file of which the lowering reads a small part (the
   * rest skipped: skim.ts), so nothing is built per character.
   */
  constructor(source: string) {
    const starts = this.starts;
    if (!hasOtherBreaks(source)) {
      for (let i = source.indexOf("\n"); i !== -1; i = source.indexOf("\n", i + 1)) starts.push(i + 1);
      return;
    }
    const breaks = /\r\n?|[\n\u2028\u2029]/g;
    for (let m = breaks.exec(source); m !== null; m = breaks.exec(source)) starts.push(m.index + m[0].length);
  }

  /** The 0-based line holding `index`: the last one whose start is at or before it. */
  private lineOf(index: number): number {
    const starts = this.starts;
    const c = this.cursor;
    if (starts[c]! <= index && (c + 1 >= starts.length || starts[c + 1]! > index)) return c;
    const lo = lineAt(starts, index);
    this.cursor = lo;
    return lo;
  }

  /**
   * Babel position of `index`. Nested nodes share many boundaries (a statement and its
   * expression start together), so recent positions are reused: they are never mutated, only
   * replaced, by the lowering and by Babel tooling.
   */
  position(index: number): Position {
    const slot = index & 1023;
    const hit = this.recent[slot];
    if (hit !== undefined && hit.index === index) return hit;
    const line = this.lineOf(index);
    const pos = { line: line + 1, column: index - this.starts[line]!, index };
    this.recent[slot] = pos;
    return pos;
  }
}
