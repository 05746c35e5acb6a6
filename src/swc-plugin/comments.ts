/**
 * Comments for an SWC parse. `parseSync` returns none, so they are recovered from the text.
 *
 * Everything in a source file is either trivia (whitespace, comments) or the text of some node,
 * and the only node texts that can hold `//` or `/*` without being comments are leaves: string
 * and template-chunk literals, regular expressions and JSX text. A parent's own text between its
 * children (keywords, punctuation, operators) never can. So scanning the gaps between sibling
 * spans is the same as scanning the whole text with the leaf spans cut out, which is what this
 * does: the leaf spans (recorded by the lowering as it builds those nodes, or collected by
 * leafRanges() from a raw SWC tree), then one linear pass over the text.
 */

import { hashbangEnd, type LineIndex, type OffsetMap, type Position } from "./offsets.js";

export interface BabelComment {
  type: "CommentLine" | "CommentBlock";
  value: string;
  start: number;
  end: number;
  loc: { start: Position; end: Position; filename: undefined; identifierName: undefined };
}

/** SWC node types whose text is opaque to the comment scan. */
const LEAVES = new Set(["StringLiteral", "TemplateElement", "RegExpLiteral", "JSXText"]);

interface SpanLike {
  start: number;
  end: number;
}

/** Sorts flat `[start, end, …]` pairs by start, in place; a no-op when they already are. */
export function sortRanges(ranges: number[]): number[] {
  let sorted = true;
  for (let i = 2; i < ranges.length; i += 2) {
    if (ranges[i] < ranges[i - 2]) {
      sorted = false;
      break;
    }
  }
  if (sorted) return ranges;
  const order: number[] = [];
  for (let i = 0; i < ranges.length; i += 2) order.push(i);
  order.sort((a, b) => ranges[a] - ranges[b]);
  const copy = ranges.slice();
  order.forEach((from, k) => {
    ranges[2 * k] = copy[from];
    ranges[2 * k + 1] = copy[from + 1];
  });
  return ranges;
}

/**
 * UTF-16 ranges of the leaves of an SWC (sub)tree, appended to `out` as `start, end` pairs.
 * The walk is generic (every object and array) because SWC's JSON carries nodes under untyped
 * wrappers too (`ExprOrSpread`, a class method's `function`), and a missed leaf would let a `//`
 * inside a string pass for a comment. The lowering records leaves as it goes and uses this only
 * for subtrees it does not know.
 */
export function leafRanges(tree: unknown, offsets: OffsetMap, out: number[] = []): number[] {
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    const node = value as Record<string, unknown>;
    const type = node.type;
    if (typeof type === "string" && LEAVES.has(type)) {
      const span = node.span as SpanLike;
      out.push(offsets.toIndex(span.start), offsets.toIndex(span.end));
      return;
    }
    for (const key in node) {
      if (key === "span") continue;
      const child = node[key];
      if (child !== null && typeof child === "object") visit(child);
    }
  };
  visit(tree);
  return out;
}

function isLineEnd(c: number): boolean {
  return c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
}

/**
 * Babel-shaped comments of `source`, skipping the leaf ranges (flat `start, end` pairs in any
 * order; sorted here) and a leading `#!` line.
 */
export function scanComments(
  source: string,
  leafPairs: number[],
  lines: LineIndex,
  options: { script?: boolean } = {},
): BabelComment[] {
  const leaves = sortRanges(leafPairs);
  const comments: BabelComment[] = [];
  const push = (type: BabelComment["type"], start: number, end: number, value: string) => {
    comments.push({
      type,
      value,
      start,
      end,
      loc: {
        start: lines.position(start),
        end: lines.position(end),
        filename: undefined,
        identifierName: undefined,
      },
    });
  };
  if (options.script && hasHtmlComment(source)) {
    scanWithHtmlComments(source, leaves, push);
    return comments;
  }
  let i = hashbangEnd(source);
  let leaf = 0;
  const n = source.length;
  while (i < n) {
    // Jump over any leaf that starts at or before the cursor.
    while (leaf < leaves.length && leaves[leaf] <= i) {
      if (leaves[leaf + 1] > i) i = leaves[leaf + 1];
      leaf += 2;
    }
    const gapEnd = leaf < leaves.length ? leaves[leaf] : n;
    const slash = source.indexOf("/", i);
    if (slash === -1 || slash >= gapEnd) {
      i = gapEnd;
      continue;
    }
    const next = source.charCodeAt(slash + 1);
    if (next === 47 /* / */) {
      let end = slash + 2;
      while (end < n && !isLineEnd(source.charCodeAt(end))) end++;
      push("CommentLine", slash, end, source.slice(slash + 2, end));
      i = end;
    } else if (next === 42 /* * */) {
      const close = source.indexOf("*/", slash + 2);
      const end = close === -1 ? n : close + 2;
      push("CommentBlock", slash, end, source.slice(slash + 2, close === -1 ? n : close));
      i = end;
    } else {
      i = slash + 1;
    }
    // A comment can only end inside a leaf if the spans are wrong; never rescan a leaf.
    while (leaf < leaves.length && leaves[leaf + 1] <= i) leaf += 2;
  }
  return comments;
}

/** Whether a script may hold Annex B HTML-like comments (`<!--`, and `-->` at a line start). */
export function hasHtmlComment(source: string): boolean {
  return source.includes("<!--") || source.includes("-->");
}

/**
 * The same scan, char by char, for scripts with Annex B HTML-like comments: `<!--` starts a line
 * comment anywhere, `-->` only when nothing but trivia precedes it since a line break (or the
 * start of the text), as in Babel.
 */
function scanWithHtmlComments(
  source: string,
  leaves: readonly number[],
  push: (type: BabelComment["type"], start: number, end: number, value: string) => void,
): void {
  const n = source.length;
  const lineComment = (start: number, skip: number): number => {
    let end = start + skip;
    while (end < n && !isLineEnd(source.charCodeAt(end))) end++;
    push("CommentLine", start, end, source.slice(start + skip, end));
    return end;
  };
  let i = hashbangEnd(source);
  let leaf = 0;
  let lineStart = true;
  while (i < n) {
    if (leaf < leaves.length && leaves[leaf] <= i) {
      if (leaves[leaf + 1] > i) {
        i = leaves[leaf + 1];
        lineStart = false;
      }
      leaf += 2;
      continue;
    }
    const c = source.charCodeAt(i);
    if (isLineEnd(c)) {
      lineStart = true;
      i++;
    } else if (c === 32 || c === 9 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff) {
      i++;
    } else if (c === 47 /* / */ && source.charCodeAt(i + 1) === 47) {
      i = lineComment(i, 2);
    } else if (c === 47 && source.charCodeAt(i + 1) === 42) {
      const close = source.indexOf("*/", i + 2);
      const end = close === -1 ? n : close + 2;
      const value = source.slice(i + 2, close === -1 ? n : close);
      push("CommentBlock", i, end, value);
      if (/[\n\r\u2028\u2029]/.test(value)) lineStart = true;
      i = end;
    } else if (c === 60 /* < */ && source.startsWith("<!--", i)) {
      i = lineComment(i, 4);
    } else if (c === 45 /* - */ && lineStart && source.startsWith("-->", i)) {
      i = lineComment(i, 3);
    } else {
      lineStart = false;
      i++;
    }
  }
}

/** All comments of an SWC parse of `source`, in source order. */
export function findComments(
  program: unknown,
  source: string,
  offsets: OffsetMap,
  lines: LineIndex,
): BabelComment[] {
  const script = (program as { type?: string }).type === "Script";
  return scanComments(source, leafRanges(program, offsets), lines, { script });
}
