/**
 * SWC's `test`/`exclude` patterns are Rust regexes (the `regex` crate). Much of their syntax is
 * also JavaScript's but means something else there: `[[:alpha:]]` (a POSIX class in Rust, a
 * class of `[:alph` then a `]` in JavaScript), `[a-z--x]` (class subtraction), `\z` (end of text;
 * a plain `z`), `\d`/`\w`/`\s` (Unicode in Rust, ASCII in JavaScript), `(?i)` in the middle of a
 * pattern. Taken as JavaScript, such a pattern silently picks other files than SWC does (attack31
 * F09). So the pattern is read here with Rust's grammar and written out as a JavaScript regex of
 * the same meaning; what has no sure translation is refused, naming the part (`RustRegexError`),
 * never guessed. Only whether a pattern matches is asked, so greediness (`*?`, the `U` flag)
 * does not matter. test/swc/rust-regex.test.ts checks each translation against the real SWC.
 */

/** A part of the pattern smartasync cannot read with the meaning Rust gives it. */
export class RustRegexError extends Error {}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
}

/** A character class: code point ranges, plus property escapes JavaScript spells itself. */
interface CharSet {
  ranges: [number, number][];
  /** JavaScript class atoms (`\p{Nd}`, `\P{White_Space}`), unioned with the ranges. */
  atoms: string[];
}

const MAX = 0x10ffff;
// Rust's Unicode classes (UTS #18, as the regex crate defines them).
const WORD = "\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}";
const DIGIT = "\\p{Nd}";
const SPACE = "\\p{White_Space}";

/** Rust's POSIX classes are ASCII only. */
const POSIX: Record<string, [number, number][]> = {
  alnum: [r("0", "9"), r("A", "Z"), r("a", "z")],
  alpha: [r("A", "Z"), r("a", "z")],
  ascii: [[0, 0x7f]],
  blank: [
    [9, 9],
    [32, 32],
  ],
  cntrl: [
    [0, 0x1f],
    [0x7f, 0x7f],
  ],
  digit: [r("0", "9")],
  graph: [r("!", "~")],
  lower: [r("a", "z")],
  print: [r(" ", "~")],
  punct: [r("!", "/"), r(":", "@"), r("[", "`"), r("{", "~")],
  space: [
    [9, 13],
    [32, 32],
  ],
  upper: [r("A", "Z")],
  word: [r("0", "9"), r("A", "Z"), [95, 95], r("a", "z")],
  xdigit: [r("0", "9"), r("A", "F"), r("a", "f")],
};

function r(a: string, b: string): [number, number] {
  return [a.codePointAt(0)!, b.codePointAt(0)!];
}

/** Sorted, merged ranges. */
function normal(ranges: [number, number][]): [number, number][] {
  const sorted = ranges.map(([a, b]): [number, number] => [a, b]).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out.at(-1);
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function complement(ranges: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  let next = 0;
  for (const [a, b] of normal(ranges)) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= MAX) out.push([next, MAX]);
  return out;
}

const intersect = (x: [number, number][], y: [number, number][]): [number, number][] =>
  complement([...complement(x), ...complement(y)]);
const subtract = (x: [number, number][], y: [number, number][]): [number, number][] =>
  intersect(x, complement(y));

/** A code point as a JavaScript pattern character (`u` flag): every non-word one escaped. */
function lit(cp: number): string {
  return /^[A-Za-z0-9_]$/.test(String.fromCodePoint(cp))
    ? String.fromCodePoint(cp)
    : `\\u{${cp.toString(16)}}`;
}

function classText(set: CharSet, negated: boolean): string {
  const parts = normal(set.ranges).map(([a, b]) => (a === b ? lit(a) : `${lit(a)}-${lit(b)}`));
  const body = parts.join("") + set.atoms.join("");
  // An empty class matches nothing (`[^\s\S]` is JavaScript's never; `[]` reads the same).
  if (body === "") return negated ? "[\\s\\S]" : "[]";
  return `[${negated ? "^" : ""}${body}]`;
}

/**
 * The JavaScript regex (always `u`, plus `i` when the whole pattern is case-insensitive) that
 * matches exactly the strings `pattern` matches as a Rust regex. Throws `RustRegexError` naming
 * the part that has no sure translation.
 */
export function rustRegExp(pattern: string): RegExp {
  const p = new Parser(pattern);
  const source = p.alternation({ i: p.leadingCaseless(), m: false, s: false }, 0);
  if (p.pos < pattern.length) throw new RustRegexError(`an unmatched \`)\` at offset ${p.pos}`);
  try {
    return new RegExp(source, p.caseless ? "iu" : "u");
  } catch (e) {
    throw new RustRegexError((e as Error).message);
  }
}

class Parser {
  pos = 0;
  caseless = false;
  constructor(readonly text: string) {}

  /** A pattern led by `(?i)` (with other flags) is case-insensitive throughout: JavaScript's `i`. */
  leadingCaseless(): boolean {
    const m = /^\(\?([a-zA-Z]*)(-[a-zA-Z]*)?\)/.exec(this.text);
    this.caseless = m?.[1]?.includes("i") === true;
    return this.caseless;
  }

  private peek(k = 0): string | undefined {
    const cp = this.text.codePointAt(this.pos + k);
    return cp === undefined ? undefined : String.fromCodePoint(cp);
  }

  private next(): string {
    const c = this.peek();
    if (c === undefined) throw new RustRegexError("the pattern ends early");
    this.pos += c.length;
    return c;
  }

  private refuse(what: string): never {
    throw new RustRegexError(what);
  }

  /** `a|b|…` up to a `)` (left for the caller) or the end. */
  alternation(flags: Flags, depth: number): string {
    const branches: string[] = [];
    let f = { ...flags };
    let out = "";
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === ")") break;
      if (c === "|") {
        this.next();
        branches.push(out);
        out = "";
        continue;
      }
      const atom = this.atom(f, depth);
      if (atom.flags) {
        f = atom.flags;
        continue;
      }
      out += atom.text + this.repetition();
    }
    branches.push(out);
    return branches.join("|");
  }

  /** `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, maybe lazy (greediness changes no match), or "". */
  private repetition(): string {
    const c = this.peek();
    let out: string;
    if (c === "*" || c === "+" || c === "?") {
      this.next();
      out = c;
    } else if (c === "{") {
      const m = /^\{\d+(?:,\d*)?\}/.exec(this.text.slice(this.pos));
      if (!m)
        this.refuse(`the counted repetition at offset ${this.pos} (write \`{n}\`, \`{n,}\` or \`{n,m}\`)`);
      this.pos += m[0].length;
      out = m[0];
    } else return "";
    if (this.peek() === "?") this.next(); // lazy: the same matches
    const after = this.peek();
    if (after === "*" || after === "+" || after === "?" || after === "{")
      this.refuse(`a repetition of a repetition at offset ${this.pos}`);
    return out;
  }

  /** One atom; a flag group `(?flags)` returns the flags that hold from there on instead. */
  private atom(flags: Flags, depth: number): { text: string; flags?: Flags } {
    const at = this.pos;
    const c = this.next();
    switch (c) {
      case ".":
        return { text: flags.s ? "[\\s\\S]" : "[^\\n]" };
      case "^":
        return { text: flags.m ? "(?<![^\\n])" : "(?<![\\s\\S])" };
      case "$":
        return { text: flags.m ? "(?![^\\n])" : "(?![\\s\\S])" };
      case "[":
        return { text: this.classAtom(flags) };
      case "\\":
        return { text: this.escape() };
      case "(":
        return this.group(flags, depth, at);
      case "*":
      case "+":
      case "?":
      case "{":
        return this.refuse(`a repetition with nothing to repeat at offset ${at}`);
      default:
        return { text: lit(c.codePointAt(0)!) };
    }
  }

  /** Case-insensitivity for only part of the pattern has no JavaScript flag to carry it. */
  private checkCase(flags: Flags): void {
    if (flags.i !== this.caseless)
      this.refuse(
        "`(?i)` for part of the pattern (JavaScript makes a whole pattern case-insensitive or none of it: put `(?i)` first)",
      );
  }

  private group(flags: Flags, depth: number, at: number): { text: string; flags?: Flags } {
    if (this.peek() !== "?") return { text: `(?:${this.body(flags, depth)})` };
    this.next();
    const rest = this.text.slice(this.pos);
    const named = /^P?<([A-Za-z_][A-Za-z0-9_.[\]]*)>/.exec(rest);
    if (named) {
      this.pos += named[0].length;
      // Only whether it matches is asked: a name changes nothing.
      return { text: `(?:${this.body(flags, depth)})` };
    }
    const m = /^([a-zA-Z]*)(-([a-zA-Z]*))?([:)])/.exec(rest);
    if (!m)
      return this.refuse(`the group at offset ${at} (\`(?=\`, \`(?!\`, \`(?<=\` and the like are not Rust)`);
    this.pos += m[0].length;
    const next = { ...flags };
    for (const [letters, on] of [
      [m[1] ?? "", true],
      [m[3] ?? "", false],
    ] as const) {
      for (const f of letters) {
        if (f === "i" || f === "m" || f === "s") next[f] = on;
        else if (f === "U" || (f === "u" && on)) {
          // swapped greediness changes no match; `u` is Rust's default
        } else if (f === "u") this.refuse("`(?-u)` (ASCII-only classes and bytes)");
        else if (f === "x") this.refuse("`(?x)` (verbose mode: spaces and `#` comments ignored)");
        else if (f === "R") this.refuse("`(?R)` (CRLF mode)");
        else this.refuse(`the unknown flag \`${f}\` at offset ${at}`);
      }
    }
    this.checkCase(next);
    if (m[4] === ")") return { text: "", flags: next };
    return { text: `(?:${this.body(next, depth)})` };
  }

  /** A group's inside up to its `)`. */
  private body(flags: Flags, depth: number): string {
    const inner = this.alternation(flags, depth + 1);
    if (this.peek() !== ")") this.refuse("an unclosed group `(`");
    this.next();
    return inner;
  }

  private escape(): string {
    const at = this.pos - 1;
    const c = this.next();
    switch (c) {
      case "d":
        return DIGIT;
      case "D":
        return "\\P{Nd}";
      case "s":
        return SPACE;
      case "S":
        return "\\P{White_Space}";
      case "w":
        return `[${WORD}]`;
      case "W":
        return `[^${WORD}]`;
      case "p":
      case "P":
        return this.property(c === "P");
      case "A":
        return "(?<![\\s\\S])";
      case "z":
        return "(?![\\s\\S])";
      case "b":
      case "B": {
        if (this.peek() === "{") return this.refuse(`\`\\${c}{…}\` at offset ${at}`);
        // Rust's word boundary is Unicode's; JavaScript's `\b` knows only ASCII word characters.
        const w = `[${WORD}]`;
        return c === "b"
          ? `(?:(?<=${w})(?!${w})|(?<!${w})(?=${w}))`
          : `(?:(?<=${w})(?=${w})|(?<!${w})(?!${w}))`;
      }
      default: {
        return lit(this.escapedChar(c, at));
      }
    }
  }

  /** The code point an escape stands for (`\n`, `\x41`, `\u{…}`, `\.`…), or a refusal. */
  private escapedChar(c: string, at: number): number {
    const simple: Record<string, number> = { a: 7, f: 12, t: 9, n: 10, r: 13, v: 11 };
    if (c in simple) return simple[c]!;
    if (c === "x" || c === "u" || c === "U") {
      const rest = this.text.slice(this.pos);
      const braced = /^\{([0-9A-Fa-f]{1,8})\}/.exec(rest);
      const fixed = (c === "x" ? /^[0-9A-Fa-f]{2}/ : c === "u" ? /^[0-9A-Fa-f]{4}/ : /^[0-9A-Fa-f]{8}/).exec(
        rest,
      );
      const m = braced ?? fixed;
      if (!m) return this.refuse(`the escape \`\\${c}\` at offset ${at}`);
      const cp = Number.parseInt(m[1] ?? m[0], 16);
      if (cp > MAX || (cp >= 0xd800 && cp <= 0xdfff))
        return this.refuse(`the escape \`\\${c}\` at offset ${at}`);
      this.pos += m[0].length;
      return cp;
    }
    // Rust takes an escaped punctuation character as itself; `\<`, `\>` are word edges there.
    if (c === "<" || c === ">") return this.refuse(`\`\\${c}\` (a word edge) at offset ${at}`);
    if (/^[!-/:-@[-`{-~]$/.test(c)) return c.codePointAt(0)!;
    return this.refuse(`the escape \`\\${c}\` at offset ${at}`);
  }

  /** `\pL`, `\p{Greek}`, `\p{sc=Greek}`: the name as JavaScript spells it, or a refusal. */
  private property(negated: boolean): string {
    const at = this.pos - 2;
    let name: string;
    if (this.peek() === "{") {
      const end = this.text.indexOf("}", this.pos);
      if (end < 0) return this.refuse(`the unclosed \`\\p{\` at offset ${at}`);
      name = this.text.slice(this.pos + 1, end);
      this.pos = end + 1;
    } else name = this.next();
    const neg = name.startsWith("^") !== negated;
    const bare = name.replace(/^\^/, "").replace(/:/, "=");
    const k = neg ? "P" : "p";
    for (const spelt of [bare, `Script=${bare}`]) {
      const atom = `\\${k}{${spelt}}`;
      try {
        new RegExp(atom, "u");
        return atom;
      } catch {
        // not that spelling
      }
    }
    return this.refuse(`the Unicode class \`\\${negated ? "P" : "p"}{${name}}\` (no JavaScript name for it)`);
  }

  /** `[…]` after its `[`: written as one JavaScript class. */
  private classAtom(flags: Flags): string {
    const start = this.pos - 1;
    const { set, negated } = this.classBody(flags, start);
    return classText(set, negated);
  }

  /** A class after its `[`, through its `]`: nested classes and `&&`/`--`/`~~` resolved. */
  private classBody(flags: Flags, start: number): { set: CharSet; negated: boolean } {
    let negated = false;
    if (this.peek() === "^") {
      this.next();
      negated = true;
    }
    let set = this.classUnion(flags, start, true);
    for (;;) {
      const op = this.text.slice(this.pos, this.pos + 2);
      if (op !== "&&" && op !== "--" && op !== "~~") break;
      this.pos += 2;
      const right = this.classUnion(flags, start, false);
      if (set.atoms.length > 0 || right.atoms.length > 0)
        this.refuse(`\`${op}\` with a Unicode class in the class at offset ${start}`);
      if (flags.i) this.refuse(`\`${op}\` under \`(?i)\` in the class at offset ${start}`);
      const x = set.ranges;
      const y = right.ranges;
      set = {
        atoms: [],
        ranges:
          op === "&&"
            ? intersect(x, y)
            : op === "--"
              ? subtract(x, y)
              : [...subtract(x, y), ...subtract(y, x)],
      };
    }
    if (this.peek() !== "]") this.refuse(`the unclosed class at offset ${start}`);
    this.next();
    return { set, negated };
  }

  /** Items up to `]` or a set operator. `first`: a `]` right at the start is a literal. */
  private classUnion(flags: Flags, start: number, first: boolean): CharSet {
    const set: CharSet = { ranges: [], atoms: [] };
    let leading = first;
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.refuse(`the unclosed class at offset ${start}`);
      if (c === "]" && !leading) break;
      const op = this.text.slice(this.pos, this.pos + 2);
      if (!leading && (op === "&&" || op === "--" || op === "~~")) break;
      leading = false;
      if (c === "[") {
        const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.text.slice(this.pos));
        if (posix) {
          const ranges = POSIX[posix[2]!];
          if (!ranges) this.refuse(`the POSIX class \`[:${posix[2]}:]\``);
          this.pos += posix[0].length;
          set.ranges.push(...(posix[1] ? complement(ranges) : ranges));
          continue;
        }
        this.next();
        const inner = this.classBody(flags, this.pos - 1);
        if (inner.negated) {
          if (inner.set.atoms.length > 0)
            this.refuse(`a negated class holding a Unicode class, inside the class at offset ${start}`);
          set.ranges.push(...complement(inner.set.ranges));
        } else {
          set.ranges.push(...inner.set.ranges);
          set.atoms.push(...inner.set.atoms);
        }
        continue;
      }
      const lo = this.classChar(set);
      if (lo === undefined) continue;
      if (this.peek() === "-" && this.peek(1) !== "]" && this.peek(1) !== "-") {
        this.next();
        const hi = this.classChar(set);
        if (hi === undefined || hi < lo)
          this.refuse(`the range at offset ${this.pos} in the class at offset ${start}`);
        set.ranges.push([lo, hi]);
      } else set.ranges.push([lo, lo]);
    }
    return set;
  }

  /** One character of a class, or undefined when the item was a class escape (added to `set`). */
  private classChar(set: CharSet): number | undefined {
    const at = this.pos;
    const c = this.next();
    if (c !== "\\") return c.codePointAt(0)!;
    const e = this.next();
    switch (e) {
      case "d":
        set.atoms.push(DIGIT);
        return undefined;
      case "D":
        set.atoms.push("\\P{Nd}");
        return undefined;
      case "s":
        set.atoms.push(SPACE);
        return undefined;
      case "S":
        set.atoms.push("\\P{White_Space}");
        return undefined;
      case "w":
        set.atoms.push(WORD);
        return undefined;
      case "W":
        return this.refuse(`\`\\W\` inside the class at offset ${at}`);
      case "p":
      case "P":
        set.atoms.push(this.property(e === "P"));
        return undefined;
      default:
        return this.escapedChar(e, at);
    }
  }
}
