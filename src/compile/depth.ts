/**
 * `@swc/core` ends the whole process (a segmentation fault, no error to catch) on code nested a
 * few thousand deep, and not only by brackets: any unbroken chain the parser or a later pass
 * walks recursively. Measured with `@swc/core` 1.16 `transformSync` in a worker thread (the
 * CLI compiles in workers, whose stack is half the main thread's), each first crashing at:
 * `((((…` 1,500 levels, `if (x) if (x) …` 1,060, `a => a => …` 2,100, JSX `<a><a>…` 2,750,
 * `x ? 1 : x ? 1 : …` 12,000, `!!!…`/`- - -…`/`typeof …` 13,000, `new new …` 14,000,
 * `await await …` 14,500, `1 + 1 + …` 26,000 (test/security/swc-depth.test.ts has the shapes).
 * One such file would take every other file of a `check` or `build` down with it, so every host
 * measures the nesting first, in one linear pass, and refuses a file past the limit with a
 * located SA901 (security review; limits.ts).
 *
 * The measure is a bound on how deep the file's syntax tree can be, in units: each open bracket
 * (`(`, `[`, `{`, a template substitution) costs BRACKET units, and at each bracket level the
 * tokens of one unbroken chain add theirs (see `cost`): an operator, a keyword such as `if`,
 * `new` or `await`, an arrow, a closed bracket group (a call, an index, an `if (…)` header). A
 * chain ends where a statement or list item does: at `;`, at `,`, and at a line break or a
 * closing block brace `}` followed by what starts a new statement (a name, a number, a string,
 * `{`), as automatic semicolon insertion reads it — `a\n.b`, `a\n+ b`, `} else if` continue
 * it. The units of all enclosing levels add up, so a chain inside brackets inside a chain counts
 * in full. Weights are set so the limit is met at a third or less of each measured crash point.
 *
 * The scan reads the text as a tokenizer does, skipping comments, strings, template text and
 * regex literals (a `/` starts one after an operator, a keyword such as `return`, an `if (…)`
 * header or a block's `}`; it is a division after a name, a number, `)`, `]` or an object's `}`).
 * It duplicates, minimally, the regex-versus-division rule of src/core/import-scan.ts (kept
 * separate while that rule is being extended; both read `)` of `if (…)`/`while (…)`/`for (…)`/
 * `with (…)` and a block's `}` as allowing a regex).
 */
import { isIdentChar } from "../core/chars.js";
import { BEFORE_REGEX, importAt, type ScannedImport } from "../core/import-scan.js";

/** Units the whole file may nest (brackets plus the chains at each level). */
export const MAX_DEPTH = 8000;
/** Brackets alone: far deeper than anything written by hand; a third of where SWC crashes. */
export const MAX_NESTING = 500;
/** A bracket's units: a little under MAX_DEPTH / MAX_NESTING, so brackets alone meet MAX_NESTING first. */
const BRACKET = 15;
/** An arrow or a JSX tag: SWC crashes at 2,100 arrows, a twelfth of the binary operators' depth. */
const ARROW = 12;
/** Operators SWC nests cheapest (a `1 + 1 + …` or `a && a && …` chain crashes it at 26,000). */
const BINARY = new Set([
  "&&",
  "||",
  "??",
  "<=",
  ">=",
  "==",
  "===",
  "!=",
  "!==",
  "*",
  "/",
  "%",
  "|",
  "&",
  "^",
  "<<",
  ">>",
  ">>>",
]);

export interface TooDeep {
  line: number;
  column: number;
  /** `true` when brackets alone passed MAX_NESTING; else the units of brackets and chains passed MAX_DEPTH. */
  brackets: boolean;
}

/**
 * What the pass noted on its way, for the checks that would otherwise each read the file again
 * (limits.ts, the fast path of compile/fast-path.ts).
 */
export interface PassNotes {
  /**
   * The longest stretch between two line feeds the loop met in code (and the file's ends), for
   * the long-line guard. The feeds inside comments, strings and templates are passed over,
   * which only joins stretches: every stretch between two line feeds of the file lies within one
   * the pass measured, so when `longest` is short, every line is.
   */
  longest: number;
  /**
   * The imports written in code (`import`, `from` or `require` standing alone, then what
   * import-scan.ts `importAt` reads after it, as `importCandidates` reads every such word), or
   * undefined when the pass cannot be sure its reading of the file is the parser's: a `/` whose
   * meaning it guesses (after `}`, after the `)` of a keyword head, after `++`, `!`, `>` or `.`
   * that follow an operand, after a keyword that may be a name, a division after `default` or an
   * object's `}`, a `/` inside a run of operators), a string, regex, template or comment left
   * open, `for await (…)`, or a hashbang. JSX text is not read at all: the caller ignores this
   * for a file that may hold JSX. Where the pass is sure, every import a tokenizer finds is a
   * word it met in code (test/compile/pass-imports.test.ts compares them).
   */
  imports: ScannedImport[] | undefined;
}

// What the last token was, for the regex-or-division choice and for where a chain ends.
const START = 0; // start of file, `;`, `,`, an opening bracket or operator: a regex may follow
const OPERAND = 1; // a name, number, string, regex, template, `)`, `]`, an object's `}`
const KEYWORD = 2; // a word after which an expression starts (`return`, `typeof`, …)
const BLOCK_END = 3; // a block's `}`
const HEADER_END = 4; // the `)` of `if (…)`, `while (…)`, `for (…)`, `with (…)`

// Level kinds.
const PAREN = 0;
const HEADER = 1;
const SQUARE = 2;
const BLOCK = 3;
const OBJECT = 4;
const SUBST = 5;

/** Words after which a `/` starts a regex and an expression is still to come. */
const BEFORE_EXPRESSION = new Set([
  // The import scanner's words (one list: both read `/` after them as a regex)…
  ...BEFORE_REGEX,
  // …and TypeScript's operators and the keyword heads, after which an expression follows too.
  "extends",
  "as",
  "satisfies",
  "keyof",
  "if",
  "while",
  "for",
  "with",
]);
/** Words that nest what follows them, and their cost in units. */
const WORD_COST = new Map<string, number>([
  ["if", 24],
  ["while", 24],
  ["for", 24],
  ["with", 24],
  ["do", 24],
  ["else", 0],
  ["new", 2],
  ["typeof", 2],
  ["void", 2],
  ["delete", 2],
  ["await", 2],
  ["yield", 2],
  ["extends", 2],
  ["in", 1],
  ["instanceof", 1],
  ["of", 1],
  ["as", 2],
  ["satisfies", 2],
  ["keyof", 2],
]);
/** Words that continue the chain after a line break or a block's `}` (no statement starts). */
const CONTINUING = new Set([
  "else",
  "in",
  "instanceof",
  "of",
  "as",
  "satisfies",
  "extends",
  "catch",
  "finally",
]);
const HEADER_WORDS = new Set(["if", "while", "for", "with"]);

/** Keywords after which `{` opens a block (the others take an expression: an object). */
const BLOCK_KEYWORDS = new Set(["else", "do", "try", "finally"]);

// ——— tables for the scan loop ———
// The loop reads char codes only: it slices no word and no operator out of the text (a string
// per token was most of the pass's cost). Every keyword any of the sets above names gets a
// number, and what the sets say of it is read from arrays by that number.

/**
 * Words the pass only notes (they nest nothing and read as names): the three that may start an
 * import (`import`, `from`, `require`), and `default`, after which a `/` starts a regex though
 * the pass reads it as a division (see PassNotes).
 */
const NOTED = ["import", "from", "require", "default"];
/** Contextual keywords that may also be names (`of`, `await`, …): a `/` after one may be a division. */
const CONTEXTUAL = new Set(["of", "await", "yield", "as", "satisfies", "keyof"]);
/** Keyword number → its word (index 0: no keyword). */
const KEYWORDS: string[] = [
  "",
  ...new Set([
    ...BEFORE_EXPRESSION,
    ...WORD_COST.keys(),
    ...CONTINUING,
    ...HEADER_WORDS,
    ...BLOCK_KEYWORDS,
    ...NOTED,
  ]),
];
const KW_COST = Int32Array.from(KEYWORDS, (w) => WORD_COST.get(w) ?? 0);
const KW_CONTINUING = Uint8Array.from(KEYWORDS, (w) => (CONTINUING.has(w) ? 1 : 0));
const KW_EXPRESSION = Uint8Array.from(KEYWORDS, (w) => (BEFORE_EXPRESSION.has(w) ? 1 : 0));
const KW_HEADER = Uint8Array.from(KEYWORDS, (w) => (HEADER_WORDS.has(w) ? 1 : 0));
const KW_BLOCK = Uint8Array.from(KEYWORDS, (w) => (BLOCK_KEYWORDS.has(w) ? 1 : 0));
const KW_CONTEXTUAL = Uint8Array.from(KEYWORDS, (w) => (CONTEXTUAL.has(w) ? 1 : 0));
const KW_IF = KEYWORDS.indexOf("if");
const KW_ELSE = KEYWORDS.indexOf("else");
const KW_FOR = KEYWORDS.indexOf("for");
const KW_AWAIT = KEYWORDS.indexOf("await");
const KW_DEFAULT = KEYWORDS.indexOf("default");
/** `import`, `from`, `require`: the words an import starts with (importAt reads what follows). */
const KW_IMPORT_WORD = Uint8Array.from(KEYWORDS, (w) =>
  w === "import" || w === "from" || w === "require" ? 1 : 0,
);
/** Shortest and longest keyword; every one is lower-case ASCII letters. */
const KW_MIN = 2;
const KW_MAX = 10;
/** Keyword numbers by length and first letter (`length * 26 + letter`), for the words of that shape. */
const KW_BUCKETS: number[][] = [];
for (let k = 1; k < KEYWORDS.length; k++) {
  const w = KEYWORDS[k]!;
  if (w.length < KW_MIN || w.length > KW_MAX || !/^[a-z]+$/.test(w))
    throw new Error(`depth.ts: keyword ${w} is outside the shape the scan looks up`);
  const key = w.length * 26 + w.charCodeAt(0) - 97;
  const bucket = KW_BUCKETS[key] ?? [];
  bucket.push(k);
  KW_BUCKETS[key] = bucket;
}

/** The keyword spelt by `src[start, end)` (its number), or 0. */
function keywordAt(src: string, start: number, end: number): number {
  const len = end - start;
  if (len < KW_MIN || len > KW_MAX) return 0;
  const first = src.charCodeAt(start);
  if (first < 97 || first > 122) return 0;
  const bucket = KW_BUCKETS[len * 26 + first - 97];
  if (bucket === undefined) return 0;
  next: for (const k of bucket) {
    const w = KEYWORDS[k]!;
    for (let j = 1; j < len; j++) if (w.charCodeAt(j) !== src.charCodeAt(start + j)) continue next;
    return k;
  }
  return 0;
}

/** What an ASCII character is to the scan (a character past ASCII: see `classOf`). */
const C_OTHER = 0; // no token of ours (`#`, `@`, a control character): an operator of its own
const C_BLANK = 1; // space, tab
const C_SPACE = 2; // vertical tab, form feed (and U+00A0, U+FEFF)
const C_LINE = 3; // \n, \r (and U+2028, U+2029)
const C_SLASH = 4;
const C_QUOTE = 5;
const C_BACKTICK = 6;
const C_IDENT = 7; // letters, digits, `$`, `_`, `\` (and any other character past ASCII)
const C_OPEN = 8; // ( [ {
const C_CLOSE = 9; // ) ] }
const C_SEP = 10; // ; ,
const C_OP = 11; // ! % & * + - . : < = > ? ^ | ~
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  CLASS[c] = isIdentChar(c)
    ? C_IDENT
    : c === 32 || c === 9
      ? C_BLANK
      : c === 11 || c === 12
        ? C_SPACE
        : c === 10 || c === 13
          ? C_LINE
          : c === 47
            ? C_SLASH
            : c === 34 || c === 39
              ? C_QUOTE
              : c === 96
                ? C_BACKTICK
                : c === 40 || c === 91 || c === 123
                  ? C_OPEN
                  : c === 41 || c === 93 || c === 125
                    ? C_CLOSE
                    : c === 59 || c === 44
                      ? C_SEP
                      : isOperatorChar(c)
                        ? C_OP
                        : C_OTHER;
}
function classOf(c: number): number {
  if (c < 128) return CLASS[c]!;
  if (c === 0xa0 || c === 0xfeff) return C_SPACE;
  if (c === 0x2028 || c === 0x2029) return C_LINE;
  return C_IDENT;
}
/** What a string literal's loop must look at: `\`, quotes, line ends, brackets (ASCII only). */
const IN_STRING = Uint8Array.from({ length: 128 }, (_, c) =>
  "\\\"'\n\r()[]{}".includes(String.fromCharCode(c)) ? 1 : 0,
);
/**
 * The operator characters that, ending a run, make a `/` right after them the start of a regex
 * (`=` ends every assignment and comparison; `&`, `|`, `?`, `:`, `^`, `%`, `*`, `~` and a
 * prefix `!` end no operand).
 */
const REGEX_AFTER = Uint8Array.from({ length: 128 }, (_, c) =>
  "=!&|?:^%*~".includes(String.fromCharCode(c)) ? 1 : 0,
);
/** The single-character operators BINARY names (`*`, `/`, `%`, `|`, `&`, `^`): read without a Set lookup. */
const BINARY1 = Uint8Array.from({ length: 128 }, (_, c) => (BINARY.has(String.fromCharCode(c)) ? 1 : 0));

/** An operator run of up to three characters as one number (length, then the char codes). */
function packOperator(a: number, b: number, c: number, length: number): number {
  return length | (a << 2) | (b << 9) | (c << 16);
}
/** BINARY, packed. */
const BINARY_PACKED = new Set(
  [...BINARY].map((op) =>
    packOperator(op.charCodeAt(0), op.charCodeAt(1) || 0, op.charCodeAt(2) || 0, op.length),
  ),
);

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff;
}
function isLineEnd(c: number): boolean {
  return c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
}

/** The open levels' kinds and chain units (see `tooDeep`), grown when a call needs more. */
let levelKinds = new Uint8Array(MAX_NESTING + 2);
let levelChains = new Float64Array(MAX_NESTING + 2);

/**
 * Where the file first nests deeper than `max` units or `nesting` brackets (see above), or
 * undefined (a string holding more than `nesting` open brackets counts too: see there). Linear in the
 * text's length: each character is looked at a bounded number of times.
 *
 * One loop over char codes with every piece of state in a local (no closure, no string per
 * token): the pass runs before every file SWC compiles, so its speed is the wrapper's floor.
 */
export function tooDeep(
  src: string,
  max = MAX_DEPTH,
  nesting = MAX_NESTING,
  notes?: PassNotes,
): TooDeep | undefined {
  const n = src.length;
  // The imports met in code (PassNotes), while the pass's reading is sure.
  const imports: ScannedImport[] | undefined = notes ? [] : undefined;
  // A hashbang line is read as code: not sure.
  let sure = !(src.charCodeAt(0) === 35 && src.charCodeAt(1) === 33);
  // The last keyword met was written after a `.` (a property: `a.return / 2`).
  let kwDot = false;
  // The last operand was an object's `}` (a `/` after it is a division only if it was one).
  let objectEnd = false;
  // The last operator run followed an operand and ended in `+`, `-`, `!`, `>` or `.`: a `/`
  // after it may be a division (`a++ / 2`, TypeScript's `a! / 2`, `1./2`).
  let ambiguousRun = false;
  // The longest stretch between two line feeds the loop passed in code (see PassNotes).
  let longest = 0;
  let lineFrom = 0;
  // One entry per open level; index 0 is the file itself (a block). A level past `nesting + 1`
  // is never pushed: the pass stops there. The arrays are the module's, reused from call to
  // call (a level's entries are written when it opens, before any read), as allocating two
  // typed arrays cost more than the whole pass over a small file.
  const size = Math.max(0, Math.floor(nesting)) + 2;
  if (levelKinds.length < size) {
    levelKinds = new Uint8Array(size);
    levelChains = new Float64Array(size);
  }
  const kinds = levelKinds;
  const chains = levelChains;
  kinds[0] = BLOCK;
  chains[0] = 0;
  let depth = 1;
  let total = 0;
  let prev = START;
  // The keyword the last word was (0: none); read only while `prev` is KEYWORD.
  let prevKw = 0;
  // A line break or a block's `}` was passed: a token that starts a statement ends the chain.
  let mayEnd = false;
  // A `;` or `,` was passed: the chain ends at the next token (see there).
  let endsAtNext = false;
  let i = 0;
  let failedAt = -1;
  let onlyBrackets = false;
  // Template text is read from `i` when set (after a backtick, or the `}` closing a `${`).
  let template = false;

  while (i < n || template) {
    if (template) {
      // In template text: up to the closing backtick, or a `${` (a level opens).
      template = false;
      let closed = false;
      for (; i < n; i++) {
        const t = src.charCodeAt(i);
        if (t === 92 /* \ */) i++;
        else if (t === 96 /* ` */) {
          i++;
          prev = OPERAND;
          objectEnd = false;
          closed = true;
          break;
        } else if (t === 36 /* $ */ && src.charCodeAt(i + 1) === 123) {
          kinds[depth] = SUBST;
          chains[depth] = 0;
          depth++;
          total += BRACKET;
          if (depth - 1 > nesting) {
            onlyBrackets = true;
            failedAt = i;
          } else if (total > max) failedAt = i;
          i += 2;
          prev = START;
          ambiguousRun = false;
          closed = true;
          break;
        }
      }
      if (!closed) sure = false;
      if (failedAt >= 0) break;
      continue;
    }
    const c = src.charCodeAt(i);
    const cls = c < 128 ? CLASS[c]! : classOf(c);
    if (cls === C_BLANK) {
      // A run of blanks at once (indentation is most of some files).
      i++;
      for (let b = src.charCodeAt(i); b === 32 || b === 9; b = src.charCodeAt(i)) i++;
      continue;
    }
    if (cls === C_SPACE) {
      i++;
      continue;
    }
    if (cls === C_LINE) {
      if (prev === OPERAND || prev === BLOCK_END) mayEnd = true;
      if (c === 10) {
        if (i - lineFrom > longest) longest = i - lineFrom;
        lineFrom = i + 1;
      }
      i++;
      continue;
    }
    if (cls === C_IDENT) {
      const start = i;
      // Past ASCII, every character continues a word (U+00A0 and U+2028 too): a word runs
      // to the next ASCII character that is no identifier's.
      for (i++; i < n; i++) {
        const w = src.charCodeAt(i);
        if (w < 128 && CLASS[w] !== C_IDENT) break;
      }
      // A number's `.5` or `e+3` is read as a word, a `.`, a sign: at worst over-counted.
      // Only a keyword matters (keywordAt: no string is made for the others).
      const kw = keywordAt(src, start, i);
      if (kw !== 0) {
        // After a `.` a keyword is a property (`x.require(…)`, `a.return / 2`), but not after the
        // third dot of a spread (`{ ...require("./a") }`), as import-scan.ts `standsAlone` reads it.
        kwDot =
          start > 0 &&
          src.charCodeAt(start - 1) === 46 &&
          !(start >= 3 && src.charCodeAt(start - 2) === 46 && src.charCodeAt(start - 3) === 46);
        if (KW_IMPORT_WORD[kw] === 1) {
          // Standing alone (`x.require(…)` is a method): what follows it, as importCandidates reads it.
          if (imports !== undefined && !kwDot) {
            const found = importAt(src, KEYWORDS[kw]!, i);
            if (found) imports.push(found);
          }
        } else if (kw === KW_AWAIT && prev === KEYWORD && prevKw === KW_FOR) sure = false;
      }
      // Before the token: it ends the chain if a statement starts with it (ASI, after a block),
      // or after a `;`/`,` unless it is an `else` (see there).
      if ((mayEnd && KW_CONTINUING[kw] === 0) || (endsAtNext && kw !== KW_ELSE)) {
        total -= chains[depth - 1]!;
        chains[depth - 1] = 0;
      }
      mayEnd = false;
      endsAtNext = false;
      // `else if` nests one level per `else`, not two.
      const cost = kw === KW_IF && prev === KEYWORD && prevKw === KW_ELSE ? 6 : KW_COST[kw]!;
      if (cost !== 0) {
        chains[depth - 1]! += cost;
        total += cost;
        if (total > max) {
          failedAt = start;
          break;
        }
      }
      prevKw = kw;
      prev = KW_EXPRESSION[kw] === 1 ? KEYWORD : OPERAND;
      objectEnd = false;
      continue;
    }
    if (cls === C_SLASH) {
      const next = src.charCodeAt(i + 1);
      if (next === 47) {
        const end = src.indexOf("\n", i);
        i = end < 0 ? n : end;
        continue;
      }
      if (next === 42 /* * */) {
        const end = src.indexOf("*/", i + 2);
        if (end < 0) sure = false;
        const stop = end < 0 ? n : end + 2;
        if (prev === OPERAND || prev === BLOCK_END)
          for (let k = i + 2; k < stop; k++)
            if (isLineEnd(src.charCodeAt(k))) {
              mayEnd = true;
              break;
            }
        i = stop;
        continue;
      }
      if (prev !== OPERAND) {
        // A regex literal: to its closing `/` (outside a class) or the line's end, then flags.
        if (
          prev === BLOCK_END ||
          prev === HEADER_END ||
          (prev === KEYWORD && (kwDot || KW_CONTEXTUAL[prevKw] === 1 || KW_HEADER[prevKw] === 1)) ||
          (prev === START && ambiguousRun)
        )
          sure = false;
        if ((mayEnd && prev === BLOCK_END) || endsAtNext) {
          total -= chains[depth - 1]!;
          chains[depth - 1] = 0;
        }
        mayEnd = false;
        endsAtNext = false;
        let inClass = false;
        let closed = false;
        for (i++; i < n; i++) {
          const r = src.charCodeAt(i);
          if (r === 92) i++;
          else if (isLineEnd(r)) break;
          else if (r === 91) inClass = true;
          else if (r === 93) inClass = false;
          else if (r === 47 && !inClass) {
            i++;
            while (i < n && isIdentChar(src.charCodeAt(i))) i++;
            closed = true;
            break;
          }
        }
        if (!closed) sure = false;
        prev = OPERAND;
        objectEnd = false;
        continue;
      }
      // A division: an operator like the others (below).
      if (objectEnd || prevKw === KW_DEFAULT) sure = false;
    } else if (cls === C_QUOTE) {
      if (mayEnd || endsAtNext) {
        total -= chains[depth - 1]!;
        chains[depth - 1] = 0;
      }
      mayEnd = false;
      endsAtNext = false;
      let raw = 0;
      let closed = false;
      for (i++; i < n; i++) {
        const s = src.charCodeAt(i);
        // Most characters of a string are none of those below: one lookup passes them.
        if (s >= 128 || IN_STRING[s] === 0) continue;
        if (s === 92) i++;
        else if (s === c) {
          i++;
          closed = true;
          break;
        } else if (s === 10 || s === 13) break;
        else if (s === 40 || s === 91 || s === 123) {
          // A quote misread (in JSX text, say) hides the rest of its line: brackets nested
          // past the limit inside one literal are refused as well (no real string holds them).
          if (++raw + depth > nesting + 1) {
            onlyBrackets = true;
            failedAt = i;
            break;
          }
        } else if ((s === 41 || s === 93 || s === 125) && raw > 0) raw--;
      }
      if (failedAt >= 0) break;
      if (!closed) sure = false;
      prev = OPERAND;
      objectEnd = false;
      continue;
    } else if (cls === C_BACKTICK) {
      // A template after a line break is tagged: the chain goes on.
      if (endsAtNext) {
        total -= chains[depth - 1]!;
        chains[depth - 1] = 0;
      }
      mayEnd = false;
      endsAtNext = false;
      chains[depth - 1]! += 2;
      total += 2;
      if (total > max) {
        failedAt = i;
        break;
      }
      i++;
      template = true;
      continue;
    } else if (cls === C_OPEN) {
      if ((mayEnd && c === 123) || endsAtNext) {
        total -= chains[depth - 1]!;
        chains[depth - 1] = 0;
      }
      mayEnd = false;
      endsAtNext = false;
      let kind = c === 40 ? PAREN : SQUARE;
      if (c === 40 && prev === KEYWORD && KW_HEADER[prevKw] === 1) kind = HEADER;
      // A `{` opens a block after a statement's end, a `)` (a function body, an `if (…)`), `=>`,
      // a name (`class A {`) or `else`/`do`; an object after an operator or another keyword.
      if (c === 123) {
        if (prev === START) kind = afterOperator(src, i) ? OBJECT : BLOCK;
        else if (prev === KEYWORD) kind = KW_BLOCK[prevKw] === 1 ? BLOCK : OBJECT;
        else kind = BLOCK;
      }
      kinds[depth] = kind;
      chains[depth] = 0;
      depth++;
      total += BRACKET;
      if (depth - 1 > nesting) {
        onlyBrackets = true;
        failedAt = i;
        break;
      }
      if (total > max) {
        failedAt = i;
        break;
      }
      i++;
      prev = START;
      ambiguousRun = false;
      continue;
    } else if (cls === C_CLOSE) {
      if (endsAtNext) {
        total -= chains[depth - 1]!;
        chains[depth - 1] = 0;
      }
      mayEnd = false;
      endsAtNext = false;
      // Closes the innermost level (a stray closer closes nothing).
      let kind = -1;
      if (depth > 1) {
        depth--;
        total -= chains[depth]! + BRACKET;
        kind = kinds[depth]!;
      }
      // A closer that is not the innermost opener's (or closes nothing): not a reading of a
      // program the parser accepts, so not sure.
      if (c === 41 ? kind !== PAREN && kind !== HEADER : c === 93 ? kind !== SQUARE : kind < BLOCK)
        sure = false;
      i++;
      if (kind === SUBST) {
        template = true;
        continue;
      }
      // The group is one token of the chain it sits in (a call, an index, a header, a body).
      chains[depth - 1]! += 2;
      total += 2;
      if (total > max) {
        failedAt = i - 1;
        break;
      }
      if (kind === BLOCK) {
        prev = BLOCK_END;
        mayEnd = true;
      } else prev = kind === HEADER ? HEADER_END : OPERAND;
      objectEnd = kind === OBJECT;
      continue;
    } else if (cls === C_SEP) {
      // The chain ends here, unless an `else` follows (`if (x) a; else if (y) b; else …` is
      // one statement nesting as deep as it is long): decided at the next token.
      mayEnd = false;
      endsAtNext = true;
      i++;
      prev = START;
      ambiguousRun = false;
      continue;
    }
    // An operator: a run of punctuation. A binary operator that cannot be a prefix costs 1
    // (SWC survives the longest chains of those); any other run 2, a prefix run (`!!!`, `- -`)
    // 2 per sign; `=>` and a `<`/`>` that is no comparison or shift (JSX tags, type arguments:
    // `<a><a>`) ARROW units, for they nest what follows.
    if (endsAtNext) {
      total -= chains[depth - 1]!;
      chains[depth - 1] = 0;
    }
    mayEnd = false;
    endsAtNext = false;
    const afterOperand = prev === OPERAND;
    const start = i;
    let signs = 0;
    let angle = false;
    let other = false;
    // A `<<` or `>>` in the run (a shift, not a tag).
    let shift = false;
    let last = 0;
    // The run holds an operator that ends no operand (REGEX_AFTER, but `!`): whatever follows
    // it in the run is a prefix (`a&&!/re/`), where a `!` right after the operand alone may be
    // TypeScript's non-null assertion (`a!/2`, `a!!/2`).
    let operandEnded = false;
    while (i < n) {
      const p = src.charCodeAt(i);
      if (p >= 128 || CLASS[p] !== (p === 47 ? C_SLASH : C_OP)) break;
      if (p === 47) {
        const q = src.charCodeAt(i + 1);
        if (q === 47 || q === 42) break;
        if (i > start) {
          // `=/re/`, `!/re/`, `&&/re/` without a space: after these the parser's next token is a
          // regex, so the run ends before it and the loop reads the regex as one (vite's
          // `if (!/^[A-Za-z]:\\$/.test(d))`). A `!` right after an operand may be TypeScript's
          // non-null assertion (`a!/2` divides: see operandEnded); after `+`, `-`, `.`, `<` or
          // `>` a `/` may be a division or a JSX closing tag: the run takes the `/` in, and the
          // pass is not sure.
          if (REGEX_AFTER[last] === 1 && (last !== 33 || !afterOperand || operandEnded)) break;
          sure = false;
        }
      }
      if (p === 60 || p === 62) {
        angle = true;
        if (last === p) shift = true;
      } else if (p === 33 || p === 126 || p === 43 || p === 45) signs++;
      else other = true;
      if (p !== 33 && REGEX_AFTER[p] === 1) operandEnded = true;
      last = p;
      i++;
    }
    const length = i - start;
    let units =
      length === 1
        ? BINARY1[src.charCodeAt(start)] === 1
          ? 1
          : Math.max(2, 2 * signs)
        : length <= 3 &&
            length > 0 &&
            BINARY_PACKED.has(
              packOperator(
                src.charCodeAt(start),
                length > 1 ? src.charCodeAt(start + 1) : 0,
                length > 2 ? src.charCodeAt(start + 2) : 0,
                length,
              ),
            )
          ? 1
          : Math.max(2, 2 * signs);
    if (
      (length === 2 && src.charCodeAt(start) === 61 && src.charCodeAt(start + 1) === 62) ||
      (angle && !other && !shift)
    )
      units = ARROW;
    if (length === 0) i++; // a character that is no token of ours (`#`, `@`): passed over
    ambiguousRun =
      afterOperand &&
      length > 0 &&
      ((last === 33 && !operandEnded) ||
        last === 62 ||
        last === 46 ||
        ((last === 43 || last === 45) && length > 1 && src.charCodeAt(i - 2) === last));
    chains[depth - 1]! += units;
    total += units;
    if (total > max) {
      failedAt = start;
      break;
    }
    prev = START;
    objectEnd = false;
  }
  if (notes) {
    notes.longest = failedAt < 0 ? Math.max(longest, n - lineFrom) : n;
    // Brackets or a template left open at the end: not sure either.
    notes.imports = sure && failedAt < 0 && depth === 1 && !template ? imports : undefined;
  }
  if (failedAt < 0) return undefined;
  let line = 1;
  for (let k = src.indexOf("\n"); k !== -1 && k < failedAt; k = src.indexOf("\n", k + 1)) line++;
  const lineStart = src.lastIndexOf("\n", failedAt - 1) + 1;
  return { line, column: failedAt - lineStart + 1, brackets: onlyBrackets };
}

/** `{` with START before it: an object when an operator or `(`/`[`/`,`/`:` precedes it. */
function afterOperator(src: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && (isSpace(src.charCodeAt(j)) || isLineEnd(src.charCodeAt(j)))) j--;
  if (j < 0) return false;
  const c = src.charCodeAt(j);
  // After `;`, `{`, `}` or `)`-less START (file start, a statement's end): a block. A `>` of
  // `=>` is an arrow's body: a block too.
  if (c === 59 || c === 123 || c === 125) return false;
  if (c === 62 && src.charCodeAt(j - 1) === 61) return false;
  return true;
}

function isOperatorChar(c: number): boolean {
  // ! % & * + - . / : < = > ? ^ | ~
  return (
    c === 33 ||
    c === 37 ||
    c === 38 ||
    c === 42 ||
    c === 43 ||
    c === 45 ||
    c === 46 ||
    c === 47 ||
    c === 58 ||
    c === 60 ||
    c === 61 ||
    c === 62 ||
    c === 63 ||
    c === 94 ||
    c === 124 ||
    c === 126
  );
}
