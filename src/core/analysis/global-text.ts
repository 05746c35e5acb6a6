/**
 * The one text search for writes of globals, read before any tree: which names a file may set on
 * the global object (`globalWritesIn`), for the two rules that need them —
 * - the globals a module sets to a smartasync function (global-names.ts, SA206 at a bare call;
 *   the fast paths watch those names: lazy.ts, swc-plugin/skim.ts), and
 * - the built-in globals a module replaces, which a worker function reads unreplaced
 *   (checks.ts `globalWrites`, SA302; `globalWriteNames` below).
 * Every spelling of a write is read (issue 13; fixtures modules/global-second-name,
 * modules/global-second-name-spellings, diagnostics/sa302-replaced-global-spellings):
 * `globalThis.x =` (also `global.`, `window.`, `self.`, compound and logical), `globalThis["x"] =`,
 * `` globalThis[`x`] = ``, the same through `(0, globalThis)` or a name declared to the global
 * object (`const g = globalThis; g.x =`, `var g = globalThis`), `Reflect.set`/`Reflect.defineProperty`/
 * `Object.defineProperty(globalThis, "x", …)`, `Object.assign`/`Object.defineProperties(globalThis,
 * { x … })` and `vi.stubGlobal("x", …)`. A superset the walk narrows on the tree; a file with none
 * of these spellings is never walked. A key the text cannot read (`globalThis[k] =`) makes the
 * file `unnamed`: the walk finds the write, and global-names.ts reports it where it is.
 * No lookaround, no backreference: test/security/redos.test.ts proves every regex linear.
 */

import { isRegexWordChar } from "../chars.js";

/**
 * Where the names of the global object stand in `code`, as `[start, end)` pairs in text order:
 * every match of `/\b(?:globalThis|global|window|self)\b/g`, `globalThis` tried before `global`
 * (`x.global.y = 1` counts too: a superset). Found by `indexOf` of each name and the regex's own
 * `\b` (`[A-Za-z0-9_]` on one side only) checked by hand: the regex over the whole text was 1.6%
 * of `smartasync/swc`'s samples on the appended real files, once a file (docs/performance.md,
 * "(2026-12-08)"). The matches cannot overlap (each starts after a character no word holds), so
 * the three lists merged in order are the regex's.
 */
export function globalWords(code: string): [number, number][] {
  const found: [number, number][] = [];
  for (const word of ["global", "window", "self"]) {
    const before = found.length;
    for (let i = code.indexOf(word); i >= 0; i = code.indexOf(word, i + 1)) {
      if (i > 0 && isRegexWordChar(code.charCodeAt(i - 1))) continue;
      const end = i + word.length;
      if (word === "global" && code.startsWith("This", end) && !isRegexWordChar(code.charCodeAt(end + 4)))
        found.push([i, end + 4]);
      else if (!isRegexWordChar(code.charCodeAt(end))) found.push([i, end]);
    }
    // Each list is in text order; three short lists are merged by a sort only when two have hits.
    if (before > 0 && found.length > before) found.sort((a, b) => a[0] - b[0]);
  }
  return found;
}

/**
 * `const g = ` (also `let`, `var`, `= (0, `) just before a name of the global object: `g` names it too (view.ts
 * `globalName` reads it so on the tree). Matched on the text just before the name, so that the
 * pattern stays small enough for the linearity proof; whether a member follows (`= globalThis.x`)
 * is looked at after it.
 */
const CONST_BEFORE = /\b(?:const|let|var)\s+([\w$]+)\s*=[\s(]*(?:0\s*,\s*)?$/;

/**
 * What follows a name of the global object in a write: `.x`, `["x"]`, `` [`x`] `` (group 1 or 2),
 * or a computed key (group 3: its first character); `(0, globalThis)` leaves a `)` first.
 */
const MEMBER_AFTER =
  /(?:\s*\))?\s*(?:\.\s*([A-Za-z_$][\w$]*)|\[\s*(?:["'`]([A-Za-z_$][\w$]*)["'`]\s*\]|([^\s"'`])))/y;

/**
 * An assignment operator, compound and logical ones included; `==` is told apart by the
 * character after it (`global.Object === Object` is a comparison, lodash's and vite's).
 */
const WRITE_OPERATOR = /\s*(?:\*\*|<<|>>>|>>|&&|\|\||\?\?|[-+*/%&|^])?=/y;

/**
 * `Reflect.set(`, `Object.defineProperty(`, `Object.assign(`, `Object.defineProperties(` (also
 * `(0, `) just before a name of the global object: the method (group 1). The object must be the
 * call's first argument: `FIRST_ARGUMENT_END` after the name.
 */
const CALL_BEFORE = /\b(set|defineProperty|assign|defineProperties)\s*\([\s(]*(?:0\s*,\s*)?$/;
const FIRST_ARGUMENT_END = /[\s)]*,\s*/y;

/** A key written as a string (`"x"`, `'x'`, `` `x` ``) at the start of the rest of a call. */
const KEY_STRING = /["'`]([A-Za-z_$][\w$]*)["'`]/y;

/** `vi.stubGlobal("x", …)`: Vitest sets the global `x`. */
const STUB_GLOBAL = /\bstubGlobal\s*\(\s*["'`]([A-Za-z_$][\w$]*)["'`]/g;

/** What the text says a file may write on the global object. */
export interface GlobalWritesText {
  /** Every name the file may set as a global (a superset). */
  names: ReadonlySet<string>;
  /** A write whose key the text does not read (`globalThis[k] =`, `Object.assign(globalThis, lib)`). */
  unnamed: boolean;
}

let lastText: string | undefined;
let lastWrites: GlobalWritesText = { names: new Set(), unnamed: false };

/**
 * The globals `code` may set (see the module comment), remembered for the last text: the
 * closing, the skim, the analysis and the checks each ask of the same file.
 */
export function globalWritesIn(code: string): GlobalWritesText {
  if (code === lastText) return lastWrites;
  const names = new Set<string>();
  let unnamed = false;
  /** Where a name of the global object (or a second name of it) starts and ends. */
  const hits = globalWords(code);
  const aliases = new Set<string>();
  for (const [start, end] of hits) {
    const alias = CONST_BEFORE.exec(code.slice(Math.max(0, start - LOOK_BACK), start))?.[1];
    if (alias === undefined || aliases.has(alias)) continue;
    const next = code.slice(end, end + 64).trimStart()[0];
    if (next !== "." && next !== "[" && next !== "(" && next !== "?") aliases.add(alias);
  }
  // A second name is followed as the global object's own names are.
  for (const alias of aliases)
    for (let i = code.indexOf(alias); i >= 0; i = code.indexOf(alias, i + 1))
      if (!identChar(code, i - 1) && !identChar(code, i + alias.length)) hits.push([i, i + alias.length]);
  for (const [start, end] of hits) {
    MEMBER_AFTER.lastIndex = end;
    const m = MEMBER_AFTER.exec(code);
    if (m) {
      const name = m[1] ?? m[2];
      const after =
        name === undefined ? closingBracket(code, m.index + m[0].length - 1) : m.index + m[0].length;
      WRITE_OPERATOR.lastIndex = after ?? 0;
      const op = after === undefined ? undefined : WRITE_OPERATOR.exec(code);
      // A key too long to read here (`after` undefined): the walk looks.
      if (after === undefined) unnamed = true;
      else if (op && code.charCodeAt(op.index + op[0].length) !== 61 /* = */) {
        if (name === undefined) unnamed = true;
        else names.add(name);
      }
      continue;
    }
    const method = CALL_BEFORE.exec(code.slice(Math.max(0, start - LOOK_BACK), start))?.[1];
    FIRST_ARGUMENT_END.lastIndex = end;
    const comma = method === undefined ? undefined : FIRST_ARGUMENT_END.exec(code);
    if (!comma) continue;
    const rest = comma.index + comma[0].length;
    if (method === "set" || method === "defineProperty") {
      KEY_STRING.lastIndex = rest;
      const key = KEY_STRING.exec(code);
      if (key) names.add(key[1]!);
      else unnamed = true;
    } else if (code[rest] === "{") wordsOfCall(code, rest, names);
    else unnamed = true;
  }
  // Most texts name no `stubGlobal`: one `indexOf` rather than the regex's pass.
  if (code.includes("stubGlobal")) for (const m of code.matchAll(STUB_GLOBAL)) names.add(m[1]!);
  lastText = code;
  lastWrites = { names, unnamed };
  return lastWrites;
}

/** How far before a name of the global object `CONST_BEFORE` and `CALL_BEFORE` look. */
const LOOK_BACK = 64;

/**
 * The names `code` may set on the global object: the fast paths watch their bare calls
 * (analysis/global-names.ts).
 */
export function globalNamesIn(code: string): ReadonlySet<string> {
  return globalWritesIn(code).names;
}

/** Whether `code` may write a global by any spelling (else it is not walked for one). */
export function mayWriteGlobals(code: string): boolean {
  const w = globalWritesIn(code);
  return w.unnamed || w.names.size > 0;
}

/**
 * The offset after the `]` that closes a computed key whose first character is at `from`
 * (`globalThis[k]`, `globalThis[Symbol.for("x")]`), looking at most 256 characters ahead;
 * undefined where it is not found by then.
 */
function closingBracket(code: string, from: number): number | undefined {
  let depth = 1;
  const end = Math.min(code.length, from + 256);
  for (let i = from; i < end; i++) {
    const c = code[i];
    if (c === "[") depth++;
    else if (c === "]" && --depth === 0) return i + 1;
  }
  return undefined;
}

function identChar(code: string, i: number): boolean {
  if (i < 0 || i >= code.length) return false;
  const c = code.charCodeAt(i);
  return (
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 36 || c === 95 || c > 127
  );
}

/**
 * Every word and every string's text in the rest of a call from `from` (an object literal's `{`)
 * to the `)` that closes the call: `Object.assign(globalThis, { gl: load, other })` may set any of
 * them (a superset: the walk reads the keys). Strings, templates and comments are stepped over
 * so that a bracket in one does not end the call early; one pass, never backwards.
 */
function wordsOfCall(code: string, from: number, out: Set<string>): void {
  let depth = 0;
  let i = from;
  while (i < code.length) {
    const c = code[i]!;
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      if (--depth < 0) return;
    } else if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < code.length && code[j] !== c) j += code[j] === "\\" ? 2 : 1;
      const text = code.slice(i + 1, j);
      if (/^[A-Za-z_$][\w$]*$/.test(text)) out.add(text);
      i = j;
    } else if (c === "/" && code[i + 1] === "/") {
      const end = code.indexOf("\n", i);
      i = end < 0 ? code.length : end;
    } else if (c === "/" && code[i + 1] === "*") {
      const end = code.indexOf("*/", i + 2);
      i = end < 0 ? code.length : end + 1;
    } else if (identChar(code, i) && !identChar(code, i - 1)) {
      let j = i + 1;
      while (identChar(code, j)) j++;
      const word = code.slice(i, j);
      if (!/^\d/.test(word)) out.add(word);
      i = j - 1;
    }
    i++;
  }
}

/** `Object.assign(…)`, `defineProperties(…)` anywhere: any name the file mentions may be a key written. */
const ANY_ASSIGN_CALL = /\b(?:assign|defineProperties)\s*\(/;
/** An assignment operator at the start of a text (`==` is told apart by the character after it). */
const OPERATOR_FIRST = /^(?:\*\*|<<|>>>|>>|&&|\|\||\?\?|[-+*/%&|^])?=/;

/**
 * The names of `names` (globals every thread has) the text may write (checks.ts `globalWrites`,
 * SA302): what `globalWritesIn` reads, and more, since a replaced built-in may be written by
 * spellings a smartasync function's global is not looked for by: the name as a string anywhere
 * (`const k = "fetch"; globalThis[k] =`, `vi.spyOn(globalThis, "fetch")`), an assignment to the
 * bare name (`fetch = stub`), or any name the file mentions where it calls
 * `Object.assign`/`defineProperties` (on a second name of the global object the text does not
 * see). A superset the walk narrows; a file writing none is not walked.
 */
export function globalWriteNames(code: string, names: ReadonlySet<string>): Set<string> {
  const wanted = new Set<string>();
  const written = globalNamesIn(code);
  for (const name of names) if (written.has(name)) wanted.add(name);
  const assigns = ANY_ASSIGN_CALL.test(code);
  for (const name of names) {
    if (wanted.has(name)) continue;
    let at = code.indexOf(name);
    while (at >= 0) {
      const before = code[at - 1];
      // A bounded look after the name: a file naming it often is not copied whole each time.
      const after = code.slice(at + name.length, at + name.length + 64).trimStart();
      const op = OPERATOR_FIRST.exec(after)?.[0];
      // `fetch = stub`, `g.fetch = stub` (`g` a second name of globalThis, the walk tells).
      const word = !/[\w$]/.test(before ?? "") && !/^[\w$]/.test(after);
      if (
        before === '"' ||
        before === "'" ||
        before === "`" ||
        (word && before !== "." && assigns) ||
        (word && op !== undefined && after[op.length] !== "=")
      ) {
        wanted.add(name);
        break;
      }
      at = code.indexOf(name, at + name.length);
    }
  }
  return wanted;
}

/**
 * The bare names `code` may assign (`gl = load`: a global where `gl` is declared nowhere, in
 * sloppy code or on a global that exists; fixture cjs/sloppy-global-second-name) a value whose
 * text starts with one of `values` (the words the fast paths watch: a smartasync function's
 * name, an import's; not `eval`, which they watch for another reason), or with a name found so
 * (`g2 = gl`); every such name where `values` is undefined. Not a call's result (`x = load(1)`)
 * nor a declaration (`let x = load`). A superset the walk narrows (global-names.ts
 * `forEachGlobalWrite`, `free`). Read by hand, one pass over the `=`s, each look bounded (the
 * two small regexes are anchored: test/security/redos.test.ts).
 */
export function freeWritesIn(code: string, values?: ReadonlySet<string>): Set<string> {
  const pairs = writePairs(code);
  const out = new Set<string>();
  if (!values) {
    for (const [name] of pairs) out.add(name);
    return out;
  }
  // `a = b = load` reads `a = b` first: look again while a pass finds a name.
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, value] of pairs)
      if (!out.has(name) && value !== "eval" && (values.has(value) || out.has(value))) {
        out.add(name);
        grew = true;
      }
  }
  return out;
}

let pairsText: string | undefined;
let pairsFound: readonly (readonly [string, string])[] = [];

/**
 * The `name = value` pairs `freeWritesIn` reads (see there), remembered for the last text: one
 * compile asks of the same text three or four times (the skim, the closing, the global functions
 * twice), each a pass over every `=` of the file (2.6% of `smartasync/swc`'s samples on the
 * appended real files before: docs/performance.md, "(2026-12-08)"). The pairs depend on the
 * text alone; the caller's `values` are applied to them afresh on every call.
 */
function writePairs(code: string): readonly (readonly [string, string])[] {
  if (code === pairsText) return pairsFound;
  const pairs: [string, string][] = [];
  for (let i = code.indexOf("="); i >= 0; i = code.indexOf("=", i + 1)) {
    const next = code[i + 1];
    if (next === "=" || next === ">") {
      i++;
      continue;
    }
    // `==`, `!=`, `<=`, `+=`, …: not a plain write.
    let b = i - 1;
    while (b >= 0 && b > i - 64 && (code[b] === " " || code[b] === "\t")) b--;
    if (!identChar(code, b)) continue;
    let start = b;
    while (start > 0 && b - start < 64 && identChar(code, start - 1)) start--;
    const before = start > 0 ? code[start - 1] : undefined;
    if (before === "." || /\d/.test(code[start]!)) continue;
    let a = i + 1;
    while (a < code.length && a < i + 64 && (code[a] === " " || code[a] === "\t" || code[a] === "(")) a++;
    let end = a;
    while (end < code.length && end - a < 64 && identChar(code, end)) end++;
    if (end === a || /\d/.test(code[a]!)) continue;
    // `x = load(1)` holds what the call gives; `let x = load` declares `x`.
    let c = end;
    while (c < code.length && c < end + 64 && (code[c] === " " || code[c] === "\t")) c++;
    if (code[c] === "(") continue;
    let w = start - 1;
    while (w >= 0 && w > start - 64 && (code[w] === " " || code[w] === "\t" || code[w] === "\n")) w--;
    const keyword = code.slice(Math.max(0, w - 4), w + 1);
    if (/(?:^|[^\w$])(?:const|let|var)$/.test(keyword)) continue;
    pairs.push([code.slice(start, b + 1), code.slice(a, end)]);
  }
  pairsText = code;
  pairsFound = pairs;
  return pairs;
}
