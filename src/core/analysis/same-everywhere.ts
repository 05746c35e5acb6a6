import type { types as t } from "@babel/core";
import {
  argumentEscapes,
  arrayFromSource,
  callbackTarget,
  returnsArgument,
  type UseState,
  useOf,
} from "./arg-escape.js";
import {
  functionLabel,
  functionReached,
  GLOBAL_OBJECTS,
  guarded,
  importTarget,
  isImportBinding,
  methodCalled,
  namespaceMember,
  stateKind,
  stateRoot,
  watchState,
} from "./checks.js";
import { type Ctx, keyName, locOf, sourceOf } from "./ctx.js";
import { builtinModuleImport, primitiveMembers, provenPrimitive } from "./primitive.js";
import { type CalledFunction, functionCalled, returnedState } from "./returned-state.js";
import { type Binding, isReference, patternNames } from "./scope.js";
import { shownClasses } from "./sync-proof.js";
import { isMutator, isReader, SYNC_ARRAY_METHODS } from "./sync-table.js";
import { isFunction, type Node } from "./tree.js";
import { isExportsObject, memberName, strip } from "./view.js";
import { functionOfBinding, paramWrites, selfFreeMethod, type Write } from "./writes.js";

/**
 * "The same in every thread" (issue 14, attack 15): a worker or offloaded function runs in a
 * thread that imported its module afresh, so each module-level value it reads must be the same
 * there as in the calling thread. SA302 names the changes the analysis recognises (checks.ts
 * `sharedState`: a deny-list, which every adversarial round extended). This file is the other
 * way round: a value is PROVEN the same only when it is a primitive `const`, a function or class
 * never reassigned (whose properties the worker reads only where nothing can set them), or an
 * object every use of which in the module is one the analysis understands as a read — a member
 * read, a reader method (`get`, `map`, `includes` …), an argument of a function that only reads
 * it (a built-in, a function of the module whose parameter is proven read, arg-escape.ts), kept in
 * another module-level object that is itself proven. A recognised write is a change (SA302, both
 * places named); anything else — handed to code the build cannot see into, stored where it cannot
 * follow, assigned to a global, exported or returned to importers the build does not see — is
 * NOT PROVEN (SA315), with the use that stops the proof named. An object imported from another
 * module of the program is exported to importers the build does not read: not proven either.
 * Each step of a use is classified by arg-escape.ts `useOf`, the rule the proof that a function
 * leaves its arguments alone uses too; this file decides what each step means here.
 *
 * Left to the rules they already have: `let`/`var` (always state, SA302), objects a package or
 * Node made (`new LRU()`, a database handle: they may be handles onto a store every thread
 * reaches, docs/semantics.md; SA302 names their mutating methods, `handleCalls` SA316 the other
 * methods code of this thread calls), a `const` computed at import by a call that varies per run
 * (SA302), and identity (SA306).
 */

/** A module-level binding a worker function (or a function of its module it calls) reads. */
export interface WorkerRead {
  ref: t.Identifier;
  /** The function of the module through which it is read, as SA302 names it. */
  via: string | undefined;
}

/** Why a value is not proven the same in every thread. */
interface Finding {
  kind: "changed" | "unproven";
  /** What the use does, as the message says it (`is passed to \`register(cache)\``). */
  what: string;
  loc: string;
}

/** Where a value's use leaves off. */
interface Place {
  /**
   * The expression is a new container holding the value (`[x]`, `{ k: x }`, `{ ...x }`,
   * `new Set([x])`): writing to its own members changes nothing of the value's; its members are
   * (parts of) the value.
   */
  copy: boolean;
}

/**
 * `new Database(path)`, `createClient()`, `lib.open()`: made by an import (or a `require`d name),
 * directly, through a `const` holding it, or returned by every `return` of a function of the module.
 */
function madeByLibrary(ctx: Ctx, expr: Node, depth = 0): boolean {
  const e = strip(expr);
  if (depth > 4) return false;
  if (e.type === "Identifier") {
    const b = ctx.scopes.binding(e, e.name);
    return (
      b?.kind === "const" &&
      b.node.type === "VariableDeclarator" &&
      b.node.init != null &&
      madeByLibrary(ctx, b.node.init as Node, depth + 1)
    );
  }
  if (e.type !== "NewExpression" && e.type !== "CallExpression") return false;
  let callee = strip(e.callee as Node);
  while (callee.type === "MemberExpression") callee = strip(callee.object);
  if (callee.type !== "Identifier") return false;
  const b = ctx.scopes.binding(callee, callee.name);
  if (!b) return false;
  // A package's or Node's (`new Database(file)`, `new Worker(url)`): a handle; a class of a module
  // of the program (`new Counter()` of ./counter.js) makes an object in this thread's memory.
  if (isImportBinding(ctx, b))
    return !programImport(ctx, b) && (!builtinModuleImport(ctx, b) || e.type === "NewExpression");
  const fn = e.type === "CallExpression" ? functionOfBinding(b) : undefined;
  if (!fn || isFunction(fn.body as Node) || fn.body.type !== "BlockStatement")
    return (
      fn !== undefined && fn.body.type !== "BlockStatement" && madeByLibrary(ctx, fn.body as Node, depth + 1)
    );
  let returns = 0;
  let all = true;
  ctx.tree.walk(fn.body as Node, (n) => {
    if (!all || isFunction(n)) return false;
    if (n.type === "ReturnStatement") {
      returns++;
      all = n.argument != null && madeByLibrary(ctx, n.argument as Node, depth + 1);
    }
    return undefined;
  });
  return all && returns > 0;
}

/**
 * `const getBox = makeBox()`, `const next = (() => { let n = 0; return () => ++n; })()`: a function
 * a call of the module made at import (attack 18, F4). Each worker's import makes its own, with
 * its own captured state, which the build does not follow through calls of it: not proven.
 * Returns the call, for the message.
 */
function closureMadeAtImport(ctx: Ctx, b: Binding): Node | undefined {
  const init = b.node.type === "VariableDeclarator" && b.node.init ? strip(b.node.init) : undefined;
  if (init?.type !== "CallExpression") return undefined;
  const callee = strip(init.callee as Node);
  let fn: t.Function | undefined;
  if (isFunction(callee)) fn = callee as t.Function;
  else if (callee.type === "Identifier") {
    const cb = ctx.scopes.binding(callee, callee.name);
    fn =
      cb && cb.scope === ctx.scopes.program && !isImportBinding(ctx, cb) ? functionOfBinding(cb) : undefined;
  }
  if (!fn) return undefined;
  if (fn.body.type !== "BlockStatement") return isFunction(strip(fn.body as Node)) ? init : undefined;
  let closure = false;
  ctx.tree.walk(fn.body as Node, (n) => {
    if (closure || isFunction(n)) return false;
    if (n.type === "ReturnStatement" && n.argument && isFunction(strip(n.argument as Node))) closure = true;
    return undefined;
  });
  return closure ? init : undefined;
}

/**
 * The functions a plain member read of the value runs, where its initializer shows them (attack
 * 18, F6): getters and setters of an object literal (and of literals it holds), the handler of a
 * `new Proxy(target, handler)` (every function in it, and the target's getters), the getters and
 * setters of a class of the module it is a `new` of. SA302's walk follows the functions a worker
 * calls, never these, so what they read is this value's to answer for.
 */
function accessors(ctx: Ctx, init: Node): { fn: t.Function; label: string }[] {
  const out: { fn: t.Function; label: string }[] = [];
  const literal = (lit: Node, all: boolean, depth: number): void => {
    const e = strip(lit);
    if (e.type === "Identifier" && depth < 4) {
      // `new Proxy({}, handler)` with `const handler = { get(…) {…} }` of the module.
      const b = ctx.scopes.binding(e, e.name);
      const i = b?.kind === "const" && b.node.type === "VariableDeclarator" ? b.node.init : undefined;
      if (i) literal(i as Node, all, depth + 1);
      return;
    }
    if (e.type !== "ObjectExpression" || depth > 4) return;
    for (const p of e.properties) {
      if (p.type === "ObjectMethod" && (all || p.kind !== "method"))
        out.push({
          fn: p,
          label: `${p.kind === "method" ? "" : `${p.kind} `}${sourceOf(ctx, p.key as Node)}`,
        });
      else if (p.type === "ObjectProperty") {
        const v = strip(p.value as Node);
        if (all && isFunction(v)) out.push({ fn: v as t.Function, label: sourceOf(ctx, p.key as Node) });
        else literal(v, false, depth + 1);
      }
    }
  };
  const e = strip(init);
  if (e.type === "ObjectExpression") literal(e, false, 0);
  else if (e.type === "NewExpression" && e.callee.type === "Identifier") {
    const callee = e.callee;
    const b = ctx.scopes.binding(callee, callee.name);
    if (!b && callee.name === "Proxy") {
      if (e.arguments[0]) literal(e.arguments[0] as Node, false, 0);
      if (e.arguments[1]) literal(e.arguments[1] as Node, true, 0);
    } else if (b && b.scope === ctx.scopes.program && !isImportBinding(ctx, b)) {
      const cls =
        b.node.type === "ClassDeclaration"
          ? b.node
          : b.node.type === "VariableDeclarator" && b.node.init?.type === "ClassExpression"
            ? b.node.init
            : undefined;
      for (const m of cls?.body.body ?? [])
        if (m.type === "ClassMethod" && !m.static && (m.kind === "get" || m.kind === "set"))
          out.push({ fn: m, label: `${m.kind} ${sourceOf(ctx, m.key as Node)}` });
    }
  }
  return out;
}

/**
 * `const { cfg } = holder`, `const { a: { b } } = holder.inner`: a name destructured from a
 * module object (attack 18, F5). Its value is a member of that object, so a write through the
 * original path (`holder.cfg.retries = 5`) changes what the name holds. Returns the object's
 * binding, unless the literal shows the member a primitive (`const { n } = { n: 1 }`: a copy).
 */
function destructuredFrom(ctx: Ctx, b: Binding): Binding | undefined {
  const n = b.node;
  if (b.kind !== "const" || n.type !== "VariableDeclarator" || n.id.type === "Identifier" || !n.init)
    return undefined;
  let root = strip(n.init as Node);
  while (root.type === "MemberExpression" || root.type === "OptionalMemberExpression")
    root = strip((root as t.MemberExpression).object);
  if (root.type !== "Identifier") return undefined;
  const rb = ctx.scopes.binding(root, root.name);
  if (
    !rb ||
    rb.scope !== ctx.scopes.program ||
    isImportBinding(ctx, rb) ||
    subject(ctx, rb, undefined) !== "object"
  )
    return undefined;
  // `const { retries } = holder` with `holder = { retries: 1 }`: the name holds a copy of a primitive.
  const init = strip(n.init as Node);
  const lit =
    init.type === "Identifier" && rb.node.type === "VariableDeclarator" && rb.node.init
      ? strip(rb.node.init)
      : undefined;
  if (lit?.type === "ObjectExpression" && n.id.type === "ObjectPattern") {
    const prop = n.id.properties.find(
      (p) => p.type === "ObjectProperty" && patternNames(p.value as Node).some((id) => id.name === b.name),
    ) as t.ObjectProperty | undefined;
    const key = prop && !prop.computed ? keyOf(prop.key as Node) : undefined;
    // The entry JavaScript takes: the last of the name (r16a, after r15b's `methodOf`; the first
    // was read, so `{ cfg: 0, cfg: { retries: 1 } }` gave a "copy of a primitive"). Fixture
    // diagnostics/sa302-destructured-member.
    const value = key === undefined ? undefined : literalValue(lit, key);
    if (prop && strip(prop.value as Node).type === "Identifier" && value && provenPrimitive(ctx, value))
      return undefined;
  }
  return rb;
}

function keyOf(k: Node): string | undefined {
  if (k.type === "Identifier") return k.name;
  if (k.type === "StringLiteral") return k.value;
  return undefined;
}

/** An import of a module of the program (`./counter.js`, `../lib/x.js`), not of a package. */
function programImport(ctx: Ctx, b: Binding): boolean {
  let source: unknown;
  if (b.kind === "module")
    source = (ctx.tree.parent(b.node) as { source?: { value?: unknown } } | undefined)?.source?.value;
  else {
    let cur = b.node.type === "VariableDeclarator" && b.node.init ? strip(b.node.init) : undefined;
    while (cur?.type === "MemberExpression") cur = strip(cur.object);
    if (cur?.type === "CallExpression" && cur.arguments[0]?.type === "StringLiteral")
      source = cur.arguments[0].value;
  }
  return typeof source === "string" && /^\.{0,2}\//.test(source);
}

/** The function an imported name runs, where the build reads its module (a module of the program). */
function importedFunction(ctx: Ctx, id: t.Identifier): { other: Ctx; fn: t.Function } | undefined {
  const b = ctx.scopes.binding(id, id.name);
  if (!b || !isImportBinding(ctx, b) || builtinModuleImport(ctx, b)) return undefined;
  const target = importTarget(ctx, id, b);
  const fn = target && functionOfBinding(target.there);
  return target && fn ? { other: target.other, fn } : undefined;
}

/** `Object.freeze(literal)` (the global's): whether its members are all primitives too. */
function frozenLiteral(ctx: Ctx, expr: Node): { flat: boolean } | undefined {
  const e = strip(expr);
  if (e.type !== "CallExpression" || !e.callee.type.endsWith("MemberExpression")) return undefined;
  const o = strip((e.callee as t.MemberExpression).object);
  if (o.type !== "Identifier" || o.name !== "Object" || ctx.scopes.binding(o, o.name)) return undefined;
  if (memberName(e.callee as Node) !== "freeze" || !e.arguments[0]) return undefined;
  const lit = strip(e.arguments[0] as Node);
  if (lit.type !== "ObjectExpression" && lit.type !== "ArrayExpression") return undefined;
  return { flat: primitiveMembers(ctx, lit) };
}

/** A module literal whose members are all primitives (`const DEFAULTS = { timeout: 5 }`). */
/**
 * The expression a `const` object literal holds at the member path from `start` to `cur`
 * (`config.inner.n` of `const config = { inner: { n: 0 } }`: `0`), `start` a name bound to the
 * literal directly or through `const` aliases; undefined where the path leaves what the literal
 * shows (a computed key, a spread or method that may give the key, an absent key).
 */
function literalAt(ctx: Ctx, start: Node, cur: Node): Node | undefined {
  const path: string[] = [];
  let at = strip(cur);
  while (at.type === "MemberExpression" || at.type === "OptionalMemberExpression") {
    const name = memberName(at);
    if (name === undefined) return undefined;
    path.unshift(name);
    at = strip(at.object as Node);
  }
  if (at !== strip(start) || at.type !== "Identifier") return undefined;
  let value: Node | undefined = constInit(ctx, at);
  for (let i = 0; value?.type === "Identifier" && i < 4; i++) value = constInit(ctx, value);
  for (const key of path) {
    if (value?.type !== "ObjectExpression") return undefined;
    value = literalValue(value, key);
  }
  return value;
}

/** The initialiser of the `const` a name is bound to (`const x = init`), stripped. */
function constInit(ctx: Ctx, id: t.Identifier): Node | undefined {
  const b = ctx.scopes.binding(id, id.name);
  const n = b?.node;
  if (b?.kind !== "const" || n?.type !== "VariableDeclarator" || n.id.type !== "Identifier" || !n.init)
    return undefined;
  return strip(n.init as Node);
}

/** The value an object literal gives `key`, where the literal shows it (the last entry wins). */
function literalValue(obj: t.ObjectExpression, key: string): Node | undefined {
  let found: Node | undefined;
  for (const p of obj.properties) {
    if (p.type === "SpreadElement") found = undefined;
    else {
      const k = keyName(p as { key: Node; computed?: boolean });
      if (k === undefined) found = undefined;
      else if (k === key) found = p.type === "ObjectProperty" ? (p.value as Node) : undefined;
    }
  }
  return found;
}

/** An object pattern without the plain names that take a primitive the literal holds. */
function withoutPrimitives(ctx: Ctx, pattern: t.ObjectPattern, from: t.ObjectExpression): Node {
  const properties = pattern.properties.filter((p) => {
    if (p.type !== "ObjectProperty" || p.value.type !== "Identifier") return true;
    const k = keyName(p as { key: Node; computed?: boolean });
    const v = k === undefined ? undefined : literalValue(from, k);
    return !(v !== undefined && provenPrimitive(ctx, v));
  });
  return { ...pattern, properties } as Node;
}

function flatLiteral(ctx: Ctx, b: Binding): boolean {
  const init = b.node.type === "VariableDeclarator" && b.node.init ? strip(b.node.init) : undefined;
  return init !== undefined && primitiveMembers(ctx, init);
}

function short(ctx: Ctx, n: Node): string {
  const text = sourceOf(ctx, n).replace(/\s+/g, " ");
  return text.length > 48 ? `${text.slice(0, 45)}...` : text;
}

/** `configure()` for a named function or a function bound to a name; top-level code by name. */
function label(ctx: Ctx, fn: Node | undefined): string {
  return fn ? functionLabel(ctx, fn) : "this module's top-level code";
}

/**
 * The function a use is in, as its callers know it: the outermost one (`setup()`, not the
 * callback of its `forEach`, nor a function expression it names `apply`), a method by its class
 * (`Repo.add()`); top-level code by name. attack23 F8: SA315 said "when a function passes it" of
 * `[1].forEach(() => tune([CFG]))` in `setup()` (fixture diagnostics/sa315-names-holder).
 */
function holderLabel(ctx: Ctx, node: Node): string {
  let outer: Node | undefined;
  for (let f = ctx.tree.functionParent(node); f; f = ctx.tree.functionParent(f as Node)) outer = f as Node;
  return outer ? methodLabel(ctx, outer) : "this module's top-level code";
}

/** A finding about the object that holds the value, said of the value. */
function keptIn(holder: string, f: Finding): Finding {
  return {
    ...f,
    what:
      f.kind === "changed"
        ? `which is kept in \`${holder}\`, where ${f.what.replace(/^which /, "")}`
        : `is kept in \`${holder}\`, which ${f.what}`,
  };
}

/** A finding about the object a name is destructured from, said of the name. */
function takenFrom(holder: string, f: Finding): Finding {
  return {
    ...f,
    what:
      f.kind === "changed"
        ? `which is taken from \`${holder}\`, where ${f.what.replace(/^which /, "")}`
        : `is taken from \`${holder}\`, which ${f.what}`,
  };
}

/** The module-level binding of a function (its declaration, or the `const` it is bound to). */
function bindingOfFunction(ctx: Ctx, fn: t.Function): Binding | undefined {
  const top = ctx.scopes.program;
  if (fn.type === "FunctionDeclaration" && fn.id) {
    const b = top.bindings.get(fn.id.name);
    return b?.node === fn ? b : undefined;
  }
  const parent = ctx.tree.parent(fn as Node);
  if (parent?.type === "VariableDeclarator" && parent.id.type === "Identifier") {
    const b = top.bindings.get(parent.id.name);
    return b?.node === parent ? b : undefined;
  }
  return undefined;
}

/** Whether a module-level declaration is exported where it is declared (`export const x = …`). */
function exportedAtDeclaration(ctx: Ctx, b: Binding): boolean {
  let p = ctx.tree.parent(b.node);
  if (p?.type === "VariableDeclaration") p = ctx.tree.parent(p);
  return p?.type === "ExportNamedDeclaration" || p?.type === "ExportDefaultDeclaration";
}

/** `cur.m(…)`: a method called on the value itself (`p` is `cur`'s parent). */
function methodCallOn(ctx: Ctx, p: Node, cur: Node): boolean {
  if ((p.type !== "MemberExpression" && p.type !== "OptionalMemberExpression") || p.object !== cur)
    return false;
  const q = ctx.tree.parent(p);
  return (q?.type === "CallExpression" || q?.type === "OptionalCallExpression") && q.callee === p;
}

/**
 * The proof for one module: each binding once (a value held in another is proven with it).
 * `workers` are the functions that run in workers: what they return is SA306's business.
 */
class Prover {
  private readonly memo = new Map<string, Finding | null>();
  private readonly active = new Set<string>();

  constructor(
    private readonly ctx: Ctx,
    private readonly workers: ReadonlySet<Node>,
  ) {}

  /** The first use of `b`'s value (or, with `copy`, of what it holds) that is not proven a read. */
  binding(b: Binding, mode: "object" | "code", copy = false): Finding | undefined {
    const key = `${b.name}\0${b.node.start}\0${mode}\0${copy}`;
    const hit = this.memo.get(key);
    if (hit !== undefined) return hit ?? undefined;
    // A cycle (`a` held in `b`, `b` in `a`) adds nothing new.
    if (this.active.has(key)) return undefined;
    this.active.add(key);
    const found = this.uses(b, mode, copy);
    this.active.delete(key);
    this.memo.set(key, found ?? null);
    return found;
  }

  /** `o.m(…)` of a method of `o` that reaches `o` only by writes the walks see (writes.ts `selfFreeMethod`). */
  private selfFree(cur: Node, method: string): boolean {
    const o = strip(cur);
    const b = o.type === "Identifier" ? this.ctx.scopes.binding(o, o.name) : undefined;
    return b !== undefined && selfFreeMethod(this.ctx, o, b, method);
  }

  private uses(b: Binding, mode: "object" | "code", copy: boolean): Finding | undefined {
    const ctx = this.ctx;
    const top = b.scope === ctx.scopes.program;
    if (top && exportedAtDeclaration(ctx, b))
      return {
        kind: "unproven",
        what: "is exported, so importers the build does not see may change it",
        loc: locOf(ctx, b.node),
      };
    // A closed function that mentions the name is opened (the file is analysed again whole).
    ctx.tree.watched.add(b.name);
    return this.firstFinding(b, top, (n) => this.use(n, mode, { copy }));
  }

  /**
   * The first finding `use` makes of a reference to `b`, in the order the walk of its scope meets
   * them (closed functions entered with `open`), or undefined when each use is proven a read.
   */
  private firstFinding(
    b: Binding,
    open: boolean,
    use: (ref: t.Identifier) => Finding | undefined,
  ): Finding | undefined {
    const ctx = this.ctx;
    let found: Finding | undefined;
    ctx.tree.walk(
      b.scope.node,
      (n) => {
        if (found) return false;
        if (n.type !== "Identifier" || n.name !== b.name || !isReference(n, ctx.tree)) return undefined;
        if (ctx.scopes.binding(n, n.name) !== b) return undefined;
        found = use(n);
        return undefined;
      },
      open,
    );
    return found;
  }

  /**
   * Follows one use of the value from `start` up the tree until it is proven a read, or not: a
   * step at a time, each classified by arg-escape.ts `useOf` (the one rule for what a use does
   * with a value); this walk decides what the step means for a value every thread must share.
   * Its place: `rest` while it is a new container holding the value (`place.copy`), `depth` the
   * members walked since.
   */
  private use(start: Node, mode: "object" | "code", place: Place): Finding | undefined {
    const ctx = this.ctx;
    let cur = start;
    const state: UseState = { rest: place.copy, depth: 0 };
    /** The expression is a new container holding the value (not one of its members). */
    const copy = (): boolean => state.rest && state.depth === 0;
    const unproven = (node: Node, what: string): Finding => ({
      kind: "unproven",
      what,
      loc: locOf(ctx, node),
    });
    // Top-level code runs in every worker's import too: what it writes is the same there, unless
    // it is entry code behind an `isWorker` guard, which runs on the calling thread only. A write
    // to a new container's own members (`[x].length = 0`) changes nothing of the value's.
    const changed = (node: Node): Finding | undefined => {
      if (copy()) return undefined;
      const inside = ctx.tree.functionParent(node);
      if (!inside && !guarded(ctx, node)) return undefined;
      return {
        kind: "changed",
        what: `which ${inside ? holderLabel(ctx, node) : "entry code behind a worker guard"} changes (\`${short(ctx, node)}\`)`,
        loc: locOf(ctx, node),
      };
    };
    for (let guard = 0; guard < 64; guard++) {
      const p = ctx.tree.parent(cur);
      if (!p) return undefined;
      // A static method of a class or a function's own (`call`, `apply`): SA302 follows those.
      if (mode === "code" && cur === start && methodCallOn(ctx, p, cur)) return undefined;
      // `{ ...DEFAULTS }`: a copy of its members; nothing shared when they are primitives.
      if (
        p.type === "SpreadElement" &&
        cur === start &&
        start.type === "Identifier" &&
        /^(Object|Array)Expression$/.test(ctx.tree.parent(p)?.type ?? "") &&
        this.flat(start as t.Identifier)
      )
        return undefined;
      const u = useOf(ctx, cur, state);
      // A member the `const` literal holds a primitive in (`config.retries` of `const config =
      // { retries: 3 }`), used but not written: a copy of that primitive, which no other use
      // changes — a write to it is a use of its own, which this proof finds (r13c: SA309 on an
      // object nothing writes, `return config.retries` from an exported function).
      if (u.kind !== "read" && u.kind !== "may-write" && cur !== start) {
        const v = literalAt(ctx, start, cur);
        if (v !== undefined && provenPrimitive(ctx, v)) return undefined;
        // `TABLE[mode]`, `NAMES.length` of a literal of primitives: a primitive (or a built-in of
        // the prototype), whichever member it is (fixture diagnostics/sa315-accessor-function).
        const m = strip(cur);
        if (
          (m.type === "MemberExpression" || m.type === "OptionalMemberExpression") &&
          strip(m.object as Node) === start &&
          start.type === "Identifier" &&
          this.flat(start as t.Identifier)
        )
          return undefined;
      }
      switch (u.kind) {
        case "read":
          return undefined;
        case "derived": {
          const d = u.node;
          if (u.opaque) return this.opaque(cur, d as t.CallExpression | t.TaggedTemplateExpression, copy());
          // A typed array, `DataView` or `Buffer` over it: the value itself.
          if (u.view) {
            state.view = true;
            cur = d;
            continue;
          }
          if (arrayFromSource(ctx, d, cur)) {
            const cb = this.callbacks(d as t.CallExpression, 1);
            if (cb) return cb;
          }
          if (d.type.endsWith("MemberExpression") || u.member) state.depth++;
          else if ((d.type === "CallExpression" || d.type === "OptionalCallExpression") && d.callee === p) {
            // A method of the value itself: a reader (`cache.get(k)`, `list.map(f)`), a mutator of
            // a new container holding it (`[x].pop()`), or a promise's.
            const name = memberName(p) ?? "";
            // A promise's `then`/`catch`/`finally`: the callbacks get its value, not this object.
            if (!isReader(name) && !isMutator(name)) return undefined;
            const cb = SYNC_ARRAY_METHODS.has(name) ? this.callbacks(d as t.CallExpression) : undefined;
            if (cb) return cb;
            // What it gives back may be a member (`cache.get(k)`): followed as one.
            state.rest = false;
            state.depth = 0;
          } else if (
            d.type === "ArrayExpression" ||
            d.type === "ObjectExpression" ||
            d.type === "CallExpression" ||
            d.type === "OptionalCallExpression" ||
            d.type === "NewExpression"
          ) {
            // Held in a new container (`[x]`, `{ k: x }`, `new Set([x])`, `Array.from(x)`): its own
            // members are its business, its `c.k` is this value.
            state.rest = true;
            state.depth = 0;
          }
          // Parentheses, `await`, `a || b`, `c ? a : b`, `(a, b)`, a spread: the same value.
          cur = d;
          continue;
        }
        case "returned":
          return this.returned(u.fn, u.node, { copy: copy() });
        case "bind": {
          if (p.type === "ForOfStatement") {
            if (p.left.type !== "VariableDeclaration")
              return unproven(p, `has its elements assigned to \`${short(ctx, u.pattern)}\``);
            return this.bound(u.pattern, { copy: false });
          }
          // `const { retries } = config`: a name taking a primitive member of the literal holds a
          // copy of it (above); the pattern's other names are followed.
          const from = literalAt(ctx, start, cur);
          const pattern =
            from?.type === "ObjectExpression" && u.pattern.type === "ObjectPattern"
              ? withoutPrimitives(ctx, u.pattern, from)
              : u.pattern;
          const f = this.bound(pattern, { copy: u.pattern.type === "Identifier" && copy() });
          if (f) return f;
          // `a = b = x`, `(alias = x).k = 1`: the assignment's value is the value too.
          if (p.type !== "AssignmentExpression") return undefined;
          cur = p;
          continue;
        }
        case "stored":
          return this.stored(u.target, u.node, { copy: copy() });
        case "kept":
          return this.kept(cur, u.receiver, u.call, copy());
        case "exported":
          return unproven(u.node, "is exported, so importers the build does not see may change it");
        case "callee-param":
          return this.toFunction(ctx, u.fn, u.index, u.call, copy());
        case "may-write":
          // Handed to a built-in that may write or a callback the caller passed in.
          if (u.passed)
            return this.opaque(cur, u.node as t.CallExpression | t.TaggedTemplateExpression, copy());
          // `ops.id(t)` of a method that never names `this`, `super` or `ops`: it reads nothing
          // of `ops` it is not seen to (its writes are walked as writes).
          if (u.method !== undefined && this.selfFree(cur, u.method)) return undefined;
          if (u.method === undefined || isMutator(u.method)) return changed(u.node);
          return unproven(
            u.node,
            `has its method \`${u.method}\` called (\`${short(ctx, u.node)}\`), which the build cannot see into`,
          );
      }
    }
    return unproven(start, "is used where the build stops following it");
  }

  /**
   * What the getters, setters or Proxy handler of `b`'s value read (`accessors`): a module
   * `let`/`var`, or a module object not proven the same, is state each worker's import makes
   * anew, read on a plain member read the build does not follow (attack 18, F6).
   */
  accessorRead(b: Binding): Finding | undefined {
    const ctx = this.ctx;
    const init = b.node.type === "VariableDeclarator" && b.node.init ? (b.node.init as Node) : undefined;
    if (!init) return undefined;
    const top = ctx.scopes.program;
    for (const { fn, label: name } of accessors(ctx, init)) {
      let found: Finding | undefined;
      ctx.tree.walk(fn.body as Node, (n) => {
        if (found) return false;
        if (n.type !== "Identifier" || !isReference(n, ctx.tree)) return undefined;
        const rb = ctx.scopes.binding(n, n.name);
        if (!rb || rb === b || rb.scope !== top) return undefined;
        const kind = stateKind(ctx, rb);
        const m = /^(get|set) (.*)$/.exec(name);
        const reads = m
          ? `has a ${m[1]}ter \`${m[2]}\`, which a member ${m[1] === "get" ? "read" : "write"} runs and which reads`
          : `has a Proxy handler \`${name}\`, which a member read runs and which reads`;
        if (kind === "state")
          found = {
            kind: "unproven",
            what: `${reads} \`${rb.kind} ${rb.name}\` at ${locOf(ctx, n)}: module state each worker's import makes anew`,
            loc: locOf(ctx, fn as Node),
          };
        else if (kind === "object" || (kind === "value" && subject(ctx, rb, undefined) === "object")) {
          const f = this.binding(rb, "object");
          if (f)
            found = {
              kind: "unproven",
              what: `${reads} \`${rb.kind} ${rb.name}\` at ${locOf(ctx, n)}, which ${f.what.replace(/^which /, "")}`,
              loc: f.loc,
            };
        }
        return undefined;
      });
      if (found) return found;
    }
    return undefined;
  }

  /** `{ ...x }` of a module literal whose members are all primitives. */
  private flat(id: t.Identifier): boolean {
    const b = this.ctx.scopes.binding(id, id.name);
    return b !== undefined && flatLiteral(this.ctx, b);
  }

  /** Callbacks a reader method gives the value's elements to (`list.forEach((e) => e.n++)`). */
  private callbacks(call: t.CallExpression, from = 0): Finding | undefined {
    const ctx = this.ctx;
    for (const a of call.arguments.slice(from)) {
      const target = callbackTarget(ctx, a as Node);
      if (target === undefined || target === "pure") continue;
      if (target === "unknown")
        return {
          kind: "unproven",
          what: `has its elements passed to \`${short(ctx, a as Node)}\` (\`${short(ctx, call)}\`), which the build cannot see into`,
          loc: locOf(ctx, call),
        };
      const fn = target.fn;
      if (fn.params.length === 0) continue;
      const w = paramWrites(ctx, fn).get(0);
      if (w)
        return {
          kind: "changed",
          what: `whose elements ${holderLabel(ctx, call as Node)} changes (\`${w.text}\`)`,
          loc: w.loc,
        };
      const e = argumentEscapes(ctx, fn).get(0);
      if (e)
        return {
          kind: "unproven",
          what: `has its elements handed on: the callback ${e.may ?? "writes to them"} (\`${e.text}\`)`,
          loc: e.loc,
        };
    }
    return undefined;
  }

  /** A value stored by `target = value`: in a name (its uses are the value's), or in an object. */
  private stored(target: Node, at: Node, place: Place): Finding | undefined {
    const ctx = this.ctx;
    const t0 = strip(target);
    if (t0.type === "Identifier") return this.bound(t0, place);
    if (!t0.type.endsWith("MemberExpression")) return this.bound(t0, { copy: false });
    let root = strip((t0 as t.MemberExpression).object);
    while (root.type.endsWith("MemberExpression")) root = strip((root as t.MemberExpression).object);
    if (isExportsObject(strip((t0 as t.MemberExpression).object)) || isExportsObject(root))
      return {
        kind: "unproven",
        what: "is exported, so importers the build does not see may change it",
        loc: locOf(ctx, at),
      };
    if (root.type === "Identifier") {
      const b = ctx.scopes.binding(root, root.name);
      if (!b && GLOBAL_OBJECTS.has(root.name))
        return {
          kind: "unproven",
          what: `is assigned to the global \`${short(ctx, t0)}\`, which any code of this thread may change`,
          loc: locOf(ctx, at),
        };
      // Kept in another object of this module or of a function (`registry[k] = x`): proven with it.
      if (b && (b.kind === "const" || b.kind === "local" || b.kind === "let" || b.kind === "var")) {
        const holder = this.binding(b, "object", true);
        return holder && keptIn(root.name, holder);
      }
    }
    return {
      kind: "unproven",
      what: `is stored in \`${short(ctx, t0)}\`, where the build cannot follow it`,
      loc: locOf(ctx, at),
    };
  }

  /** A value bound to a name or a pattern (`const a = x`, `const { k } = x`): the names' uses are its. */
  private bound(pattern: Node, place: Place): Finding | undefined {
    const ctx = this.ctx;
    for (const id of patternNames(pattern)) {
      const b = ctx.scopes.binding(id, id.name);
      if (!b) continue;
      const f = this.walkBinding(b, place);
      if (f) return f;
    }
    return undefined;
  }

  /** Every use of a name bound to (part of) the value, at that depth. */
  private walkBinding(b: Binding, place: Place): Finding | undefined {
    const ctx = this.ctx;
    if (b.scope === ctx.scopes.program && !place.copy) return this.binding(b, "object");
    if (b.scope === ctx.scopes.program) ctx.tree.watched.add(b.name);
    return this.firstFinding(b, b.scope === ctx.scopes.program, (n) => this.use(n, "object", place));
  }

  /**
   * The value (`arg`, or a new container holding it with `copy`) passed to a function the build
   * reads (of this module, or `other`'s): a write there is a change, a use it cannot prove a read
   * is not proven; what the function gives back may be the value (`pick(cache)` returning `cache`).
   */
  private toFunction(
    other: Ctx,
    fn: t.Function,
    index: number,
    call: Node,
    copy: boolean,
  ): Finding | undefined {
    const ctx = this.ctx;
    // A tag is called with the substitutions (`` tag`${x}` ``: arg-escape.ts `argumentSite`).
    const callee = strip(
      (call.type === "TaggedTemplateExpression" ? call.tag : (call as t.CallExpression).callee) as Node,
    );
    const shown = `\`${short(ctx, call)}\``;
    const changes = (w: Write): string =>
      `which \`${short(ctx, callee)}\` changes when ${holderLabel(ctx, call)} passes it (${shown}; \`${w.text}\` at ${w.loc})`;
    if (other === ctx) {
      const w = paramWrites(ctx, fn).get(index);
      // A write to a new container holding the value may reach the value: not proven either way.
      if (w && copy)
        return {
          kind: "unproven",
          what: `is passed, held in a new container, to ${shown}, which writes to it (\`${w.text}\` at ${w.loc})`,
          loc: locOf(ctx, call),
        };
      if (w) return { kind: "changed", what: changes(w), loc: locOf(ctx, call) };
      const e = argumentEscapes(ctx, fn).get(index);
      if (e)
        return {
          kind: "unproven",
          what: `is passed to ${shown}, which ${e.may ?? "writes to it"} (\`${e.text}\` at ${e.loc})`,
          loc: locOf(ctx, call),
        };
    } else {
      const w = paramWrites(other, fn).get(index) ?? argumentEscapes(other, fn).get(index);
      // Not proven (SA315) is said as "`x`, which is passed …": a write seen through a new
      // container is said as one, not in the words of a change (attack23 F8: "which which").
      if (w)
        return {
          kind: w.may === undefined && !copy ? "changed" : "unproven",
          what:
            w.may === undefined && !copy
              ? changes(w)
              : w.may === undefined
                ? `is passed, held in a new container, to ${shown} by ${holderLabel(ctx, call)}, which writes to it (\`${w.text}\` at ${w.loc})`
                : `is passed to ${shown} by ${holderLabel(ctx, call)}, which ${w.may} (\`${w.text}\` at ${w.loc})`,
          loc: locOf(ctx, call),
        };
    }
    if (returnsArgument(other, fn, index)) return this.use(call, "object", { copy });
    return undefined;
  }

  /** The value handed to a mutator of another object (`registry.push(x)`): proven with that object. */
  private kept(arg: Node, receiver: Node, call: t.CallExpression, copy: boolean): Finding | undefined {
    const ctx = this.ctx;
    const r = strip(receiver);
    const b = r.type === "Identifier" ? ctx.scopes.binding(r, r.name) : undefined;
    if (r.type === "Identifier" && b && b.kind !== "module" && b.kind !== "param") {
      const holder = this.binding(b, "object", true);
      return holder && keptIn(r.name, holder);
    }
    return this.opaque(arg, call, copy);
  }

  /**
   * The value (`arg`, or what holds it) passed to a call the build does not follow: a function
   * imported from a module of the program it reads is proven as one of this module's; anything
   * else may keep it and change it later.
   */
  private opaque(
    arg: Node,
    call: t.CallExpression | t.TaggedTemplateExpression,
    copy: boolean,
  ): Finding | undefined {
    const ctx = this.ctx;
    // `` tag`${x}` `` (arg-escape.ts `argumentSite`): `x` is the tag's argument 1 + its place.
    const tagged = call.type === "TaggedTemplateExpression";
    const callee = strip((tagged ? call.tag : call.callee) as Node);
    const index = tagged
      ? call.quasi.expressions.indexOf(arg as t.Expression) + 1
      : call.arguments.indexOf(arg as t.Expression);
    const imported = callee.type === "Identifier" ? importedFunction(ctx, callee) : undefined;
    if (imported && index >= 0 && arg.type !== "SpreadElement")
      return this.toFunction(imported.other, imported.fn, index, call, copy);
    const b = callee.type === "Identifier" ? ctx.scopes.binding(callee, callee.name) : undefined;
    const whose = callee.type.endsWith("MemberExpression")
      ? "a method of another object the build cannot see into"
      : b?.kind === "param"
        ? "a callback the build cannot see into"
        : b && isImportBinding(ctx, b)
          ? "an import the build does not read"
          : "code the build cannot see into";
    return {
      kind: "unproven",
      what: `is passed to \`${short(ctx, call)}\`, ${whose}, which may keep it and change it later`,
      loc: locOf(ctx, call),
    };
  }

  /** A value a function returns: its callers get it. */
  private returned(fn: t.Function | undefined, at: Node, place: Place): Finding | undefined {
    const ctx = this.ctx;
    if (!fn) return undefined;
    // A worker function's result crosses as a copy: SA306 names a module object returned there.
    if (this.workers.has(fn as Node)) return undefined;
    const b = bindingOfFunction(ctx, fn);
    if (!b || b.violations.length)
      return {
        kind: "unproven",
        what: `is returned by ${label(ctx, fn)}, whose callers the build cannot follow`,
        loc: locOf(ctx, at),
      };
    // Its callers' uses of the result are the value's; any other use passes the function on.
    if (exportedAtDeclaration(ctx, b))
      return {
        kind: "unproven",
        what: `is returned by \`${b.name}()\`, which this module exports: importers the build does not see get the object itself`,
        loc: locOf(ctx, at),
      };
    ctx.tree.watched.add(b.name);
    let found: Finding | undefined;
    ctx.tree.walk(
      ctx.program as Node,
      (n) => {
        if (found) return false;
        if (n.type !== "Identifier" || n.name !== b.name || !isReference(n, ctx.tree)) return undefined;
        if (ctx.scopes.binding(n, n.name) !== b) return undefined;
        const p = ctx.tree.parent(n);
        if ((p?.type === "CallExpression" || p?.type === "OptionalCallExpression") && p.callee === n)
          found = this.use(p, "object", place);
        else if (p?.type === "ExportSpecifier" || (p && isExportsObject(p)))
          found = {
            kind: "unproven",
            what: `is returned by \`${b.name}()\`, which this module exports: importers the build does not see get the object itself`,
            loc: locOf(ctx, at),
          };
        else
          found = {
            kind: "unproven",
            what: `is returned by \`${b.name}()\`, which is passed on (\`${short(ctx, p ?? n)}\`), so the build cannot follow its callers`,
            loc: locOf(ctx, at),
          };
        return undefined;
      },
      true,
    );
    return found;
  }
}

/** What a module binding is, for this proof: nothing to prove, a value to follow, or code whose members are read. */
function subject(ctx: Ctx, b: Binding, read: WorkerRead | undefined): "object" | "code" | undefined {
  const kind = stateKind(ctx, b);
  if (kind === "object") return "object";
  if (kind === "code") {
    // A class or function declaration: only where the worker reads one of its own properties
    // (`Settings.rate`), which code the build cannot see may set.
    if (!read) return undefined;
    const p = ctx.tree.parent(read.ref);
    const q = p && ctx.tree.parent(p);
    const member =
      (p?.type === "MemberExpression" || p?.type === "OptionalMemberExpression") && p.object === read.ref;
    const called =
      member && (q?.type === "CallExpression" || q?.type === "OptionalCallExpression") && q.callee === p;
    const declared =
      b.node.type === "FunctionDeclaration" ||
      b.node.type === "ClassDeclaration" ||
      (b.node.type === "VariableDeclarator" &&
        b.node.init != null &&
        strip(b.node.init).type === "ClassExpression");
    return member && !called && declared ? "code" : undefined;
  }
  if ((kind !== "value" && kind !== "handle") || b.kind !== "const" || b.node.type !== "VariableDeclarator")
    return undefined;
  if (b.node.id.type !== "Identifier" || !b.node.init) return undefined;
  if (provenPrimitive(ctx, b.node.init as Node)) return undefined;
  // A regular expression keeps state only in `lastIndex`, which only a global or sticky one uses.
  const init = strip(b.node.init as Node);
  if (init.type === "RegExpLiteral") return /[gy]/.test(init.flags) ? "object" : undefined;
  // What a package or Node made (through a function of the module: `openDatabase(path)` returning
  // `new Database(path)`) is a handle, left to SA302's rule for handles and to SA316
  // (`handleCalls`; docs/semantics.md).
  if (madeByLibrary(ctx, b.node.init as Node)) return undefined;
  // `Object.freeze({ retries: 3 })`: nothing anywhere can change it.
  const frozen = frozenLiteral(ctx, b.node.init as Node);
  if (frozen?.flat) return undefined;
  // TypeScript says it is a primitive (`const port: number = …`).
  const ann = (b.node.id as { typeAnnotation?: { typeAnnotation?: { type: string } } }).typeAnnotation
    ?.typeAnnotation;
  if (ann && /^TS(String|Number|Boolean|BigInt)Keyword$|^TSLiteralType$/.test(ann.type)) return undefined;
  return "object";
}

/**
 * A module-level `const` holding an object the module made (not a primitive, not a frozen literal
 * of primitives, not a package's handle): what returned-state.ts counts as state a function of
 * the module may hand its callers.
 */
export function moduleObject(ctx: Ctx, b: Binding): boolean {
  return subject(ctx, b, undefined) === "object";
}

/**
 * Whether a binding is a handle, once per binding: `handleCalls` asks it of every name a call of
 * the module uses, and `madeByLibrary` may read a function's body to answer.
 */
const handleMemo = new WeakMap<Binding, boolean>();

/** `const db = new Database(file)`, `const db = openDatabase(path)`: a module `const` a package or Node made. */
function isHandle(ctx: Ctx, b: Binding): boolean {
  const known = handleMemo.get(b);
  if (known !== undefined) return known;
  const n = b.node;
  const handle =
    b.kind === "const" &&
    n.type === "VariableDeclarator" &&
    n.id.type === "Identifier" &&
    n.init != null &&
    madeByLibrary(ctx, n.init as Node);
  handleMemo.set(b, handle);
  return handle;
}

/**
 * The handle a module `const` alias names (`const conn = db` names `db`'s), or the binding itself:
 * one handle, whichever of its names code uses.
 */
function rootHandle(ctx: Ctx, b: Binding): Binding {
  for (let depth = 0; depth < 4; depth++) {
    const n = b.node;
    const init = n.type === "VariableDeclarator" && n.init ? strip(n.init as Node) : undefined;
    if (init?.type !== "Identifier") return b;
    const next = ctx.scopes.binding(init, init.name);
    if (!next || next.scope !== ctx.scopes.program || !isHandle(ctx, next)) return b;
    b = next;
  }
  return b;
}

/**
 * A module-level binding that holds a part of a handle (attack21 F3): what a call of one of the
 * handle's methods made (`const ins = db.prepare(…)`, `const insMany = db.transaction(fn)`), and
 * so on from there (`ins.bind(…)`, `ins.run.bind(ins)`, `const { run } = ins`), an object or
 * array holding one (`const stmts = { ins: db.prepare(…) }`, `registry.set("ins", …)`,
 * `stmts.ins = …` in a function), a `let` any write of which gives one. `made`: the expression
 * that made it, for the message.
 */
interface Part {
  h: Binding;
  made: Node;
}

/** What an expression is of a handle: the handle itself (`db`, `db.pool`, `conn()` returning `db`) or a part made from it. */
interface OfHandle {
  kind: "handle" | "part";
  h: Binding;
  /**
   * What holds the part it was reached through, for the message: a module binding (`ins`) or a
   * member instances of a class of the module hold (`this.ins` of `Repo`), and what made it.
   */
  via?: { name: string; made: Node };
}

/**
 * A member instances of a class of the module hold (attack21 F3, r11a's note): `this.ins =
 * db.prepare(…)` in the class's constructor or a method, or a field `ins = db.prepare(…)` — also
 * `this.db = db`, the handle itself (`kind`). `this.ins` in the class, and `repo.ins` of an
 * instance (`const repo = new Repo(db)`), are that part.
 */
interface MemberPart {
  kind: "handle" | "part";
  h: Binding;
  made: Node;
}

/** The module's parts of its handles (`handleParts`). */
interface HandleParts {
  /** Module-level bindings holding a part. */
  bindings: Map<Binding, Part>;
  /** By class of the module, its instance members holding the handle or a part, by name. */
  members: Map<t.Class, Map<string, MemberPart>>;
  /** The `new C(…)` of each class of the module: what its constructor's parameters may be. */
  built: Map<t.Class, t.NewExpression[]>;
  /** Module bindings a member of which code assigns (`box.label = …`): no member of theirs is data. */
  assigned: Set<Binding>;
}

/**
 * The rule for "made from a handle", general rather than a list of one package's methods: an
 * object a call of a method of the handle gives is a part of the handle, unless the method is a
 * known reader (`get`, `values` …: it gives data read out); so is what any method of a part gives
 * (a reader of a part may give a part it holds); what calling the handle or a part gives is a
 * part (`knex("t")`); a member of a part is a part, a member of the handle is taken for the handle
 * (`db.pool.query(…)` is asked as a method of it is); an object or array literal holding one is a
 * part; a function of the module gives what its `return`s give. Local `const` names are followed
 * to their value; other local names are not.
 */
function ofHandle(ctx: Ctx, expr: Node, parts: HandleParts, depth = 0): OfHandle | undefined {
  const e = strip(expr);
  if (depth > 8) return undefined;
  const part = (o: OfHandle | undefined): OfHandle | undefined => o && { kind: "part", h: o.h, via: o.via };
  switch (e.type) {
    case "Identifier": {
      const b = ctx.scopes.binding(e, e.name);
      if (!b) return undefined;
      if (b.scope === ctx.scopes.program) {
        if (isHandle(ctx, b)) return { kind: "handle", h: rootHandle(ctx, b) };
        const p = parts.bindings.get(b);
        return p && { kind: "part", h: p.h, via: { name: b.name, made: p.made } };
      }
      // `const s = ins`, `const { run } = ins` in a function: the value it names.
      const n = b.node;
      if (b.kind === "const" && n.type === "VariableDeclarator" && n.init)
        return ofHandle(ctx, n.init as Node, parts, depth + 1);
      // `constructor(db) { this.ins = db.prepare(…) }`: what a `new` of the class hands it.
      if (b.kind === "param") return constructorArgument(ctx, b, parts, depth);
      return undefined;
    }
    case "MemberExpression":
    case "OptionalMemberExpression": {
      // `this.ins`, `repo.ins` of an instance of a class of the module: that member, exactly.
      const m = instanceMember(ctx, e, parts);
      if (m !== undefined) return m ?? undefined;
      // `stmts.label` of `const stmts = { ins: db.prepare(…), label: "six" }`: data, not a part.
      if (literalMember(ctx, e, parts) === null) return undefined;
      return ofHandle(ctx, e.object, parts, depth + 1);
    }
    case "NewExpression": {
      // `new Repo(db)` whose instances hold a part (`this.ins = db.prepare(…)`): the instance
      // holds it, as an object literal holding one does.
      const held = classChain(ctx, e.callee as Node)
        .flatMap((cls) => [...(parts.members.get(cls)?.values() ?? [])])
        .at(0);
      return held && { kind: "part", h: held.h };
    }
    case "ThisExpression": {
      // `rows.forEach(function (r) { this.run(r) }, ins)`: what the call gives `this`.
      const given = thisGiven(ctx, e);
      return given && ofHandle(ctx, given, parts, depth + 1);
    }
    case "CallExpression":
    case "OptionalCallExpression": {
      const callee = calledFunction(ctx, e);
      if (callee.type === "MemberExpression" || callee.type === "OptionalMemberExpression") {
        const o = ofHandle(ctx, callee.object, parts, depth + 1);
        if (o) {
          // A known reader of the handle gives data read out (`db.get(…)`); what a method of a part
          // gives is taken for a part whatever its name: `registry.get("ins")` of a Map of
          // statements is a statement.
          const name = memberName(callee);
          return o.kind === "handle" && name !== undefined && isReader(name) ? undefined : part(o);
        }
      }
      const c = ofHandle(ctx, callee, parts, depth + 1);
      if (c) return part(c);
      // `conn()` returning `db`, `makeStatements()` returning `{ ins: db.prepare(…) }`.
      if (callee.type !== "Identifier") return undefined;
      const b = ctx.scopes.binding(callee, callee.name);
      const fn =
        b && b.scope === ctx.scopes.program && !isImportBinding(ctx, b) ? functionOfBinding(b) : undefined;
      // A closed function that returns one names the handle or a part, whose names are watched
      // (`handleParts`): the file is then analysed again whole.
      if (!fn || ctx.tree.isClosed(fn)) return undefined;
      if (fn.body.type !== "BlockStatement") return ofHandle(ctx, fn.body as Node, parts, depth + 1);
      let found: OfHandle | undefined;
      ctx.tree.walk(fn.body as Node, (n) => {
        if (found || isFunction(n)) return false;
        if (n.type === "ReturnStatement" && n.argument)
          found = ofHandle(ctx, n.argument as Node, parts, depth + 1);
        return undefined;
      });
      return found;
    }
    case "ObjectExpression":
      for (const p of e.properties) {
        const v =
          p.type === "SpreadElement"
            ? p.argument
            : p.type === "ObjectProperty"
              ? (p.value as Node)
              : undefined;
        const o = v && !isFunction(strip(v as Node)) ? ofHandle(ctx, v as Node, parts, depth + 1) : undefined;
        if (o) return part(o);
      }
      return undefined;
    case "ArrayExpression":
      for (const el of e.elements) {
        const v = el?.type === "SpreadElement" ? el.argument : el;
        const o = v ? ofHandle(ctx, v as Node, parts, depth + 1) : undefined;
        if (o) return part(o);
      }
      return undefined;
    case "ConditionalExpression":
      return ofHandle(ctx, e.consequent, parts, depth + 1) ?? ofHandle(ctx, e.alternate, parts, depth + 1);
    case "LogicalExpression":
      return ofHandle(ctx, e.left, parts, depth + 1) ?? ofHandle(ctx, e.right, parts, depth + 1);
    case "SequenceExpression":
      return ofHandle(ctx, e.expressions[e.expressions.length - 1] as Node, parts, depth + 1);
    case "AssignmentExpression":
      return ofHandle(ctx, e.right, parts, depth + 1);
    default:
      return undefined;
  }
}

/**
 * The function a call runs, as if called directly (attack23 F5): `db.prepare.call(db, sql)`,
 * `db.prepare.apply(db, [sql])` and `Reflect.apply(db.prepare, db, [sql])` run `db.prepare` —
 * on its own object as written; a statement prepared through them is one. Else the callee.
 */
export function calledFunction(ctx: Ctx, call: t.CallExpression | t.OptionalCallExpression): Node {
  const callee = strip(call.callee as Node);
  if (callee.type !== "MemberExpression" && callee.type !== "OptionalMemberExpression") return callee;
  const name = memberName(callee);
  const o = strip(callee.object as Node);
  const first = call.arguments[0];
  if (o.type === "Identifier" && o.name === "Reflect" && !ctx.scopes.binding(o, o.name))
    return name === "apply" && first && first.type !== "SpreadElement" ? strip(first as Node) : callee;
  if (name === "call" || name === "apply") return o;
  return callee;
}

/** Array methods that call their callback with `this` set to their second argument. */
const THIS_ARG = new Set([
  "forEach",
  "map",
  "filter",
  "some",
  "every",
  "find",
  "findIndex",
  "findLast",
  "findLastIndex",
  "flatMap",
]);

/**
 * What a call gives `this` of the function `this` is in (attack23 F5): the `thisArg` of an array
 * method (`rows.map(function (r) { return this.get(r) }, stmt)`) or of `Array.from(xs, fn,
 * stmt)`, the first argument of `fn.call(stmt, …)`, `fn.apply(stmt, …)`, `fn.bind(stmt)`.
 * Undefined elsewhere (a method's `this` is its instance: `instanceMember`).
 */
function thisGiven(ctx: Ctx, self: Node): Node | undefined {
  let f: Node | undefined = ctx.tree.functionParent(self) as Node | undefined;
  while (f?.type === "ArrowFunctionExpression") f = ctx.tree.functionParent(f) as Node | undefined;
  if (f?.type !== "FunctionExpression") return undefined;
  const arg = (x: Node | undefined): Node | undefined =>
    x && x.type !== "SpreadElement" ? strip(x) : undefined;
  const at: Node = f;
  const p = ctx.tree.parent(at);
  if (!p) return undefined;
  // `fn.call(stmt, …)`, `(function () { … }).bind(stmt)`.
  if ((p.type === "MemberExpression" || p.type === "OptionalMemberExpression") && p.object === at) {
    const q = ctx.tree.parent(p);
    const name = memberName(p);
    if ((q?.type === "CallExpression" || q?.type === "OptionalCallExpression") && q.callee === p)
      return name === "call" || name === "apply" || name === "bind" ? arg(q.arguments[0] as Node) : undefined;
    return undefined;
  }
  if (p.type !== "CallExpression" && p.type !== "OptionalCallExpression") return undefined;
  const index = p.arguments.indexOf(at as t.Expression);
  const callee = strip(p.callee as Node);
  if (!callee.type.endsWith("MemberExpression")) return undefined;
  const name = memberName(callee);
  const o = strip((callee as t.MemberExpression).object);
  if (o.type === "Identifier" && o.name === "Array" && !ctx.scopes.binding(o, o.name))
    return name === "from" && index === 1 ? arg(p.arguments[2] as Node) : undefined;
  return name !== undefined && THIS_ARG.has(name) && index === 0 ? arg(p.arguments[1] as Node) : undefined;
}

/**
 * The classes of the module `callee` (of a `new`) stands for, each with the classes of the module
 * it extends: the instance has the members of all of them. Empty when the file does not show it.
 */
function classChain(ctx: Ctx, callee: Node | t.Class): t.Class[] {
  const out: t.Class[] = [];
  const add = (cs: t.Class[] | undefined): void => {
    for (const c of cs ?? []) {
      if (out.includes(c) || out.length > 8) continue;
      out.push(c);
      if (c.superClass) add(shownClasses(ctx, c.superClass as Node));
    }
  };
  add(callee.type === "ClassDeclaration" ? [callee as t.Class] : shownClasses(ctx, callee as Node));
  return out;
}

/**
 * The classes an object is an instance of where the file shows it: `this` in a method, the
 * constructor or an instance field of a class (through arrows, which keep it), and a `const`
 * bound to `new C(…)`. Undefined otherwise; with each class, the classes it extends.
 */
function instanceClasses(ctx: Ctx, object: Node): t.Class[] | undefined {
  const o = strip(object);
  if (o.type === "ThisExpression") {
    for (let p = ctx.tree.parent(o); p; p = ctx.tree.parent(p)) {
      if (p.type === "ArrowFunctionExpression") continue;
      const member =
        p.type === "ClassMethod" ||
        p.type === "ClassPrivateMethod" ||
        p.type === "ClassProperty" ||
        p.type === "ClassPrivateProperty";
      if (member) {
        if ((p as { static?: boolean }).static) return undefined;
        const cls = ctx.tree.parent(ctx.tree.parent(p) as Node) as t.Class | undefined;
        return cls ? classChain(ctx, cls.type === "ClassExpression" ? (cls as Node) : cls) : undefined;
      }
      if (isFunction(p) || p.type === "StaticBlock") return undefined;
    }
    return undefined;
  }
  if (o.type !== "Identifier") return undefined;
  const b = ctx.scopes.binding(o, o.name);
  const init = b?.kind === "const" && b.node.type === "VariableDeclarator" && b.node.init;
  const made = init ? strip(init as Node) : undefined;
  if (made?.type !== "NewExpression") return undefined;
  const chain = classChain(ctx, made.callee as Node);
  return chain.length ? chain : undefined;
}

/**
 * A member of an instance of a class of the module (`this.ins`, `repo.ins`): the handle or part
 * the class keeps under that name, `null` when it keeps none there (`repo.label`), undefined when
 * the object is not such an instance, or is a module binding made a part some other way
 * (`repo.extra = db.prepare(…)`), or the key is not spelt (`this[k]`): asked of the object then.
 */
function instanceMember(
  ctx: Ctx,
  e: t.MemberExpression | t.OptionalMemberExpression,
  parts: HandleParts,
): OfHandle | null | undefined {
  const classes = instanceClasses(ctx, e.object as Node);
  const name =
    memberName(e as Node) ?? (e.property.type === "PrivateName" ? `#${e.property.id.name}` : undefined);
  if (!classes || name === undefined) return undefined;
  const o = strip(e.object as Node);
  if (o.type === "Identifier") {
    const b = ctx.scopes.binding(o, o.name);
    const p = b && parts.bindings.get(b);
    const init =
      b?.node.type === "VariableDeclarator" && b.node.init ? strip(b.node.init as Node) : undefined;
    if ((p && p.made !== init) || (b && parts.assigned.has(b))) return undefined;
  }
  for (const cls of classes) {
    const m = parts.members.get(cls)?.get(name);
    if (m)
      return {
        kind: m.kind,
        h: m.h,
        via: { name: `this.${name}\` of \`${className(cls)}`, made: m.made },
      };
  }
  return null;
}

/**
 * A member of a module `const` bound to an object literal that is a part only for what it holds
 * (`const stmts = { ins: db.prepare(…), label: "six" }`): `null` when the literal's property of
 * that name holds neither the handle nor a part (`stmts.label`); undefined otherwise (a part
 * member, a key the literal does not spell, a spread, a literal code fills in later:
 * `stmts.extra = …` makes it a part some other way), which is asked of the object as a whole.
 */
function literalMember(
  ctx: Ctx,
  e: t.MemberExpression | t.OptionalMemberExpression,
  parts: HandleParts,
): null | undefined {
  const o = strip(e.object as Node);
  const name = memberName(e as Node);
  if (o.type !== "Identifier" || name === undefined) return undefined;
  const b = ctx.scopes.binding(o, o.name);
  const init =
    b?.kind === "const" && b.node.type === "VariableDeclarator" && b.node.init
      ? strip(b.node.init as Node)
      : undefined;
  if (init?.type !== "ObjectExpression" || parts.bindings.get(b!)?.made !== init || parts.assigned.has(b!))
    return undefined;
  let value: Node | undefined;
  for (const p of init.properties as Node[]) {
    if (p.type !== "ObjectProperty" || p.computed) return undefined;
    const key = p.key as Node;
    const k = key.type === "Identifier" ? key.name : key.type === "StringLiteral" ? key.value : undefined;
    if (k === name) value = p.value as Node;
  }
  return value !== undefined && !ofHandle(ctx, value, parts) ? null : undefined;
}

/**
 * Whether a worker function reads the handle through a module binding holding a part: any use of
 * it in the function or the functions of its module it calls (`reached`) but a read of a member
 * proven to hold data, not a part (`stmts.label`, `repo.label`: r11a's note — a worker reading
 * the label of an object that also holds a statement does not read the database).
 */
function readsPart(ctx: Ctx, b: Binding, reached: ReadonlySet<Node>, parts: HandleParts): boolean {
  for (const fn of reached) {
    if (ctx.tree.isClosed(fn)) return true;
    let reads = false;
    ctx.tree.walk(fn, (n) => {
      if (reads) return false;
      if (n.type !== "Identifier" || n.name !== b.name || !isReference(n, ctx.tree)) return undefined;
      if (ctx.scopes.binding(n, n.name) !== b) return undefined;
      const p = ctx.tree.parent(n);
      const member =
        (p?.type === "MemberExpression" || p?.type === "OptionalMemberExpression") && p.object === n
          ? (p as t.MemberExpression)
          : undefined;
      const data =
        member !== undefined &&
        !isWritten(ctx, member) &&
        (instanceMember(ctx, member, parts) === null || literalMember(ctx, member, parts) === null);
      if (!data) reads = true;
      return undefined;
    });
    if (reads) return true;
  }
  return false;
}

/** Whether a member expression is written (`o.x = …`, `o.x++`, a destructuring target). */
function isWritten(ctx: Ctx, member: Node): boolean {
  const p = ctx.tree.parent(member);
  return (
    (p?.type === "AssignmentExpression" && p.left === member) ||
    p?.type === "UpdateExpression" ||
    (p?.type === "ObjectProperty" && ctx.tree.parent(p)?.type === "ObjectPattern") ||
    p?.type === "ArrayPattern" ||
    p?.type === "RestElement"
  );
}

/** A class's name for a message (`Repo`), or `a class`. */
function className(cls: t.Class): string {
  return cls.id?.name ?? "a class";
}

/**
 * A parameter of a class's constructor (`constructor(db)`): what a `new` of the class in the
 * module hands it there (`new Repo(db)`), the first that is the handle or a part. Other
 * parameters (a method's, a function's) are not followed.
 */
function constructorArgument(ctx: Ctx, b: Binding, parts: HandleParts, depth: number): OfHandle | undefined {
  const ctor = b.scope.node;
  if (b.node.type !== "Identifier" || ctor.type !== "ClassMethod" || ctor.kind !== "constructor")
    return undefined;
  const at = ctor.params.indexOf(b.node as t.Identifier);
  const cls = ctx.tree.parent(ctx.tree.parent(ctor) as Node) as t.Class | undefined;
  if (at < 0 || !cls) return undefined;
  for (const made of parts.built.get(cls) ?? []) {
    const args = made.arguments as Node[];
    if (args.slice(0, at + 1).some((a) => a.type === "SpreadElement")) continue;
    const o = args[at] ? ofHandle(ctx, args[at], parts, depth + 1) : undefined;
    if (o) return o;
  }
  return undefined;
}

const partsMemo = new WeakMap<Ctx, HandleParts>();

/**
 * The module-level bindings holding a part of a handle (`Part`), by binding: their declarations,
 * the writes of a `let`, and the objects of the module code puts one into (`stmts.ins = …`,
 * `registry.set("ins", …)`); the members instances of a class of the module hold (`this.ins =
 * db.prepare(…)` in its constructor or a method, a field `ins = …`; a constructor's parameter is
 * what a `new` of the class hands it), and the instances (`const repo = new Repo(db)`); to a
 * fixed point (`const run = ins.run.bind(ins)` after `ins`).
 * Closed functions are not entered: each spelling names the handle or a part, and those names are
 * watched (`handleCalls`), so a closed function holding one sends the file to a whole analysis —
 * so are the names of the members holding one (`ins`: a closed method's `this.ins.run(k)`); a
 * constructor a `new` hands arguments to is walked whole (a closed one sends the file there too).
 */
function handleParts(ctx: Ctx): HandleParts {
  const memo = partsMemo.get(ctx);
  if (memo) return memo;
  const parts: HandleParts = {
    bindings: new Map(),
    members: new Map(),
    built: new Map(),
    assigned: new Set(),
  };
  partsMemo.set(ctx, parts);
  const top = ctx.scopes.program;
  // No handle, no part. Each handle's name (and the functions returning it) is watched: a part
  // made in a closed function names it.
  let handles = 0;
  for (const b of top.bindings.values())
    if (isHandle(ctx, b)) {
      watchState(ctx, b);
      handles++;
    }
  if (!handles) return parts;
  const holder = (n: Node): Binding | undefined => {
    let cur = strip(n);
    while (cur.type === "MemberExpression" || cur.type === "OptionalMemberExpression")
      cur = strip(cur.object);
    if (cur.type !== "Identifier") return undefined;
    const b = ctx.scopes.binding(cur, cur.name);
    return b && b.scope === top ? b : undefined;
  };
  // The classes of the module and the `new`s of each. A class body the parse skipped (SWC) is
  // read only where a `new` hands the class arguments (reading it sends the file to a whole
  // analysis); one naming the handle or a part is found by its watched names.
  const classes: t.Class[] = [];
  ctx.tree.walk(
    ctx.program as Node,
    (n) => {
      if (n.type === "ClassDeclaration" || n.type === "ClassExpression") classes.push(n as t.Class);
      if (n.type === "NewExpression")
        for (const cls of shownClasses(ctx, n.callee as Node) ?? [])
          parts.built.set(cls, [...(parts.built.get(cls) ?? []), n]);
      if (n.type === "AssignmentExpression" && n.left.type.endsWith("MemberExpression")) {
        const b = holder(n.left as Node);
        if (b) parts.assigned.add(b);
      }
      return undefined;
    },
    true,
  );
  const handed = (cls: t.Class): boolean =>
    parts.built.get(cls)?.some((n) => n.arguments.length > 0) ?? false;
  for (let i = classes.length - 1; i >= 0; i--)
    if (ctx.tree.isCutClassBody(classes[i]!.body as Node) && !handed(classes[i]!)) classes.splice(i, 1);
  for (let round = 0, grew = true; grew && round < 6; round++) {
    grew = false;
    const add = (b: Binding | undefined, o: OfHandle | undefined, made: Node): void => {
      if (!b || !o || parts.bindings.has(b) || isImportBinding(ctx, b) || isHandle(ctx, b)) return;
      parts.bindings.set(b, { h: o.h, made });
      watchState(ctx, b);
      grew = true;
    };
    const keep = (cls: t.Class, key: Node, computed: boolean, o: OfHandle | undefined, made: Node): void => {
      const name = computed
        ? undefined
        : key.type === "Identifier"
          ? key.name
          : key.type === "PrivateName"
            ? `#${key.id.name}`
            : key.type === "StringLiteral"
              ? key.value
              : undefined;
      if (!o || name === undefined) return;
      const members = parts.members.get(cls) ?? new Map<string, MemberPart>();
      parts.members.set(cls, members);
      if (members.has(name)) return;
      members.set(name, { kind: o.kind, h: o.h, made });
      ctx.tree.watched.add(name.replace(/^#/, ""));
      grew = true;
    };
    for (const cls of classes)
      for (const m of cls.body.body as Node[]) {
        if ((m as { static?: boolean }).static) continue;
        if ((m.type === "ClassProperty" || m.type === "ClassPrivateProperty") && m.value)
          keep(
            cls,
            m.key as Node,
            m.type === "ClassProperty" && m.computed,
            ofHandle(ctx, m.value as Node, parts),
            m.value as Node,
          );
        if (m.type !== "ClassMethod" && m.type !== "ClassPrivateMethod") continue;
        // `this` is the instance in the method and in the arrows it holds, not in functions.
        const visit = (n: Node): boolean | undefined => {
          if (n !== m && isFunction(n) && n.type !== "ArrowFunctionExpression") return false;
          if (n.type !== "AssignmentExpression" || n.operator !== "=") return undefined;
          const left = n.left as Node;
          if (left.type !== "MemberExpression" || strip(left.object as Node).type !== "ThisExpression")
            return undefined;
          keep(
            cls,
            left.property as Node,
            left.computed,
            ofHandle(ctx, n.right as Node, parts),
            n.right as Node,
          );
          return undefined;
        };
        // A constructor handed arguments is read whole (a closed one: the file is analysed again).
        const built = m.type === "ClassMethod" && m.kind === "constructor" && handed(cls);
        ctx.tree.walk(m, visit, !built);
      }
    for (const b of top.bindings.values()) {
      const n = b.node;
      if (parts.bindings.has(b) || n.type !== "VariableDeclarator" || isHandle(ctx, b)) continue;
      // `const { run } = ins`: the declaration shows what is taken out of the part.
      if (n.init && !isFunction(strip(n.init as Node)))
        add(b, ofHandle(ctx, n.init as Node, parts), n.id.type === "Identifier" ? (n.init as Node) : n);
      // A `let` bound to one anywhere (`let ins; function init() { ins = db.prepare(…) }`): which
      // value it holds when read is not proven, so it is taken for a part.
      if (b.kind !== "const" && !parts.bindings.has(b))
        for (const w of b.violations)
          if (w.type === "AssignmentExpression") add(b, ofHandle(ctx, w.right, parts), w.right);
    }
    ctx.tree.walk(
      ctx.program as Node,
      (n) => {
        if (n.type === "AssignmentExpression" && n.left.type.endsWith("MemberExpression"))
          add(holder(n.left as Node), ofHandle(ctx, n.right, parts), n);
        else if (
          (n.type === "CallExpression" || n.type === "OptionalCallExpression") &&
          strip(n.callee as Node).type.endsWith("MemberExpression")
        ) {
          const b = holder(n.callee as Node);
          if (b && !parts.bindings.has(b))
            for (const a of n.arguments) {
              const o = a.type === "SpreadElement" ? undefined : ofHandle(ctx, a as Node, parts);
              if (o) {
                add(b, o, n);
                break;
              }
            }
        }
        return undefined;
      },
      true,
    );
  }
  return parts;
}

/**
 * What a module-level binding is of a package's object: the handle itself (its root, through
 * `const` aliases) or a part made from it (`handleParts`); undefined otherwise. caller-state.ts
 * asks it of the bindings an importing module calls methods of (attack23 F5).
 */
export function handleOf(ctx: Ctx, b: Binding): { h: Binding; part: boolean } | undefined {
  if (isHandle(ctx, b)) return { h: rootHandle(ctx, b), part: false };
  const p = handleParts(ctx).bindings.get(b);
  return p && { h: p.h, part: true };
}

/**
 * attack19 F10: the first call by code of this thread that may change a handle (`isHandle`): a
 * method of it that is not a known reader (writes.ts `isReader`): `db.exec(…)`, `db.prepare(…)`,
 * `db.transaction(fn)` in `insertEvents()`; or (attack21 F3) any call of or on a part made from it
 * (`handleParts`: `ins.run(k)` with `const ins = db.prepare(…)` made at import, `insMany([k])` with
 * `const insMany = db.transaction(fn)`). On a part no method name is taken for a read: a
 * statement's `get` runs its SQL, which may write (`INSERT … RETURNING`). The build does not see
 * into the package, so such a call may change the object; whether a worker then reads the change
 * depends on what the object is, which the build cannot tell — a handle onto a store every thread
 * reaches (a database file) or an object in this thread's memory (`new Database(":memory:")`, a
 * cache), of which each worker's import makes its own. Code that runs where the worker function
 * runs is not this thread's: the worker functions of the module (`reached`: the function and what
 * it calls) and top-level code, which every worker's import runs too, except entry code behind a
 * worker guard. SA302 names what it recognises as a change (`sessions.set(…)` on a package's
 * cache) before this is asked. A call in a function that is no declaration's own (the callback of
 * `db.transaction(…)`) is said only when no named function makes one.
 */
function handleCalls(
  ctx: Ctx,
  b: Binding,
  workers: ReadonlySet<Node>,
  reached: ReadonlySet<Node>,
): { by: string; call: string; loc: string; via?: string } | undefined {
  // A closed function that calls a method of the name, or of a function returning it, or of a part
  // of it, is opened (the file is analysed again whole).
  watchState(ctx, b);
  const h = rootHandle(ctx, b);
  if (h !== b) watchState(ctx, h);
  const parts = handleParts(ctx);
  let found: { by: string; call: string; loc: string; via?: string } | undefined;
  let named = false;
  ctx.tree.walk(
    ctx.program as Node,
    (n) => {
      if (named) return false;
      if (workers.has(n) || reached.has(n)) return false;
      if (n.type !== "CallExpression" && n.type !== "OptionalCallExpression") return undefined;
      const callee = calledFunction(ctx, n);
      const member = callee.type === "MemberExpression" || callee.type === "OptionalMemberExpression";
      const name = member ? memberName(callee) : undefined;
      const reader = name !== undefined && isReader(name);
      // `db.exec(…)`, through a local alias (`const conn = db`) or what a function of the module
      // returns (`getDb().exec(…)`), as SA302 finds the object a write changes.
      const root =
        member && !reader ? stateRoot(ctx, (callee as t.MemberExpression).object, "skip")?.b : undefined;
      // A method of the handle or of a part (`ins.run(k)`, `stmts.ins.run(k)`), or a call of one
      // (`insMany([k])`, `run(k)` with `const run = ins.run.bind(ins)`).
      // A method the class of an instance shows (`repo.add(k)`): its own body is walked here,
      // where what it does to the parts its instance holds is found (`this.ins.run(k)`).
      const shown =
        member && name !== undefined && showsMethod(ctx, (callee as t.MemberExpression).object as Node, name);
      const of = shown
        ? undefined
        : ofHandle(ctx, member ? (callee as t.MemberExpression).object : callee, parts);
      const hit =
        (root !== undefined && (root === b || rootHandle(ctx, root) === h)) ||
        (of?.h === h && (of.kind === "part" || !member || !reader));
      if (!hit) return undefined;
      const call: Node = n;
      // The outermost function holding the call names it (`insertEvents()`, not its callback).
      let outer: Node | undefined;
      for (let f = ctx.tree.functionParent(call); f; f = ctx.tree.functionParent(f as Node))
        outer = f as Node;
      if (!outer && !guarded(ctx, call)) return undefined;
      const by = outer ? methodLabel(ctx, outer) : "entry code behind a worker guard";
      named = by !== "a function";
      if (found && !named) return undefined;
      const made = of?.via;
      found = {
        by,
        call: short(ctx, call),
        loc: locOf(ctx, call),
        via: made
          ? `\`${made.name}\` is part of it (made by \`${short(ctx, made.made)}\` at ${locOf(ctx, made.made)})`
          : undefined,
      };
      return undefined;
    },
    true,
  );
  return found;
}

/** Whether `object` is an instance of a class of the module that shows a method `name` (`repo.add`). */
function showsMethod(ctx: Ctx, object: Node, name: string): boolean {
  return (instanceClasses(ctx, object) ?? []).some((cls) =>
    (cls.body.body as Node[]).some(
      (m) =>
        m.type === "ClassMethod" &&
        m.kind === "method" &&
        !m.static &&
        !m.computed &&
        m.key.type === "Identifier" &&
        m.key.name === name,
    ),
  );
}

/** `label`, with a method named by its class: `Repo.add()`, `new Repo()` for its constructor. */
function methodLabel(ctx: Ctx, fn: Node): string {
  if (fn.type !== "ClassMethod" && fn.type !== "ClassPrivateMethod") return label(ctx, fn);
  const cls = ctx.tree.parent(ctx.tree.parent(fn) as Node) as t.Class | undefined;
  const owner = cls ? className(cls) : "a class";
  if (fn.type === "ClassMethod" && fn.kind === "constructor") return `\`new ${owner}()\``;
  const key = fn.key as Node;
  const name = key.type === "Identifier" ? key.name : key.type === "PrivateName" ? `#${key.id.name}` : "[…]";
  return `\`${owner}.${name}()\``;
}

/**
 * An object imported from a module of the program (`import { DEFAULTS } from "./config.js"`,
 * read as `DEFAULTS.x`): the worker imports that module afresh too. Its module exports it, so any
 * importer may change it, and a build of one file sees not all of them: not proven, unless it is
 * a primitive, a frozen literal of primitives, code, or a handle (as for the module's own).
 * Writes the build sees there or here are SA302's (its `importedState`).
 */
function importedObject(
  ctx: Ctx,
  b: Binding,
  read: WorkerRead,
  workers: ReadonlySet<Node>,
): string | undefined {
  const required = programImport(ctx, b) ? requiredObject(ctx, b) : undefined;
  if (required) return `\`const ${b.name}\`${read.via ? ` through \`${read.via}()\`` : ""}, ${required}`;
  // `ns.f()`, `lib.f()` of a namespace: a member of the module, not one object.
  const ns =
    b.node.type === "ImportNamespaceSpecifier" ||
    (b.node.type === "VariableDeclarator" && b.node.id.type === "Identifier");
  if (ns || !programImport(ctx, b)) return undefined;
  const target = importTarget(ctx, read.ref, b);
  if (!target) return undefined;
  const mode = subject(target.other, target.there, undefined);
  if (mode !== "object") return undefined;
  // A use here that the proof cannot follow is named first (it is in sight); then the export.
  const here = new Prover(ctx, workers).binding(b, "object");
  const through = read.via ? ` through \`${read.via}()\`` : "";
  if (here?.kind === "unproven") return `${target.from}${through}, which ${here.what} (${here.loc})`;
  return `${target.from}${through}, an object that module exports, so importers the build does not see may change it (${locOf(target.other, target.there.node)})`;
}

/**
 * attack25 F12: a function of another module of the program that returns state of its module
 * (`getSettings()` returning `const settings`, `Cfg.current()` returning `static #s`, `first()`
 * returning `list[0]`; returned-state.ts), called by the worker function or a function of its
 * module it calls. Every caller in this thread gets that one object and may change it
 * (`getSettings().mode = "prod"`); the worker's import of that module makes its own. The first
 * such call of the import is named (fixture diagnostics/sa315-accessor-function).
 */
function importedAccessor(
  ctx: Ctx,
  b: Binding,
  read: WorkerRead,
  reached: ReadonlySet<Node>,
): string | undefined {
  if (!programImport(ctx, b)) return undefined;
  let found: string | undefined;
  for (const f of reached) {
    ctx.tree.walk(f, (n) => {
      if (found !== undefined) return false;
      if (n.type !== "Identifier" || !isReference(n, ctx.tree) || ctx.scopes.binding(n, n.name) !== b)
        return undefined;
      found = accessorAt(ctx, n, b, read, reached);
      return undefined;
    });
    if (found !== undefined) break;
  }
  return found;
}

/**
 * A module-level `const` of the worker's module holding an imported function (`const top =
 * getSettings`, `const { getSettings: g } = lib`): its calls in the reached functions are calls of
 * that function (fixture diagnostics/sa315-accessor-routes).
 */
function aliasedAccessor(
  ctx: Ctx,
  b: Binding,
  read: WorkerRead,
  reached: ReadonlySet<Node>,
): string | undefined {
  const d = b.node;
  if (b.scope !== ctx.scopes.program || d.type !== "VariableDeclarator" || !d.init) return undefined;
  let ref = strip(d.init as Node);
  if (ref.type === "MemberExpression") ref = strip(ref.object as Node);
  if (ref.type !== "Identifier") return undefined;
  const imp = ctx.scopes.binding(ref, ref.name);
  if (!imp || !isImportBinding(ctx, imp) || !programImport(ctx, imp)) return undefined;
  return accessorAt(ctx, ref, imp, read, reached, b);
}

/** How an imported function is reached from one reference `n` of its import `b`, and the call. */
interface AccessorCall {
  fn: CalledFunction;
  call: Node;
  /** `called`, `whose \`current()\` is called`, `held in \`g\`, which is called`. */
  which: string;
}

/**
 * What the imported function one reference `n` of `b` leads to returns, where it is state of its
 * module (or reads an object there nothing proves the same): the reference called (`getSettings()`,
 * `Cfg.current()`, `ns.f()`), or held in a `const` first that is called in the reached functions
 * (`const g = getSettings; g()`, `const g = ns.getSettings`, `const { getSettings: g } = ns`).
 * `only`: the one alias asked about (a module-level `const`, `aliasedAccessor`).
 */
function accessorAt(
  ctx: Ctx,
  n: t.Identifier,
  b: Binding,
  read: WorkerRead,
  reached: ReadonlySet<Node>,
  only?: Binding,
): string | undefined {
  const hit = accessorCall(ctx, n, b, reached, only);
  if (!hit) return undefined;
  const { fn } = hit;
  const st = returnedState(fn.ctx, fn.fn, moduleObject);
  const reads = st ? undefined : objectReadThere(fn.ctx, fn.fn);
  if (!st && !reads) return undefined;
  const from = fn.from ?? importTarget(ctx, n, b)?.from;
  if (!from) return undefined;
  const through = read.via ? ` through \`${read.via}()\`` : "";
  // A chain into a third module (`get()` of ./relay.js returning ./settings.js's state) names it.
  const owner = st?.owner && st.owner !== fn.ctx ? st.owner.fileName : "that module";
  return st
    ? `${from}${through}, ${hit.which} at ${locOf(ctx, hit.call)}, which returns ${st.what} of ${owner} at ${st.loc}${st.via ? ` (${st.via})` : ""}: one object every caller in this thread gets and may change`
    : `${from}${through}, ${hit.which} at ${locOf(ctx, hit.call)}, which reads ${reads}`;
}

function accessorCall(
  ctx: Ctx,
  n: t.Identifier,
  b: Binding,
  reached: ReadonlySet<Node>,
  only?: Binding,
): AccessorCall | undefined {
  const ns = b.node.type === "ImportNamespaceSpecifier";
  const p = ctx.tree.parent(n) as Node;
  const called = (p?.type === "CallExpression" || p?.type === "OptionalCallExpression") && p.callee === n;
  const method = called ? undefined : methodCalled(ctx, n);
  if (called || method !== undefined) {
    if (only) return undefined;
    const fn = functionCalled(ctx, n, b, method);
    if (!fn) return undefined;
    const call = ctx.tree.parent(ns || !called ? p : n) as Node;
    return { fn, call, which: ns || called ? "called" : `whose \`${method}()\` is called` };
  }
  // `const g = getSettings`, `const g = ns.getSettings` (a namespace's member: no `this` to lose).
  const member = (p.type === "MemberExpression" && p.object === n && ns ? p : undefined) as
    | t.MemberExpression
    | undefined;
  const held = member ? (ctx.tree.parent(member as Node) as Node) : p;
  if (held?.type !== "VariableDeclarator" || !held.init) return undefined;
  if (strip(held.init as Node) !== (member ?? n)) return undefined;
  const aliases: [t.Identifier, () => CalledFunction | undefined][] = [];
  if (held.id.type === "Identifier") {
    if (ns && !member) return undefined;
    const m = member ? memberName(member as Node) : undefined;
    if (member && m === undefined) return undefined;
    aliases.push([held.id, () => functionCalled(ctx, n, b, m)]);
  } else if (held.id.type === "ObjectPattern" && ns && !member) {
    for (const prop of held.id.properties) {
      if (prop.type !== "ObjectProperty" || prop.computed || prop.value.type !== "Identifier") continue;
      const key = keyName(prop as { key: Node; computed?: boolean });
      if (key === undefined) continue;
      aliases.push([
        prop.value,
        () => {
          const target = namespaceMember(ctx, b, key);
          const fn = target && functionOfBinding(target.there);
          return fn && { ctx: target.other, fn, from: target.from };
        },
      ]);
    }
  }
  for (const [id, resolve] of aliases) {
    const alias = ctx.scopes.binding(id, id.name);
    // Reassigned, the name may hold another function by the time it is called.
    if (!alias || alias.violations.length > 0 || (only && alias !== only)) continue;
    const call = callOf(ctx, alias, reached);
    const fn = call && resolve();
    if (call && fn) return { fn, call, which: `held in \`${id.name}\`, which is called` };
  }
  return undefined;
}

/** The first call of the function a binding holds (`g()`) in the reached functions. */
function callOf(ctx: Ctx, alias: Binding, reached: ReadonlySet<Node>): Node | undefined {
  let call: Node | undefined;
  for (const f of reached) {
    ctx.tree.walk(f, (q) => {
      if (call) return false;
      if (
        (q.type !== "CallExpression" && q.type !== "OptionalCallExpression") ||
        q.callee.type !== "Identifier"
      )
        return undefined;
      if (ctx.scopes.binding(q.callee, q.callee.name) === alias) call = q;
      return undefined;
    });
    if (call) break;
  }
  return call;
}

/** How many functions of its module `objectReadThere` follows from an imported function. */
const MAX_READ_FUNCTIONS = 16;

/**
 * attack25 F12: the first module-level object an imported function (or a function of its module
 * it calls) reads that its module's own uses do not prove the same in every thread — the one
 * `getSettings()` hands out, read as `settings.mode` by `getMode()` — by the proof this file makes
 * of the worker module's own values. Writes there are SA302's (`importedFunctionState`).
 */
function objectReadThere(other: Ctx, start: t.Function): string | undefined {
  const prover = new Prover(other, new Set());
  const top = other.scopes.program;
  const seen = new Set<t.Function>([start]);
  const queue: t.Function[] = [start];
  const asked = new Set<Binding>();
  let found: string | undefined;
  for (let i = 0; i < queue.length && i < MAX_READ_FUNCTIONS && found === undefined; i++) {
    other.tree.walk(queue[i] as Node, (n) => {
      if (found !== undefined) return false;
      if (n.type !== "Identifier" || !isReference(n, other.tree)) return undefined;
      const b = other.scopes.binding(n, n.name);
      if (!b || b.scope !== top || isImportBinding(other, b)) return undefined;
      const next = functionReached(other, n, b);
      if (next && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
      if (asked.has(b) || !moduleObject(other, b)) return undefined;
      asked.add(b);
      const f = prover.binding(b, "object");
      if (f?.kind === "unproven")
        found = `\`const ${b.name}\` of that module (${locOf(other, b.node)}), which ${f.what} (${f.loc})`;
      return undefined;
    });
  }
  return found;
}

/**
 * attack25 F11: what `const { settings } = await import("./state.mjs")` takes at the top level is
 * an object a module of the program exports to every importer, which may change its members; a
 * worker's import makes its own. Read as data only (`settings.mode`), as `requiredObject`.
 */
function dynamicImportObject(ctx: Ctx, b: Binding): string | undefined {
  if (b.scope !== ctx.scopes.program || b.node.type !== "VariableDeclarator" || !b.node.init)
    return undefined;
  const init = strip(b.node.init as Node);
  const made = init.type === "AwaitExpression" ? strip(init.argument as Node) : undefined;
  const source =
    made?.type === "ImportExpression"
      ? made.source
      : made?.type === "CallExpression" && made.callee.type === "Import"
        ? made.arguments[0]
        : undefined;
  if (source?.type !== "StringLiteral" || !/^\.{0,2}\//.test(source.value)) return undefined;
  if (b.node.id.type === "Identifier" || !usedAsData(ctx, b)) return undefined;
  return `taken from \`${short(ctx, init)}\`: a module of the program exports that object to every importer, which may change it, and a worker's import makes its own`;
}

/** Whether the module reads a member of `b` as a value (`state.mode`), not only calls one (`lib.f()`). */
function usedAsData(ctx: Ctx, b: Binding): boolean {
  let data = false;
  ctx.tree.walk(ctx.program as Node, (n) => {
    if (data) return false;
    if (n.type !== "MemberExpression") return undefined;
    const o = strip(n.object as Node);
    if (o.type !== "Identifier" || ctx.scopes.binding(o, o.name) !== b) return undefined;
    const parent = ctx.tree.parent(n);
    if (!(parent?.type === "CallExpression" && parent.callee === n)) data = true;
    return undefined;
  });
  return data;
}

/**
 * attack25 F10: what `const cfg = require("./cfg.json")` (or `require("./state.cjs")`, or a member
 * of one: `require("./state.cjs").settings`) holds is one object that every `require` of the file
 * in this thread gets, and any module may change its members (`require("./cfg.json").mode = …`:
 * a CommonJS module's exports are not read-only as an ES module's are); a worker's import makes
 * its own. A JSON file's object is data; a CommonJS module's exports object is, where the module
 * reads a member of it as a value (`state.mode`), not only calls its functions (`lib.f()`).
 */
function requiredObject(ctx: Ctx, b: Binding): string | undefined {
  if (b.node.type !== "VariableDeclarator" || b.node.id.type !== "Identifier" || !b.node.init)
    return undefined;
  const init = strip(b.node.init as Node);
  let call = init;
  while (call.type === "MemberExpression") call = strip(call.object as Node);
  if (call.type !== "CallExpression" || call.arguments[0]?.type !== "StringLiteral") return undefined;
  const source = call.arguments[0].value;
  const shown = short(ctx, init);
  const why =
    "which every `require` of it in this thread gets: any module may change its members, and a worker's import makes its own";
  if (/\.json$/i.test(source) || init.type === "MemberExpression")
    return `the object \`${shown}\` gives, ${why}`;
  return usedAsData(ctx, b) ? `the exports object \`${shown}\` gives, ${why}` : undefined;
}

/**
 * The module-level values a worker function reads that are not proven the same in every thread:
 * `changed` entries in SA302's words (a write the analysis recognises, where SA302's own rule did
 * not name the binding), `unproven` ones for SA315. `named`: the bindings SA302's entries name
 * already (checks.ts `sharedState`), each said once.
 */
export function sameEverywhere(
  ctx: Ctx,
  reads: ReadonlyMap<Binding, WorkerRead>,
  named: ReadonlySet<Binding>,
  workers: ReadonlySet<Node>,
  /** The worker function and the functions of the module it calls (checks.ts `sharedState`). */
  reached: ReadonlySet<Node>,
): { changed: string[]; unproven: string[]; handles: string[] } {
  const prover = new Prover(ctx, workers);
  const changed: string[] = [];
  const unproven: string[] = [];
  /** SA316: handles a package made that code of this thread calls methods of (`handleCalls`). */
  const handles: string[] = [];
  for (const [b, read] of reads) {
    if (named.has(b)) continue;
    if (isImportBinding(ctx, b)) {
      const f = importedObject(ctx, b, read, workers) ?? importedAccessor(ctx, b, read, reached);
      if (f) unproven.push(f);
      continue;
    }
    // `const top = getSettings` at the top level, called by the worker function.
    const aliased = aliasedAccessor(ctx, b, read, reached);
    if (aliased) {
      unproven.push(aliased);
      continue;
    }
    // attack25 F11: `const { settings } = await import("./state.mjs")`.
    const dynamic = dynamicImportObject(ctx, b);
    if (dynamic) {
      unproven.push(`\`const ${b.name}\`${read.via ? ` through \`${read.via}()\`` : ""}, ${dynamic}`);
      continue;
    }
    // `const { cfg } = holder`: the name's own uses, and the object it is taken from.
    const from = destructuredFrom(ctx, b);
    if (from) {
      const own = prover.binding(b, "object");
      const held = own ? undefined : prover.binding(from, "object");
      const f = own ?? (held && takenFrom(from.name, held));
      if (!f) continue;
      const through = read.via ? ` through \`${read.via}()\`` : "";
      const what = `\`const ${b.name}\`${through}`;
      if (f.kind === "changed") changed.push(`${what}, ${f.what} at ${f.loc}`);
      else unproven.push(`${what}, which ${f.what} (${f.loc})`);
      continue;
    }
    if (isHandle(ctx, b)) {
      const h = handleCalls(ctx, b, workers, reached);
      if (h) {
        const through = read.via ? ` through \`${read.via}()\`` : "";
        const init = (b.node as t.VariableDeclarator).init as Node;
        handles.push(
          `\`const ${b.name}\`${through}, made by \`${short(ctx, init)}\`, on which ${h.by} calls \`${h.call}\` at ${h.loc}${h.via ? `, where ${h.via}` : ""}`,
        );
      }
      continue;
    }
    // A part of a handle (`const sel = db.prepare("SELECT …")`, attack21 F3) reads the handle:
    // what code of this thread does to the handle, or through another part of it, is asked as for
    // the handle itself. Without such a call, the part is proven as any other value below.
    const part = handleParts(ctx).bindings.get(b);
    if (part && readsPart(ctx, b, reached, handleParts(ctx))) {
      const h = handleCalls(ctx, part.h, workers, reached);
      if (h) {
        const through = read.via ? ` through \`${read.via}()\`` : "";
        const init = (part.h.node as t.VariableDeclarator).init as Node;
        handles.push(
          `\`${b.kind} ${b.name}\`${through}, part of \`const ${part.h.name}\` (made by \`${short(ctx, part.made)}\` at ${locOf(ctx, part.made)}), which \`${short(ctx, init)}\` made, and on which ${h.by} calls \`${h.call}\` at ${h.loc}${h.via ? `, where ${h.via}` : ""}`,
        );
        continue;
      }
    }
    const mode = subject(ctx, b, read);
    if (!mode) continue;
    const made = mode === "object" ? closureMadeAtImport(ctx, b) : undefined;
    const f: Finding | undefined = made
      ? {
          kind: "unproven",
          what: `is a function \`${short(ctx, made)}\` made at import, whose captured state each worker's import makes anew and the build does not follow`,
          loc: locOf(ctx, made),
        }
      : ((mode === "object" ? prover.accessorRead(b) : undefined) ?? prover.binding(b, mode));
    if (!f) continue;
    const through = read.via ? ` through \`${read.via}()\`` : "";
    const what = `\`${b.node.type === "ClassDeclaration" ? "class" : b.node.type === "FunctionDeclaration" ? "function" : b.kind} ${b.name}\`${through}`;
    if (f.kind === "changed") changed.push(`${what}, ${f.what} at ${f.loc}`);
    else unproven.push(`${what}, which ${f.what} (${f.loc})`);
  }
  return { changed, unproven, handles };
}

/**
 * Whether code may change the members of the module-level object `b` once the module is
 * imported: the first use of it not proven a read (a write in a function, a use the build cannot
 * follow, an export), by the same proof as "the same in every thread" above; undefined when every
 * use is a read. polling.ts asks it for a member read after a blocking sleep (SA309): no other
 * code of the thread runs during the sleep, so such a change cannot be seen.
 */
export function objectMayChange(ctx: Ctx, b: Binding): { what: string; loc: string } | undefined {
  const f = new Prover(ctx, new Set()).binding(b, "object");
  return f && { what: f.what, loc: f.loc };
}
