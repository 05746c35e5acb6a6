/**
 * The modules a file names, found in its text without parsing it: the one scanner behind every
 * "what does this file import" question asked before (or instead of) a parse — the SWC fast
 * path and the build-tool plugins' (is anything imported a smartasync function?), the
 * build-tool plugins' watch list, and the `smartasync/register` / `smartasync/jest` cache key
 * (which imported modules' texts decide this file's output?).
 *
 * It reads the text as a light tokenizer does — comments, strings, template literals (with
 * nested `${…}`), regex literals and JSX (tags, attribute strings, children text) are skipped as
 * wholes — so every place an import can be written is seen: `import x from /* c *\/ "./a"`,
 * `export * from "./b"`, `import "./c"`, `import("./d")`, `require("./e")`,
 * `import { "a-b" as x } from "./f"`, across lines, with or without semicolons, and nothing
 * inside text is taken for one: `` `import x from "${id}"` `` in a template, `export * from '...'`
 * in a comment, `<p>Use /* here</p>` in JSX. It errs on the side of more: `from "x"` anywhere
 * in code counts, a computed `require(x)` does not (no module to name). A `/` after `)` starts a
 * regex only when the `(` it closes follows `if`, `while`, `for` or `with` (`if (a) /"/.test(s)`),
 * and after `}` only when the `}` ends a block (`{ … } /"/`), as a tokenizer decides: read the other
 * way, the quote inside such a regex would open a string and hide an import written after it on
 * that line (security review 17, finding 7). Its one blind spot is a division right after a
 * comment (`a /* c *\/ / b`, read as a regex): what is misread ends at the line's end (strings and
 * regex literals do not span lines), so only that line is misread.
 * A `<` starts JSX only where an expression can start and when a closing tag of that name (or
 * `</>`) appears in the file, so TypeScript's `<T>x` assertions stay code.
 *
 * Plain code between two places that matter (a quote, a backtick, a slash, a brace, a `<`, one of
 * the three words) is passed over by one native regex search: on the bench corpus (105 files,
 * 1.4 MB) it costs what the two regexes it replaced cost (9 ms against 9 ms, next to 150 ms for
 * SWC's own transform of the same files).
 *
 * Linear in the text by construction (each character is looked at a bounded number of times),
 * so no file can stall it (SECURITY.md, test/security/redos.test.ts).
 */
import { isRegexSpace } from "./chars.js";
import { currentCompile } from "./compile-run.js";

export type ImportKind =
  /** `import … from "x"`, `import "x"`, `export … from "x"`. */
  | "static"
  /** `import("x")`. */
  | "dynamic"
  /** `require("x")`. */
  | "require";

export interface ScannedImport {
  specifier: string;
  kind: ImportKind;
}

const SLASH = 0x2f;
const STAR = 0x2a;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const CR = 0x0d;
const BACKTICK = 0x60;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const DOLLAR = 0x24;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LPAREN = 0x28;
const RPAREN = 0x29;
const RBRACKET = 0x5d;
const LBRACKET = 0x5b;
const DOT = 0x2e;
const LT = 0x3c;
const GT = 0x3e;
const EQ = 0x3d;
const SEMI = 0x3b;
const COMMA = 0x2c;
const COLON = 0x3a;
const PLUS = 0x2b;
const MINUS = 0x2d;

/** Keywords after which a `/` starts a regex literal, not a division. */
export const BEFORE_REGEX: ReadonlySet<string> = new Set([
  "return",
  "typeof",
  "instanceof",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "throw",
  "case",
  "do",
  "else",
  "yield",
  "await",
]);

/** What an ASCII character is to the scanner (any other character counts as part of a name). */
const OTHER = 0;
const SPACE = 1;
const WORD = 2;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  CLASS[c] = /[\w$#]/.test(ch) ? WORD : /\s/.test(ch) ? SPACE : OTHER;
}

function isIdentPart(c: number): boolean {
  return c < 0x80 ? CLASS[c] === WORD : !isSpace(c);
}

function isSpace(c: number): boolean {
  return (
    c === 0x20 ||
    c === 0x09 ||
    c === NEWLINE ||
    c === CR ||
    c === 0x0b ||
    c === 0x0c ||
    c === 0xa0 ||
    c === 0xfeff ||
    c === 0x2028 ||
    c === 0x2029 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x1680 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

function isLineEnd(c: number): boolean {
  return c === NEWLINE || c === CR || c === 0x2028 || c === 0x2029;
}

/**
 * Where each `//` comment the scan passes over starts, while `lineComments` runs one (else
 * undefined): every comment is passed over here, so this is the tokenizer's own view of which
 * `//` are comments (not text in a string, template, regex or JSX).
 */
let recording: number[] | undefined;

/**
 * The start of every `//` comment in `source`, as this scanner tokenizes it: what
 * core/map-comment.ts reads a map comment from, so that `//# sourceMappingURL=…` in a string, a
 * template or a block comment is no comment (as in V8), with the blind spot described above.
 */
export function lineComments(source: string): number[] {
  recording = [];
  try {
    scanPass(source, false, undefined);
    return recording;
  } finally {
    recording = undefined;
  }
}

/** Index after the whitespace and comments starting at `i`. */
function skipTrivia(s: string, i: number): number {
  for (;;) {
    const c = s.charCodeAt(i);
    if (isSpace(c)) i++;
    else if (c === SLASH && s.charCodeAt(i + 1) === SLASH) {
      recording?.push(i);
      i += 2;
      while (i < s.length && !isLineEnd(s.charCodeAt(i))) i++;
    } else if (c === SLASH && s.charCodeAt(i + 1) === STAR) {
      const end = s.indexOf("*/", i + 2);
      i = end < 0 ? s.length : end + 2;
    } else return i;
  }
}

/** Index after the string literal whose quote is at `i` (an unterminated one ends at the line's end). */
function skipString(s: string, i: number): number {
  const quote = s.charCodeAt(i);
  for (i++; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === quote) return i + 1;
    if (c === BACKSLASH) i++;
    else if (c === NEWLINE || c === CR) return i;
  }
  return i;
}

/** Index after the regex literal whose `/` is at `i` (an unterminated one ends at the line's end). */
function skipRegex(s: string, i: number): number {
  let inClass = false;
  for (i++; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (isLineEnd(c)) return i;
    else if (c === LBRACKET) inClass = true;
    else if (c === RBRACKET) inClass = false;
    else if (c === SLASH && !inClass) {
      i++;
      while (i < s.length && isIdentPart(s.charCodeAt(i))) i++;
      return i;
    }
  }
  return i;
}

/**
 * The string literal at `i`, if one starts there: its text (escapes kept as written) and the
 * index after it; `undefined` otherwise or for an empty or unterminated one.
 */
function stringAt(s: string, i: number): { value: string; end: number } | undefined {
  const q = s.charCodeAt(i);
  if (q !== DQUOTE && q !== SQUOTE) return undefined;
  for (let j = i + 1; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === q) return j > i + 1 ? { value: s.slice(i + 1, j), end: j + 1 } : undefined;
    if (c === BACKSLASH) j++;
    else if (c === NEWLINE || c === CR) return undefined;
  }
  return undefined;
}

/** A template literal without `${` or escapes at `i` (`` `./lib.js` ``): its text, else undefined. */
function plainTemplateAt(s: string, i: number): { value: string; end: number } | undefined {
  if (s.charCodeAt(i) !== BACKTICK) return undefined;
  for (let j = i + 1; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === BACKTICK) return j > i + 1 ? { value: s.slice(i + 1, j), end: j + 1 } : undefined;
    if (c === BACKSLASH || c === NEWLINE || c === CR || (c === DOLLAR && s.charCodeAt(j + 1) === LBRACE))
      return undefined;
  }
  return undefined;
}

/**
 * Where the scanner stops: a character that changes what follows (a quote, a backtick, a slash,
 * a brace, a `<` that may open a JSX element), one of the three words, or a statement keyword
 * whose `(…)` may be followed by a regex (`if`, `while`, `for`, `with`). Everything between two
 * stops is plain code, passed over by the regex engine (one forward search, no backtracking:
 * linear). The module scan also stops at `export` (and `exports`). Inside such a keyword's
 * parentheses the scanner also stops at `(` and `)`, to find the one that closes them (the
 * `…_PARENS` forms); elsewhere parentheses are plain code.
 */
const STOP = /["'`/{}<]|import|from|require|createRequire|\b(?:if|while|for|with)\b/g;
const STOP_EXPORTS = /["'`/{}<]|import|from|require|createRequire|export|\b(?:if|while|for|with)\b/g;
const STOP_PARENS = /["'`/{}<()]|import|from|require|createRequire|\b(?:if|while|for|with)\b/g;
const STOP_EXPORTS_PARENS = /["'`/{}<()]|import|from|require|createRequire|export|\b(?:if|while|for|with)\b/g;
const STOPS: readonly RegExp[] = [STOP, STOP_EXPORTS, STOP_PARENS, STOP_EXPORTS_PARENS];

/**
 * The four stops with the names of `require`s made by `createRequire` appended (the second pass
 * over a file that makes one, `scan`): last in the alternation, so that at one index the fixed
 * words win; a name one of them begins (`requireIt`, `fromCjs`) is checked where that word is
 * found not standing alone.
 */
function stopsWith(names: ReadonlySet<string>): readonly RegExp[] {
  const alt = [...names].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
  return STOPS.map((r) => new RegExp(`${r.source}|${alt}`, "g"));
}

/** Statement keywords whose parenthesised head may be followed by a regex literal. */
const HEAD_KEYWORDS = new Set(["if", "while", "for", "with"]);

/** `export * from "x"`, `export { a, b as c } from "x"`, `export * as ns from "x"`, as written. */
export interface ScannedReExport {
  from: string;
  /** undefined for `export *`; else exported name → imported name (string names unquoted). */
  names?: Map<string, string>;
  /** `export * as ns from "x"`: the name of the namespace. */
  namespace?: string;
}

/** What the text of a module says about its imports and exports, read with `scanModule`. */
export interface ModuleScan {
  readonly imports: readonly ScannedImport[];
  readonly reExports: readonly ScannedReExport[];
  /**
   * It may export something it imports, directly or held by a value: a local export list
   * (`export { f }`), any `export default`, `export const/let/var/function/class`, `export = …`,
   * or CommonJS exports (`module.exports`, `exports.f =`). Without that, a module with no
   * annotation can export nothing smartasync but what its re-exports carry.
   */
  readonly mayExportBindings: boolean;
  /**
   * The names the module exports itself, at its top level (`export function f`, `export const
   * f`, `export class C`, `export { a as b }`, `export default` as "default"): in ES semantics
   * they win over a name an `export *` would carry. Every declarator of `export const a = 1,
   * b = 2` is read, up to one whose end the text alone cannot tell (`declaratorNames`); a
   * destructuring `export const { a } = …` is not.
   */
  ownExports: Set<string>;
}

/**
 * What an open brace is: code (`{` of an expression: an object literal), a template's `${`, a
 * JSX attribute's or child's `{`, or a block (`{` where a statement can start: after `)`, `;`,
 * `{`, `}`, `=>`, a name such as `else` or `class X`, or at the start).
 */
const CODE = 0;
const TEMPLATE = 1;
const JSX_ATTR = 2;
const JSX_CHILD = 3;
const BLOCK = 4;

/** The scanner's state: open braces (innermost last) and, for JSX ones, the element depth. */
interface State {
  s: string;
  frames: number[];
  depths: number[];
  /** Names that appear as closing tags (`</div`, `</>` as ""), found once on first need. */
  closers?: Set<string>;
  imports: ScannedImport[];
  reExports: ScannedReExport[] | undefined;
  mayExportBindings: boolean;
  ownExports: Set<string>;
  /** Parentheses open inside the head of an `if`/`while`/`for`/`with` (0: not inside one). */
  parens: number;
  /** For each open keyword head (innermost last), the `parens` count its `)` brings back. */
  heads: number[];
  /** Index of the last `)` that closed a keyword head, of the last `}` that closed a block (-1: none). */
  headClose: number;
  blockClose: number;
  /** Names bound to `createRequire(…)` met in code (`const req = createRequire(…)`), for a second pass. */
  made: Set<string>;
}

/** Every module specifier `source` names in an import, re-export, `import(…)` or `require(…)`, in order. */
export function scanImports(source: string): readonly ScannedImport[] {
  // Cheap exit for the common file that imports nothing at all.
  if (!source.includes("import") && !source.includes("from") && !source.includes("require")) return [];
  // The Babel plugin's analysis asks for the compiled file's imports up to four times a compile
  // (its `require` calls, then `import(…)` for each question about method names: imported.ts);
  // a 1.4 MB vite chunk was scanned four times (bench/babel-config.mjs's profile). The answer
  // depends on the text alone: the last one is kept (one text, so a loop over a build's outputs
  // keeps none of the others alive).
  if (source !== lastImports.source) {
    lastImports.imports = scan(source, false).imports;
    lastImports.source = source;
  }
  return lastImports.imports;
}

/** `scanImports`' last answer (callers only read it: `readonly`). */
const lastImports: { source: string | undefined; imports: readonly ScannedImport[] } = {
  source: undefined,
  imports: [],
};

/**
 * The three words an import is written with, wherever they are spelt, and `createRequire`, which
 * the same search notes so that a file without it is not searched for it again (`madeNames` is
 * two more whole-text searches: a fifth of smartasync's own time on the files as they are,
 * docs/performance.md "Where the as-is excess goes"). A match of `createRequire` hides no import
 * word: `Require` is not `require`, and the only word that could begin inside it is a `require`
 * sharing its last `re` (`createRequirequire`), which follows a letter and so stands alone nowhere.
 */
const IMPORT_WORDS = /import|from|require|createRequire/g;

/**
 * Every import `scanImports` finds, and more: each `import`, `from` and `require` standing
 * alone is read with the scanner's own reading (`importAfter`), wherever it is written —
 * also inside strings, template literals, comments and JSX text, which the scan skips. One
 * native search for three words, several times cheaper than the scan: a caller that only needs
 * to know that no import leads anywhere (the fast path) asks these first, and the scan only
 * when one of them does, for then it may be text.
 */
export function importCandidates(source: string): ScannedImport[] {
  const out: ScannedImport[] = [];
  let maker = false;
  IMPORT_WORDS.lastIndex = 0;
  for (let m = IMPORT_WORDS.exec(source); m !== null; m = IMPORT_WORDS.exec(source)) {
    const word = m[0];
    if (word === "createRequire") {
      maker = true;
      continue;
    }
    const found = standsAlone(source, m.index, word.length)
      ? importAfter(source, word, m.index + word.length)
      : undefined;
    if (found) out.push(found.item);
  }
  // `req("./x")` of `const req = createRequire(…)`, read the same way wherever it is written
  // (every alias of `createRequire` is read where `createRequire` is written: none without it).
  if (!maker) return out;
  for (const name of madeNames(source)) {
    for (let at = source.indexOf(name); at !== -1; at = source.indexOf(name, at + name.length)) {
      const found = standsAlone(source, at, name.length)
        ? importAfter(source, "require", at + name.length)
        : undefined;
      if (found) out.push(found.item);
    }
  }
  return out;
}

/**
 * Every name `createRequire` is bound to in the text (`madeName`), in code or not: what the lazy
 * analysis watches beside `require` (analysis/lazy.ts).
 */
export function madeNames(source: string): Set<string> {
  const names = new Set<string>();
  for (const maker of makerNames(source)) madeUnder(source, maker, names);
  return names;
}

/** Adds to `names` every name `maker` (`createRequire`, or an alias of it) is called and bound to. */
function madeUnder(source: string, maker: string, names: Set<string>): void {
  for (let at = source.indexOf(maker); at !== -1; at = source.indexOf(maker, at + maker.length)) {
    const name = madeName(source, at, maker.length);
    if (name !== undefined) names.add(name);
  }
}

/**
 * The names `createRequire` goes under in the text: itself, and every alias read where it is
 * written (`makerAlias`: `import { createRequire as cr }`, attack21 F6). Errs on the side of more,
 * as the scan does; the analysis decides which of them is Node's (analysis/view.ts
 * `isCreateRequire`).
 */
export function makerNames(source: string): Set<string> {
  const names = new Set(["createRequire"]);
  for (let at = source.indexOf("createRequire"); at !== -1; at = source.indexOf("createRequire", at + 13)) {
    const alias = makerAlias(source, at);
    if (alias !== undefined) names.add(alias);
  }
  return names;
}

/**
 * The other name `createRequire` at `at` is given, read where it is written: `createRequire as
 * cr` (an import or export specifier), `createRequire: cr` (a destructuring), `cr =
 * createRequire` or `cr = m.createRequire` not called there. Else undefined.
 */
function makerAlias(s: string, at: number): string | undefined {
  if ((at > 0 && isIdentPart(s.charCodeAt(at - 1))) || isIdentPart(s.charCodeAt(at + 13))) return undefined;
  let k = skipTrivia(s, at + 13);
  const c = s.charCodeAt(k);
  if (c === COLON || (s.startsWith("as", k) && !isIdentPart(s.charCodeAt(k + 2)))) {
    k = skipTrivia(s, k + (c === COLON ? 1 : 2));
    let end = k;
    while (end < s.length && isIdentPart(s.charCodeAt(end))) end++;
    const name = s.slice(k, end);
    return name === "" || NOT_MADE.has(name) ? undefined : name;
  }
  // `const cr = m.createRequire;`: the name bound to it, read as `madeName` reads a made one.
  return c === LPAREN ? undefined : boundBefore(s, at);
}

/**
 * The import that `word` (`import`, `from` or `require`, standing alone and ending at `i`)
 * starts, as importCandidates reads it: the nesting pass of compile/depth.ts reads the words it
 * meets in code with it.
 */
export function importAt(source: string, word: string, i: number): ScannedImport | undefined {
  return importAfter(source, word, i)?.item;
}

/** The word at `at` is a whole one and no property: not `x.import`, `reimport`, `fromX`, `$from`. */
function standsAlone(s: string, at: number, length: number): boolean {
  const before = at > 0 ? s.charCodeAt(at - 1) : 0;
  // A spread (`{ ...require("./a") }`) is no member access: its dot is the third of three.
  const spread = before === DOT && at >= 3 && s.charCodeAt(at - 2) === DOT && s.charCodeAt(at - 3) === DOT;
  return !isIdentPart(before) && (before !== DOT || spread) && !isIdentPart(s.charCodeAt(at + length));
}

/**
 * The imports, the re-exports and whether the module may export bindings, in one pass: what the
 * module graph reads from a module without annotations instead of parsing it. A re-export inside
 * a comment, a string, a template literal or JSX text is not one (vite's chunks hold
 * `export * from '...'` in a comment and `import x from "${id}"` in templates).
 */
export function scanModule(source: string): ModuleScan {
  if (!source.includes("import") && !source.includes("export") && !source.includes("require"))
    return { imports: [], reExports: [], mayExportBindings: false, ownExports: new Set() };
  // A module's text is scanned for its shape, for its facts and for what an import cycle reaches
  // (module-graph.ts), often in one compile: once is enough. Kept for the compile running now.
  const epoch = currentCompile();
  if (scannedIn !== epoch) {
    scanned.clear();
    scannedIn = epoch;
  }
  const kept = scanned.get(source);
  if (kept) return kept;
  const st = scan(source, true);
  const out: ModuleScan = {
    imports: st.imports,
    reExports: st.reExports!,
    mayExportBindings: st.mayExportBindings,
    ownExports: st.ownExports,
  };
  scanned.set(source, out);
  return out;
}

/** `scanModule`'s answers in the compile `scannedIn`, by text. */
const scanned = new Map<string, ModuleScan>();
let scannedIn = -1;

/**
 * The scan. A file that makes a `require` under another name (`const req =
 * createRequire(import.meta.url)`, attack 21 F6) is read twice: the second pass also stops at
 * those names and reads `req("./x")` as it reads `require("./x")`. Only such files pay for it.
 */
function scan(source: string, exports: boolean): State {
  const first = scanPass(source, exports, undefined);
  return first.made.size === 0 ? first : scanPass(source, exports, first.made);
}

function scanPass(source: string, exports: boolean, names: ReadonlySet<string> | undefined): State {
  const st: State = {
    s: source,
    frames: [],
    depths: [],
    imports: [],
    reExports: exports ? [] : undefined,
    mayExportBindings: false,
    ownExports: new Set(),
    parens: 0,
    heads: [],
    headClose: -1,
    blockClose: -1,
    made: new Set(),
  };
  const stops = names ? stopsWith(names) : STOPS;
  const s = source;
  const n = s.length;
  let i = 0;
  if (s.startsWith("#!")) while (i < n && !isLineEnd(s.charCodeAt(i))) i++;
  while (i < n) {
    const stop = stops[(st.heads.length > 0 ? 2 : 0) + (exports ? 1 : 0)]!;
    stop.lastIndex = i;
    const m = stop.exec(s);
    if (m === null) break;
    const at = m.index;
    const c = s.charCodeAt(at);
    const top = st.frames.length ? st.frames[st.frames.length - 1] : -1;
    if (c === DQUOTE || c === SQUOTE) i = skipString(s, at);
    else if (c === BACKTICK || (c === RBRACE && top === TEMPLATE)) {
      if (c === RBRACE) st.frames.pop();
      i = templateRest(s, at + 1, st.frames);
    } else if (c === RBRACE && (top === JSX_ATTR || top === JSX_CHILD)) {
      st.frames.pop();
      const depth = st.depths.pop()!;
      i = jsx(st, at + 1, top === JSX_ATTR, depth);
    } else if (c === LBRACE) {
      st.frames.push(blockStartsAt(s, at) ? BLOCK : CODE);
      i = at + 1;
    } else if (c === RBRACE) {
      if (st.frames.pop() === BLOCK) st.blockClose = at;
      i = at + 1;
    } else if (c === LPAREN) {
      st.parens++;
      i = at + 1;
    } else if (c === RPAREN) {
      st.parens--;
      if (st.parens === st.heads[st.heads.length - 1]) {
        st.heads.pop();
        st.headClose = at;
      }
      i = at + 1;
    } else if (c === SLASH) {
      const next = s.charCodeAt(at + 1);
      if (next === SLASH || next === STAR) i = skipTrivia(s, at);
      else i = regexAllowedBefore(st, at) ? skipRegex(s, at) : at + 1;
    } else if (c === LT) {
      i = jsxStartsAt(st, at) ? jsx(st, at + 1, true, 0) : at + 1;
    } else {
      // A whole word only, and not a property (`x.import`, `reimport`, `fromX`, `$from`).
      const word = m[0];
      const before = at > 0 ? s.charCodeAt(at - 1) : 0;
      const after = s.charCodeAt(at + word.length);
      if (word === "export") {
        i = exportAt(st, at, before, after);
        continue;
      }
      const whole = standsAlone(s, at, word.length);
      if (word === "createRequire") {
        const name = madeName(s, at, word.length);
        if (name !== undefined) st.made.add(name);
        // `import { createRequire as cr }`: the names `cr(…)` is bound to, wherever written.
        const alias = makerAlias(s, at);
        if (alias !== undefined) madeUnder(s, alias, st.made);
        i = at + word.length;
        continue;
      }
      if (names !== undefined && (names.has(word) || !whole)) {
        // A made `require`'s name, or one a fixed word begins (`fromCjs` of `const fromCjs = …`).
        let name: string | undefined = names.has(word) ? word : undefined;
        if (name === undefined)
          for (const n of names) if (s.startsWith(n, at) && standsAlone(s, at, n.length)) name = n;
        if (name !== undefined) {
          const found = standsAlone(s, at, name.length)
            ? importAfter(s, "require", at + name.length)
            : undefined;
          if (found) st.imports.push(found.item);
          i = found ? found.end : at + name.length;
          continue;
        }
      }
      if (HEAD_KEYWORDS.has(word)) {
        i = at + word.length;
        if (!whole) continue;
        let j = skipTrivia(s, i);
        if (word === "for" && wordAt(s, j, "await")) j = skipTrivia(s, j + 5);
        if (s.charCodeAt(j) === LPAREN) {
          // The head's own `(`: its matching `)` is where a regex may follow.
          st.heads.push(st.parens);
          st.parens++;
          i = j + 1;
        }
        continue;
      }
      const found = whole ? importAfter(s, word, at + word.length) : undefined;
      // (importCandidates reads every such word with standsAlone and importAfter too.)
      if (found) st.imports.push(found.item);
      i = found ? found.end : at + word.length;
    }
  }
  return st;
}

// ——— exports (the module scan only) ———

/** A name or a string name (`"a-b"`) at `i`: its text (unquoted) and the index after it. */
function nameAt(s: string, i: number): { value: string; end: number; word: boolean } | undefined {
  const str = stringAt(s, i);
  if (str) return { value: str.value, end: str.end, word: false };
  let j = i;
  while (j < s.length && isIdentPart(s.charCodeAt(j))) j++;
  return j > i ? { value: s.slice(i, j), end: j, word: true } : undefined;
}

/** `word` at `i` as a whole word. */
function wordAt(s: string, i: number, word: string): boolean {
  return s.startsWith(word, i) && !isIdentPart(s.charCodeAt(i + word.length));
}

/** `from "x"` at `i` (after trivia): the specifier and the index after it. */
function fromClause(s: string, i: number): { value: string; end: number } | undefined {
  const j = skipTrivia(s, i);
  if (!wordAt(s, j, "from")) return undefined;
  return stringAt(s, skipTrivia(s, j + 4));
}

/**
 * The word `export` (or `exports`) found at `at`: a re-export is recorded, a local export list,
 * `export default name`, `export =` and CommonJS exports set `mayExportBindings`. Returns where
 * scanning goes on (just after the word, unless a re-export was read whole).
 */
function exportAt(st: State, at: number, before: number, after: number): number {
  const s = st.s;
  const next = at + 6;
  if (before === DOT || isIdentPart(before)) {
    // `module.exports`, `x.exports` (a property, for CommonJS only `module.exports` counts).
    if (after === 0x73 /* s */ && !isIdentPart(s.charCodeAt(at + 7)) && s.startsWith("module.", at - 7))
      st.mayExportBindings = true;
    return next;
  }
  if (after === 0x73 /* s */) {
    // `exports.f = …` (CommonJS), not `exportsOf`.
    if (isIdentPart(s.charCodeAt(at + 7))) return next;
    let j = skipTrivia(s, at + 7);
    if (s.charCodeAt(j) === DOT) {
      const name = nameAt(s, skipTrivia(s, j + 1));
      j = name?.word ? skipTrivia(s, name.end) : -1;
      if (j >= 0 && s.charCodeAt(j) === EQ && s.charCodeAt(j + 1) !== EQ) st.mayExportBindings = true;
    } else if (
      s.charCodeAt(j) === 0x2c /* , */ ||
      s.charCodeAt(j) === RPAREN ||
      s.charCodeAt(j) === 0x5b /* [ */
    )
      // `exports` handed to a helper (`__exportStar(require("./a"), exports)`,
      // `Object.defineProperty(exports, "f", …)`) or written by key (`exports[key] = …`): a
      // CommonJS re-export (analysis/exports.ts `cjsReExports`).
      st.mayExportBindings = true;
    return next;
  }
  if (isIdentPart(after)) return next;
  const reExports = st.reExports!;
  let j = skipTrivia(s, next);
  const c = s.charCodeAt(j);
  if (c === STAR) {
    j = skipTrivia(s, j + 1);
    let namespace: string | undefined;
    if (wordAt(s, j, "as")) {
      const name = nameAt(s, skipTrivia(s, j + 2));
      if (!name) return next;
      namespace = name.value;
      j = name.end;
    }
    const from = fromClause(s, j);
    if (!from) return next;
    reExports.push(namespace === undefined ? { from: from.value } : { from: from.value, namespace });
    return from.end;
  }
  if (c === LBRACE) {
    const names = new Map<string, string>();
    j = skipTrivia(s, j + 1);
    while (s.charCodeAt(j) !== RBRACE) {
      let first = nameAt(s, j);
      if (!first) return next;
      j = skipTrivia(s, first.end);
      // `type x` (TypeScript): the modifier goes, the name stays.
      if (first.word && first.value === "type") {
        const name = nameAt(s, j);
        if (name && !(name.word && name.value === "as" && !nameAt(s, skipTrivia(s, name.end)))) {
          first = name;
          j = skipTrivia(s, name.end);
        }
      }
      let exported = first.value;
      if (wordAt(s, j, "as")) {
        const name = nameAt(s, skipTrivia(s, j + 2));
        if (!name) return next;
        exported = name.value;
        j = skipTrivia(s, name.end);
      }
      names.set(exported, first.value);
      if (s.charCodeAt(j) === COMMA) j = skipTrivia(s, j + 1);
      else if (s.charCodeAt(j) !== RBRACE) return next;
    }
    const from = fromClause(s, j + 1);
    if (!from) {
      // `export { f }`: a local export list, which may hold an imported binding.
      st.mayExportBindings = true;
      if (st.frames.length === 0) for (const exported of names.keys()) st.ownExports.add(exported);
      return j + 1;
    }
    reExports.push({ from: from.value, names });
    return from.end;
  }
  if (c === EQ && s.charCodeAt(j + 1) !== EQ) {
    st.mayExportBindings = true; // TypeScript's `export = …`
    return next;
  }
  if (st.frames.length === 0) ownDeclaration(st, j);
  // Any other export declares a value, and a value may hold an imported function: `export default
  // { load }`, `export const api = { fetchIt: load }`, `export class C { get = load }`, a factory
  // `export function make() { return { load } }` (fixture modules/object-held-imported). Only
  // TypeScript's type-only declarations cannot.
  const word = nameAt(s, j);
  if (!(word?.word && TYPE_ONLY.has(word.value))) st.mayExportBindings = true;
  return next;
}

/** Declaration keywords that may come between `export` and the declared name (TypeScript too). */
const DECLARES = new Set(["function", "class", "const", "let", "var", "enum"]);
const MODIFIERS = new Set(["async", "abstract"]);

/**
 * After a top-level `export` at `j`: the name an `export function f` / `export async function* f`
 * / `export class C` / `export const f` / `export enum E` declares, or "default", goes into
 * `ownExports`. Types (`export type`, `export interface`) have no value at run time.
 */
function ownDeclaration(st: State, j: number): void {
  const s = st.s;
  if (wordAt(s, j, "default")) {
    st.ownExports.add("default");
    return;
  }
  let word = nameAt(s, j);
  while (word?.word && MODIFIERS.has(word.value)) word = nameAt(s, skipTrivia(s, word.end));
  if (!word?.word || !DECLARES.has(word.value)) return;
  let k = skipTrivia(s, word.end);
  if (word.value === "function" && s.charCodeAt(k) === STAR) k = skipTrivia(s, k + 1);
  // `export const enum E` (TypeScript)
  if (word.value === "const" && wordAt(s, k, "enum")) k = skipTrivia(s, k + 4);
  if (word.value === "const" || word.value === "let" || word.value === "var") {
    for (const n of declaratorNames(s, k)) st.ownExports.add(n);
    return;
  }
  const name = nameAt(s, k);
  if (name?.word) st.ownExports.add(name.value);
}

/**
 * The names of `export const a = 1, b = f(x), c` from just after the keyword: every declarator,
 * each initializer passed over to the `,` that ends it. Exact or short, never wrong: where the
 * text alone cannot say where an initializer ends — a `/` (regex or division), a `<` (JSX, type
 * arguments or a comparison), a template with `${`, a `++`/`--` on a new line, a TypeScript type
 * annotation, a destructuring pattern — reading stops there, and the names after it are not
 * listed (the module graph parses a module whose own exports decide what an `export *` carries).
 * Linear: each character is looked at once.
 */
function declaratorNames(s: string, k: number): string[] {
  const names: string[] = [];
  for (;;) {
    const name = nameAt(s, k);
    if (!name?.word) return names;
    names.push(name.value);
    let j = skipTrivia(s, name.end);
    if (s.charCodeAt(j) === EQ && s.charCodeAt(j + 1) !== EQ) j = initializerEnd(s, j + 1);
    if (j < 0 || s.charCodeAt(j) !== COMMA) return names;
    k = skipTrivia(s, j + 1);
  }
}

/** Words that join two operands (`a in b`, `x as T`): after a complete expression, one goes on with it. */
const BINARY_WORDS = new Set(["in", "instanceof", "as", "satisfies"]);
/** Words that take an operand after them (`typeof x`, `new C`): an expression goes on after them. */
const UNARY_WORDS = new Set(["typeof", "void", "delete", "new", "await", "yield"]);

/**
 * Index of the `,` or `;` that ends the initializer starting at `i`, or of the first token of the
 * next statement when a line break ends it (automatic semicolon insertion), or -1 where the text
 * alone cannot tell (see `declaratorNames`). Where it stops early, the names after are not read;
 * it never reads past the statement's end, since a line break after a complete expression ends
 * it unless the next token can only go on with it (an operator, `(`, `[`, `.`, a template,
 * `in`/`instanceof`).
 */
function initializerEnd(s: string, i: number): number {
  const n = s.length;
  let depth = 0;
  /** The last token can end an expression (a name, a literal, a closing bracket). */
  let ends = false;
  /** The last token was `=>`: a `{` now opens an arrow function's body. */
  let arrow = false;
  /** An arrow function's block body just closed at depth 0: only `,`, `;` or a line break may follow. */
  let arrowDone = false;
  let newline = false;
  /** Depths of the open `{` that are arrow bodies. */
  const arrows: number[] = [];
  while (i < n) {
    const c = s.charCodeAt(i);
    if (isSpace(c)) {
      if (isLineEnd(c)) newline = true;
      i++;
      continue;
    }
    if (c === SLASH && (s.charCodeAt(i + 1) === SLASH || s.charCodeAt(i + 1) === STAR)) {
      const end = skipTrivia(s, i);
      for (let k = i; k < end && !newline; k++) if (isLineEnd(s.charCodeAt(k))) newline = true;
      i = end;
      continue;
    }
    if (depth === 0) {
      if (c === COMMA || c === SEMI) return i;
      if (arrowDone) return newline ? i : -1;
      if (newline && ends) {
        if ((c === 0x2b || c === 0x2d) && s.charCodeAt(i + 1) === c) return -1; // `a \n ++b`
        if (isIdentPart(c) && !(c >= 0x30 && c <= 0x39)) {
          // TypeScript reads `as`/`satisfies` on a new line as the next statement too.
          const w = nameAt(s, i)!.value;
          if (w !== "in" && w !== "instanceof") return i;
        } else if (c === DQUOTE || c === SQUOTE || c === LBRACE || (c >= 0x30 && c <= 0x39)) return i;
        else if (
          (c === 0x21 /* ! */ && s.charCodeAt(i + 1) !== EQ) ||
          c === 0x7e /* ~ */ ||
          c === 0x40 /* @ */
        )
          return i;
      }
    }
    newline = false;
    const afterArrow = arrow;
    arrow = false;
    if (c === SLASH || c === LT) return -1;
    if (c === DQUOTE || c === SQUOTE) {
      i = skipString(s, i);
      ends = true;
    } else if (c === BACKTICK) {
      let j = i + 1;
      for (; j < n; j++) {
        const d = s.charCodeAt(j);
        if (d === BACKSLASH) j++;
        else if (d === BACKTICK) break;
        else if (d === DOLLAR && s.charCodeAt(j + 1) === LBRACE) return -1;
      }
      i = j + 1;
      ends = true;
    } else if (c === LPAREN || c === LBRACKET || c === LBRACE) {
      if (c === LBRACE && afterArrow) arrows.push(depth);
      depth++;
      i++;
      ends = false;
    } else if (c === RPAREN || c === RBRACKET || c === RBRACE) {
      if (depth === 0) return -1;
      depth--;
      if (c === RBRACE && arrows[arrows.length - 1] === depth) {
        arrows.pop();
        if (depth === 0) arrowDone = true;
      }
      i++;
      ends = true;
    } else if (isIdentPart(c)) {
      const w = nameAt(s, i)!;
      i = w.end;
      ends = ends ? !BINARY_WORDS.has(w.value) : !UNARY_WORDS.has(w.value);
    } else if ((c === 0x2b || c === 0x2d) && s.charCodeAt(i + 1) === c) {
      // `a++` still ends an expression; `++a` does not yet.
      i += 2;
    } else {
      arrow = c === EQ && s.charCodeAt(i + 1) === GT;
      i += arrow ? 2 : 1;
      ends = false;
    }
  }
  return i;
}

/** `export type …`, `export interface …`, `export declare …`: nothing that exists at run time. */
const TYPE_ONLY = new Set(["type", "interface", "declare"]);

// ——— JSX ———

/**
 * Does a JSX element start at the `<` at `at`? Only where an expression can start (as for a
 * regex), and only for a fragment or a tag name some closing tag in the file names: an element
 * with text children always has one, a self-closing element holds no text to misread, and a
 * TypeScript assertion `<T>x` is left to the code scan.
 */
function jsxStartsAt(st: State, at: number): boolean {
  const s = st.s;
  const c = s.charCodeAt(at + 1);
  if (!(c === GT || (c < 0x80 ? CLASS[c] === WORD && !(c >= 0x30 && c <= 0x39) : !isSpace(c)))) return false;
  if (!regexAllowedBefore(st, at)) return false;
  let j = at + 1;
  while (j < s.length && (isIdentPart(s.charCodeAt(j)) || isJsxNamePart(s.charCodeAt(j)))) j++;
  st.closers ??= closingTags(s);
  return st.closers.has(s.slice(at + 1, j));
}

function isJsxNamePart(c: number): boolean {
  return c === DOT || c === 0x2d /* - */ || c === 0x3a /* : */;
}

/** Every name written as a closing tag (`</a.b`, `</>` as ""), in one pass. */
function closingTags(s: string): Set<string> {
  const out = new Set<string>();
  for (let i = s.indexOf("</"); i !== -1; i = s.indexOf("</", i + 2)) {
    let j = i + 2;
    while (j < s.length && (isIdentPart(s.charCodeAt(j)) || isJsxNamePart(s.charCodeAt(j)))) j++;
    out.add(s.slice(i + 2, j));
  }
  return out;
}

/**
 * JSX from just after a `<` (`inTag`) or inside the children of the innermost of `depth` open
 * elements: attributes and their strings (JSX strings have no escapes and may span lines),
 * `{…}` expressions, children text, nested and closing tags. Returns where the code scan goes
 * on: after the outermost element, or just inside a `{` (whose `}` comes back here). One loop,
 * not one call per element: a long list of siblings never deepens the stack.
 */
function jsx(st: State, i: number, inTag: boolean, depth: number): number {
  const s = st.s;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === LBRACE) {
      st.frames.push(inTag ? JSX_ATTR : JSX_CHILD);
      st.depths.push(depth);
      return i + 1;
    }
    if (inTag) {
      if (c === DQUOTE || c === SQUOTE) {
        const end = s.indexOf(String.fromCharCode(c), i + 1);
        if (end < 0) return s.length;
        i = end;
      } else if (c === SLASH && s.charCodeAt(i + 1) === GT) {
        if (depth === 0) return i + 2;
        inTag = false;
        i++;
      } else if (c === SLASH && (s.charCodeAt(i + 1) === SLASH || s.charCodeAt(i + 1) === STAR)) {
        i = skipTrivia(s, i) - 1;
      } else if (c === GT) {
        depth++;
        inTag = false;
      }
    } else if (c === LT) {
      if (s.charCodeAt(i + 1) === SLASH) {
        const end = s.indexOf(">", i + 2);
        if (end < 0) return s.length;
        i = end;
        if (--depth === 0) return end + 1;
      } else inTag = true;
    }
  }
  return i;
}

/**
 * Can a `/` at `at` start a regex literal? Decided by the token before it, found by looking
 * back over whitespace (each stretch of it is looked at once, by the `/` that follows it): not
 * after a name, a number, a string, a template, `]`, `++`, `--`, a `)` or a `}` — unless the name is a keyword such as `return`,
 * the `)` closes the head of an `if`/`while`/`for`/`with`, or the `}` closes a block.
 */
function regexAllowedBefore(st: State, at: number): boolean {
  const s = st.s;
  let j = at - 1;
  while (j >= 0 && isSpace(s.charCodeAt(j))) j--;
  if (j < 0) return true;
  const c = s.charCodeAt(j);
  if (c === RPAREN) return j === st.headClose;
  if (c === RBRACE) return j === st.blockClose;
  // After `]`, or the closing quote of a string or a template (`${a}` / 2): a value, so a division.
  if (c === RBRACKET || c === BACKTICK || c === DQUOTE || c === SQUOTE) return false;
  // After `++` or `--`: a postfix one (`a++ / 2`), as a prefix one cannot take a regex literal.
  if ((c === PLUS || c === MINUS) && j > 0 && s.charCodeAt(j - 1) === c) return false;
  if (!isIdentPart(c)) return true;
  return BEFORE_REGEX.has(wordBefore(s, j));
}

/** The name ending at `j` (at most 11 characters: enough for any keyword). */
function wordBefore(s: string, j: number): string {
  let k = j;
  while (k > 0 && isIdentPart(s.charCodeAt(k - 1)) && j - k < 10) k--;
  return s.slice(k, j + 1);
}

/** Words a made `require` is not read under: the scan's own (a second pass stops at them already). */
const NOT_MADE = new Set(["import", "from", "require", "export", "createRequire"]);

/**
 * The name `createRequire` at `at` (read in code, whole or a member: `module.createRequire`,
 * `require("node:module").createRequire`) is bound to, read backwards: `NAME = createRequire(`,
 * else undefined. Errs on the side of more, as the scan does (a `let`, a name written again):
 * the analysis decides which of them is CommonJS's `require` (analysis/view.ts `madeRequire`).
 */
function madeName(s: string, at: number, length: number): string | undefined {
  const before = at > 0 ? s.charCodeAt(at - 1) : 0;
  if (isIdentPart(before) || isIdentPart(s.charCodeAt(at + length))) return undefined;
  if (s.charCodeAt(skipTrivia(s, at + length)) !== LPAREN) return undefined;
  return boundBefore(s, at);
}

/**
 * The name the expression starting at `at` (a name, or a member `m.name`,
 * `require("node:module").name`) is bound to, read backwards: `NAME = …`, else undefined.
 */
function boundBefore(s: string, at: number): string | undefined {
  let j = at - 1;
  while (j >= 0 && isSpace(s.charCodeAt(j))) j--;
  if (s.charCodeAt(j) === DOT) {
    // The object: a name (`module`, `m`) or a call (`require("node:module")`).
    j--;
    while (j >= 0 && isSpace(s.charCodeAt(j))) j--;
    if (s.charCodeAt(j) === RPAREN) {
      let depth = 0;
      // Bounded: `require("node:module")` is short, and no text may make this walk quadratic.
      const stop = Math.max(-1, j - 256);
      for (; j > stop; j--) {
        const c = s.charCodeAt(j);
        if (c === RPAREN) depth++;
        else if (c === LPAREN && --depth === 0) break;
      }
      if (j <= stop) return undefined;
      j--;
      while (j >= 0 && isSpace(s.charCodeAt(j))) j--;
    }
    while (j >= 0 && isIdentPart(s.charCodeAt(j))) j--;
    while (j >= 0 && isSpace(s.charCodeAt(j))) j--;
  }
  // `=`, not `==`, `=>`, `+=`, `<=`…
  if (s.charCodeAt(j) !== EQ) return undefined;
  const op = j > 0 ? s.charCodeAt(j - 1) : 0;
  if (!isSpace(op) && !isIdentPart(op)) return undefined;
  j--;
  while (j >= 0 && isSpace(s.charCodeAt(j))) j--;
  const end = j + 1;
  while (j >= 0 && isIdentPart(s.charCodeAt(j))) j--;
  const name = s.slice(j + 1, end);
  if (name === "" || NOT_MADE.has(name) || (j >= 0 && s.charCodeAt(j) === DOT)) return undefined;
  return name;
}

/** Names after which a `{` opens a block (`else {`, `do {`), though a `/` after them starts a regex. */
const BEFORE_BLOCK = new Set(["else", "do", "try", "finally"]);

/**
 * Does the `{` at `at` open a block (a statement) rather than an object literal? Decided by the
 * token before it, as for a regex: a block after `)` (an `if`'s head, a function's parameters),
 * `;`, `{`, `}`, `=>`, a name (`class X {`, `else {`) or at the start; an object after an operator,
 * `(`, `,`, `:`, `[` or a keyword that takes an expression (`return {`).
 */
function blockStartsAt(s: string, at: number): boolean {
  let j = at - 1;
  while (j >= 0 && isSpace(s.charCodeAt(j))) j--;
  if (j < 0) return true;
  const c = s.charCodeAt(j);
  if (c === RPAREN || c === SEMI || c === LBRACE || c === RBRACE) return true;
  if (c === GT) return s.charCodeAt(j - 1) === EQ;
  if (!isIdentPart(c)) return false;
  const word = wordBefore(s, j);
  return BEFORE_BLOCK.has(word) || !BEFORE_REGEX.has(word);
}

/** `from "x"`, `import "x"`, `import("x")`, `require("x")` right after the keyword ending at `i`. */
function importAfter(s: string, word: string, i: number): { item: ScannedImport; end: number } | undefined {
  let j = skipTrivia(s, i);
  if (word !== "require") {
    const str = stringAt(s, j);
    if (str) return { item: { specifier: str.value, kind: "static" }, end: str.end };
  }
  if (word === "from" || s.charCodeAt(j) !== LPAREN) return undefined;
  j = skipTrivia(s, j + 1);
  // `` require(`./x`) ``: a template without substitutions names its module as a string does.
  const str = stringAt(s, j) ?? plainTemplateAt(s, j);
  if (!str) return undefined;
  const close = skipTrivia(s, str.end);
  // `require("x")` names a module; `require("x" + y)` does not. `import("x", { with })` does.
  const next = s.charCodeAt(close);
  if (next !== RPAREN && !(word === "import" && next === 0x2c)) return undefined;
  return { item: { specifier: str.value, kind: word === "import" ? "dynamic" : "require" }, end: close };
}

/** Index after the template literal text starting at `i` (just past a backtick or a `}` closing `${`). */
function templateRest(s: string, i: number, frames: number[]): number {
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === BACKTICK) return i + 1;
    else if (c === DOLLAR && s.charCodeAt(i + 1) === LBRACE) {
      frames.push(TEMPLATE);
      return i + 2;
    }
  }
  return i;
}

/**
 * Whether the text may `require` a module by anything but a string literal
 * (`require(path.join(__dirname, "lib"))`, `` require(`./${name}`) ``, `module.require(x)`):
 * such a file is analysed even without annotations or smartasync imports, since a call through
 * that module may reach a smartasync function, which is reported where sync code wants its value
 * (analysis/opaque.ts). A match in a comment or a string only costs a parse.
 */
export function mayRequireOpaquely(source: string): boolean {
  // Exactly `OPAQUE_REQUIRE.test(source)`, read at each `require` the native `indexOf` finds
  // (every match holds the word): the pattern's unanchored alternatives cost a regex step at
  // every character of the file, the whole file's cost for the files as they are, where the
  // fast path asks this of each one (test/core/import-scan.test.ts compares the two).
  for (let at = source.indexOf("require"); at !== -1; at = source.indexOf("require", at + 7)) {
    const after = skipRegexSpace(source, at + 7);
    if (source.charCodeAt(after) !== LPAREN) continue;
    // `require(` with no word character, `$` or `.` before it, then an argument that is no string.
    const before = at > 0 ? source.charCodeAt(at - 1) : -1;
    // `...require(` (a spread) is a call too; `x.require(` is not.
    const spread = at >= 3 && source.startsWith("...", at - 3);
    if (spread || !(before >= 0 && (isRegexWord(before) || before === DOLLAR || before === DOT))) {
      const arg = skipRegexSpace(source, after + 1);
      const c = source.charCodeAt(arg);
      if (arg < source.length && !isRegexSpace(c) && c !== DQUOTE && c !== SQUOTE && c !== RPAREN)
        return true;
    }
    // `module . require (`, `module` a whole word on its left.
    let j = at - 1;
    while (j >= 0 && isRegexSpace(source.charCodeAt(j))) j--;
    if (source.charCodeAt(j) !== DOT) continue;
    j--;
    while (j >= 0 && isRegexSpace(source.charCodeAt(j))) j--;
    if (j >= 5 && source.startsWith("module", j - 5) && (j < 6 || !isRegexWord(source.charCodeAt(j - 6))))
      return true;
  }
  // `createRequire(import.meta.url)("./x")`: the `require` it makes, called in place (attack 16,
  // F17) — the module it loads is not followed, which opaque.ts reports.
  // So is an alias's (`cr(import.meta.url)("./x")` of `import { createRequire as cr }`).
  const makers = source.includes("createRequire") ? makerNames(source) : [];
  for (const maker of makers)
    for (let at = source.indexOf(maker); at !== -1; at = source.indexOf(maker, at + maker.length)) {
      const before = at > 0 ? source.charCodeAt(at - 1) : -1;
      if (before >= 0 && (isRegexWord(before) || before === DOLLAR || before === DOT)) continue;
      if (isIdentPart(source.charCodeAt(at + maker.length))) continue;
      const open = skipRegexSpace(source, at + maker.length);
      if (source.charCodeAt(open) !== LPAREN) continue;
      let close = open + 1;
      while (
        close < source.length &&
        source.charCodeAt(close) !== LPAREN &&
        source.charCodeAt(close) !== RPAREN
      )
        close++;
      if (source.charCodeAt(close) !== RPAREN) continue;
      if (source.charCodeAt(skipRegexSpace(source, close + 1)) === LPAREN) return true;
    }
  return false;
}

/**
 * Whether the text binds a name to `createRequire(…)` (`const req = createRequire(…)`, `let r =
 * m.createRequire(…)`): a file worth an analysis like one `mayRequireOpaquely` finds, for a call
 * through such a name is followed, or SA206 where it cannot be (analysis/opaque.ts).
 */
export function mayMakeRequire(source: string): boolean {
  return source.includes("createRequire") && madeNames(source).size > 0;
}

/** The pattern `mayRequireOpaquely` reads, kept for its test. */
export const OPAQUE_REQUIRE =
  /(?:^|[^\w$.]|\.\.\.)require\s*\(\s*[^\s"')]|\bmodule\s*\.\s*require\s*\(|(?:^|[^\w$.])createRequire\s*\([^()]*\)\s*\(/;

/** A regex's `\w`: ASCII letters, digits, `_`. */
function isRegexWord(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}

/** Index after the `\s*` run starting at `i`. */
function skipRegexSpace(s: string, i: number): number {
  while (i < s.length && isRegexSpace(s.charCodeAt(i))) i++;
  return i;
}
