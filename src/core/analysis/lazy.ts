/**
 * Analysis proportional to what matters (docs/performance.md): the tree of a file is built
 * without entering the functions whose text mentions none of the words through which code can
 * reach a smartasync function (tree.ts `Closing`). One small annotated function in a 5,000-line
 * file then costs the scopes of that function, its callers and the module's top level, not of
 * every function in the file.
 *
 * The answer must be the whole tree's. So the words are chosen before the tree is built (the
 * names of the annotated statements and their variants, the imported smartasync functions and
 * methods, `eval`, `with`), and after the analysis `exactOnClosed` checks what it actually used:
 * every name a call can reach a smartasync function through (functions, methods, variants,
 * imports, and the bindings that alias them, closed over), every binding whose writes or
 * declarations a rule read, and no walk or question that needed the inside of a closed function.
 * When any of these lies in a closed function, the file is analysed again on the whole tree.
 */
import type { types as t } from "@babel/core";
import { parseAnnotation } from "../annotation.js";
import { madeNames, makerNames } from "../import-scan.js";
import { hasFacts, hasProblem } from "../module-facts.js";
import type { Index } from "./calls.js";
import { tokensAfter } from "./collect.js";
import { type Ctx, keyName } from "./ctx.js";
import { freeWritesIn, globalNamesIn } from "./global-text.js";
import type { ImportedFns } from "./imported.js";
import type { SaFunction } from "./model.js";
import { closedWrite } from "./scope.js";
import { peelCallee } from "./transparent.js";
import { type Closing, forEachChild, type Node, requiresOpaquely, wordsIn } from "./tree.js";

/** A `Closing` plus the words it was made from (checked again after the analysis). */
export interface LazyClosing extends Closing {
  words: Set<string>;
}

/** The outermost node that starts at `offset` (what an annotation there leads), if any. */
function nodeAt(program: t.Program, offset: number): Node | undefined {
  // The program's statements by binary search (a file may hold thousands), then down the tree.
  const body = program.body;
  let lo = 0;
  let hi = body.length - 1;
  let top: Node | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const st = body[mid]!;
    if ((st.end ?? 0) <= offset) lo = mid + 1;
    else if ((st.start ?? 0) > offset) hi = mid - 1;
    else {
      top = st;
      break;
    }
  }
  if (!top) return undefined;
  if (top.start === offset) return top;
  let cur: Node = top;
  for (;;) {
    let inside: Node | undefined;
    forEachChild(cur, (c) => {
      if (!inside && c.start != null && c.end != null && c.start <= offset && offset < c.end) inside = c;
    });
    if (!inside) return undefined;
    if (inside.start === offset) return inside;
    cur = inside;
  }
}

/** The names an annotated statement declares (function, `const`s, method or property key). */
function headNames(n: Node | undefined, out: string[]): void {
  if (!n) return;
  switch (n.type) {
    case "ExportNamedDeclaration":
    case "ExportDefaultDeclaration":
      headNames(n.declaration as Node | undefined, out);
      return;
    case "FunctionDeclaration":
      if (n.id) out.push(n.id.name);
      return;
    case "VariableDeclaration":
      for (const d of n.declarations) if (d.id.type === "Identifier") out.push(d.id.name);
      return;
    case "ClassMethod":
    case "ObjectMethod":
    case "ObjectProperty":
    case "ClassProperty": {
      const name = keyName(n as { key: Node; computed?: boolean });
      if (name !== undefined) out.push(name);
      return;
    }
    default:
      return;
  }
}

/**
 * The closing of a file's tree, or undefined where the whole tree is wanted: a file that names
 * the runtime (already compiled, the typed wrapper, hand-written dispatch) is analysed whole.
 */
export function closingFor(
  ctx: Ctx,
  imported: ImportedFns,
  skipped?: Closing["skipped"],
): LazyClosing | undefined {
  const { code, options, program } = ctx;
  if (code.includes(options.runtime)) return undefined;
  const words = new Set<string>(["eval"]);
  const sloppy =
    program.sourceType === "script" && !program.directives.some((d) => d.value.value === "use strict");
  if (sloppy) words.add("with");
  const withVariants = (name: string) => {
    words.add(name);
    words.add(name + options.syncSuffix);
    words.add(name + options.asyncSuffix);
  };
  const forced: [number, number][] = [];
  const comments = ctx.comments;
  let after: number[] | undefined;
  comments.forEach((c, i) => {
    const parsed = parseAnnotation(c.value, c.type === "CommentBlock");
    if (parsed.kind === "none") return;
    after ??= tokensAfter(code, comments);
    const next = after[i]!;
    const node = nodeAt(program, next);
    forced.push([c.start ?? next, Math.max(node?.end ?? next + 1, next + 1)]);
    const names: string[] = [];
    headNames(node, names);
    for (const n of names) withVariants(n);
    if (parsed.kind === "annotation" && parsed.names) {
      if (parsed.names.sync) words.add(parsed.names.sync);
      if (parsed.names.async) words.add(parsed.names.async);
    }
  });
  // Imports that hold smartasync functions (or could not be analysed: SA204 names the calls).
  let anyFacts = false;
  for (const s of program.body) {
    if (s.type === "ImportDeclaration" && s.importKind !== "type") {
      const facts = imported.factsOf(s.source.value);
      if (!hasFacts(facts) && !hasProblem(facts)) continue;
      anyFacts = true;
      for (const sp of s.specifiers) words.add(sp.local.name);
    } else if (
      s.type === "TSImportEqualsDeclaration" &&
      s.moduleReference.type === "TSExternalModuleReference"
    ) {
      const facts = imported.factsOf(s.moduleReference.expression.value);
      if (!hasFacts(facts) && !hasProblem(facts)) continue;
      anyFacts = true;
      words.add(s.id.name);
    }
  }
  if (!anyFacts) {
    for (const [source, kind] of imported.sources()) {
      const facts = imported.factsOf(source, kind);
      if (hasFacts(facts) || hasProblem(facts)) anyFacts = true;
    }
  }
  // A bare call of a global this module or an import sets to a smartasync function
  // (`globalThis.gl = load`: global-names.ts) is seen, as are the writes.
  if (anyFacts || forced.length > 0) for (const g of globalNamesIn(code)) words.add(g);
  if (anyFacts) for (const g of imported.globalNames()) words.add(g);
  // A module required by a computed path may be smartasync too (opaque.ts): its calls are seen.
  // So is one loaded by a `require` made under another name (`const req = createRequire(…)`).
  if (anyFacts || requiresOpaquely(code))
    for (const w of requireWords(code)) if (!lastMakers!.makers.has(w)) words.add(w);
  // Before any tree: every namespace import's exports count, used as a value or not.
  for (const m of imported.methodKinds(false).keys()) withVariants(m);
  // A bare global written one of those (`gl = load`, sloppy code): its bare calls are SA206
  // (global-names.ts; fixture cjs/sloppy-global-second-name).
  for (const g of freeWritesIn(code, words)) words.add(g);
  const hits = wordsIn(code, words).map((h) => h.at);
  return { code, hits, forced, words, skipped };
}

/**
 * A module object's makers: `require(…)`, `createRequire(…)(…)` called in place (opaque.ts) —
 * also under an alias (`import { createRequire as cr }`, attack21 F6) — and the names a
 * `require` is made under (`const req = createRequire(…)`), of the last text asked. `makers`:
 * the names `createRequire` goes under, which the lazy tree need not watch.
 */
const REQUIRE = new Set(["require", "createRequire"]);
const MAKER = new Set(["createRequire"]);
let lastMakers: { code: string; words: Set<string>; makers: Set<string> } | undefined;
function requireWords(code: string): Set<string> {
  if (lastMakers?.code !== code) {
    const has = code.includes("createRequire");
    const made = has ? madeNames(code) : undefined;
    const makers = has ? makerNames(code) : MAKER;
    lastMakers = {
      code,
      words: made?.size || makers.size > 1 ? new Set([...REQUIRE, ...makers, ...(made ?? [])]) : REQUIRE,
      makers,
    };
  }
  return lastMakers.words;
}

/** Whether the text of `n` mentions any of `words` as a word. */
function mentions(code: string, n: Node, words: Set<string>): boolean {
  if (n.start == null || n.end == null) return true;
  return wordsIn(code.slice(n.start, n.end), words).length > 0;
}

/**
 * Whether a declarator may make its names a route to a smartasync function: a second name
 * (`const f = load`, `load.bind(x)`, a member), a module object or destructured import
 * (`require(…)`), or a method taken out of an object (`const { load } = api`).
 */
function aliasLike(code: string, d: t.VariableDeclarator, index: Index, words: Set<string>): boolean {
  if (!d.init) return false;
  if (d.id.type === "ObjectPattern") {
    for (const p of d.id.properties) {
      if (p.type !== "ObjectProperty") continue;
      const key = keyName(p as { key: Node; computed?: boolean });
      if (key !== undefined && index.methodKinds.has(key)) return true;
    }
  }
  let init = peelCallee(d.init as Node);
  if (init.type === "CallExpression") {
    // A module object (`require(…)`, however wrapped) when a required module is smartasync.
    if (words.has("require") && mentions(code, init, requireWords(code))) return true;
    const c = peelCallee(init.callee as Node);
    const bind =
      (c.type === "MemberExpression" || c.type === "OptionalMemberExpression") &&
      !c.computed &&
      c.property.type === "Identifier" &&
      c.property.name === "bind";
    // Any other call's result is a value, not a second name of the function it calls.
    if (!bind) return d.id.type !== "Identifier" && mentions(code, init, words);
    init = peelCallee((c as t.MemberExpression).object as Node);
  }
  return mentions(code, init, words);
}

/**
 * Undefined when the analysis on a tree with closed functions gave the whole tree's answer;
 * else why not (the caller analyses the file again on the whole tree).
 */
export function exactOnClosed(
  ctx: Ctx,
  closing: LazyClosing,
  fns: readonly SaFunction[],
  index: Index,
): string | undefined {
  const tree = ctx.tree;
  const unskipped = tree.unskipped();
  if (unskipped) return unskipped;
  if (!tree.partial) return undefined;
  if (tree.broken) return tree.broken;
  const { options, code } = ctx;
  const words = new Set(closing.words);
  const withVariants = (name: string) => {
    words.add(name);
    words.add(name + options.syncSuffix);
    words.add(name + options.asyncSuffix);
  };
  for (const fn of fns) {
    withVariants(fn.name);
    words.add(fn.variant);
  }
  for (const name of index.byName.keys()) withVariants(name);
  for (const name of index.methodKinds.keys()) withVariants(name);
  for (const name of index.methodVariants.keys()) words.add(name);
  // Second names of these, closed over (`const f = load; const g = f`), and classes extending
  // one (`class B extends A {}`: `new B().len(u)` runs A's method, attack23 F6).
  const decls: { name: string; node: t.VariableDeclarator | t.ClassDeclaration }[] = [];
  for (const b of ctx.scopes.all())
    if (b.node.type === "VariableDeclarator" || (b.node.type === "ClassDeclaration" && b.node.superClass))
      decls.push({ name: b.name, node: b.node });
  for (let grew = true; grew; ) {
    grew = false;
    for (const d of decls) {
      if (words.has(d.name)) continue;
      if (
        d.node.type === "ClassDeclaration"
          ? !mentions(code, d.node.superClass as Node, words)
          : !aliasLike(code, d.node, index, words)
      )
        continue;
      words.add(d.name);
      grew = true;
    }
  }
  const hit = tree.closedMention(words) ?? tree.closedMention(tree.watched) ?? tree.closedMentionWithin();
  if (hit !== undefined) return `a closed function mentions \`${hit}\``;
  const written = closedWrite(tree, tree.watchedWrites, tree.watchedWritesIn);
  if (written !== undefined) return `a closed function writes \`${written}\``;
  // A walk into a skipped body (closedFind) above.
  return tree.broken;
}

/** The names a declaration pattern binds (`const { a, b: [c] } = …`). */
function patternNames(p: Node, out: string[]): void {
  if (p.type === "Identifier") out.push(p.name);
  else if (p.type === "ObjectPattern")
    for (const q of p.properties) patternNames((q.type === "RestElement" ? q : q.value) as Node, out);
  else if (p.type === "ArrayPattern") {
    for (const q of p.elements) if (q) patternNames(q as Node, out);
  } else if (p.type === "AssignmentPattern") patternNames(p.left as Node, out);
  else if (p.type === "RestElement") patternNames(p.argument as Node, out);
}

/**
 * The closing of a module read for one export only (module-graph.ts `exportStarts`): the
 * top-level declarations the export reaches by name, followed through the names their text
 * mentions, stay open (forced), with every function mentioning one of those names; the rest of
 * the module stays closed. Read from the program's statements and the text, before any tree.
 * Whether the answer held is `exactOnClosed`'s check, as for a compiled file.
 */
export function closingForExport(program: t.Program, code: string, name: string): LazyClosing {
  /** Top-level name → the spans of the statements or declarators that bind it. */
  const decls = new Map<string, [number, number][]>();
  /** An exported name → the local it exports (`export { relayed as relay }`, `export default f`). */
  const locals = new Map<string, string>();
  const bind = (n: string, at: Node) => {
    if (at.start == null || at.end == null) return;
    const list = decls.get(n) ?? [];
    list.push([at.start, at.end]);
    decls.set(n, list);
  };
  for (const st of program.body as Node[]) {
    let d: Node | null | undefined = st;
    if (st.type === "ExportNamedDeclaration") {
      for (const sp of st.specifiers)
        if (sp.type === "ExportSpecifier" && sp.local.type === "Identifier")
          locals.set(sp.exported.type === "Identifier" ? sp.exported.name : sp.exported.value, sp.local.name);
      d = st.declaration as Node | null | undefined;
    } else if (st.type === "ExportDefaultDeclaration") {
      d = st.declaration as Node;
      if (d.type === "Identifier") locals.set("default", d.name);
      else bind("default", st);
    }
    if (!d) continue;
    if ((d.type === "FunctionDeclaration" || d.type === "ClassDeclaration") && d.id) bind(d.id.name, d);
    else if (d.type === "VariableDeclaration")
      for (const v of d.declarations) {
        const names: string[] = [];
        patternNames(v.id as Node, names);
        for (const n of names) bind(n, v as Node);
      }
  }
  const words = new Set<string>([name]);
  const local = locals.get(name);
  if (local !== undefined) words.add(local);
  const forced: [number, number][] = [];
  const queue = [...words];
  while (queue.length) {
    for (const span of decls.get(queue.pop()!) ?? []) {
      forced.push(span);
      for (const { word } of wordsIn(code.slice(span[0], span[1]), decls.keys()))
        if (!words.has(word)) {
          words.add(word);
          queue.push(word);
        }
    }
  }
  return { code, hits: wordsIn(code, words).map((h) => h.at), forced, words };
}
