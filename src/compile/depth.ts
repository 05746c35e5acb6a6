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
import { BEFORE_REGEX } from "../core/import-scan.js";

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

/** A word (name, keyword, number), and a run of spaces and tabs: passed over by native searches. */
const WORD = /[\w$\\\u0080-\uffff]+/y;
const BLANKS = /[ \t]+/y;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff;
}
function isLineEnd(c: number): boolean {
  return c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
}

/**
 * Where the file first nests deeper than `max` units or `nesting` brackets (see above), or
 * undefined (a string holding more than `nesting` open brackets counts too: see there). Linear in the
 * text's length: each character is looked at a bounded number of times.
 */
export function tooDeep(src: string, max = MAX_DEPTH, nesting = MAX_NESTING): TooDeep | undefined {
  const n = src.length;
  // One entry per open level; index 0 is the file itself (a block).
  const kinds: number[] = [BLOCK];
  const chains: number[] = [0];
  let total = 0;
  let prev = START;
  let prevWord = "";
  // A line break or a block's `}` was passed: a token that starts a statement ends the chain.
  let mayEnd = false;
  // A `;` or `,` was passed: the chain ends at the next token (see there).
  let endsAtNext = false;
  let i = 0;
  let failedAt = -1;
  let onlyBrackets = false;

  const at = (index: number): TooDeep => {
    let line = 1;
    for (let k = src.indexOf("\n"); k !== -1 && k < index; k = src.indexOf("\n", k + 1)) line++;
    const lineStart = src.lastIndexOf("\n", index - 1) + 1;
    return { line, column: index - lineStart + 1, brackets: onlyBrackets };
  };
  /** Ends the chain of the current level. */
  const endChain = (): void => {
    const top = chains.length - 1;
    total -= chains[top]!;
    chains[top] = 0;
  };
  /** Adds a chain token's units at `index`; false once past the limit. */
  const add = (units: number, index: number): boolean => {
    if (units === 0) return true;
    chains[chains.length - 1]! += units;
    total += units;
    if (total > max) {
      failedAt = index;
      return false;
    }
    return true;
  };
  const open = (kind: number, index: number): boolean => {
    kinds.push(kind);
    chains.push(0);
    total += BRACKET;
    if (kinds.length - 1 > nesting) {
      onlyBrackets = true;
      failedAt = index;
      return false;
    }
    if (total > max) {
      failedAt = index;
      return false;
    }
    return true;
  };
  /** Closes the innermost level; returns its kind (or -1 for a stray closer). */
  const close = (): number => {
    if (kinds.length === 1) return -1;
    total -= chains.pop()! + BRACKET;
    return kinds.pop()!;
  };
  /** In template text from `i`: up to the closing backtick, or a `${` (a level opens). */
  const inTemplate = (): boolean => {
    for (; i < n; i++) {
      const c = src.charCodeAt(i);
      if (c === 92 /* \ */) i++;
      else if (c === 96 /* ` */) {
        i++;
        prev = OPERAND;
        return true;
      } else if (c === 36 /* $ */ && src.charCodeAt(i + 1) === 123) {
        if (!open(SUBST, i)) return false;
        i += 2;
        prev = START;
        return true;
      }
    }
    return true;
  };
  /** Before a token: ends the chain if a statement starts with it (ASI, or after a block). */
  const before = (startsStatement: boolean, word = ""): void => {
    if ((mayEnd && startsStatement) || (endsAtNext && word !== "else")) endChain();
    mayEnd = false;
    endsAtNext = false;
  };

  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 32 || c === 9) {
      // A run of blanks at once (indentation is most of some files).
      BLANKS.lastIndex = i;
      BLANKS.test(src);
      i = BLANKS.lastIndex;
      continue;
    }
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (isLineEnd(c)) {
      if (prev === OPERAND || prev === BLOCK_END) mayEnd = true;
      i++;
      continue;
    }
    if (c === 47 /* / */) {
      const next = src.charCodeAt(i + 1);
      if (next === 47) {
        const end = src.indexOf("\n", i);
        i = end < 0 ? n : end;
        continue;
      }
      if (next === 42 /* * */) {
        const end = src.indexOf("*/", i + 2);
        const stop = end < 0 ? n : end + 2;
        if ((prev === OPERAND || prev === BLOCK_END) && /[\n\r\u2028\u2029]/.test(src.slice(i, stop)))
          mayEnd = true;
        i = stop;
        continue;
      }
      if (prev !== OPERAND) {
        // A regex literal: to its closing `/` (outside a class) or the line's end, then flags.
        before(prev === BLOCK_END);
        let inClass = false;
        for (i++; i < n; i++) {
          const r = src.charCodeAt(i);
          if (r === 92) i++;
          else if (isLineEnd(r)) break;
          else if (r === 91) inClass = true;
          else if (r === 93) inClass = false;
          else if (r === 47 && !inClass) {
            i++;
            while (i < n && isIdentChar(src.charCodeAt(i))) i++;
            break;
          }
        }
        prev = OPERAND;
        continue;
      }
      // A division: an operator like the others (below).
    }
    if (c === 34 || c === 39 /* " ' */) {
      before(true);
      let raw = 0;
      for (i++; i < n; i++) {
        const s = src.charCodeAt(i);
        if (s === 92) i++;
        else if (s === c) {
          i++;
          break;
        } else if (s === 10 || s === 13) break;
        else if (s === 40 || s === 91 || s === 123) {
          // A quote misread (in JSX text, say) hides the rest of its line: brackets nested
          // past the limit inside one literal are refused as well (no real string holds them).
          if (++raw + kinds.length > nesting + 1) {
            onlyBrackets = true;
            failedAt = i;
            break;
          }
        } else if ((s === 41 || s === 93 || s === 125) && raw > 0) raw--;
      }
      if (failedAt >= 0) break;
      prev = OPERAND;
      continue;
    }
    if (c === 96 /* ` */) {
      before(false); // a template after a line break is tagged: the chain goes on
      if (!add(2, i)) break;
      i++;
      if (!inTemplate()) break;
      continue;
    }
    if (isIdentChar(c)) {
      const start = i;
      WORD.lastIndex = i;
      WORD.test(src);
      i = WORD.lastIndex;
      // A number's `.5` or `e+3` is read as a word, a `.`, a sign: at worst over-counted.
      // Only a keyword matters, and none is shorter than 2 or longer than 10 letters or starts
      // with anything but a lower-case letter: other words are not sliced out (the pass's cost).
      const first = src.charCodeAt(start);
      const word =
        i - start >= 2 && i - start <= 10 && first >= 97 && first <= 122 ? src.slice(start, i) : "";
      before(!CONTINUING.has(word), word);
      // `else if` nests one level per `else`, not two.
      const cost = word === "if" && prevWord === "else" && prev === KEYWORD ? 6 : (WORD_COST.get(word) ?? 0);
      if (!add(cost, start)) break;
      prevWord = word;
      prev = BEFORE_EXPRESSION.has(word) ? KEYWORD : OPERAND;
      continue;
    }
    if (c === 40 || c === 91 || c === 123 /* ( [ { */) {
      before(c === 123);
      let kind = c === 40 ? PAREN : SQUARE;
      if (c === 40 && prev === KEYWORD && HEADER_WORDS.has(prevWord)) kind = HEADER;
      // A `{` opens a block after a statement's end, a `)` (a function body, an `if (…)`), `=>`,
      // a name (`class A {`) or `else`/`do`; an object after an operator or another keyword.
      if (c === 123) {
        if (prev === START) kind = afterOperator(src, i) ? OBJECT : BLOCK;
        else if (prev === KEYWORD) kind = BLOCK_KEYWORDS.has(prevWord) ? BLOCK : OBJECT;
        else kind = BLOCK;
      }
      if (!open(kind, i)) break;
      i++;
      prev = START;
      continue;
    }
    if (c === 41 || c === 93 || c === 125 /* ) ] } */) {
      before(false);
      const kind = close();
      i++;
      if (kind === SUBST) {
        if (!inTemplate()) break;
        continue;
      }
      // The group is one token of the chain it sits in (a call, an index, a header, a body).
      if (!add(2, i - 1)) break;
      if (kind === BLOCK) {
        prev = BLOCK_END;
        mayEnd = true;
      } else prev = kind === HEADER ? HEADER_END : OPERAND;
      continue;
    }
    if (c === 59 || c === 44 /* ; , */) {
      // The chain ends here, unless an `else` follows (`if (x) a; else if (y) b; else …` is
      // one statement nesting as deep as it is long): decided at the next token.
      mayEnd = false;
      endsAtNext = true;
      i++;
      prev = START;
      continue;
    }
    // An operator: a run of punctuation. A binary operator that cannot be a prefix costs 1
    // (SWC survives the longest chains of those); any other run 2, a prefix run (`!!!`, `- -`)
    // 2 per sign; `=>` and a `<`/`>` that is no comparison or shift (JSX tags, type arguments:
    // `<a><a>`) ARROW units, for they nest what follows.
    before(false);
    const start = i;
    let signs = 0;
    let angle = false;
    let other = false;
    while (i < n) {
      const p = src.charCodeAt(i);
      if (!isOperatorChar(p) || (p === 47 && (src.charCodeAt(i + 1) === 47 || src.charCodeAt(i + 1) === 42)))
        break;
      if (p === 60 || p === 62) angle = true;
      else if (p === 33 || p === 126 || p === 43 || p === 45) signs++;
      else other = true;
      i++;
    }
    const run = src.slice(start, i);
    let units = BINARY.has(run) ? 1 : Math.max(2, 2 * signs);
    if (run === "=>" || (angle && !other && !run.includes("<<") && !run.includes(">>"))) units = ARROW;
    if (i === start) i++; // a character that is no token of ours (`#`, `@`): passed over
    if (!add(units, start)) break;
    prev = START;
  }
  return failedAt < 0 ? undefined : at(failedAt);
}

/** Keywords after which `{` opens a block (the others take an expression: an object). */
const BLOCK_KEYWORDS = new Set(["else", "do", "try", "finally"]);

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
