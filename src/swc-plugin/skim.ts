/**
 * Parse only what can matter (docs/performance.md, "Real files"). Most of `smartasync/swc`'s time
 * on a large file with one small annotated function went to `@swc/core` parsing the whole file
 * and decoding its JSON AST, though the analysis then leaves closed every function whose text
 * names nothing that can reach a smartasync function (core/analysis/lazy.ts). This module finds
 * such functions before the parse, from the text, and where they are: SWC is given the file
 * with each such body cut to `{}` (lower.ts `parseToBabelShape`), the positions it reports are
 * mapped back (offsets.ts `Gaps`), and the lowering reads the file's own text around them.
 *
 * Module-level data too: an object or array literal that is a whole value right after `NAME =`
 * (`const TABLE = {…};`, `let list = […]`, `static defaults = {…}`, `x = […]` — never after a
 * member such as `module.exports =`, which the export rules read) and whose text names none of
 * the words below is cut to `{}`/`[]` the same way; the tree closes that literal node as it
 * closes a function (core/analysis/tree.ts `isCutLiteral`). Unlike a function body, a literal's
 * code runs where it stands, so why the analysis' answer stays the whole file's, rule by rule:
 * - *Calls*: a call in it is not among the tree's calls. A call the analysis rewrites or checks
 *   (SA305, unbounded discards) reaches a smartasync function through a word or a second name
 *   of one, which the check after the analysis looks for in closed spans (lazy.ts).
 * - *Aliases and holders*: a literal holding a smartasync function (`{ load }`, `[alias]`) names
 *   it; the node keeps its type, so `const t = {…}` is still an object for SA302 and the readers
 *   of held functions find none in it, as in the whole tree.
 * - *Writes*: `{ a: (x = 1) }` writes `x`; bindings whose writes a rule read are looked for in
 *   the cut text (tree.ts `mayWriteText`), as in a skipped body.
 * - *Shadowing*: a literal declares nothing in the scope around it (its functions and class
 *   expressions have their own scopes, and are closed with it).
 * - *Exports*: only literals after a plain name are cut; `module.exports = {…}`,
 *   `Object.assign(exports, {…})`, `export default {…}` stay, and an exported `const` keeps its
 *   name and its node type.
 * - *SA302, SA303, worker imports*: these read what a fresh import runs — every top-level call,
 *   `require` and effect, into the bodies of the functions it calls — straight from the parsed
 *   program; a file with a function that runs in workers is analysed again on the whole tree
 *   (analyse.ts), skipped bodies included.
 * The table of a `new Map(…)` or `new Set(…)` too: an array literal right after the `(` (`const
 * TAGS = new Map([[…], …])`, a fifth of what vite's `dist.js` kept), cut to `[]` under the same
 * rules and the same guard (docs/performance.md, "2026-12-07"). It is an argument, not an
 * export: an export reader that reads the constructed value reads a `NewExpression`, and one
 * that reads the table reads `elements` (guarded). Other calls' literal arguments stay: the
 * readers of `Object.defineProperty(exports, …)`, `Object.assign(exports, {…})`, `Promise.all([…])`
 * and `Reflect.apply(f, t, […])` read them, and the guard would send those files to the whole tree.
 *
 * Class bodies too: the `{…}` of `class A {…}`, `class A extends B {…}` (after a name, a
 * parenthesis or a bracket: `extends mix(B)`, `extends a[k]`) whose text names none of the words
 * is cut to `{}`, and the tree closes the `ClassBody` node starting at its `{` (tree.ts
 * `isCutClassBody`). The class keeps its name, its heritage and its node type; its members are
 * gone from the parse. A class body is code that runs (static fields and blocks at the class's
 * definition, methods and fields later), so, rule by rule:
 * - *Calls, aliases, holders*: as in a literal — a call, a stored function or a member reaching a
 *   smartasync function names it or a second name of it, which the check after the analysis
 *   looks for in every closed span; an annotated method's statement is never cut (the body it
 *   lies in overlaps it).
 * - *Members read for anything else*: a subclass's variant that would clash with a base's member
 *   (inherited.ts), a static `then` or a static block that makes a class a thenable (prove.ts),
 *   the static blocks a worker import runs: each reads the body's `body` straight from the node,
 *   and that read of a cut body marks the tree broken, so the file is parsed in full and analysed
 *   again (test/swc/skim.test.ts proves both readers are caught).
 * - *Writes*: a static block or a field initialiser may assign an outer binding; read from the
 *   cut text (`mayWriteText`), as in a skipped body.
 * - *Shadowing*: a class body declares nothing around it (the class's name is bound by its head,
 *   which stays; private names and members are its own).
 * - *Exports*: an exported class keeps its name and type; a rule that needs its members reads
 *   them through the guard above.
 * - *SA302, SA303, worker imports*: as above, the whole tree whenever a function runs in workers.
 * `class` is read as the start of a class only when a name or `{` follows it (`{ class: 1 }` is a
 * property), and a brace that is not the class's `ClassBody` in the parse (a TypeScript
 * `implements I<{…}>`) leaves a skipped span in no closed node: the analysis then parses the
 * whole file (tree.ts `unskipped`).
 *
 * Why the rest of the tree is the same: a function body is a balanced brace group whose tokens
 * cannot change how the tokens around it parse (what a `{` after `=>` or after a method head is
 * depends only on what precedes it), and its declarations are its own (`var` and function
 * declarations hoist to the function, not past it). So the scan below must tokenise exactly:
 * comments, strings, template literals and regex literals are skipped as a tokenizer does, and
 * where the text alone cannot say whether a `/` starts a regex (after a block's `}`, after a
 * contextual word such as `await` or `of`), or holds something else the scan does not read
 * (HTML-like comments, decorators, a line terminator inside a name), nothing is skipped. A
 * literal is cut only when the token after its closer ends the value (`;`, `,`, a closing
 * bracket, or a line break before a word that is no operator): `{…}.x`, `[…].map(f)` and
 * `{…}\n(f)` are not whole values, and stay.
 *
 * Which bodies (and literals): those of functions whose text (head and body) holds none of the words a
 * closed function must not mention — the names after `@smartasync` annotations and their
 * variants, the explicit `sync=`/`async=` names, `eval`, `with` in a sloppy script, and, when an
 * import leads to smartasync code (or cannot be analysed), `require`, every name in the import
 * clauses and the methods the imported modules dispatch — outside the statements annotations
 * lead, holding no `@smart…` text nor `import.meta` (SWC reads a file of unknown kind holding
 * it as a module). These words approximate the analysis' own (lazy.ts
 * `closingFor`). They need not be exact: the analysis checks that every skipped body lies in a
 * function (or literal) its tree left closed and never walks into one (tree.ts), else it parses
 * the whole file and analyses it again (analyse.ts), so the answer is always the whole file's.
 */

import { freeWritesIn, globalNamesIn } from "../core/analysis/global-text.js";
import { lowerBound, wordsIn } from "../core/analysis/tree.js";
import { type AnnotationParse, mayContainMisspelling, parseAnnotation } from "../core/annotation.js";
import { isWideSpace } from "../core/chars.js";
import { type ScannedImport, scanImports } from "../core/import-scan.js";
import { hasFacts, hasProblem, type ModuleFacts } from "../core/module-facts.js";
import type { Options } from "../core/options.js";

/** Where the function bodies and literals SWC need not read are, and what the scan noted. */
export interface Skim {
  /** Offsets of the `{` (or `[`) of each skipped body or literal, ascending (they never nest). */
  starts: number[];
  /** Offsets just past its `}` (or `]`). */
  ends: number[];
  /**
   * The starts of those that are object or array literals rather than function bodies (see
   * `literalValue`): the tree closes the literal node that starts there (core/analysis/tree.ts).
   */
  literals: number[];
  /**
   * The starts of those that are class bodies (`class A extends B {…}`: the `{` of the body, as
   * the tree's `ClassBody` node starts there): the tree closes that node (core/analysis/tree.ts).
   */
  classes: number[];
  /**
   * Destructuring targets: `[start, end)` of every bracket or brace group followed by `=` or by
   * `in`/`of` (`[a, b] = …`, `({ a } = …)`, `for ([k, v] of …)`), ascending by start: a name
   * in one may be written (tree.ts `mayWriteText`).
   */
  patterns: number[];
  /**
   * `[start, end)` pairs, ascending, of every comment, string, regex and template text: a name
   * there is no identifier.
   */
  leaves: number[];
  /** Offsets of names given a default in a `const`/`let`/`var` pattern (`const { a = 1 } = o`): no write. */
  defaults: number[];
  /** `scanImports` of the file, when the skim made it (the analysis needs it too). */
  imports?: readonly ScannedImport[];
}

export interface SkimInput {
  code: string;
  options: Pick<Options, "syncSuffix" | "asyncSuffix" | "runtime">;
  /** `true` for an ES module; otherwise a sloppy script may use `with`. */
  isModule: boolean | "unknown" | "commonjs";
  /** The facts of a module this file imports (`undefined`: none can be known). */
  factsOf: ((specifier: string, kind?: "require") => ModuleFacts) | undefined;
  /**
   * The imports the nesting pass met in code (compile/depth.ts `PassNotes`), when it was sure of
   * its reading and the file holds no JSX: every import `scanImports` finds is among them, so
   * the words they lead to are at least the scan's, and the text is not scanned again here.
   */
  codeImports?: readonly ScannedImport[];
}

/** Bodies shorter than this are not worth a blank (nor the check that follows it). */
const MIN_BODY = 48;

// Token kinds, for the regex-or-division choice and for what a `{` opens.
const START = 0; // start, an operator, an opening bracket, `,`, `;`: a regex may follow
const OPERAND = 1; // a number, string, template, regex, `]`, `++`/`--`: a division follows
const WORD = 2;
const CLOSE_PAREN = 3;
const CLOSE_BRACE = 4;
const ARROW = 5;
const DOT = 6;
const STAR = 7;
const STRING = 8;
const CLOSE_BRACKET = 9;

// Frame kinds.
const PAREN = 0;
const BRACKET = 1;
const BRACE = 2;
const SUBST = 3;

/** Reserved words after which a `/` starts a regex. */
const REGEX_AFTER = new Set([
  "return",
  "typeof",
  "instanceof",
  "in",
  "new",
  "delete",
  "void",
  "throw",
  "case",
  "do",
  "else",
  "extends",
  "default",
]);
/** Words that are a keyword or a name by context: a `/` after one is not read (nothing skipped). */
const CONTEXTUAL = new Set([
  "yield",
  "await",
  "of",
  "let",
  "async",
  "get",
  "set",
  "static",
  "as",
  "satisfies",
  "keyof",
  "type",
]);
/** Reserved words: a `(…) {` after one of these (but `function`) is not a function's body. */
const RESERVED = new Set([
  "break",
  "case",
  "catch",
  "class",
  "const",
  "continue",
  "debugger",
  "default",
  "delete",
  "do",
  "else",
  "export",
  "extends",
  "finally",
  "for",
  "if",
  "import",
  "in",
  "instanceof",
  "new",
  "return",
  "super",
  "switch",
  "this",
  "throw",
  "try",
  "typeof",
  "var",
  "void",
  "while",
  "with",
  "yield",
  "await",
  "let",
  "static",
  "enum",
  "null",
  "true",
  "false",
]);
/** Words that continue an expression after a line break (a literal before one is not a whole value). */
const CONTINUES = new Set(["in", "instanceof", "of", "as", "satisfies"]);
/** Statement heads whose `(…)` may be followed by a regex. */
const HEADERS = new Set(["if", "while", "for", "with"]);
/** Words before an annotated statement's name. */
const MODIFIERS = new Set([
  "export",
  "default",
  "async",
  "function",
  "static",
  "get",
  "set",
  "const",
  "let",
  "var",
  "public",
  "private",
  "protected",
  "readonly",
  "override",
  "abstract",
  "declare",
  "accessor",
]);

/**
 * What a word read by the scan stands for when it is none of the words the scan compares with
 * (the sets above, and `import`, `from`, `type` …): every such word behaves alike, so the scan
 * cuts no string out of the text for it (a string for every name of the file was the most
 * garbage of any step on the appended real files: docs/performance.md, "(2026-12-06,
 * evening)"). A name the scan keeps (after an annotation, in an import clause) is cut out there.
 */
const NAME = "\0name";
/** The words the scan compares with, interned: looked up by length and first letter. */
const KNOWN_BUCKETS: string[][] = [];
for (const w of new Set([
  ...REGEX_AFTER,
  ...CONTEXTUAL,
  ...RESERVED,
  ...CONTINUES,
  ...HEADERS,
  ...MODIFIERS,
  "import",
  "export",
  "class",
  "from",
  "function",
  "type",
  "Map",
  "Set",
])) {
  const key = w.length * 128 + w.charCodeAt(0);
  const bucket = KNOWN_BUCKETS[key] ?? [];
  bucket.push(w);
  KNOWN_BUCKETS[key] = bucket;
}

const KNOWN_MAX = Math.max(...KNOWN_BUCKETS.flatMap((b) => b ?? []).map((w) => w.length));

/** The word `code[start, end)` if the scan compares with it (the interned string), else NAME. */
function knownWord(code: string, start: number, end: number): string {
  const first = code.charCodeAt(start);
  if (first >= 128 || end - start > KNOWN_MAX) return NAME;
  const bucket = KNOWN_BUCKETS[(end - start) * 128 + first];
  if (bucket === undefined) return NAME;
  next: for (const w of bucket) {
    for (let j = 1; j < w.length; j++) if (w.charCodeAt(j) !== code.charCodeAt(start + j)) continue next;
    return w;
  }
  return NAME;
}

/** ASCII characters that start a word. */
const WORD_START = new Uint8Array(128);
for (let c = 0; c < 128; c++) WORD_START[c] = /[\w$\\]/.test(String.fromCharCode(c)) ? 1 : 0;

/**
 * Where the name, keyword or number starting at `i` ends: ASCII word characters (`\w`, `$`,
 * `\`) and any other character that is not white space; `i` itself when none is there. A loop
 * over the char codes, not a sticky regex: the scan meets a word every few characters, and the
 * regex call per word was most of its time.
 */
function wordEnd(code: string, i: number): number {
  const n = code.length;
  for (; i < n; i++) {
    const c = code.charCodeAt(i);
    if (c < 0x80 ? WORD_START[c] !== 1 : isWideSpace(c)) break;
  }
  return i;
}

/**
 * Just past the closing `quote` of a string whose text starts at `i`, or -1 when a line break
 * or the end of the file comes first. A backslash escapes the next character (`\r\n` as one).
 */
function stringEnd(code: string, i: number, quote: number): number {
  const n = code.length;
  for (; i < n; i++) {
    const c = code.charCodeAt(i);
    if (c === quote) return i + 1;
    if (c === 92 /* \ */) {
      i++;
      if (code.charCodeAt(i) === 13 && code.charCodeAt(i + 1) === 10) i++;
    } else if (c === 10 || c === 13) return -1;
  }
  return -1;
}
/**
 * Where the text of a template chunk that starts at `i` ends: at its closing backtick, at the
 * `${` of a substitution, or at the end of the file (a loop, not a regex: `$` not before `{`
 * needs a lookahead, which the linear-regex check of every pattern cannot prove).
 */
function templateTextEnd(code: string, i: number): number {
  for (; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c === 96 /* ` */) return i;
    if (c === 92 /* \ */) i++;
    else if (c === 36 /* $ */ && code.charCodeAt(i + 1) === 123 /* { */) return i;
  }
  return code.length;
}
const REGEX_BODY =
  /(?:[^\\/[\n\r\u2028\u2029]|\\[^\n\r\u2028\u2029]|\[(?:[^\]\\\n\r\u2028\u2029]|\\[^\n\r\u2028\u2029])*\])+\/[\w$]*/y;
const LINE_REST = /[^\n\r\u2028\u2029]*/y;

/** Whether `code[from, to)` holds a line terminator. */
function lineBreakWithin(code: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = code.charCodeAt(k);
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}

interface Frame {
  kind: number;
  open: number;
  /** BRACE: the function head's start when the brace opens a function's body, else -1. */
  head: number;
  /** PAREN: the token before `(`. */
  beforeKind: number;
  beforeWord: string;
  beforeStart: number;
  beforeAfterDot: boolean;
  /** BRACE of a body: its index in `bodies`. */
  body: number;
}

interface Body {
  open: number;
  close: number;
  head: number;
  /** An object or array literal (a declaration's or assignment's value), not a function body. */
  literal: boolean;
  /** A class body. */
  klass: boolean;
}

interface Annotated {
  start: number;
  depth: number;
  /** End of what the annotation leads, once known. */
  end: number;
  /** The bracket group whose close ends it. */
  group: Frame | undefined;
}

interface Scan {
  bodies: Body[];
  /** Offsets of `import.meta`: it makes SWC read a file of unknown kind as a module, so it stays. */
  metas: number[];
  patterns: number[];
  leaves: number[];
  defaults: number[];
  annotated: Annotated[];
  /** Names after annotations, and explicit variant names. */
  names: string[];
  /** Every name written in an import clause (`import a, { b as c } from …`, `import x = require(…)`). */
  importNames: string[];
  /** An `import`/`export` statement at the top level. */
  moduleSyntax: boolean;
  /** The first statement is a `"use strict"` directive. */
  strict: boolean;
}

/**
 * A group followed by `=` that is no destructuring target: one right after `const`, `let` or
 * `var` declares its names, and a `[` after an operand is a member access (`a[k] = v`).
 */
function declares(f: Frame): boolean {
  if (f.beforeKind === WORD && !f.beforeAfterDot)
    return (
      f.beforeWord === "const" ||
      f.beforeWord === "let" ||
      f.beforeWord === "var" ||
      (f.kind === BRACKET && !RESERVED.has(f.beforeWord))
    );
  return (
    f.kind === BRACKET &&
    (f.beforeKind === WORD ||
      f.beforeKind === CLOSE_PAREN ||
      f.beforeKind === CLOSE_BRACKET ||
      f.beforeKind === OPERAND ||
      f.beforeKind === STRING)
  );
}

/** Reads `code` as a tokenizer does; undefined where it cannot say for sure. */
function scan(code: string): Scan | undefined {
  const n = code.length;
  const bodies: Body[] = [];
  const patterns: number[] = [];
  const metas: number[] = [];
  const leaves: number[] = [];
  const defaults: number[] = [];
  const annotated: Annotated[] = [];
  const pending: Annotated[] = [];
  const names: string[] = [];
  const importNames: string[] = [];
  const frames: Frame[] = [];
  let moduleSyntax = false;
  let strict = false;
  let first = true;
  let i = 0;
  if (code.startsWith("#!")) {
    LINE_REST.lastIndex = 2;
    LINE_REST.test(code);
    i = LINE_REST.lastIndex;
  }
  let prev = START;
  let prevWord = "";
  /** The first `@smartasync` at or after the comment being read (-1: none left). */
  let nextTag = code.indexOf("@smartasync");
  let prevStart = 0;
  let prevAfterDot = false;
  /** For CLOSE_PAREN: the frame of the group it closed; for CLOSE_BRACKET: the `[`. */
  let prevFrame: Frame | undefined;
  /** A line terminator since the previous token. */
  let newline = false;
  /** An annotation waiting for its name. */
  let naming: Annotated | undefined;
  /** Inside an import clause at the top level. */
  let importing = false;
  /** The punctuator before the last word (`{`, `[`, `,` …), else 0. */
  let wordBefore = 0;
  /** The last punctuator read, while `prev` is START. */
  let lastPunct = 0;
  /** Where the head of an arrow starts (set at `=>`). */
  let arrowHead = -1;
  /** The bracket depth of a `class` whose body has not opened yet (`extends f(x) {` is no method). */
  let classAt = -1;
  /** The last token was an `=` after a plain name (`NAME = `): a `{`/`[` now opens its value. */
  let eqPending = false;
  /** The word before the last word, when two words met (`type T = {…}` is a type, not a value). */
  let wordBeforePrev = "";
  /** The last word was `Map` or `Set` right after `new` (a table's constructor). */
  let newTable = false;
  /** The last token was the `(` of `new Map(` or `new Set(`: a `[` now opens its table. */
  let tableParen = false;
  /** A literal just closed (its index in `bodies`, its closer): kept if the next token ends the value. */
  let litPending = -1;
  let litClose = -1;
  const settle = (ends: boolean) => {
    if (litPending >= 0 && ends) bodies[litPending]!.close = litClose;
    litPending = -1;
  };

  const endPending = (at: number, depth: number, group: Frame) => {
    for (let k = pending.length - 1; k >= 0; k--) {
      const a = pending[k]!;
      if (a.group === group || a.depth > depth) {
        a.end = at;
        pending.splice(k, 1);
      }
    }
  };
  const push = (f: Frame) => {
    for (const a of pending)
      if (a.group === undefined && a.depth === frames.length && f.kind === BRACE) a.group = f;
    frames.push(f);
  };
  const frame = (kind: number, open: number): Frame => ({
    kind,
    open,
    head: -1,
    beforeKind: prev,
    beforeWord: prevWord,
    beforeStart: prevStart,
    beforeAfterDot: prevAfterDot,
    body: -1,
  });

  while (i < n) {
    const c = code.charCodeAt(i);
    // White space and line terminators.
    if (c === 32 || c === 9 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff) {
      i++;
      continue;
    }
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) {
      newline = true;
      i++;
      continue;
    }
    if (c === 47 /* / */) {
      const d = code.charCodeAt(i + 1);
      if (d === 47 || d === 42) {
        let end: number;
        if (d === 47) {
          LINE_REST.lastIndex = i + 2;
          LINE_REST.test(code);
          end = LINE_REST.lastIndex;
        } else {
          const close = code.indexOf("*/", i + 2);
          if (close < 0) return undefined;
          end = close + 2;
          if (lineBreakWithin(code, i + 2, close)) newline = true;
        }
        leaves.push(i, end);
        // The comment's text is cut out only when it holds the tag (the next tag is searched for
        // once it lies behind: linear in the file).
        const valueEnd = d === 47 ? end : end - 2;
        if (nextTag >= 0 && nextTag < i + 2) nextTag = code.indexOf("@smartasync", i + 2);
        if (nextTag >= 0 && nextTag + 11 <= valueEnd) {
          const value = code.slice(i + 2, valueEnd);
          const parsed: AnnotationParse = parseAnnotation(value, d === 42);
          if (parsed.kind !== "none") {
            const a: Annotated = { start: i, depth: frames.length, end: -1, group: undefined };
            annotated.push(a);
            pending.push(a);
            naming = a;
            if (parsed.kind === "annotation" && parsed.names) {
              if (parsed.names.sync) names.push(parsed.names.sync);
              if (parsed.names.async) names.push(parsed.names.async);
            }
          }
        }
        i = end;
        continue;
      }
      settle(false);
      eqPending = false;
      tableParen = false;
      // A regex or a division: by the token before.
      let regex: boolean;
      switch (prev) {
        case START:
        case ARROW:
          regex = true;
          break;
        case CLOSE_PAREN: {
          const f = prevFrame!;
          if (f.beforeKind === WORD && !f.beforeAfterDot && f.beforeWord === "await") return undefined;
          regex = f.beforeKind === WORD && !f.beforeAfterDot && HEADERS.has(f.beforeWord);
          break;
        }
        case CLOSE_BRACE:
          return undefined;
        case WORD:
          if (prevAfterDot) regex = false;
          else if (CONTEXTUAL.has(prevWord)) return undefined;
          else regex = REGEX_AFTER.has(prevWord);
          break;
        case DOT:
        case STAR:
          regex = prev === STAR;
          break;
        default:
          regex = false;
      }
      if (regex) {
        REGEX_BODY.lastIndex = i + 1;
        if (!REGEX_BODY.test(code)) return undefined;
        leaves.push(i, REGEX_BODY.lastIndex);
        i = REGEX_BODY.lastIndex;
        prev = OPERAND;
      } else {
        i += code.charCodeAt(i + 1) === 61 ? 2 : 1;
        prev = START;
        lastPunct = 47;
      }
      naming = undefined;
      newline = false;
      first = false;
      continue;
    }
    const start = i;
    const eq = eqPending;
    eqPending = false;
    const table = tableParen;
    tableParen = false;
    if (c === 34 || c === 39) {
      settle(false);
      i = stringEnd(code, i + 1, c);
      if (i < 0) return undefined;
      leaves.push(start, i);
      if (first && frames.length === 0) {
        const v = code.slice(start + 1, i - 1);
        strict = v === "use strict";
      }
      prev = STRING;
      prevStart = start;
    } else if (c === 96 /* ` */) {
      settle(false);
      i = templateTextEnd(code, i + 1);
      if (i >= n) return undefined;
      leaves.push(start, i + 1);
      if (code.charCodeAt(i) === 96) {
        i++;
        prev = OPERAND;
      } else {
        // `${`
        const f = frame(SUBST, i);
        push(f);
        i += 2;
        prev = START;
      }
    } else if (c >= 0x80 || WORD_START[c] === 1) {
      i = wordEnd(code, i);
      if (i === start) {
        // White space outside ASCII (U+2000…, U+3000): a separator.
        i++;
        continue;
      }
      const word = knownWord(code, start, i);
      const afterDot = prev === DOT;
      // After a newline a word starts the next statement, unless it is an operator.
      settle(newline && !CONTINUES.has(word));
      wordBeforePrev = prev === WORD ? prevWord : "";
      if (naming && !MODIFIERS.has(word)) {
        names.push(word === NAME ? code.slice(start, i) : word);
        naming = undefined;
      }
      if (importing) importNames.push(word === NAME ? code.slice(start, i) : word);
      if (word === "import" && !afterDot && code.charCodeAt(i) === 46) metas.push(start);
      // `class` starts a class when a name or the body's `{` follows (not a property name:
      // `{ class: 1 }`, `{ class }`).
      if (word === "class" && !afterDot && classFollows(code, i)) classAt = frames.length;
      if (
        (word === "in" || word === "of") &&
        (prev === CLOSE_BRACKET || prev === CLOSE_BRACE) &&
        !declares(prevFrame!)
      )
        patterns.push(prevFrame!.open, start);
      if (frames.length === 0 && !afterDot) {
        if (word === "import" || word === "export") {
          // `import(…)` and `import.meta` are expressions; the rest are module syntax.
          let j = i;
          while (j < n && (code.charCodeAt(j) === 32 || code.charCodeAt(j) === 9)) j++;
          const next = code.charCodeAt(j);
          if (word === "export" || (next !== 40 && next !== 46)) {
            moduleSyntax = true;
            if (word === "import") importing = true;
          }
        } else if (word === "from" && importing) importing = false;
      }
      wordBefore = prev === START ? lastPunct : 0;
      newTable =
        (word === "Map" || word === "Set") &&
        !afterDot &&
        prev === WORD &&
        prevWord === "new" &&
        !prevAfterDot;
      prev = WORD;
      prevWord = word;
      prevStart = start;
      prevAfterDot = afterDot;
      newline = false;
      first = false;
      continue;
    } else if (c === 35 /* # */) {
      settle(false);
      // A private name (`#x`), as one word; `#!` was read above.
      i = wordEnd(code, i + 1);
      if (naming) {
        names.push(code.slice(start + 1, i));
        naming = undefined;
      }
      prev = WORD;
      newTable = false;
      // `#x` is none of the words the scan compares with.
      prevWord = NAME;
      prevStart = start;
      prevAfterDot = false;
      newline = false;
      first = false;
      continue;
    } else {
      // Punctuators. A literal's value ends at `;` `,` and at a closing bracket.
      settle(c === 59 || c === 44 || c === 41 || c === 93 || c === 125);
      lastPunct = c;
      switch (c) {
        case 40 /* ( */:
          push(frame(PAREN, i));
          tableParen = prev === WORD && newTable;
          i++;
          prev = START;
          break;
        case 91 /* [ */:
          {
            const f = frame(BRACKET, i);
            if ((eq || table) && prev === START) {
              f.body = bodies.length;
              bodies.push({ open: i, close: -1, head: i, literal: true, klass: false });
            }
            push(f);
            i++;
            prev = START;
            break;
          }
        case 123 /* { */:
          {
            const f = frame(BRACE, i);
            if (classAt === frames.length) {
              classAt = -1;
              // The class's body, after its name or its heritage (`extends A`, `extends f(x)`,
              // `extends a[k]`); after anything else (a TypeScript `implements I<{…}>`) it is not
              // read as one.
              if (prev === WORD || prev === CLOSE_PAREN || prev === CLOSE_BRACKET) {
                f.body = bodies.length;
                bodies.push({ open: i, close: -1, head: i, literal: false, klass: true });
              }
            } else if (prev === ARROW) f.head = arrowHead;
            else if (prev === CLOSE_PAREN && !newline) {
              const p = prevFrame!;
              if (p.beforeKind === WORD && !p.beforeAfterDot) {
                if (p.beforeWord === "function" || !RESERVED.has(p.beforeWord)) f.head = p.beforeStart;
              } else if (p.beforeKind === STRING || p.beforeKind === STAR || p.beforeKind === CLOSE_BRACKET) {
                f.head = p.beforeStart;
              }
            }
            if (f.head >= 0) {
              f.body = bodies.length;
              bodies.push({ open: i, close: -1, head: f.head, literal: false, klass: false });
            } else if (eq && prev === START) {
              f.body = bodies.length;
              bodies.push({ open: i, close: -1, head: i, literal: true, klass: false });
            }
            push(f);
            i++;
            prev = START;
            break;
          }
        case 41 /* ) */:
        case 93 /* ] */:
          {
            const f = frames.pop();
            if (!f || f.kind !== (c === 41 ? PAREN : BRACKET)) return undefined;
            if (f.body >= 0) {
              litPending = f.body;
              litClose = i;
            }
            endPending(i + 1, frames.length, f);
            i++;
            prevFrame = f;
            prevStart = f.open;
            prev = c === 41 ? CLOSE_PAREN : CLOSE_BRACKET;
            break;
          }
        case 125 /* } */:
          {
            const f = frames.pop();
            if (!f) return undefined;
            if (f.kind === SUBST) {
              const from = i;
              i = templateTextEnd(code, i + 1);
              if (i >= n) return undefined;
              leaves.push(from, i + 1);
              if (code.charCodeAt(i) === 96) {
                i++;
                prev = OPERAND;
              } else {
                push(frame(SUBST, i));
                i += 2;
                prev = START;
              }
              break;
            }
            if (f.kind !== BRACE) return undefined;
            if (f.body >= 0) {
              if (bodies[f.body]!.literal) {
                litPending = f.body;
                litClose = i;
              } else bodies[f.body]!.close = i;
            }
            endPending(i + 1, frames.length, f);
            i++;
            prevFrame = f;
            prev = CLOSE_BRACE;
            break;
          }
        case 61 /* = */:
          if (code.charCodeAt(i + 1) === 62) {
            // `=>`: the head is the parameter list (or the one parameter) before it.
            arrowHead = prev === CLOSE_PAREN ? prevFrame!.open : prev === WORD ? prevStart : i;
            if (prev === CLOSE_PAREN) {
              const p = prevFrame!;
              if (p.beforeKind === WORD && p.beforeWord === "async") arrowHead = p.beforeStart;
            }
            i += 2;
            prev = ARROW;
          } else {
            // `{ a = 1 }`, `[a = 1]` right in a `const`/`let`/`var` pattern: a default, no write.
            const top = frames[frames.length - 1];
            if (
              prev === WORD &&
              !prevAfterDot &&
              code.charCodeAt(i + 1) !== 61 &&
              (wordBefore === 123 || wordBefore === 91 || wordBefore === 44) &&
              top !== undefined &&
              (top.kind === BRACE || top.kind === BRACKET) &&
              top.beforeKind === WORD &&
              !top.beforeAfterDot &&
              (top.beforeWord === "const" || top.beforeWord === "let" || top.beforeWord === "var")
            )
              defaults.push(prevStart);
            // `=` after a group (not `==`): the group is a destructuring target.
            if (
              (prev === CLOSE_BRACKET || prev === CLOSE_BRACE) &&
              code.charCodeAt(i + 1) !== 61 &&
              !declares(prevFrame!)
            )
              patterns.push(prevFrame!.open, i);
            // `NAME = ` (not `==`, not `a.b =`, not TypeScript's `type T =`): a value follows.
            eqPending =
              prev === WORD &&
              !prevAfterDot &&
              code.charCodeAt(i + 1) !== 61 &&
              !RESERVED.has(prevWord) &&
              wordBeforePrev !== "type";
            i++;
            prev = START;
          }
          break;
        case 46 /* . */:
          if (code.charCodeAt(i + 1) === 46 && code.charCodeAt(i + 2) === 46) {
            i += 3;
            prev = START;
          } else {
            i++;
            prev = DOT;
          }
          break;
        case 63 /* ? */:
          if (code.charCodeAt(i + 1) === 46 && !/[0-9]/.test(code[i + 2] ?? "")) {
            i += 2;
            prev = DOT;
          } else {
            i++;
            prev = START;
          }
          break;
        case 43 /* + */:
        case 45 /* - */:
          if (code.charCodeAt(i + 1) === c) {
            // `-->` may be an HTML-like comment (Annex B): not read.
            if (c === 45 && code.charCodeAt(i + 2) === 62) return undefined;
            i += 2;
            prev = OPERAND;
          } else {
            i++;
            prev = START;
          }
          break;
        case 60 /* < */:
          // `<!--` (an HTML-like comment) is not read.
          if (code.startsWith("<!--", i)) return undefined;
          i++;
          prev = START;
          break;
        case 64 /* @ */:
          // A decorator: its function is never closed (tree.ts), nothing to gain.
          return undefined;
        case 42 /* * */:
          i++;
          prev = STAR;
          prevStart = start;
          break;
        case 59 /* ; */:
        case 44 /* , */:
          for (let k = pending.length - 1; k >= 0; k--) {
            const a = pending[k]!;
            if (a.depth === frames.length && a.group === undefined) {
              a.end = i + 1;
              pending.splice(k, 1);
            }
          }
          if (c === 59) importing = false;
          i++;
          prev = START;
          break;
        default:
          i++;
          prev = START;
      }
    }
    if (prev !== STAR) naming = undefined;
    newline = false;
    first = false;
  }
  if (frames.length) return undefined;
  settle(true);
  for (const a of pending) a.end = n;
  return { bodies, metas, patterns, leaves, defaults, annotated, names, importNames, moduleSyntax, strict };
}

/**
 * Whether the word `class` ending at `i` starts a class: a name (any character past ASCII may
 * start one) or the body's `{` follows, after blanks. Anything else there (a comment, `:`, `}`):
 * not read as a class, so nothing of it is cut.
 */
function classFollows(code: string, i: number): boolean {
  let c = code.charCodeAt(i);
  while (c === 32 || c === 9 || c === 10 || c === 13) c = code.charCodeAt(++i);
  return c === 123 || c >= 128 || WORD_START[c] === 1;
}

/** Offsets of every `@smart…` (any case): a body holding one is never blanked (annotations, SA107). */
function smartTags(code: string): number[] {
  const out: number[] = [];
  for (let i = code.indexOf("@"); i !== -1; i = code.indexOf("@", i + 1))
    if (mayContainMisspelling(code.slice(i, i + 6))) out.push(i);
  return out;
}

/** The words a skipped function must not mention (see the module comment). */
function wordsOf(s: Scan, input: SkimInput): { words: Set<string>; imports?: readonly ScannedImport[] } {
  const { options } = input;
  const words = new Set<string>(["eval"]);
  if (input.isModule !== true && !s.moduleSyntax && !s.strict) words.add("with");
  const withVariants = (name: string) => {
    words.add(name);
    words.add(name + options.syncSuffix);
    words.add(name + options.asyncSuffix);
  };
  for (const name of s.names) withVariants(name);
  // Globals the file may set (`globalThis.gl = load`): their bare calls are SA206 (global-names.ts).
  for (const g of globalNamesIn(input.code)) words.add(g);
  let imports: readonly ScannedImport[] | undefined;
  if (input.factsOf) {
    let any = false;
    // The nesting pass's imports stand for the scan's (a superset: more words, never fewer),
    // except for `req("./x")` of `const req = createRequire(…)`, which only the scan reads. The
    // analysis then scans the text itself only if it asks for `require`s (imported.ts `sources`):
    // most ES modules never do.
    const noted = input.codeImports !== undefined && !input.code.includes("createRequire");
    if (!noted) imports = scanImports(input.code);
    for (const { specifier, kind } of noted ? input.codeImports! : imports!) {
      if (kind === "dynamic") continue;
      const facts = input.factsOf(specifier, kind === "require" ? kind : undefined);
      if (!hasFacts(facts) && !hasProblem(facts)) continue;
      any = true;
      for (const m of facts.methods.keys()) withVariants(m);
      // A bare call of a global the import sets to a smartasync function (global-names.ts).
      for (const g of facts.globals?.keys() ?? []) words.add(g);
    }
    if (any) {
      words.add("require");
      for (const name of s.importNames) words.add(name);
    }
  }
  // A bare global written a watched value (`gl = load`, sloppy code): its bare calls are SA206.
  for (const g of freeWritesIn(input.code, words)) words.add(g);
  return { words, imports };
}

/**
 * The file with the bodies of functions that cannot matter blanked, or undefined when none
 * can be skipped (or the text holds something the scan does not read).
 */
export function skim(input: SkimInput): Skim | undefined {
  const { code } = input;
  // A file that names the runtime is analysed on its whole tree (lazy.ts `closingFor`).
  if (code.includes(input.options.runtime)) return undefined;
  const s = scan(code);
  if (!s || s.bodies.length === 0) return undefined;
  const { words, imports } = wordsOf(s, input);
  const hits = wordsIn(code, words).map((h) => h.at);
  const tags = smartTags(code);
  const extra = [...tags, ...s.metas];
  const allHits = extra.length ? [...hits, ...extra].sort((a, b) => a - b) : hits;
  const forced = s.annotated.map((a) => [a.start, a.end] as const).sort((a, b) => a[0] - b[0]);
  let max = -1;
  const forcedMaxEnd = forced.map((f) => {
    max = Math.max(max, f[1]);
    return max;
  });
  const forcedStarts = forced.map((f) => f[0]);
  const starts: number[] = [];
  const ends: number[] = [];
  const literals: number[] = [];
  const classes: number[] = [];
  let last = -1;
  for (const b of s.bodies) {
    if (b.open < last || b.close < 0 || b.close - b.open < MIN_BODY) continue;
    const k = lowerBound(allHits, b.head);
    if (k < allHits.length && allHits[k]! <= b.close) continue;
    const f = lowerBound(forcedStarts, b.close + 1) - 1;
    if (f >= 0 && forcedMaxEnd[f]! > b.head) continue;
    starts.push(b.open);
    ends.push(b.close + 1);
    if (b.literal) literals.push(b.open);
    else if (b.klass) classes.push(b.open);
    last = b.close;
  }
  if (!starts.length) return undefined;
  const pairs: [number, number][] = [];
  for (let k = 0; k < s.patterns.length; k += 2) pairs.push([s.patterns[k]!, s.patterns[k + 1]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  return {
    starts,
    ends,
    literals,
    classes,
    patterns: pairs.flat(),
    leaves: s.leaves,
    defaults: s.defaults,
    imports,
  };
}
