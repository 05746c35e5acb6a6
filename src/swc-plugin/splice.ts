import type MagicString from "magic-string";
import { countsAlike, LineTable } from "../core/lines.js";

/**
 * Text the SWC emitter inserts that has a source map of its own: an inline sync copy is the
 * function's own text with edits (a scratch MagicString over the input), inserted next to the
 * original. MagicString maps only the text it was given, so an inserted copy would have no
 * mappings (an error thrown in `fSync` pointed at the original's closing brace). Each such text
 * goes in as a token; the output replaces each token by its text, and the map splices in the
 * text's own mappings at the token's place (test/source-maps.test.ts).
 */

/** A decoded mapping segment: generated column, source index, line (0-based), column. */
export type Segment = [number] | [number, number, number, number] | [number, number, number, number, number];
export type Lines = Segment[][];

interface Piece {
  code: string;
  mappings: () => Lines;
}

/** Characters from Unicode's private use area: never in source text that SWC accepts as-is. */
const OPEN = "\uE000";
const CLOSE = "\uE001";
const CLOSE_CODE = 0xe001;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export class Pieces {
  private readonly list: Piece[] = [];

  /** A token for `code`, whose own mappings (relative to its first character) come lazily. */
  add(code: string, mappings: () => Lines): string {
    this.list.push({ code, mappings });
    return `${OPEN}${this.list.length - 1}${CLOSE}`;
  }

  /** A piece rendered from a MagicString over the whole input, keeping only `[from, to)`. */
  fromRange(ms: MagicString, from: number, to: number, source: string): string {
    ms.remove(0, from);
    ms.remove(to, ms.original.length);
    const text = ms.toString();
    return this.add(this.expand(text), () =>
      this.splice(text, ms.generateDecodedMap({ hires: true, source }).mappings as Lines),
    );
  }

  /**
   * Generated text (a worker variant's wrapper, a marker) that maps, line by line, to the
   * position `line`:`column` (0-based) it was generated for; pieces inside keep their own maps.
   */
  generated(text: string, line: number, column: number): string {
    return this.add(this.expand(text), () =>
      this.splice(
        text,
        text.split("\n").map((): Segment[] => [[0, 0, line, column]]),
      ),
    );
  }

  /**
   * `text` with every token replaced by its piece's text. A loop over `indexOf`, not
   * a global regex `replace`: the emitter expands the whole output, which a token makes a two-byte
   * string, and the regex walked it character by character (1.3 ms on vite's 212 KiB
   * `build.js`, against microseconds for the native search: docs/performance.md, "(2026-12-06,
   * evening)"). Same matches as the regex: at each `OPEN`, digits then `CLOSE`, else the search
   * goes on from the next character.
   */
  expand(text: string): string {
    let k = text.indexOf(OPEN);
    if (k < 0) return text;
    let out = "";
    let last = 0;
    while (k >= 0) {
      let j = k + 1;
      while (j < text.length && isDigit(text.charCodeAt(j))) j++;
      if (j > k + 1 && text.charCodeAt(j) === CLOSE_CODE) {
        out += text.slice(last, k) + this.list[Number(text.slice(k + 1, j))].code;
        last = j + 1;
        k = text.indexOf(OPEN, last);
      } else k = text.indexOf(OPEN, k + 1);
    }
    return out + text.slice(last);
  }

  /** The mappings of `text` (given as `lines`), with each token's piece spliced in. */
  splice(text: string, lines: Lines): Lines {
    if (!text.includes(OPEN)) return lines;
    const rows = text.split("\n");
    const out: Lines = [];
    for (let r = 0; r < rows.length; r++) {
      let row = rows[r];
      let segs = lines[r] ?? [];
      for (let m = /\uE000(\d+)\uE001/.exec(row); m; m = /\uE000(\d+)\uE001/.exec(row)) {
        const piece = this.list[Number(m[1])];
        const at = m.index;
        const end = at + m[0].length;
        const before = segs.filter((g) => g[0] < at);
        const after = segs.filter((g) => g[0] >= end);
        const inner = piece.mappings();
        const texts = piece.code.split("\n");
        const shift = (g: Segment, by: number): Segment =>
          g.length === 1 ? [g[0] + by] : [g[0] + by, g[1], g[2], g[3]];
        const last = texts.length - 1;
        if (last === 0) {
          segs = [
            ...before,
            ...(inner[0] ?? []).map((g) => shift(g, at)),
            ...after.map((g) => shift(g, texts[0].length - m[0].length)),
          ];
          row = row.slice(0, at) + texts[0] + row.slice(end);
          continue;
        }
        out.push([...before, ...(inner[0] ?? []).map((g) => shift(g, at))]);
        for (let i = 1; i < last; i++) out.push((inner[i] ?? []).map((g) => shift(g, 0)));
        segs = [
          ...(inner[last] ?? []).map((g) => shift(g, 0)),
          ...after.map((g) => shift(g, texts[last].length - end)),
        ];
        row = texts[last] + row.slice(end);
      }
      out.push(segs);
    }
    return out;
  }
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** One base64 VLQ number, as source maps write them (sign in the lowest bit, 5 bits a digit). */
function vlq(n: number): string {
  let v = n < 0 ? (-n << 1) | 1 : n << 1;
  let out = "";
  do {
    let digit = v & 31;
    v >>>= 5;
    if (v > 0) digit |= 32;
    out += B64[digit];
  } while (v > 0);
  return out;
}

/** Decoded mappings → the `mappings` string of a version 3 map (names are not kept). */
export function encodeMappings(lines: Lines): string {
  let src = 0;
  let srcLine = 0;
  let srcCol = 0;
  const rows: string[] = [];
  for (const segs of lines) {
    let col = 0;
    const parts: string[] = [];
    for (const g of [...segs].sort((a, b) => a[0] - b[0])) {
      let s = vlq(g[0] - col);
      col = g[0];
      if (g.length !== 1) {
        s += vlq(g[1] - src) + vlq(g[2] - srcLine) + vlq(g[3] - srcCol);
        src = g[1];
        srcLine = g[2];
        srcCol = g[3];
      }
      parts.push(s);
    }
    rows.push(parts.join(","));
  }
  return rows.join(";");
}

/**
 * The edits' mappings (MagicString counts lines by `\n` alone) recounted as their readers count
 * them: the generated side as SWC reads the edited text (`\r\n` and a lone `\r` end a line too;
 * a leading BOM is dropped), the original side as Node and every report count the input (also
 * U+2028 and U+2029). Before this a `\r`-only file mapped every frame to 2:1 (attack32 F05), and a
 * BOM put line 1 one column right (F07): test/source-maps.test.ts.
 */
export function recount(lines: Lines, generated: string, original: string): Lines {
  if (countsAlike(generated) && countsAlike(original)) return lines;
  const lfGen = new LineTable(generated, "lf");
  const swcGen = new LineTable(generated, "swc", { bom: true });
  const lfOrig = new LineTable(original, "lf");
  const esOrig = new LineTable(original, "ecmascript", { bom: true });
  const out: Lines = [];
  for (let r = 0; r < lines.length; r++) {
    for (const g of lines[r]!) {
      const at = swcGen.position(lfGen.offset(r, g[0]));
      out[at.line] ??= [];
      const row = out[at.line]!;
      if (g.length === 1) {
        row.push([at.column]);
        continue;
      }
      const from = esOrig.position(lfOrig.offset(g[2], g[3]));
      row.push([at.column, g[1], from.line, from.column]);
    }
  }
  for (let i = 0; i < out.length; i++) out[i] ??= [];
  return out;
}
