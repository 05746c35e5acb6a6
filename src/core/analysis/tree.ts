import type { types as t } from "@babel/core";
import { isIdentChar } from "../chars.js";
import { mayMakeRequire, mayRequireOpaquely } from "../import-scan.js";

/**
 * The syntax tree the core's rules read: plain nodes in the shape of Babel's AST (Babel's own
 * tree, or the SWC AST lowered into that shape by `swc-plugin/lower.ts`), with parent links and
 * the bindings of every scope, computed once per file. No compiler API is used here, so Babel and
 * SWC answer every question the same way.
 */
export type Node = t.Node;

export interface Link {
  parent: Node;
  key: string;
  /** Position in the parent's list (`arguments`, `body`), or -1. */
  index: number;
  /** Position of the node in the tree's walk order (`Tree.walk`). */
  at: number;
}

/** Keys that never lead to code: positions, comments, and TypeScript types. */
export const SKIP_KEYS = new Set([
  "loc",
  "start",
  "end",
  "range",
  "extra",
  "leadingComments",
  "trailingComments",
  "innerComments",
  "typeAnnotation",
  "returnType",
  "typeParameters",
  "typeArguments",
  "superTypeParameters",
  "superTypeArguments",
  "implements",
  "predicate",
]);

/** TypeScript nodes that hold code; every other `TS*` node is a type and is not entered. */
const TS_CODE = new Set([
  "TSAsExpression",
  "TSSatisfiesExpression",
  "TSNonNullExpression",
  "TSTypeAssertion",
  "TSInstantiationExpression",
  "TSParameterProperty",
  "TSExportAssignment",
  "TSEnumDeclaration",
  "TSEnumBody",
  "TSEnumMember",
  "TSModuleDeclaration",
  "TSModuleBlock",
  "TSImportEqualsDeclaration",
  "TSExternalModuleReference",
  // Declarations without code, visited so an annotation on one gets its own SA102.
  "TSDeclareFunction",
  "TSDeclareMethod",
  "TSInterfaceDeclaration",
  "TSTypeAliasDeclaration",
]);

/**
 * The keys that can hold code, per node type, in source order (the facts Babel's VISITOR_KEYS
 * also lists, written out for the types that make up nearly every file): walking these instead of
 * every own key is what keeps the analysis of a 5,000-line file cheap. Other types fall back to
 * their own keys.
 */
const CHILD_KEYS: Record<string, readonly string[]> = {
  Identifier: ["decorators"],
  StringLiteral: [],
  NumericLiteral: [],
  BooleanLiteral: [],
  NullLiteral: [],
  BigIntLiteral: [],
  RegExpLiteral: [],
  TemplateElement: [],
  ThisExpression: [],
  Super: [],
  EmptyStatement: [],
  DebuggerStatement: [],
  PrivateName: ["id"],
  Program: ["body"],
  ExpressionStatement: ["expression"],
  BlockStatement: ["body"],
  ReturnStatement: ["argument"],
  ThrowStatement: ["argument"],
  AwaitExpression: ["argument"],
  YieldExpression: ["argument"],
  UnaryExpression: ["argument"],
  UpdateExpression: ["argument"],
  SpreadElement: ["argument"],
  RestElement: ["decorators", "argument"],
  MemberExpression: ["object", "property"],
  OptionalMemberExpression: ["object", "property"],
  CallExpression: ["callee", "arguments"],
  OptionalCallExpression: ["callee", "arguments"],
  NewExpression: ["callee", "arguments"],
  ImportExpression: ["source", "options"],
  VariableDeclaration: ["declarations"],
  VariableDeclarator: ["id", "init"],
  BinaryExpression: ["left", "right"],
  LogicalExpression: ["left", "right"],
  AssignmentExpression: ["left", "right"],
  AssignmentPattern: ["decorators", "left", "right"],
  ConditionalExpression: ["test", "consequent", "alternate"],
  IfStatement: ["test", "consequent", "alternate"],
  SequenceExpression: ["expressions"],
  ArrowFunctionExpression: ["params", "body"],
  FunctionDeclaration: ["id", "params", "body"],
  FunctionExpression: ["id", "params", "body"],
  ObjectExpression: ["properties"],
  ObjectPattern: ["decorators", "properties"],
  ObjectProperty: ["decorators", "key", "value"],
  ObjectMethod: ["decorators", "key", "params", "body"],
  ArrayExpression: ["elements"],
  ArrayPattern: ["decorators", "elements"],
  TemplateLiteral: ["quasis", "expressions"],
  TaggedTemplateExpression: ["tag", "quasi"],
  ForStatement: ["init", "test", "update", "body"],
  ForInStatement: ["left", "right", "body"],
  ForOfStatement: ["left", "right", "body"],
  WhileStatement: ["test", "body"],
  DoWhileStatement: ["body", "test"],
  TryStatement: ["block", "handler", "finalizer"],
  CatchClause: ["param", "body"],
  SwitchStatement: ["discriminant", "cases"],
  SwitchCase: ["test", "consequent"],
  LabeledStatement: ["label", "body"],
  BreakStatement: ["label"],
  ContinueStatement: ["label"],
  ClassDeclaration: ["decorators", "id", "superClass", "body"],
  ClassExpression: ["decorators", "id", "superClass", "body"],
  ClassBody: ["body"],
  ClassMethod: ["decorators", "key", "params", "body"],
  ClassPrivateMethod: ["decorators", "key", "params", "body"],
  ClassProperty: ["decorators", "key", "value"],
  ClassPrivateProperty: ["decorators", "key", "value"],
  StaticBlock: ["body"],
  ImportDeclaration: ["specifiers", "source", "attributes"],
  ImportSpecifier: ["imported", "local"],
  ImportDefaultSpecifier: ["local"],
  ImportNamespaceSpecifier: ["local"],
  ExportNamedDeclaration: ["declaration", "specifiers", "source", "attributes"],
  ExportDefaultDeclaration: ["declaration"],
  ExportAllDeclaration: ["exported", "source", "attributes"],
  ExportSpecifier: ["local", "exported"],
  MetaProperty: ["meta", "property"],
  ParenthesizedExpression: ["expression"],
  TSAsExpression: ["expression"],
  TSSatisfiesExpression: ["expression"],
  TSNonNullExpression: ["expression"],
  TSTypeAssertion: ["expression"],
};

/** The keys of `n` that can hold code: the table's, or (other types) all its own but positions and types. */
export function childKeys(n: Node): readonly string[] {
  const known = CHILD_KEYS[n.type];
  if (known) return known;
  const out: string[] = [];
  for (const key in n) if (!SKIP_KEYS.has(key)) out.push(key);
  return out;
}

export function isNode(v: unknown): v is Node {
  return typeof v === "object" && v !== null && typeof (v as { type?: unknown }).type === "string";
}

/** Whether the walk enters `n` (types are opaque to the rules). */
export function holdsCode(n: Node): boolean {
  return !n.type.startsWith("TS") || TS_CODE.has(n.type);
}

/**
 * Appends the child nodes of `n` that can hold code to `out`, in the order `forEachChild` visits
 * them. For the walks, which meet every open node of a file: no closure and no array per node
 * (a walk's scratch arrays were a quarter of what a compile allocated).
 */
export function pushChildren(n: Node, out: Node[]): void {
  const rec = n as unknown as Record<string, unknown>;
  for (const key of childKeys(n)) {
    const v = rec[key];
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (isNode(x) && holdsCode(x)) out.push(x);
      }
    } else if (isNode(v) && holdsCode(v)) {
      out.push(v);
    }
  }
}

/**
 * Pushes the child nodes of `n` that can hold code onto a walk's `stack` so that they pop in
 * source order (they are read in source order all the same: a deferred body is lowered when
 * first read, swc-plugin/lower.ts).
 */
export function stackChildren(n: Node, stack: Node[]): void {
  const base = stack.length;
  pushChildren(n, stack);
  for (let i = base, j = stack.length - 1; i < j; i++, j--) {
    const c = stack[i]!;
    stack[i] = stack[j]!;
    stack[j] = c;
  }
}

/** The child nodes of `n` that can hold code, in source order of their keys. */
export function forEachChild(n: Node, visit: (child: Node, key: string, index: number) => void): void {
  const rec = n as unknown as Record<string, unknown>;
  for (const key of childKeys(n)) {
    const v = rec[key];
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (isNode(x) && holdsCode(x)) visit(x, key, i);
      }
    } else if (isNode(v) && holdsCode(v)) {
      visit(v, key, -1);
    }
  }
}

const FUNCTIONS = new Set([
  "FunctionDeclaration",
  "FunctionExpression",
  "ArrowFunctionExpression",
  "ObjectMethod",
  "ClassMethod",
  "ClassPrivateMethod",
]);

/** Babel's `Function` alias: what has its own `await`s, `return`s and parameters. */
export function isFunction(n: Node): n is t.Function {
  return FUNCTIONS.has(n.type);
}

/**
 * Which functions a tree leaves closed (docs/performance.md, "Analysis proportional to what
 * matters"): a function whose text mentions none of the words that can reach a smartasync
 * function is linked as a node, but its parameters and body are not walked, bound or indexed.
 * The analysis that reads such a tree checks afterwards that nothing it asked about could lie in
 * a closed function (`Tree.broken`, `Tree.closedMention`) and is run again on the whole tree when
 * it could, so the answer is always the whole tree's.
 */
export interface Closing {
  /** The file's text (node offsets index it). */
  code: string;
  /** Offsets of every occurrence of an interesting word, ascending. */
  hits: number[];
  /** Spans `[start, end)` a function overlapping which is never closed (annotated statements). */
  forced: [number, number][];
  /**
   * Function bodies the parser was not given (their text blanked: swc-plugin/skim.ts), by the
   * offsets of their braces, ascending: each must lie in a closed function (`Tree.unskipped`),
   * and a walk on demand into one (`closedFind`) cannot be answered from this tree.
   */
  skipped?: {
    starts: number[];
    ends: number[];
    /**
     * The starts (ascending) of those that are object or array literals rather than function
     * bodies: the literal node starting there is closed like a function (`Tree.isCutLiteral`).
     */
    literals?: number[];
    /**
     * The starts (ascending) of those that are class bodies: the `ClassBody` node starting there
     * is closed the same way (`Tree.isCutClassBody`).
     */
    classes?: number[];
    patterns?: number[];
    leaves?: number[];
    defaults?: number[];
  };
}

/** `=` or a compound assignment operator (not `==`, `=>`), or `++`/`--`, at the start. */
const WRITE_AFTER = /^(?:=(?![=>])|(?:\*\*|<<|>>>|>>|&&|\|\||\?\?|[-+*/%&|^])=|\+\+|--)/;

/**
 * Whether the text of a skipped body (`[from, to)` of `code`) may write an identifier named
 * `name`, read from the text around each occurrence of the word: an assignment or update after
 * it (past closing parentheses: `(x) = 1`), an update before it, `in`/`of` after it (a
 * `for (x in …)` head), or a place in a destructuring target (`patterns`, found by the scan that
 * skipped the body). Errs towards "may": an occurrence in a string or comment counts too.
 */
export function mayWriteText(
  code: string,
  name: string,
  from: number,
  to: number,
  patterns: readonly number[],
  leaves: readonly number[] = [],
  defaults: readonly number[] = [],
): boolean {
  for (const at of wordHits(code.slice(from, to), name)) {
    const p = from + at;
    // In a comment, a string, a regex or template text; a default in a declaration pattern.
    const leaf = lowerBoundPairs(leaves, p);
    if (leaf >= 0 && p < leaves[leaf + 1]!) continue;
    const d = lowerBound(defaults, p);
    if (d < defaults.length && defaults[d] === p) continue;
    let k = p - 1;
    while (k >= 0 && /\s/.test(code[k]!)) k--;
    // A property (`this.x = …`) and a declaration (`const x = …`) write no binding of that name.
    if (code[k] === "." && code[k - 1] !== ".") continue;
    if (/(?:^|[^\w$])(?:const|let|var)$/.test(code.slice(Math.max(0, k - 5), k + 1))) continue;
    if ((code[k] === "+" || code[k] === "-") && code[k - 1] === code[k]) return true;
    if (code[k] === "/" && code[k - 1] === "*") return true;
    let j = p + name.length;
    for (;;) {
      while (j < code.length && /\s/.test(code[j]!)) j++;
      if (code[j] !== ")") break;
      j++;
    }
    const next = code.slice(j, j + 10);
    // A comment, or TypeScript's `x!`, `x as T`, `x satisfies T`, may stand before the operator.
    if (WRITE_AFTER.test(next) || /^(?:as|satisfies)(?![\w$])|^\/[/*]|^!(?!=)/.test(next)) return true;
    // `for (x in …)`, `for (x of …)`.
    if (
      code[k] === "(" &&
      /^(?:in|of)(?![\w$])/.test(next) &&
      /(?:^|[^\w$])(?:for|await)\s*$/.test(code.slice(Math.max(0, k - 12), k))
    )
      return true;
    for (let q = 0; q < patterns.length && patterns[q]! <= p; q += 2) if (p < patterns[q + 1]!) return true;
  }
  return false;
}

/** Index (even) of the last `[start, end)` pair of the ascending `pairs` starting at or before `value`, or -1. */
function lowerBoundPairs(pairs: readonly number[], value: number): number {
  let lo = 0;
  let hi = pairs.length >> 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pairs[mid * 2]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return (lo - 1) * 2;
}

/** Offsets where `word` occurs in `code` as a whole word (in code, strings or comments alike). */
export function wordHits(code: string, word: string, out: number[] = []): number[] {
  if (!word) return out;
  for (let i = code.indexOf(word); i >= 0; i = code.indexOf(word, i + 1)) {
    const before = i > 0 ? code.charCodeAt(i - 1) : 32;
    const after = i + word.length < code.length ? code.charCodeAt(i + word.length) : 32;
    if (!isIdentChar(before) && !isIdentChar(after)) out.push(i);
  }
  return out;
}

/**
 * Word hits in the last large text asked about, by word. One file's text is searched for the
 * same few words several times (the skim, the closing, the checks after the analysis: lazy.ts,
 * swc-plugin/skim.ts); on a large file each search is a scan of the whole text. Only the last
 * text is kept (a string is compared by identity first, so asking again costs nothing).
 */
let memoText: string | undefined;
const memoHits = new Map<string, readonly number[]>();
const MEMO_MIN = 4096;

/** `wordHits` of `code`, remembered for the last large text (the result must not be changed). */
function hitsOf(code: string, word: string): readonly number[] {
  if (code.length < MEMO_MIN) return wordHits(code, word);
  if (memoText !== code) {
    memoText = code;
    memoHits.clear();
  }
  let hits = memoHits.get(word);
  if (!hits) {
    hits = wordHits(code, word);
    memoHits.set(word, hits);
  }
  return hits;
}

/**
 * `globalThis.x = …` (or `global.`, `window.`, `self.`, compound and logical forms) in a file's
 * text: a superset (`x.global.y = 1`, `globalThis.a == b` match too), which the walk narrows on
 * the tree. No lookaround: test/security/redos.test.ts proves every regex linear.
 */
export const GLOBAL_ASSIGN =
  /\b(globalThis|global|window|self)\s*\.\s*([A-Za-z_$][\w$]*)\s*(?:\*\*|<<|>>>|>>|&&|\|\||\?\?|[-+*/%&|^])?=/g;

let globalsText: string | undefined;
let globalsAnswer: ReadonlySet<string> = new Set();

/**
 * The names `code` may set on the global object (GLOBAL_ASSIGN: a superset the walk narrows):
 * the fast paths watch their bare calls (analysis/global-names.ts). Kept for the last text asked
 * about: one annotated file asks three times (the skim, the closing, the global functions), each
 * a search of the whole text.
 */
export function globalNamesIn(code: string): ReadonlySet<string> {
  if (code !== globalsText) {
    globalsAnswer = globalNamesSearch(code);
    globalsText = code;
  }
  return globalsAnswer;
}

function globalNamesSearch(code: string): Set<string> {
  const out = new Set<string>();
  // `global.Object === Object` (lodash's and vite's global test) is a comparison: the `=` the
  // regex ends on is the first of `==`. Each watched name opens every function mentioning it, and
  // `Object` is in most of them (the annotated real-file bench took 1.4× longer).
  for (const m of code.matchAll(GLOBAL_ASSIGN))
    if (code.charCodeAt(m.index + m[0].length) !== 61 /* = */) out.add(m[2]!);
  return out;
}

let opaqueText: string | undefined;
let opaqueAnswer = false;

/**
 * `mayRequireOpaquely` (or a `require` made under a name, `mayMakeRequire`) of the last text asked about: one file's analysis asks it three times
 * (the closing, the plan's fast path, the opaque requires), each a search of the whole text.
 */
export function requiresOpaquely(code: string): boolean {
  if (code !== opaqueText) {
    opaqueText = code;
    opaqueAnswer = mayRequireOpaquely(code) || mayMakeRequire(code);
  }
  return opaqueAnswer;
}

/**
 * The offsets of `word` as a whole word (judged on the whole `code`) that start inside one of
 * `spans` (`[start, end)` pairs), ascending and without repeats; only the spans' text is searched.
 */
export function hitsWithin(
  code: string,
  word: string,
  spans: readonly (readonly [number, number])[],
): number[] {
  const out: number[] = [];
  if (!word) return out;
  for (const [from, to] of spans) {
    // A hit starting before `to` may end past it.
    const part = code.slice(from, Math.min(code.length, to + word.length - 1));
    for (let i = part.indexOf(word); i >= 0; i = part.indexOf(word, i + 1)) {
      const at = from + i;
      if (at >= to) break;
      const before = at > 0 ? code.charCodeAt(at - 1) : 32;
      const after = at + word.length < code.length ? code.charCodeAt(at + word.length) : 32;
      if (!isIdentChar(before) && !isIdentChar(after)) out.push(at);
    }
  }
  if (spans.length > 1) {
    out.sort((a, b) => a - b);
    return out.filter((at, k) => k === 0 || out[k - 1] !== at);
  }
  return out;
}

/**
 * Every occurrence of any of `words` in `code` as a whole word, in ascending order, each with
 * its word. Few words: one `indexOf` scan each; many (a file where most functions are
 * annotated): one pass over the identifier-like runs of the text, whatever the count.
 */
export function wordsIn(code: string, words: Iterable<string>): { at: number; word: string }[] {
  const set = words instanceof Set ? (words as Set<string>) : new Set(words);
  const out: { at: number; word: string }[] = [];
  if (set.size <= 16) {
    for (const w of set) for (const at of hitsOf(code, w)) out.push({ at, word: w });
    return out.sort((a, b) => a.at - b.at);
  }
  // The maximal runs of `isRunChar`, read by a loop over the char codes rather than a global
  // regex: a run is cut out of the text only when one of the words has its length and its first
  // character (the regex's match array and string for every name of the file were the most
  // garbage of any one step on the appended real files: docs/performance.md, "(2026-12-06,
  // evening)").
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  const firsts = new Set<number>();
  for (const w of set) {
    if (!w) continue;
    min = Math.min(min, w.length);
    max = Math.max(max, w.length);
    firsts.add(w.charCodeAt(0));
  }
  const n = code.length;
  for (let i = 0; i < n; ) {
    if (!isRunChar(code.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && isRunChar(code.charCodeAt(i))) i++;
    const len = i - start;
    if (len < min || len > max || !firsts.has(code.charCodeAt(start))) continue;
    const word = code.slice(start, i);
    if (set.has(word)) out.push({ at: start, word });
  }
  return out;
}

/** A character of a word run: `[A-Za-z0-9$_\\]`, or any code unit past ASCII. */
function isRunChar(c: number): boolean {
  return (
    c >= 0x80 ||
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 36 ||
    c === 95 ||
    c === 92
  );
}

/** Whether `n` starts at one of the offsets of the ascending `starts`. */
function startsIn(starts: readonly number[] | undefined, n: Node): boolean {
  if (!starts?.length || n.start == null) return false;
  const k = lowerBound(starts, n.start);
  return k < starts.length && starts[k] === n.start;
}

/** Index of the first element of the ascending `list` that is `>= value` (also skim.ts's). */
export function lowerBound(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Parent links for a whole file. They are filled by the one walk that also finds the bindings
 * (`Scopes`): a 5,000-line file is walked once, not once per question.
 */
export class Tree {
  private readonly links = new Map<Node, Link>();
  /** Every call and optional call, in walk order (pre-order, source order). */
  readonly calls: (t.CallExpression | t.OptionalCallExpression)[] = [];
  /** Every tagged template (`` f`…` `` calls `f`), in walk order. */
  readonly tagged: t.TaggedTemplateExpression[] = [];
  /** Every `new C(…)`, in walk order. */
  readonly news: t.NewExpression[] = [];
  /** Every identifier name that appears anywhere (for names generated code may introduce). */
  readonly names = new Set<string>();
  /** Functions left closed (see `Closing`), and their spans, in the order they were met. */
  private readonly closed = new Set<Node>();
  private closedStarts: number[] = [];
  private closedEnds: number[] = [];
  private closedNodes: Node[] = [];
  private sorted = true;
  /**
   * Why an answer read from this tree may differ from the whole tree's (a walk that would have
   * entered a closed function, a question about a node inside one), or undefined.
   */
  broken: string | undefined;
  /** Binding names whose declarations a rule read: a closed function must not mention them. */
  readonly watched = new Set<string>();
  /** Binding names whose writes a rule read: a closed function must not write such a name. */
  readonly watchedWrites = new Set<string>();
  /**
   * Binding names whose writes a rule read, watched only inside the spans of their scopes
   * (`watchWritesWithin`), as `watchedIn` is for reads: a closed function elsewhere cannot write
   * the binding, whatever name it writes (a parameter `n` of one function, `n = …` in another).
   */
  readonly watchedWritesIn = new Map<string, [number, number][]>();
  /**
   * Binding names watched as `watched` is, but only inside the spans of their scopes
   * (`watchWithin`): a closed function elsewhere cannot read the binding, whatever it mentions.
   */
  private readonly watchedIn = new Map<string, [number, number][]>();

  /**
   * Watches `name` inside `scope` only (a binding's reads, view.ts `readsOf`): a closed function
   * there that mentions it has the file analysed on the whole tree (lazy.ts `exactOnClosed`),
   * while one outside, naming another binding of the same name (a parameter `x` of another
   * function), leaves the tree lazy. The program's scope is the whole file: `watched`.
   */
  watchWithin(name: string, scope: Node): void {
    if (scope === this.program || scope.start == null || scope.end == null) {
      this.watched.add(name);
      return;
    }
    const spans = this.watchedIn.get(name);
    if (spans) spans.push([scope.start, scope.end]);
    else this.watchedIn.set(name, [[scope.start, scope.end]]);
  }

  /** Watches the writes of `name` inside `scope` only (see `watchedWritesIn`). */
  watchWritesWithin(name: string, scope: Node): void {
    if (scope === this.program || scope.start == null || scope.end == null) {
      this.watchedWrites.add(name);
      return;
    }
    const spans = this.watchedWritesIn.get(name);
    if (spans) spans.push([scope.start, scope.end]);
    else this.watchedWritesIn.set(name, [[scope.start, scope.end]]);
  }

  /**
   * The first name watched within scopes (`watchWithin`) that a closed function inside one of
   * its scopes mentions (closed functions never straddle a scope: a scope is inside one, and
   * then not in the tree, or holds it whole).
   */
  closedMentionWithin(): string | undefined {
    if (!this.closed.size || !this.closing || !this.watchedIn.size) return undefined;
    // The first hit in text order, as a search of the whole text would meet it; each name is
    // searched for only inside its scopes (a parameter `n` is a word met tens of thousands of
    // times in a large file, and its scope is one small function).
    let first = Number.POSITIVE_INFINITY;
    let found: string | undefined;
    for (const [word, spans] of this.watchedIn)
      for (const at of hitsWithin(this.closing.code, word, spans))
        if (at < first && this.closedAt(at)) {
          first = at;
          found = word;
        }
    return found;
  }

  /**
   * For the names watched only within their scopes (`watchedWritesIn`), the closed functions
   * inside one of those scopes that mention the name (searched for there only, as
   * `closedMentionWithin` does).
   */
  closedMentionsWithin(
    names: ReadonlyMap<string, readonly (readonly [number, number])[]>,
  ): Map<string, Node[]> {
    const out = new Map<string, Node[]>();
    if (!this.closed.size || !this.closing) return out;
    for (const [word, spans] of names) {
      const list: Node[] = [];
      for (const at of hitsWithin(this.closing.code, word, spans)) {
        const fn = this.closedAt(at);
        if (fn && !list.includes(fn)) list.push(fn);
      }
      if (list.length) out.set(word, list);
    }
    return out;
  }

  constructor(
    readonly program: t.Program,
    readonly closing?: Closing,
  ) {}

  /**
   * The open tree in walk order (pre-order, source order: the order of the walk in `Scopes`,
   * which is `walk`'s), and for each node the position just past its subtree. Filled by `add`
   * and `leave` as `Scopes` builds the tree, and read by `walk` once `seal` says it is complete:
   * a walk is then a loop over the slice of its root, with no child keys to read, no stack and
   * no closed-function check but at the leaves. About fourteen walks meet each node of an
   * annotated file (each rule asks its own question of the program or of a function), and
   * reading the children of a node cost more than most visitors.
   */
  private readonly order: Node[] = [];
  private readonly ends: number[] = [];
  /** `order` and `ends` hold the whole open tree (`seal`), and nothing edits it (`editing`). */
  private indexed = false;

  /** Records `child` under `parent` (called by the walk in `Scopes`). */
  add(child: Node, parent: Node, key: string, index: number): void {
    if (this.order.length === 0) {
      this.order.push(this.program);
      this.ends.push(0);
    }
    this.links.set(child, { parent, key, index, at: this.order.length });
    this.order.push(child);
    this.ends.push(0);
    if (child.type === "CallExpression" || child.type === "OptionalCallExpression") this.calls.push(child);
    else if (child.type === "Identifier") this.names.add(child.name);
    else if (child.type === "TaggedTemplateExpression") this.tagged.push(child);
    else if (child.type === "NewExpression") this.news.push(child);
  }

  /**
   * `n`'s place in the walk order (`order`), if it is in the open tree: the program, or a node
   * `add` recorded. Asks nothing of closed functions (unlike `link`).
   */
  indexOf(n: Node): number | undefined {
    return n === this.program ? 0 : this.links.get(n)?.at;
  }

  /** The walk in `Scopes` has met every node under `child` (after `add(child, …)`). */
  leave(child: Node): void {
    this.ends[this.links.get(child)!.at] = this.order.length;
  }

  /** The walk in `Scopes` is done: `walk` reads the tree in its order from now on. */
  seal(): void {
    if (this.order.length === 0) {
      this.order.push(this.program);
      this.ends.push(0);
    }
    this.ends[0] = this.order.length;
    this.indexed = true;
  }

  /**
   * An emitter edits the nodes in place from now on (the Babel plugin): walks read the live
   * nodes again, not the order recorded when the tree was built.
   */
  editing(): void {
    this.indexed = false;
  }

  /**
   * Whether the walk in `Scopes` leaves the function `n` closed: no interesting word in its text,
   * no annotated statement overlapping it, no decorator (which Babel may place before its start).
   */
  shouldClose(n: Node): boolean {
    const c = this.closing;
    if (!c || n.start == null || n.end == null) return false;
    if ((n as { decorators?: unknown[] | null }).decorators?.length) return false;
    const k = lowerBound(c.hits, n.start);
    if (k < c.hits.length && c.hits[k]! < n.end) return false;
    return !this.overlapsForced(n.start, n.end);
  }

  /**
   * Whether `n` is an object or array literal whose text the parser was not given (`skipped.literals`):
   * the walk in `Scopes` links it but leaves it closed, as it leaves a function (see `Closing`).
   */
  isCutLiteral(n: Node): boolean {
    return startsIn(this.closing?.skipped?.literals, n);
  }

  /**
   * Whether `n` is a class body whose text the parser was not given (`skipped.classes`): closed
   * like a cut literal, its members guarded (`closeLiteral`).
   */
  isCutClassBody(n: Node): boolean {
    return n.type === "ClassBody" && startsIn(this.closing?.skipped?.classes, n);
  }

  /**
   * Closes a cut literal (`isCutLiteral`) or class body (`isCutClassBody`): linked, not entered,
   * and its members guarded. A rule that reads them (`properties`, `elements`, a class body's
   * `body`) straight from the node — a `then` key that makes an object or a class a thenable,
   * the values of a table, the methods a subclass overrides — would read an empty literal or
   * class where the file has members: such a read marks the tree broken, and the file is
   * analysed again on the whole tree.
   */
  closeLiteral(n: Node): void {
    this.close(n);
    const key = n.type === "ObjectExpression" ? "properties" : n.type === "ClassBody" ? "body" : "elements";
    const what = n.type === "ClassBody" ? "class body" : "literal";
    const members = (n as unknown as Record<string, unknown>)[key];
    Object.defineProperty(n, key, {
      get: () => {
        this.broken ??= `a rule read the members of a ${what} the parse skipped (offset ${n.start})`;
        return members;
      },
      enumerable: true,
      configurable: true,
    });
  }

  /** Ends of the forced spans, each the largest so far (their starts ascend): one search a function. */
  private forcedMaxEnd: number[] | undefined;
  private forcedStarts: number[] | undefined;

  private overlapsForced(start: number, end: number): boolean {
    const forced = this.closing?.forced ?? [];
    if (!forced.length) return false;
    if (!this.forcedStarts || !this.forcedMaxEnd) {
      const sorted = [...forced].sort((a, b) => a[0] - b[0]);
      this.forcedStarts = sorted.map((f) => f[0]);
      let max = -1;
      this.forcedMaxEnd = sorted.map((f) => {
        max = Math.max(max, f[1]);
        return max;
      });
    }
    // The last forced span starting before `end`: overlap iff some span up to it ends after `start`.
    const k = lowerBound(this.forcedStarts, end) - 1;
    return k >= 0 && this.forcedMaxEnd[k]! > start;
  }

  /** Marks `n` closed (called by the walk in `Scopes`). */
  close(n: Node): void {
    this.closed.add(n);
    const start = n.start ?? 0;
    if (this.closedStarts.length && start < this.closedStarts[this.closedStarts.length - 1]!)
      this.sorted = false;
    this.closedStarts.push(start);
    this.closedEnds.push(n.end ?? start);
    this.closedNodes.push(n);
  }

  /** Whether any function was left closed. */
  get partial(): boolean {
    return this.closed.size > 0;
  }

  private sortClosed(): void {
    if (this.sorted) return;
    const order = this.closedStarts
      .map((_, i) => i)
      .sort((a, b) => this.closedStarts[a]! - this.closedStarts[b]!);
    this.closedStarts = order.map((i) => this.closedStarts[i]!);
    this.closedEnds = order.map((i) => this.closedEnds[i]!);
    this.closedNodes = order.map((i) => this.closedNodes[i]!);
    this.sorted = true;
  }

  /**
   * Whether `fn` is a closed function: its body, skipped, names nothing smartasync (so, for
   * instance, a closed getter cannot return a smartasync function).
   */
  isClosed(fn: Node): boolean {
    return this.closed.has(fn);
  }

  /** The closed function whose span holds `offset`, if any (closed spans never nest). */
  private closedAt(offset: number): Node | undefined {
    if (!this.closed.size) return undefined;
    this.sortClosed();
    const k = lowerBound(this.closedStarts, offset + 1) - 1;
    return k >= 0 && offset < this.closedEnds[k]! ? this.closedNodes[k] : undefined;
  }

  /** The first of `words` that occurs (as a word, anywhere in its text) in a closed function. */
  closedMention(words: Iterable<string>): string | undefined {
    if (!this.closed.size || !this.closing) return undefined;
    for (const { at, word } of wordsIn(this.closing.code, words)) if (this.closedAt(at)) return word;
    return undefined;
  }

  /** The closed functions whose text mentions `word`. */
  closedMentioning(word: string): Node[] {
    const out: Node[] = [];
    if (!this.closed.size || !this.closing) return out;
    for (const at of hitsOf(this.closing.code, word)) {
      const fn = this.closedAt(at);
      if (fn && out[out.length - 1] !== fn) out.push(fn);
    }
    return out;
  }

  /** For each of `words` that closed functions mention, those functions (one pass over the text). */
  closedMentions(words: Iterable<string>): Map<string, Node[]> {
    const out = new Map<string, Node[]>();
    if (!this.closed.size || !this.closing) return out;
    for (const { at, word } of wordsIn(this.closing.code, words)) {
      const fn = this.closedAt(at);
      if (!fn) continue;
      const list = out.get(word) ?? [];
      if (list[list.length - 1] !== fn) list.push(fn);
      out.set(word, list);
    }
    return out;
  }

  /**
   * A skipped body (see `Closing.skipped`) that lies in no closed function: the tree walked an
   * empty body where the file has code, so it is not the whole file's.
   */
  unskipped(): string | undefined {
    const sk = this.closing?.skipped;
    if (!sk) return undefined;
    for (const at of sk.starts)
      if (!this.closedAt(at)) return `a skipped function body at offset ${at} is not in a closed function`;
    return undefined;
  }

  /** The indices of the skipped bodies in `[start, end)`. */
  private skippedIn(start: number, end: number): number[] {
    const starts = this.closing?.skipped?.starts;
    const out: number[] = [];
    if (!starts) return out;
    for (let k = lowerBound(starts, start); k < starts.length && starts[k]! < end; k++) out.push(k);
    return out;
  }

  /**
   * Whether a node of a closed function mentioning `word` passes `test` (a walk on demand). A
   * skipped body in one (see `Closing.skipped`) is answered by `text` from its text, if given;
   * else only the whole file can answer (the tree is marked broken).
   */
  closedFind(
    word: string,
    test: (n: Node) => boolean,
    fns = this.closedMentioning(word),
    text?: (from: number, to: number) => boolean,
  ): boolean {
    for (const fn of fns) {
      const skipped = this.skippedIn(fn.start ?? 0, fn.end ?? Number.POSITIVE_INFINITY);
      if (skipped.length && !text) {
        // Its text was not parsed: only the whole file can answer.
        this.broken ??= `a walk into a skipped function body (offset ${fn.start})`;
        return true;
      }
      for (const k of skipped)
        if (text!(this.closing!.skipped!.starts[k]!, this.closing!.skipped!.ends[k]!)) return true;
      // A cut literal or class body holds nothing but its text, answered above.
      if (this.isCutLiteral(fn) || this.isCutClassBody(fn)) {
        if (test(fn)) return true;
        continue;
      }
      const stack: Node[] = [fn];
      while (stack.length) {
        const n = stack.pop()!;
        if (test(n)) return true;
        pushChildren(n, stack);
      }
    }
    return false;
  }

  /**
   * Whether an identifier named `name` appears anywhere in the file (`names`, plus the closed
   * functions whose text holds the word, walked on demand: the answer is the whole tree's).
   */
  mentions(name: string): boolean {
    if (this.names.has(name)) return true;
    return this.closedFind(name, (n) => n.type === "Identifier" && n.name === name);
  }

  link(n: Node): Link | undefined {
    const l = this.links.get(n);
    // A node inside a closed function has no link here, though it has one in the whole tree.
    if (!l && this.closed.size && n !== this.program && n.start != null && this.closedAt(n.start))
      this.broken ??= `a question about a node at offset ${n.start}, inside a closed function`;
    return l;
  }

  parent(n: Node): Node | undefined {
    return this.link(n)?.parent;
  }

  /** Whether `n` is part of the tree (nodes inside types are not). */
  has(n: Node): boolean {
    return n === this.program || this.link(n) !== undefined;
  }

  /** The nearest ancestor (not `n` itself) satisfying `test`. */
  findParent(n: Node, test: (p: Node) => boolean): Node | undefined {
    for (let p = this.parent(n); p !== undefined; p = this.parent(p)) if (test(p)) return p;
    return undefined;
  }

  /** Whether `n` is `ancestor` or lies inside it. */
  within(n: Node, ancestor: Node): boolean {
    for (let p: Node | undefined = n; p !== undefined; p = this.parent(p)) if (p === ancestor) return true;
    return false;
  }

  /** Babel's `getFunctionParent`: the nearest enclosing function. */
  functionParent(n: Node): t.Function | undefined {
    return this.findParent(n, isFunction) as t.Function | undefined;
  }

  /**
   * Pre-order walk of `root`'s subtree; `visit` returning `false` skips a node's children. A
   * closed function is visited but not entered: unless the caller says it looks for nothing a
   * closed function can hold (`closedOk`, a walk for what mentions an interesting word), a walk
   * that would enter one marks the tree `broken`.
   */
  walk(root: Node, visit: (n: Node) => boolean | undefined, closedOk = false): void {
    const at = !this.indexed ? undefined : root === this.program ? 0 : this.links.get(root)?.at;
    if (at !== undefined) {
      // The same nodes in the same order as the stack below (see `order`): a closed function
      // has no nodes under it in the order, so only a leaf can be one.
      const { order, ends } = this;
      for (let i = at, end = ends[at]!; i < end; ) {
        const n = order[i]!;
        const next = ends[i]!;
        if (visit(n) === false) {
          i = next;
          continue;
        }
        if (next === i + 1 && !closedOk && this.closed.has(n))
          this.broken ??= `a walk from a ${root.type} entered a closed function`;
        i++;
      }
      return;
    }
    const stack: Node[] = [root];
    while (stack.length) {
      const n = stack.pop()!;
      if (visit(n) === false) continue;
      if (this.closed.has(n)) {
        if (!closedOk) this.broken ??= `a walk from a ${root.type} entered a closed function`;
        continue;
      }
      stackChildren(n, stack);
    }
  }
}

/**
 * A name bound to a function (a declaration, or a `const` of a function): most likely the
 * hand-written twin the annotation replaces, so SA103 suggests deleting it (the migration step).
 */
export function isFunctionBinding(node: Node): boolean {
  if (node.type === "FunctionDeclaration") return true;
  if (node.type !== "VariableDeclarator" || !node.init) return false;
  const init = node.init as Node;
  return init.type === "ArrowFunctionExpression" || init.type === "FunctionExpression";
}
