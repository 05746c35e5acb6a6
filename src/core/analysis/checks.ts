import type { types as t } from "@babel/core";
import { classifyCall } from "../context.js";
import { MSG } from "../messages.js";
import { exportedVariant } from "../naming.js";
import type { FunctionKind } from "../strategy.js";
import { argumentEscapes, argumentWrite, describeArgumentWrite, sameThreadWhy } from "./arg-escape.js";
import { type CallEdit, callView, type Index, resolveCallee } from "./calls.js";
import {
  at as atPos,
  type Ctx,
  callText,
  fail,
  keyName,
  literalKeyName,
  locOf,
  sourceOf,
  warn,
} from "./ctx.js";
import { ownExportNames } from "./export-names.js";
import {
  type ExportUse,
  exportedNames,
  indexExports,
  MAX_REEXPORT_DEPTH,
  specifierNames,
} from "./exports.js";
import { forEachGlobalWrite } from "./global-names.js";
import { globalWriteNames } from "./global-text.js";
import { implicitCalls, implicitName } from "./implicit.js";
import type { SaFunction } from "./model.js";
import { runtimeLocals } from "./runtime-names.js";
import type { WorkerRead } from "./same-everywhere.js";
import { type Binding, isReference, patternNames } from "./scope.js";
import { isMutator, isReader } from "./sync-table.js";
import { peelCallee } from "./transparent.js";
import { isFunction, isFunctionBinding, type Node } from "./tree.js";
import { GLOBAL_OBJECTS, globalObject, importedCallee } from "./twin-callee.js";
import { globalName, isNodeRequire, memberName, strip, type treeView } from "./view.js";
import { declarationOf, fileOf, importedCtx, topLevelEffects, WORKER_GUARD } from "./worker-imports.js";
import {
  forEachWrite,
  functionOf,
  functionOfBinding,
  methodOf,
  paramWrites,
  rootOf,
  selfFreeMethod,
} from "./writes.js";

/**
 * What a previous pass's marker says of a function: `_sa.mark(total, { kind: "async", sync:
 * totalSync })` gives its kind and its variant's name. Read from the marker, not the function:
 * the output no longer holds what made the function async when that was a declared
 * `Promise<T>` return type that TypeScript's stripping removed (fixture
 * inline/ts-promise-type-without-async), and the variant keeps the name it was given.
 */
export interface Marked {
  readonly kind: FunctionKind | undefined;
  readonly variant: string | undefined;
}

/** The marker's `{ kind, sync | async }` description (emit.ts `markDescription`), as far as it reads. */
function markedAs(desc: Node | undefined): Marked {
  let kind: FunctionKind | undefined;
  let variant: string | undefined;
  if (desc?.type !== "ObjectExpression") return { kind, variant };
  const prop = (name: string): Node | undefined => {
    const p = desc.properties.find(
      (q) => q.type === "ObjectProperty" && keyName(q as { key: Node; computed?: boolean }) === name,
    );
    return (p as t.ObjectProperty | undefined)?.value as Node | undefined;
  };
  const k = prop("kind");
  if (k?.type === "StringLiteral" && (k.value === "async" || k.value === "sync")) {
    kind = k.value;
    const v = prop(kind === "async" ? "sync" : "async");
    if (v?.type === "Identifier") variant = v.name;
  }
  return { kind, variant };
}

/**
 * The functions a previous pass already compiled: their marker call is in the file
 * (`_sa.mark(f, …)` after a function, `_sa.mark(this.prototype.m, …)` in a class's static block,
 * `_sa.mark(api.m, …)` after an object), with what each marker says.
 */
export function markedTargets(ctx: Ctx): Map<string, Marked> {
  const locals = runtimeLocals(ctx);
  const out = new Map<string, Marked>();
  if (locals.size === 0) return out;
  for (const call of ctx.tree.calls) {
    const c = call.callee;
    if (
      c.type !== "MemberExpression" ||
      c.object.type !== "Identifier" ||
      !locals.has(c.object.name) ||
      c.property.type !== "Identifier" ||
      c.property.name !== "mark"
    ) {
      continue;
    }
    const arg = call.arguments[0];
    if (!arg || arg.start == null || arg.end == null) continue;
    const text = sourceOf(ctx, arg).replace(/\s+/g, "");
    // Inside a static block, `this` is the class: key it by the class's position.
    const block = ctx.tree.findParent(call, (q) => q.type === "StaticBlock");
    const key = block ? `${ctx.tree.parent(ctx.tree.parent(block)!)!.start}:${text}` : text;
    out.set(key, markedAs(call.arguments[1] as Node | undefined));
  }
  return out;
}

function ownerName(ctx: Ctx, fn: SaFunction): string | undefined {
  const decl = ctx.tree.parent(fn.holder!);
  if (decl?.type === "VariableDeclarator" && decl.id.type === "Identifier") return decl.id.name;
  // An object literal with no name is marked by a wrapper a previous pass added:
  // `(_o => (_sa.mark(_o.load, …), _o))({ … })` (fixture methods/object-returned-idempotent).
  if (decl?.type === "CallExpression" && decl.arguments[0] === fn.holder) {
    const callee = decl.callee as Node;
    if (callee.type === "ArrowFunctionExpression" && callee.params[0]?.type === "Identifier")
      return callee.params[0].name;
  }
  return undefined;
}

/** What the marker of a previous pass says of `fn`, or undefined when none compiled it (see markedTargets). */
export function markOf(ctx: Ctx, fn: SaFunction, marked: ReadonlyMap<string, Marked>): Marked | undefined {
  if (marked.size === 0) return undefined;
  if (fn.form === "function" || fn.form === "const") return marked.get(fn.name);
  if (fn.form === "class-method")
    return marked.get(`${fn.holder!.start}:this.${fn.isStatic ? "" : "prototype."}${fn.name}`);
  const owner = ownerName(ctx, fn);
  return owner === undefined ? undefined : marked.get(`${owner}.${fn.name}`);
}

function members(fn: SaFunction): Node[] {
  return fn.form === "class-method"
    ? (fn.holder as t.Class).body.body
    : (fn.holder as t.ObjectExpression).properties;
}

/** The declarations a previous pass generated for `fn`: their calls are not planned again. */
export function generatedVariant(ctx: Ctx, fn: SaFunction): Node | undefined {
  if (fn.form === "function" || fn.form === "const") return ctx.scopes.binding(fn.stmt!, fn.variant)?.node;
  return members(fn).find((m) => {
    const key = (m as { key?: Node }).key;
    return key?.type === "Identifier" && key.name === fn.variant;
  });
}

/** A method, or a property holding a function, of a class or an object. */
function isMethodLike(m: Node): boolean {
  if (m.type === "ClassMethod" || m.type === "ObjectMethod") return true;
  const value = (m as { value?: Node | null }).value;
  return !!value && (value.type === "ArrowFunctionExpression" || value.type === "FunctionExpression");
}

/** SA103: the variant's name must be free where it will be declared. */
/** The file's own export names, read once per file (checkClash asks for each function). */
const exportNamesCache = new WeakMap<Ctx, ReadonlySet<string>>();
function fileExportNames(ctx: Ctx): ReadonlySet<string> {
  let names = exportNamesCache.get(ctx);
  if (!names) {
    names = ownExportNames(ctx.program as unknown as { body: Node[] }, ctx.fileName);
    exportNamesCache.set(ctx, names);
  }
  return names;
}

export function checkClash(ctx: Ctx, fn: SaFunction): void {
  const option = fn.kind === "async" ? "syncSuffix" : "asyncSuffix";
  if (fn.form === "function" || fn.form === "const") {
    const taken = ctx.scopes.binding(fn.stmt!, fn.variant);
    if (taken)
      fail(
        ctx,
        "SA103",
        atPos(fn.loc),
        MSG.clash(fn.variant, fn.display, option, isFunctionBinding(taken.node)),
      );
    // A hand-written export of the variant's name with no binding of it (`exports.readSync =
    // function …`, `export { legacy as readSync }`): the generated export would replace it, or
    // be a duplicate export (adversarial review). Only where the function itself is exported,
    // since only then is its variant.
    const exported = fileExportNames(ctx);
    if (exported.has(fn.variant) && (fn.exportDecl || exported.has(fn.name)))
      fail(ctx, "SA103", atPos(fn.loc), MSG.clash(fn.variant, fn.display, option, true, true));
    return;
  }
  for (const m of members(fn)) {
    const member = m as { key?: Node; computed?: boolean };
    // A bracketed literal or `const` (`["loadSync"]`, `` [`loadSync`] ``) is the plain name
    // (attack27 F03, fixture diagnostics/sa103-computed-key); a key computed at run time is
    // checked where the class or object is made (literal-variants.ts `spreadChecks`).
    if (!member.key) continue;
    if (literalKeyName(ctx, member as { key: Node; computed?: boolean }) === fn.variant)
      fail(ctx, "SA103", m, MSG.clash(fn.variant, fn.display, option, isMethodLike(m)));
  }
}

/**
 * SA103 for the names the variant is exported under: `export { f as g }` exports it as `gSync`,
 * `export default f` as `fSync`, `module.exports = { g: f }` as `gSync`. A hand-written export of
 * that name beside it would make the module export one name twice (a module Node refuses to
 * load) or be replaced (fixture diagnostics/sa103-export-alias).
 */
export function checkExportClash(ctx: Ctx, fn: SaFunction, use: ExportUse | undefined): void {
  if (!use || fn.processed || (fn.form !== "function" && fn.form !== "const")) return;
  const exported = fileExportNames(ctx);
  const option = fn.kind === "async" ? "syncSuffix" : "asyncSuffix";
  const check = (name: string, ref: Node, shown: string): void => {
    const as = exportedVariant(name, fn.name, fn.variant, fn.kind, ctx.options, fn.explicitVariant);
    if (exported.has(as)) fail(ctx, "SA103", ref, MSG.exportClash(fn.display, shown, as, option));
  };
  for (const s of use.specifiers) check(s.exported, s.ref, s.exported);
  if (use.isDefault && use.defaultDecl) check("default", use.defaultDecl, "default");
  for (const c of use.cjs) check(c.exported, c.ref, c.exported);
}

/**
 * Globals whose `new` makes an object that lives in this thread's memory (a method call on one
 * may change it). A handle a library makes (`new DatabaseSync(path)`) is left alone: its writes go
 * to a store every worker reaches (examples/sqlite-server).
 */
const IN_MEMORY = new Set(["Object", "Array", "Map", "Set", "WeakMap", "WeakSet", "Date", "EventTarget"]);

/**
 * What a module-level binding is, for SA302: mutable state, a name for code, an object the module
 * made in memory, or a `handle` — an object a package or Node made (`new LRU(100)`,
 * `new DatabaseSync(file)`, `createClient()`), which may live in memory or be a handle onto a store
 * every thread reaches: its other methods are the library's business, but a mutating method
 * (`set`, `add`, `delete`, `clear` …) called on it by another function of the module, or by the
 * worker function itself, is a change the worker's own copy does not see (attack 13, F36).
 */
type StateKind = "state" | "object" | "handle" | "code" | "import" | "value";

export function stateKind(ctx: Ctx, b: Binding): StateKind {
  if (b.kind === "module") return "import";
  if (b.kind === "local" || b.kind === "param") return "value";
  const n = b.node;
  // A class or function declaration that is never reassigned names code, not state.
  if (n.type === "ClassDeclaration" || n.type === "FunctionDeclaration")
    return b.violations.length ? "state" : "code";
  if (n.type === "VariableDeclarator") {
    const init = n.init ? strip(n.init) : undefined;
    const code = init !== undefined && (isFunction(init) || init.type === "ClassExpression");
    if (b.kind === "let" || b.kind === "var") return code && b.violations.length === 0 ? "code" : "state";
    if (code) return "code";
    if (!init || n.id.type !== "Identifier") return "value";
    if (isRequire(ctx, init)) return "import";
    // A `const` holding an object in this thread's memory: calling its methods can change it.
    if (inMemory(ctx, init)) return "object";
    return madeByImport(ctx, init) ? "handle" : "value";
  }
  return b.kind === "let" || b.kind === "var" ? "state" : "value";
}

/**
 * An object or array literal, `new` of a built-in collection or of a class of the module, a
 * `const` holding one, or a call of a function of the module whose every `return` gives one
 * (`createLog()` returning `{ lines: [] }`; not `openDatabase()` returning a library's handle).
 */
function inMemory(ctx: Ctx, expr: Node, depth = 0): boolean {
  const init = strip(expr);
  if (depth > 4) return false;
  if (init.type === "ObjectExpression" || init.type === "ArrayExpression") return true;
  if (init.type === "Identifier") {
    const b = ctx.scopes.binding(init, init.name);
    return (
      b?.kind === "const" &&
      b.node.type === "VariableDeclarator" &&
      b.node.init != null &&
      inMemory(ctx, b.node.init, depth + 1)
    );
  }
  if (init.type !== "NewExpression" && init.type !== "CallExpression") return false;
  const callee = strip(init.callee as Node);
  // The module pattern: `(() => { let n = 0; return { inc: () => n++ }; })()` makes, once per
  // import, an object whose methods keep state of their own (issue 14, #7).
  if (init.type === "CallExpression" && isFunction(callee)) return returnsInMemory(ctx, callee, depth);
  if (callee.type !== "Identifier") return false;
  const b = ctx.scopes.binding(callee, callee.name);
  if (!b) return init.type === "NewExpression" && IN_MEMORY.has(callee.name);
  if (b.scope !== ctx.scopes.program) return false;
  // `new Settings()` of a class another file of the program declares (attack 15, F22): an
  // instance in this thread's memory, as one of the module's own classes makes.
  if (init.type === "NewExpression" && isImportBinding(ctx, b)) {
    const there = importTarget(ctx, callee, b)?.there.node;
    return (
      there?.type === "ClassDeclaration" ||
      (there?.type === "VariableDeclarator" && there.init?.type === "ClassExpression")
    );
  }
  if (init.type === "NewExpression")
    return (
      b.node.type === "ClassDeclaration" ||
      (b.node.type === "VariableDeclarator" && b.node.init?.type === "ClassExpression")
    );
  const fn = functionOfBinding(b);
  return fn !== undefined && returnsInMemory(ctx, fn, depth);
}

/** Whether every `return` of `fn` gives an in-memory object (see inMemory). */
function returnsInMemory(ctx: Ctx, fn: t.Function, depth: number): boolean {
  const body = fn.body as Node;
  if (body.type !== "BlockStatement") return inMemory(ctx, body, depth + 1);
  let returns = 0;
  let all = true;
  ctx.tree.walk(body, (n) => {
    if (!all || isFunction(n)) return false;
    if (n.type === "ReturnStatement") {
      returns++;
      all = n.argument != null && inMemory(ctx, n.argument, depth + 1);
    }
    return undefined;
  });
  return all && returns > 0;
}

/** `new LRU(…)`, `createClient(…)`, `new lib.Cache()`: made by an import (or a `require`d name). */
function madeByImport(ctx: Ctx, expr: Node): boolean {
  const init = strip(expr);
  if (init.type !== "NewExpression" && init.type !== "CallExpression") return false;
  let callee = strip(init.callee as Node);
  while (callee.type === "MemberExpression") callee = strip(callee.object as Node);
  if (callee.type !== "Identifier") return false;
  const b = ctx.scopes.binding(callee, callee.name);
  if (!b || b.scope !== ctx.scopes.program) return false;
  if (b.kind === "module") return true;
  return b.node.type === "VariableDeclarator" && b.node.init != null && isRequire(ctx, b.node.init as Node);
}

/** `require("x")`, `require("x").y`: a CommonJS import, not the module's own object. */
function isRequire(ctx: Ctx, n: Node): boolean {
  let cur = strip(n);
  while (cur.type === "MemberExpression") cur = strip(cur.object);
  return cur.type === "CallExpression" && isNodeRequire(ctx.scopes, cur.callee as Node);
}

function declaredAs(b: Binding): string {
  if (b.node.type === "ClassDeclaration") return "class";
  if (b.node.type === "FunctionDeclaration") return "function";
  return b.kind;
}

/**
 * Module-level state a worker or offloaded function reads or writes (SA302): a `let`/`var` it
 * uses, an object of the module it changes (a member assigned or deleted, a mutating method such
 * as `set`/`push`/`clear`, any method call on an object the module created, passing it to a
 * function of the module that writes to its parameter). Functions of the module it calls or
 * passes on are followed, transitively. A class or function declaration that is never reassigned
 * is code, not state (fixture diagnostics/sa302-class-not-state).
 */
/**
 * Module objects that some function of the module changes (`configure(o)` doing
 * `Object.assign(config, o)`), each with the first such write. A worker imports the module
 * afresh, so a worker function that only reads such an object reads the state before the change
 * (fixture diagnostics/sa302-written-by-setter).
 */
const writtenByFunctions = new WeakMap<Ctx, Map<Binding, WrittenBy>>();

/** The first write of a module object by a function of the module: the function, as named and as a node. */
interface WrittenBy {
  by: string;
  loc: string;
  fn: Node;
}

/** Whether a module binding is a class (declared, or a `const` bound to a class expression). */
function isClassBinding(b: Binding): boolean {
  return (
    b.node.type === "ClassDeclaration" ||
    (b.node.type === "VariableDeclarator" &&
      b.node.init != null &&
      strip(b.node.init).type === "ClassExpression")
  );
}

/** What a module binding is, as an object a function of the module may change (a class's static fields included). */
function changeableKind(ctx: Ctx, b: Binding): "object" | "handle" | "class" | undefined {
  const kind = stateKind(ctx, b);
  if (kind === "object" || kind === "handle") return kind;
  // A function declaration carries properties as a class carries static fields (attack 15, F1).
  return kind === "code" && (isClassBinding(b) || b.node.type === "FunctionDeclaration")
    ? "class"
    : undefined;
}

function objectsWrittenByFunctions(ctx: Ctx): Map<Binding, WrittenBy> {
  const hit = writtenByFunctions.get(ctx);
  if (hit) return hit;
  const out = new Map<Binding, WrittenBy>();
  const top = ctx.scopes.program;
  const note = (node: Node, b: Binding | undefined): void => {
    if (!b || b.scope !== top || out.has(b)) return;
    const inside = ctx.tree.findParent(node, (p) => isFunction(p));
    if (inside === undefined) return; // top-level code runs in every worker too
    // Named by the outermost function, as its callers know it: `configure()`, not the function
    // expression it keeps in `apply` (attack23 F8, fixture diagnostics/sa315-names-holder).
    let outer: Node = inside;
    for (let f = ctx.tree.functionParent(outer); f; f = ctx.tree.functionParent(f as Node)) outer = f as Node;
    out.set(b, { by: functionLabel(ctx, outer), loc: locOf(ctx, node), fn: inside });
  };
  // A closed function writes an object only through its name, or through a function that
  // returns it: `sharedState` watches both (`watchState`).
  forEachWrite(
    ctx,
    ctx.program as Node,
    ({ node, target }) => {
      const r = stateRoot(ctx, target, "skip");
      if (r && changeableKind(ctx, r.b) !== undefined) note(node, r.b);
    },
    true,
  );
  // Any other method called on an object the module made may change it (`counter.inc()` of an
  // object a module-pattern IIFE returns: issue 14, #7), as for the worker function itself; a
  // library's handle is changed only by its mutating methods (above).
  ctx.tree.walk(
    ctx.program as Node,
    (n) => {
      if (n.type !== "CallExpression" && n.type !== "OptionalCallExpression") return undefined;
      const callee = strip(n.callee as Node);
      const method = callee.type.endsWith("MemberExpression") ? memberName(callee) : undefined;
      if (method === undefined || isMutator(method) || isReader(method)) return undefined;
      const object = (callee as t.MemberExpression).object;
      const r = stateRoot(ctx, object, "skip");
      if (r && stateKind(ctx, r.b) === "object" && !selfFreeMethod(ctx, object, r.b, method)) note(n, r.b);
      return undefined;
    },
    true,
  );
  writtenByFunctions.set(ctx, out);
  return out;
}

/**
 * The module-level binding an expression changes when it is written to (`cache.x` → `cache`),
 * also through what a function of the module returns (`getCache().set(k, v)`, where `getCache`
 * returns the module's `cache`: issue 14, #7) and `this` in a static method of a module class
 * (`static bump() { this.count++ }`). A function left closed by the lazy analysis is not read:
 * `skip` leaves its result unknown (whoever reads the object watches the names that reach it,
 * `watchState`), `break` makes the analysis run again on the whole tree.
 */
export function stateRoot(
  ctx: Ctx,
  expr: Node,
  closed: "skip" | "break",
  depth = 0,
): { id: t.Identifier; b: Binding; via?: string } | undefined {
  let cur = strip(expr);
  while (cur.type === "MemberExpression" || cur.type === "OptionalMemberExpression") cur = strip(cur.object);
  const top = ctx.scopes.program;
  if (cur.type === "Identifier") {
    const b = ctx.scopes.binding(cur, cur.name);
    if (b && b.scope === top) return { id: cur, b };
    // A local `const` name for a module object (`const alias = settings; alias.rate = r`,
    // `const inner = s.inner; inner.rate = r`): a write through it is a write to the module's
    // object (attack 15, F8).
    if (
      b?.kind === "const" &&
      b.node.type === "VariableDeclarator" &&
      b.node.id.type === "Identifier" &&
      b.node.init &&
      depth < 4
    )
      return stateRoot(ctx, b.node.init as Node, closed, depth + 1);
    return undefined;
  }
  if (cur.type === "ThisExpression") {
    const method = ctx.tree.findParent(cur, (p) => isFunction(p) && p.type !== "ArrowFunctionExpression");
    if (method?.type !== "ClassMethod" || !method.static) return undefined;
    const cls = ctx.tree.parent(ctx.tree.parent(method)!);
    const id = cls?.type === "ClassDeclaration" ? cls.id : undefined;
    const holder = cls?.type === "ClassExpression" ? ctx.tree.parent(cls) : undefined;
    const name =
      id ??
      (holder?.type === "VariableDeclarator" && holder.id.type === "Identifier" ? holder.id : undefined);
    const b = name ? top.bindings.get(name.name) : undefined;
    // The module-level binding of this very class (not another of the same name).
    return b && name && (b.node === cls || b.node === holder) ? { id: name, b } : undefined;
  }
  if ((cur.type !== "CallExpression" && cur.type !== "OptionalCallExpression") || depth >= 4)
    return undefined;
  const fn = functionOf(ctx, cur.callee as Node);
  if (!fn) return undefined;
  if (ctx.tree.isClosed(fn)) {
    if (closed === "break") ctx.tree.broken ??= "a write through the result of a closed function";
    return undefined;
  }
  const r = returnedState(ctx, fn, closed, depth + 1);
  return r && { ...r, via: sourceOf(ctx, strip(cur.callee as Node)) };
}

/** The first module-level binding a `return` of `fn` gives (see stateRoot). */
function returnedState(
  ctx: Ctx,
  fn: t.Function,
  closed: "skip" | "break",
  depth: number,
): { id: t.Identifier; b: Binding } | undefined {
  const body = fn.body as Node;
  if (body.type !== "BlockStatement") return stateRoot(ctx, body, closed, depth);
  let found: { id: t.Identifier; b: Binding } | undefined;
  ctx.tree.walk(body, (n) => {
    if (found || isFunction(n)) return false;
    if (n.type === "ReturnStatement" && n.argument) found = stateRoot(ctx, n.argument, closed, depth);
    return undefined;
  });
  return found;
}

/**
 * Module functions (open ones) that return a module-level binding, by that binding: a closed
 * function that changes the object through one of them (`getCache().set(…)`) mentions its name,
 * so these names are watched with the object's (lazy.ts `exactOnClosed`).
 */
const accessorsMemo = new WeakMap<Ctx, Map<Binding, string[]>>();

export function watchState(ctx: Ctx, b: Binding): void {
  ctx.tree.watched.add(b.name);
  let byState = accessorsMemo.get(ctx);
  if (!byState) {
    byState = new Map();
    for (const f of ctx.scopes.program.bindings.values()) {
      const fn = functionOfBinding(f);
      if (!fn || ctx.tree.isClosed(fn)) continue;
      const r = returnedState(ctx, fn, "skip", 1);
      if (r) byState.set(r.b, [...(byState.get(r.b) ?? []), f.name]);
    }
    accessorsMemo.set(ctx, byState);
  }
  for (const name of byState.get(b) ?? []) ctx.tree.watched.add(name);
}

/** `configure()` for a named function or a function bound to a name, else "a function". */
export function functionLabel(ctx: Ctx, fn: Node): string {
  const f = fn as { id?: t.Identifier | null; key?: Node };
  if (f.id) return `\`${f.id.name}()\``;
  if (f.key?.type === "Identifier") return `\`${(f.key as t.Identifier).name}()\``;
  const parent = ctx.tree.parent(fn);
  if (parent?.type === "VariableDeclarator" && parent.id.type === "Identifier")
    return `\`${parent.id.name}()\``;
  return "a function";
}

export { GLOBAL_OBJECTS };

/** A place the program replaces a global (`globalThis.fetch = stub`), and the function doing it, if any. */
export interface GlobalWrite {
  loc: string;
  text: string;
  /** `installStub()`; undefined at the module's top level. */
  by?: string;
  /** A fake clock's call (`vi.useFakeTimers`): it replaces `Date` and the timers, not an assignment. */
  clock?: string;
}

/**
 * The fake clocks of the test runners (attack27 F04, fixture diagnostics/sa302-fake-clock): each
 * replaces `Date` (and the timers, unless told which) on the calling thread's globalThis only, so
 * a worker function reads the real clock. `node:test`'s `mock.timers.enable` (also `t.mock.…`),
 * Vitest's `vi.useFakeTimers` / `vi.setSystemTime`, Jest's `jest.useFakeTimers` /
 * `jest.setSystemTime`, sinon's `sinon.useFakeTimers` and @sinonjs/fake-timers' `install`.
 */
const FAKE_CLOCK_TEXT = /\b(?:useFakeTimers|setSystemTime|enable|install)\b/;
const CLOCK_GLOBALS = [
  "Date",
  "setTimeout",
  "clearTimeout",
  "setInterval",
  "clearInterval",
  "setImmediate",
  "clearImmediate",
];

/** The globals a call of a fake clock replaces (its literal `apis`/`toFake` list, else all), or undefined. */
function fakeClockOf(call: Node): { api: string; names: string[] } | undefined {
  const callee = strip((call as t.CallExpression).callee as Node);
  if (callee.type !== "MemberExpression") return undefined;
  const method = memberName(callee);
  const obj = strip(callee.object as Node);
  const objText =
    obj.type === "Identifier" ? obj.name : obj.type === "MemberExpression" ? memberName(obj) : undefined;
  const api =
    (method === "useFakeTimers" && (objText === "vi" || objText === "jest" || objText === "sinon")) ||
    (method === "setSystemTime" && (objText === "vi" || objText === "jest"))
      ? `${objText}.${method}`
      : method === "enable" &&
          objText === "timers" &&
          obj.type === "MemberExpression" &&
          memberName(obj) === "timers" &&
          (() => {
            const m = strip(obj.object as Node);
            return (
              (m.type === "Identifier" && m.name === "mock") ||
              (m.type === "MemberExpression" && memberName(m) === "mock")
            );
          })()
        ? "mock.timers.enable"
        : method === "install" && (objText === "FakeTimers" || objText === "fakeTimers")
          ? `${objText}.install`
          : undefined;
  if (!api) return undefined;
  if (method === "setSystemTime") return { api, names: ["Date"] };
  // `{ apis: ["Date"] }` (node:test), `{ toFake: ["Date"] }` (Vitest, sinon), Jest's `doNotFake`
  // is not read: all.
  const arg = (call as t.CallExpression).arguments[0] as Node | undefined;
  const opts = arg && strip(arg);
  if (opts?.type === "ObjectExpression") {
    for (const p of (opts as t.ObjectExpression).properties as Node[]) {
      if (p.type !== "ObjectProperty") continue;
      const key = keyName(p as { key: Node; computed?: boolean });
      const v = strip((p as t.ObjectProperty).value as Node);
      if ((key !== "apis" && key !== "toFake") || v.type !== "ArrayExpression") continue;
      const listed = ((v as t.ArrayExpression).elements as Node[]).map((e) =>
        e?.type === "StringLiteral" ? (e as t.StringLiteral).value : undefined,
      );
      if (listed.every((n) => n !== undefined)) return { api, names: listed as string[] };
    }
  }
  return { api, names: CLOCK_GLOBALS };
}

/** What SA302 says of a replaced global a worker function reads (`through`: how it is reached). */
export function replacedGlobal(name: string, through: string, w: GlobalWrite, by: string): string {
  if (w.clock)
    return `the global \`${name}\`${through}, which the fake clock \`${w.clock}\` of ${by} replaces at ${w.loc} (\`${w.text}\`); a worker reads the real clock: keep the function on the calling thread while time is faked (\`// @smartasync same-thread\` on a sync function, no annotation or an inline variant on an async one), or pass the time as an argument`;
  return `the global \`${name}\`${through}, which ${by} replaces at ${w.loc} (\`${w.text}\`); a worker's own globalThis keeps the original`;
}

/**
 * The first write of each of `names` as a global (issue 14, #20; attack27 F14, fixture
 * diagnostics/sa302-replaced-global-spellings) in the module, every way a program writes one:
 * - an assignment to a member of the global object, named or by key (`globalThis.fetch = stub`,
 *   `global.x =`, `window.x =`, `self.x =`, `globalThis["fetch"] =`, through a `const` naming
 *   it), or to the free name (`fetch = stub`);
 * - `Object.assign(globalThis, { fetch })`, `Object.defineProperties(globalThis, { fetch: … })`;
 * - `Reflect.set`, `Object.defineProperty`, `Reflect.defineProperty(globalThis, "fetch", …)`;
 * - a test runner's stub: Vitest's `vi.stubGlobal("fetch", …)`, `spyOn(globalThis, "fetch")`
 *   (Vitest, Jest), `jest.replaceProperty`, sinon's `stub`/`replace(globalThis, "fetch", …)`.
 * The names are found in the text first (global-text.ts `globalWriteNames`), so that only a
 * file that may write such a global is walked; the walk is global-names.ts `forEachGlobalWrite`,
 * the one reading of these spellings on the tree. The walk enters every function: where one was left closed, the
 * analysis runs again on the whole tree.
 */
export function globalWrites(ctx: Ctx, names: ReadonlySet<string>): Map<string, GlobalWrite> {
  const out = new Map<string, GlobalWrite>();
  if (names.size === 0) return out;
  const wanted = globalWriteNames(ctx.code, names);
  const found = (name: string | undefined, n: Node): void => {
    if (name === undefined || !wanted.has(name) || out.has(name)) return;
    const inside = ctx.tree.findParent(n, (p) => isFunction(p));
    const text = sourceOf(ctx, n).replace(/\s+/g, " ");
    out.set(name, {
      loc: locOf(ctx, n),
      text: text.length > 48 ? `${text.slice(0, 45)}...` : text,
      ...(inside ? { by: functionLabel(ctx, inside) } : {}),
    });
  };
  // Every function entered (not closedOk): where one was left closed, the analysis runs again.
  if (wanted.size) forEachGlobalWrite(ctx, ({ name, node }) => found(name, node), false);
  if (!FAKE_CLOCK_TEXT.test(ctx.code)) return out;
  ctx.tree.walk(ctx.program as Node, (n) => {
    if (n.type !== "CallExpression") return undefined;
    const clock = fakeClockOf(n);
    if (!clock) return undefined;
    const inside = ctx.tree.findParent(n, (p) => isFunction(p));
    const text = sourceOf(ctx, n).replace(/\s+/g, " ");
    for (const name of clock.names)
      if (names.has(name) && !out.has(name))
        out.set(name, {
          loc: locOf(ctx, n),
          text: text.length > 48 ? `${text.slice(0, 45)}...` : text,
          clock: clock.api,
          ...(inside ? { by: functionLabel(ctx, inside) } : {}),
        });
    return undefined;
  });
  return out;
}

/** `import.meta` itself (not `new.target`). */
function isImportMeta(n: Node): boolean {
  return n.type === "MetaProperty" && n.meta.name === "import" && n.property.name === "meta";
}

/**
 * The first write of each member of this module's `import.meta` (`import.meta.mode = "prod"`,
 * `import.meta.list.push(x)`; `*` for `Object.assign(import.meta, …)`), found from the text first.
 * `import.meta` is an object of this module instance: a worker's import of the module has its
 * own, which what this thread's code set there never reaches (attack 18, F6). The walk enters
 * every function, as globalWrites' does.
 */
function importMetaWrites(ctx: Ctx): Map<string, GlobalWrite & { fn?: Node }> {
  const out = new Map<string, GlobalWrite & { fn?: Node }>();
  if (!/\bimport\s*\.\s*meta\b/.test(ctx.code)) return out;
  forEachWrite(ctx, ctx.program as Node, ({ node, target }) => {
    const o = strip(target);
    let name: string | undefined;
    if (isImportMeta(o)) {
      const left =
        node.type === "AssignmentExpression"
          ? strip(node.left as Node)
          : node.type === "UpdateExpression" || node.type === "UnaryExpression"
            ? strip(node.argument as Node)
            : undefined;
      name = left?.type.endsWith("MemberExpression") ? (memberName(left) ?? "*") : "*";
    } else if (o.type.endsWith("MemberExpression") && isImportMeta(strip((o as t.MemberExpression).object)))
      name = memberName(o) ?? "*";
    if (name === undefined || out.has(name)) return;
    const inside = ctx.tree.findParent(node, (p) => isFunction(p));
    const text = sourceOf(ctx, node).replace(/\s+/g, " ");
    out.set(name, {
      loc: locOf(ctx, node),
      text: text.length > 48 ? `${text.slice(0, 45)}...` : text,
      ...(inside ? { by: functionLabel(ctx, inside), fn: inside } : {}),
    });
  });
  return out;
}

/**
 * Globals every thread has: JavaScript's and Node.js's (read from the running Node, so a new
 * built-in is known without a list to keep), CommonJS's module-scope names, and `arguments`.
 * Read when this module loads, before a program run under `smartasync/register` sets globals
 * of its own, so the report does not depend on when a file is compiled.
 */
const KNOWN_GLOBALS = new Set([
  ...Object.getOwnPropertyNames(globalThis),
  "arguments",
  "require",
  "module",
  "exports",
  "__dirname",
  "__filename",
  "undefined",
  "NaN",
  "Infinity",
  // Globals of newer Node versions and of browsers' workers, so a report does not depend on
  // the Node that builds it.
  "navigator",
  "Navigator",
  "Iterator",
  "CustomEvent",
  "WebSocket",
  "CloseEvent",
  "File",
  "localStorage",
  "sessionStorage",
  "Storage",
  "window",
  "self",
  "importScripts",
  "postMessage",
  "onmessage",
  "close",
  "location",
  "document",
]);

/**
 * What `process` has in every thread (read from the running Node, its prototype chain included,
 * plus names of newer Nodes): anything else read on it was put there by the program.
 */
const PROCESS_PROPERTIES = (() => {
  const out = new Set<string>([
    "getBuiltinModule",
    "features",
    "finalization",
    "loadEnvFile",
    "permission",
    "sourceMapsEnabled",
    "setSourceMapsEnabled",
    "availableMemory",
    "constrainedMemory",
    "report",
    "ref",
    "unref",
    "execve",
    "threadCpuUsage",
    // Set by Node only in some processes (a forked child's IPC, flags, the main module): what
    // a worker gets of them is the runtime's business (forwarded) or SA314's, not program state.
    "send",
    "connected",
    "disconnect",
    "channel",
    "mainModule",
    "noDeprecation",
    "throwDeprecation",
    "traceDeprecation",
  ]);
  for (let o: object | null = process; o !== null; o = Object.getPrototypeOf(o))
    for (const k of Object.getOwnPropertyNames(o)) out.add(k);
  return out;
})();

/**
 * Calls whose answer differs from one run (and so from one thread's import) to the next: a
 * module-level `const` computed with one is another value in each worker.
 */
const VARYING = new Set([
  "randomUUID",
  "random",
  "randomBytes",
  "randomInt",
  "getRandomValues",
  "now",
  "hrtime",
  "bigint",
  "Symbol",
  "Date",
  "uptime",
  "cpuUsage",
  "memoryUsage",
  // A new directory each call (attack24 F08: a worker writes into its own), and the machine's
  // state now (`os.freemem()`, `os.loadavg()`, `os.cpus()`' times).
  "mkdtempSync",
  "freemem",
  "loadavg",
  "cpus",
]);

/**
 * Calls that read the file system (or the process's directory) at import: each worker imports the
 * module later and reads again, maybe after the program or anyone changed the file (attack 18, F18).
 */
const READS_FILES = new Set([
  "readFileSync",
  "readdirSync",
  "existsSync",
  "statSync",
  "lstatSync",
  "realpathSync",
  "readlinkSync",
  "opendirSync",
  "cwd",
]);

/** Values of `node:worker_threads` that are another in each thread (`threadId`, `isMainThread`). */
const PER_THREAD = new Set(["threadId", "isMainThread", "workerData", "parentPort", "resourceLimits"]);

/** A name read from `node:worker_threads` (an import of it, or a member of a namespace of it). */
function perThreadName(ctx: Ctx, n: Node): string | undefined {
  if (n.type === "Identifier") {
    if (!isReference(n, ctx.tree)) return undefined;
    const b = ctx.scopes.binding(n, n.name);
    if (b?.kind !== "module" || b.node.type !== "ImportSpecifier") return undefined;
    const decl = ctx.tree.parent(b.node) as { source?: { value?: unknown } } | undefined;
    if (!/^(node:)?worker_threads$/.test(String(decl?.source?.value))) return undefined;
    const imported = (b.node as t.ImportSpecifier).imported;
    const name = imported.type === "Identifier" ? imported.name : imported.value;
    return PER_THREAD.has(name) ? n.name : undefined;
  }
  if (n.type !== "MemberExpression" || n.computed) return undefined;
  const o = strip(n.object);
  const name = memberName(n);
  if (o.type !== "Identifier" || name === undefined || !PER_THREAD.has(name)) return undefined;
  const b = ctx.scopes.binding(o, o.name);
  if (!b) return undefined;
  const src =
    b.kind === "module"
      ? (ctx.tree.parent(b.node) as { source?: { value?: unknown } } | undefined)?.source?.value
      : b.node.type === "VariableDeclarator" &&
          b.node.init?.type === "CallExpression" &&
          isNodeRequire(ctx.scopes, b.node.init.callee as Node) &&
          b.node.init.arguments[0]?.type === "StringLiteral"
        ? b.node.init.arguments[0].value
        : undefined;
  return /^(node:)?worker_threads$/.test(String(src)) ? `${o.name}.${name}` : undefined;
}

/**
 * Why a module-level `const`'s initializer gives each worker's import another value, if it does:
 * a call that varies per run (attack 15, F15), a file read (F18), a per-thread value of
 * `node:worker_threads` (F7). A callback the initializer hands to a call runs at import too
 * (`Array.from({ length: 8 }, () => Math.random())`, attack 18 F7); a function it only holds does not.
 */
function variesPerThread(ctx: Ctx, b: Binding): Varies | undefined {
  if (b.node.type !== "VariableDeclarator" || !b.node.init) return undefined;
  return variesIn(ctx, b.node.init as Node, 0, new Set([b.node]));
}

/** Why a module-level value varies per thread (SA302), or that the build stopped following it (SA315). */
type Varies = { varies: string } | { unproven: string };

/**
 * How many module-level `const`s and plain functions of the module deep `variesIn` follows what
 * an initializer reads (`const input = readFileSync(0); const nums = input.split("\n")`, `const cfg
 * = loadCfg()`): attack27 F11, as SA207 follows helpers (`MAX_HELPER_DEPTH`).
 */
const MAX_VARIES_DEPTH = 4;

/**
 * `variesPerThread` of the code `root` (an initializer, or the body of a function it calls at
 * import): a call that varies per run, a file read, a per-thread value — in it, in the
 * initializer of a module-level binding it reads (`const nums = input.trim()…` of `const input =
 * readFileSync(0, "utf8")`), or in a plain function of the module it calls (`const cfg =
 * loadCfg()`, `const RUN_ID = makeId()`), followed MAX_VARIES_DEPTH steps; one more step to take
 * past that is not proven (fixture diagnostics/sa302-derived-const).
 */
function variesIn(ctx: Ctx, root: Node, depth: number, seen: Set<Node>): Varies | undefined {
  let found: Varies | undefined;
  const top = ctx.scopes.program;
  /** The module-level binding `n` reads, followed into its initializer or its body. */
  const follow = (n: t.Identifier): void => {
    const b = ctx.scopes.binding(n, n.name);
    if (!b || b.scope !== top || b.kind === "module") return;
    const p = ctx.tree.parent(n);
    const called = (p?.type === "CallExpression" || p?.type === "NewExpression") && p.callee === n;
    const fn = functionOfBinding(b);
    // A function only held (`{ handler }`) runs nothing at import; one called does.
    const next = fn
      ? called
        ? (fn.body as Node)
        : undefined
      : b.node.type === "VariableDeclarator"
        ? (b.node.init as Node | null)
        : undefined;
    if (!next || seen.has(b.node)) return;
    seen.add(b.node);
    if (depth + 1 > MAX_VARIES_DEPTH) {
      found = {
        unproven: `computed at import through more than ${MAX_VARIES_DEPTH} module-level \`const\`s and functions (\`${n.name}\` at ${locOf(ctx, n)}), which the build does not follow: each worker's import computes its own`,
      };
      return;
    }
    const inner = variesIn(ctx, next, depth + 1, seen);
    if (!inner) return;
    const step = fn ? `by \`${n.name}()\`` : `from \`${declaredAs(b)} ${n.name}\``;
    found =
      "varies" in inner
        ? {
            varies: `computed at import ${step}, ${
              fn
                ? inner.varies
                    .replace(/^computed at import by /, "which calls ")
                    .replace(/^computed at import from /, "which reads ")
                : inner.varies.replace(/^computed at import /, "which is computed at import ")
            }`,
          }
        : inner;
  };
  ctx.tree.walk(root, (n) => {
    if (found !== undefined) return false;
    if (isFunction(n)) {
      const p = ctx.tree.parent(n);
      const called =
        (p?.type === "CallExpression" || p?.type === "NewExpression") &&
        (p.callee === n || (p.arguments as Node[]).includes(n));
      return called ? undefined : false;
    }
    const thread = perThreadName(ctx, n);
    if (thread !== undefined) {
      found = {
        varies: `computed at import from \`${thread}\` of \`node:worker_threads\`, which is another value in each worker`,
      };
      return false;
    }
    if (n.type === "Identifier") {
      if (isReference(n, ctx.tree)) follow(n);
      return undefined;
    }
    if (n.type !== "CallExpression" && n.type !== "NewExpression") return undefined;
    const callee = strip(n.callee as Node);
    const name =
      callee.type === "Identifier"
        ? callee.name
        : callee.type.endsWith("MemberExpression")
          ? memberName(callee)
          : undefined;
    if (name !== undefined && VARYING.has(name))
      found = {
        varies: `computed at import by \`${callText(ctx, n)}\`, which gives each worker another value`,
      };
    else if (name !== undefined && READS_FILES.has(name))
      found = {
        varies: `computed at import by \`${callText(ctx, n)}\`, which each worker runs again at its own import, after the program may have changed what it reads`,
      };
    return undefined;
  });
  return found;
}

export function isKnownGlobal(name: string): boolean {
  return KNOWN_GLOBALS.has(name);
}

/** Module-level names a module exports (ES module or CommonJS syntax), once per file. */
const exportedLocalsMemo = new WeakMap<Ctx, Set<string>>();

function exportedLocals(ctx: Ctx): Set<string> {
  const hit = exportedLocalsMemo.get(ctx);
  if (hit) return hit;
  const out = new Set<string>();
  for (const s of ctx.program.body) {
    if (s.type === "ExportNamedDeclaration" && !s.source) {
      if (s.declaration?.type === "VariableDeclaration")
        for (const v of s.declaration.declarations)
          for (const id of patternNames(v.id as Node)) out.add(id.name);
      for (const sp of s.specifiers)
        if (sp.type === "ExportSpecifier" && sp.local.type === "Identifier") out.add(sp.local.name);
    }
    if (s.type === "ExportDefaultDeclaration" && s.declaration.type === "Identifier")
      out.add(s.declaration.name);
  }
  for (const [local, use] of indexExports(ctx.program)) if (exportedNames(use).length) out.add(local);
  exportedLocalsMemo.set(ctx, out);
  return out;
}

/** The local name a module exports as `name` (ES module or CommonJS syntax), if any. */
function exportedLocal(program: t.Program, name: string): string | undefined {
  for (const s of program.body) {
    if (s.type === "ExportNamedDeclaration" && !s.source) {
      const d = s.declaration;
      if (d?.type === "VariableDeclaration") {
        for (const v of d.declarations)
          if (patternNames(v.id as Node).some((id) => id.name === name)) return name;
      } else if ((d?.type === "FunctionDeclaration" || d?.type === "ClassDeclaration") && d.id?.name === name)
        return name;
      for (const sp of s.specifiers)
        if (
          sp.type === "ExportSpecifier" &&
          specifierNames(sp).exported === name &&
          sp.local.type === "Identifier"
        )
          return sp.local.name;
    }
    if (name === "default" && s.type === "ExportDefaultDeclaration") {
      const d = s.declaration;
      if (d.type === "Identifier") return d.name;
      // `export default function conf() {}` binds `conf` in the module (attack25 F12's `conf()`).
      if ((d.type === "FunctionDeclaration" || d.type === "ClassDeclaration") && d.id) return d.id.name;
    }
  }
  // CommonJS: `module.exports = { cache }`, `exports.cache = cache`.
  for (const [local, use] of indexExports(program)) if (exportedNames(use).includes(name)) return local;
  return undefined;
}

/** The `require("…")` a module-level binding is taken from, and the member it names, if any. */
function requiredFrom(
  ctx: Ctx,
  ref: t.Identifier,
  b: Binding,
): { source: string; name: string; shown: string } | undefined {
  const d = b.node;
  if (d.type !== "VariableDeclarator" || !d.init) return undefined;
  let init = strip(d.init);
  let member: string | undefined;
  if (init.type === "MemberExpression") {
    // `const cache = require("./state").cache`
    member = memberName(init);
    // `require("./state")[k]`: some member, not the whole module.
    if (member === undefined) return undefined;
    init = strip(init.object);
  }
  if (
    init.type !== "CallExpression" ||
    !isNodeRequire(ctx.scopes, init.callee as Node) ||
    init.arguments[0]?.type !== "StringLiteral"
  )
    return undefined;
  const source = init.arguments[0].value;
  if (member !== undefined)
    return d.id.type === "Identifier" ? { source, name: member, shown: ref.name } : undefined;
  if (d.id.type === "ObjectPattern") {
    // `const { cache } = require("./state")`
    for (const p of d.id.properties) {
      if (p.type !== "ObjectProperty" || p.value.type !== "Identifier" || p.value.name !== ref.name) continue;
      const key = keyName(p as { key: Node; computed?: boolean });
      return key === undefined ? undefined : { source, name: key, shown: ref.name };
    }
    return undefined;
  }
  if (d.id.type !== "Identifier") return undefined;
  // `const state = require("./state")`: `state.cache` names the binding.
  const parent = ctx.tree.parent(ref);
  if (parent?.type === "MemberExpression" && parent.object === ref) {
    const name = memberName(parent);
    return name === undefined ? undefined : { source, name, shown: `${ref.name}.${name}` };
  }
  return undefined;
}

/** An ES module import, or a module-level `const` taken from `require("…")`. */
export function isImportBinding(ctx: Ctx, b: Binding): boolean {
  if (b.kind === "module") return true;
  const d = b.node;
  return (
    b.kind === "const" &&
    b.scope === ctx.scopes.program &&
    d.type === "VariableDeclarator" &&
    d.init != null &&
    isRequire(ctx, d.init)
  );
}

/** Imports of this module that a function of this module changes, each with the first such write. */
const importsWrittenHere = new WeakMap<Ctx, Map<Binding, { by: string; loc: string }>>();

function importsWrittenByFunctions(ctx: Ctx): Map<Binding, { by: string; loc: string }> {
  const hit = importsWrittenHere.get(ctx);
  if (hit) return hit;
  const out = new Map<Binding, { by: string; loc: string }>();
  forEachWrite(ctx, ctx.program as Node, ({ node, target }) => {
    const r = rootOf(target);
    const b = r === undefined ? undefined : ctx.scopes.binding(r.id, r.id.name);
    if (b === undefined || !isImportBinding(ctx, b) || out.has(b)) return;
    const inside = ctx.tree.findParent(node, (p) => isFunction(p));
    if (inside !== undefined) out.set(b, { by: functionLabel(ctx, inside), loc: locOf(ctx, node) });
  });
  importsWrittenHere.set(ctx, out);
  return out;
}

/** What an imported binding is in its module: that module's context and its binding there. */
export interface ImportTarget {
  other: Ctx;
  there: Binding;
  /** `` `cache` imported from `./state.js` ``, as messages name it (re-exports included). */
  from: string;
}

/**
 * How many modules SA302 follows from a worker function's own, through imported functions that
 * use imported state (`recall()` of ./helper.js calling `lookup()` of ./store.js …). Each step
 * reads one more module; the chain is named in the message, so a longer one would not be read.
 */
const MAX_STATE_DEPTH = 8;

/** The binding an import names: its module's specifier and the exported name, if any. */
export function importedFrom(
  ctx: Ctx,
  ref: t.Identifier,
  b: Binding,
): { source: string; name: string; shown: string } | undefined {
  if (b.kind !== "module") return requiredFrom(ctx, ref, b);
  const spec = b.node;
  const decl = ctx.tree.parent(spec);
  if (decl?.type !== "ImportDeclaration" || decl.importKind === "type") return undefined;
  let name: string | undefined;
  let shown = ref.name;
  if (spec.type === "ImportSpecifier") {
    if (spec.importKind === "type") return undefined;
    name = spec.imported.type === "Identifier" ? spec.imported.name : spec.imported.value;
  } else if (spec.type === "ImportDefaultSpecifier") name = "default";
  else if (spec.type === "ImportNamespaceSpecifier") {
    // `ns.cache`: the member is the imported binding.
    const parent = ctx.tree.parent(ref);
    if (parent?.type === "MemberExpression" && parent.object === ref) name = memberName(parent);
    if (name !== undefined) shown = `${ref.name}.${name}`;
  }
  return name === undefined ? undefined : { source: decl.source.value, name, shown };
}

export function importTarget(ctx: Ctx, ref: t.Identifier, b: Binding): ImportTarget | undefined {
  if (!ctx.filename) return undefined;
  const r = importedFrom(ctx, ref, b);
  return r === undefined ? undefined : targetIn(ctx, r.source, r.name, r.shown);
}

/**
 * The binding a namespace import's member `name` is, where no member expression names it
 * (`const { getSettings: g } = lib`; fixture diagnostics/sa315-accessor-routes).
 */
export function namespaceMember(ctx: Ctx, b: Binding, name: string): ImportTarget | undefined {
  if (!ctx.filename || b.node.type !== "ImportNamespaceSpecifier") return undefined;
  const decl = ctx.tree.parent(b.node);
  if (decl?.type !== "ImportDeclaration" || decl.importKind === "type") return undefined;
  return targetIn(ctx, decl.source.value, name, `${b.name}.${name}`);
}

function targetIn(ctx: Ctx, source: string, name: string, shown: string): ImportTarget | undefined {
  const found = exportTarget(ctx, source, name, new Set(), 0);
  if (!found) return undefined;
  const through = found.via.length
    ? ` (re-exported from ${found.via.map((v) => `\`${v}\``).join(", then ")})`
    : "";
  return {
    other: found.other,
    there: found.there,
    from: `\`${shown}\` imported from \`${source}\`${through}`,
  };
}

/**
 * The module and binding that `name` exported by the module `source` of `from` is, followed
 * through re-exports: `export { x } from`, `export *`, and an imported binding exported again
 * (`import { x } from "./a"; export { x }`), up to MAX_REEXPORT_DEPTH modules, each module and
 * name once (a re-export cycle ends). `via` lists the specifiers passed on the way, as each
 * barrel writes them. A name no module defines, or a namespace (`export * as ns`), is not followed.
 */
function exportTarget(
  from: Ctx,
  source: string,
  name: string,
  seen: Set<string>,
  depth: number,
): { other: Ctx; there: Binding; via: string[] } | undefined {
  if (depth > MAX_REEXPORT_DEPTH || !from.filename) return undefined;
  const path = fileOf(source, from.filename, from.options.runtime, from.options.resolve);
  const other = path === undefined ? undefined : importedCtx(from, path);
  if (!other || seen.has(`${path}\0${name}`)) return undefined;
  seen.add(`${path}\0${name}`);
  const onward = (next: string, nextName: string) => {
    const r = exportTarget(other, next, nextName, seen, depth + 1);
    return r && { ...r, via: [next, ...r.via] };
  };
  const local = exportedLocal(other.program, name);
  if (local !== undefined) {
    const there = other.scopes.program.bindings.get(local);
    if (!there) return undefined;
    if (!isImportBinding(other, there)) return { other, there, via: [] };
    // Imported there and exported again: the binding lives one module on.
    const spec = there.node;
    if (spec.type === "ImportNamespaceSpecifier") return undefined;
    const decl = other.tree.parent(spec);
    if (decl?.type === "ImportDeclaration") {
      if (spec.type === "ImportDefaultSpecifier") return onward(decl.source.value, "default");
      if (spec.type === "ImportSpecifier")
        return onward(
          decl.source.value,
          spec.imported.type === "Identifier" ? spec.imported.name : spec.imported.value,
        );
      return undefined;
    }
    const ref =
      there.node.type === "VariableDeclarator"
        ? patternNames(there.node.id as Node).find((id) => id.name === local)
        : undefined;
    const req = ref ? requiredFrom(other, ref, there) : undefined;
    return req ? onward(req.source, req.name) : undefined;
  }
  for (const s of other.program.body) {
    if (s.type !== "ExportNamedDeclaration" || !s.source || s.exportKind === "type") continue;
    for (const sp of s.specifiers) {
      if (sp.type !== "ExportSpecifier" || sp.exportKind === "type" || specifierNames(sp).exported !== name)
        continue;
      return onward(s.source.value, specifierNames(sp).local);
    }
  }
  // `export *` never carries `default`; the first module that has the name gives it (ES modules
  // make a name two of them export ambiguous, and an import of it a link error).
  if (name === "default") return undefined;
  for (const s of other.program.body) {
    if (s.type !== "ExportAllDeclaration" || s.exportKind === "type") continue;
    const r = onward(s.source.value, name);
    if (r) return r;
  }
  return undefined;
}

/**
 * How a module-level binding of `other` is changed by the calling side: a `let`/`var` a function
 * of that module assigns, or an in-memory object a function of that module (or, for an import,
 * `written` of the importer) changes; undefined for anything a fresh import gives every worker
 * alike (a `let` assigned only by top-level code, code, a library's handle).
 */
function changedBy(other: Ctx, there: Binding, written?: { by: string; loc: string }): string | undefined {
  if (there.kind === "let" || there.kind === "var") {
    // Assigned by top-level code only, it is the same in every worker's import.
    const v = there.violations.find((w) => other.tree.findParent(w, (p) => isFunction(p)) !== undefined);
    // A class declaration binds a `let`: one never assigned may still have its static fields changed.
    if (!v && there.node.type === "ClassDeclaration") return changedObject(other, there, written);
    if (!v) return undefined;
    const by = functionLabel(other, other.tree.findParent(v, (p) => isFunction(p))!);
    return `a \`${there.kind}\` there that ${by} assigns at ${locOf(other, v)}`;
  }
  return changedObject(other, there, written);
}

function changedObject(
  other: Ctx,
  there: Binding,
  written?: { by: string; loc: string },
): string | undefined {
  const kind = changeableKind(other, there);
  if (kind !== "object" && kind !== "class") return undefined;
  const w = objectsWrittenByFunctions(other).get(there) ?? written;
  if (!w) return undefined;
  return `${kind === "class" ? "a class there whose static fields" : "an object there that"} ${w.by} changes at ${w.loc}`;
}

/**
 * SA302 across an import: a binding imported (or required) from another module of the program
 * that is state there and changed on the calling side. A worker imports that module afresh and
 * reads its own, unchanged copy (fixtures diagnostics/sa302-imported-let, sa302-imported-object,
 * sa302-imported-written-here, sa302-required-object, sa302-reexported-state).
 */
function importedState(ctx: Ctx, target: ImportTarget, b: Binding): string | undefined {
  const how = changedBy(target.other, target.there, importsWrittenByFunctions(ctx).get(b));
  return how === undefined ? undefined : `${target.from}, ${how}`;
}

/** What an imported function uses (see importedFunctionState), by function; "pending" while it is followed. */
const importedFunctionMemo = new WeakMap<t.Function, string | null | "pending">();

/**
 * SA302 through an imported function: the state of its module it uses (through the functions of
 * that module it calls) that a function there changes — its own writes included, which stay in
 * the worker's copy — and, up to MAX_STATE_DEPTH modules on, the same through what that module
 * imports: its imported state, and its imported functions in turn (./helper.js calling
 * ./store.js, which writes its own `Map`). Each function is followed once; a cycle of imports
 * adds nothing. Fixtures diagnostics/sa302-imported-function, sa302-two-imports-deep.
 */
function importedFunctionState(
  target: ImportTarget,
  depth = 1,
  start = functionOfBinding(target.there),
  /** How the message names what runs: the function itself, or `whose \`bump()\`` for a method. */
  which = "which",
): string | undefined {
  if (!start) return undefined;
  const hit = importedFunctionMemo.get(start);
  if (hit === "pending") {
    cutShort = true; // a cycle: what it finds is found where it started
    return undefined;
  }
  if (hit !== undefined) return hit === null ? undefined : `${target.from}, ${which} uses ${hit}`;
  importedFunctionMemo.set(start, "pending");
  const outer = cutShort;
  cutShort = false;
  const found = functionStateIn(target.other, start, depth);
  // A finding is final, and so is "nothing" when no cycle or depth bound cut the search short
  // (from another start, such a search may go further).
  if (found !== undefined || !cutShort) importedFunctionMemo.set(start, found ?? null);
  else importedFunctionMemo.delete(start);
  cutShort ||= outer;
  return found === undefined ? undefined : `${target.from}, ${which} uses ${found}`;
}

/** Set when a search of importedFunctionState met a cycle or the depth bound (its "nothing" is not final). */
let cutShort = false;

/** The first changed state `start` (and the functions of `other` it calls) uses, as SA302 words it. */
function functionStateIn(other: Ctx, start: t.Function, depth: number): string | undefined {
  const top = other.scopes.program;
  let found: string | undefined;
  const seen = new Set<t.Function>([start]);
  const queue: t.Function[] = [start];
  /** Imports of `other` asked about once each (a namespace import names a member each time). */
  const asked = new Set<Binding>();
  for (let i = 0; i < queue.length && found === undefined; i++) {
    const body = queue[i]!.body as Node;
    other.tree.walk(body, (n) => {
      if (found !== undefined || n.type !== "Identifier" || !isReference(n, other.tree)) return undefined;
      const b = other.scopes.binding(n, n.name);
      if (!b || b.scope !== top) return undefined;
      const how = changedBy(other, b);
      if (how !== undefined) {
        found = `\`${n.name}\`, ${how}`;
        return undefined;
      }
      if (isImportBinding(other, b)) {
        if (depth >= MAX_STATE_DEPTH) {
          cutShort = true;
          return undefined;
        }
        const ns = b.node.type === "ImportNamespaceSpecifier" || b.node.type === "VariableDeclarator";
        if (ns || !asked.has(b)) {
          asked.add(b);
          const t2 = importTarget(other, n, b);
          found = t2 && (importedState(other, t2, b) ?? importedFunctionState(t2, depth + 1));
        }
        return undefined;
      }
      const next = functionReached(other, n, b);
      if (next && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
      return undefined;
    });
  }
  return found;
}

/**
 * The function a reference to a module binding runs: the function itself, a class's static
 * method or an object's method called on it (`Counter.bump()`, `tools.bump()`); what SA302 follows
 * from a worker function and from the calling module (caller-state.ts) alike.
 */
export function functionReached(
  ctx: Ctx,
  n: t.Identifier,
  b: Binding,
  method: string | undefined = methodCalled(ctx, n),
): t.Function | undefined {
  const kind = stateKind(ctx, b);
  if (kind === "code")
    return (method !== undefined ? methodOf(ctx, b, method, "static") : undefined) ?? functionOfBinding(b);
  return kind === "object" && method !== undefined ? methodOf(ctx, b, method, "object") : undefined;
}

/** `m` where `n` is the receiver of a call `n.m(…)`. */
export function methodCalled(ctx: Ctx, n: t.Identifier): string | undefined {
  const p = ctx.tree.parent(n);
  if (p?.type !== "MemberExpression" && p?.type !== "OptionalMemberExpression") return undefined;
  if (p.object !== n) return undefined;
  const q = ctx.tree.parent(p);
  if ((q?.type !== "CallExpression" && q?.type !== "OptionalCallExpression") || q.callee !== p)
    return undefined;
  return memberName(p);
}

/** Whether `n` is read as the object of a member (`Settings.rate`, not a call of one of its methods). */
function memberRead(ctx: Ctx, n: t.Identifier): boolean {
  const p = ctx.tree.parent(n);
  return (p?.type === "MemberExpression" || p?.type === "OptionalMemberExpression") && p.object === n;
}

export function sharedState(
  ctx: Ctx,
  fn: SaFunction,
  /** Filled with the module-level bindings read, for the proof of same-everywhere.ts. */
  reads?: Map<Binding, WorkerRead>,
): SharedState {
  /** The entries by their key (`entryKey`): one text for each kind, subject and function. */
  const entries = new Map<string, string>();
  /** The module-level bindings an entry is about (same-everywhere.ts skips them). */
  const named = new Set<Binding>();
  /** The bindings an entry says the function changes (`mutates`), which says all a later entry would. */
  const mutated = new Set<Binding>();
  const ids = new Map<Binding, number>();
  const say = (key: EntryKey, text: string): void => {
    const k = entryKey(key, ids);
    if (!entries.has(k)) entries.set(k, text);
    if (typeof key.subject === "string") return;
    named.add(key.subject);
    if (key.kind === "mutates") mutated.add(key.subject);
  };
  /** SA315's entries: a value whose making the build stopped following (`variesIn`). */
  const unproven = new Set<string>();
  const top = ctx.scopes.program;
  const changed = objectsWrittenByFunctions(ctx);
  /**
   * Objects read here and changed elsewhere, by binding (dropped when this function, or one it
   * calls, changes them): the entry, what it is reached through, and the function of the module
   * that changes it, if the change is seen here.
   */
  const readChanged = new Map<Binding, { entry: string; via: string | undefined; by?: Node }>();
  /** What an import is, once per binding (its module is resolved and stat'ed once a function). */
  const importMemo = new Map<Binding, string | undefined>();
  const importedOnce = (n: t.Identifier, b: Binding): string | undefined => {
    // `ns.a` and `ns.b` (or `state.a` of `const state = require(…)`) are different bindings.
    const ns =
      b.node.type === "ImportNamespaceSpecifier" ||
      (b.node.type === "VariableDeclarator" && b.node.id.type === "Identifier");
    if (!ns && importMemo.has(b)) return importMemo.get(b);
    const target = importTarget(ctx, n, b);
    const out = target && (importedState(ctx, target, b) ?? importedFunctionState(target));
    if (!ns) importMemo.set(b, out);
    return out;
  };
  /** What a method of an import does (`tools.bump()`), once per binding and method. */
  const methodMemo = new Map<string, string | undefined>();
  const importedMethodOnce = (n: t.Identifier, b: Binding, method: string): string | undefined => {
    const key = `${n.name}\0${method}`;
    if (methodMemo.has(key)) return methodMemo.get(key);
    const target = importTarget(ctx, n, b);
    const start = target && methodOf(target.other, target.there, method);
    const out =
      target &&
      (importedState(ctx, target, b) ??
        (start ? importedFunctionState(target, 1, start, `whose \`${method}()\``) : undefined));
    methodMemo.set(key, out);
    return out;
  };
  /** Built-in globals the function (or a function of the module it calls) reads, with the way to them. */
  const globalsRead = new Map<string, string | undefined>();
  /** Writes of `import.meta`'s members, walked for when the function reads one. */
  let metaWrites: Map<string, GlobalWrite & { fn?: Node }> | undefined;
  const seen = new Set<t.Function>([fn.fn]);
  const through = (via: string | undefined) => (via ? ` through \`${via}()\`` : "");
  const visit = (f: t.Function, via: string | undefined): void => {
    const body = f.body as Node;
    const follow: { f: t.Function; name: string }[] = [];
    const look = (n: Node): false | undefined => {
      // A `toString` a template runs, a `toJSON` of `JSON.stringify`, a static getter
      // (`Env.mode`): it runs in the worker too, and what it uses is followed like a function's
      // (attack23 F13). Only where the build tells the value's class: an argument arrives as a
      // structured clone, whose methods are gone, so an operand it cannot tell is not taken for
      // every conversion method of the module (as the effect rules take it).
      for (const g of implicitCalls(ctx, n)?.fns ?? [])
        if (!seen.has(g)) {
          seen.add(g);
          follow.push({ f: g, name: via ?? implicitName(ctx, g) });
        }
      // `Reflect.get(globalThis, "appMode")` is `globalThis["appMode"]` (attack25 F17).
      const reflected = reflectGet(ctx, n);
      // `globalThis?.appConfig`, `globalThis?.["appConfig"]`: the same reads (attack27 F15).
      const member = n.type === "MemberExpression" || n.type === "OptionalMemberExpression";
      if (member || reflected) {
        const m = n as t.MemberExpression;
        const [object, property, computed] = reflected ?? [m.object as Node, m.property as Node, m.computed];
        // `(0, globalThis)["appConfig"]`: the global object out of a sequence is the same.
        if (computed && globalObject(ctx, peelCallee(object))) {
          // `globalThis["appMode"]`, `globalThis[Symbol.for("app.config")]`: a global of this
          // thread read by key (attack 15, F2); a key naming a built-in is every thread's.
          const key = property.type === "StringLiteral" ? property.value : undefined;
          if (key === undefined || !isKnownGlobal(key)) {
            const global = reflected
              ? sourceOf(ctx, n)
              : `${strip(object).type === "SequenceExpression" ? `(${sourceOf(ctx, object)})` : sourceOf(ctx, object)}[${sourceOf(ctx, property)}]`;
            say(
              { kind: "global", subject: global, via },
              `the global \`${global}\`${aliasOf(ctx, peelCallee(object))}, which a worker's own globalThis lacks${through(via)}`,
            );
          }
          return undefined;
        }
      }
      if (member && n.computed) return undefined;
      if (n.type === "VariableDeclarator" && n.id.type === "ObjectPattern" && n.init) {
        // `const { appConfig } = globalThis`: each key a global read (attack27 F15, fixture
        // diagnostics/sa302-global-spellings).
        const o = peelCallee(n.init as Node);
        if (o.type === "Identifier" && globalObject(ctx, o))
          for (const p of n.id.properties) {
            const key =
              p.type === "ObjectProperty" ? keyName(p as { key: Node; computed?: boolean }) : undefined;
            if (key === undefined) continue;
            if (!isKnownGlobal(key))
              say(
                { kind: "global", subject: `${o.name}.${key}`, via },
                `the global \`${key}\` destructured from \`${o.name}\`${aliasOf(ctx, o)}, which a worker's own globalThis lacks${through(via)}`,
              );
            else if (!globalsRead.has(key)) globalsRead.set(key, via);
          }
      }
      if (n.type === "MemberExpression" && isImportMeta(strip(n.object))) {
        // `import.meta.mode`, which a function of the module sets: the worker's import has its
        // own `import.meta` (attack 18, F6). Top-level code sets it in the worker's import too.
        const key = memberName(n) ?? "*";
        metaWrites ??= importMetaWrites(ctx);
        const w = metaWrites.get(key) ?? metaWrites.get("*");
        if (w?.by && w.fn !== fn.fn)
          say(
            { kind: "meta", subject: key, via },
            `\`import.meta.${key}\`${through(via)}, which ${w.by} sets at ${w.loc} (\`${w.text}\`): \`import.meta\` belongs to this module instance, and a worker's import of the module has its own`,
          );
      }
      if (n.type === "MemberExpression" && !n.computed && n.property.type === "Identifier") {
        const o = strip(n.object);
        // `process.appConfig`: a property the program put on this thread's `process`; a worker
        // has its own process object (attack 15, F19).
        if (
          o.type === "Identifier" &&
          o.name === "process" &&
          !ctx.scopes.binding(o, o.name) &&
          !PROCESS_PROPERTIES.has(n.property.name)
        )
          say(
            { kind: "process", subject: n.property.name, via },
            `\`process.${n.property.name}\`, a property the program set on this thread's process object, which a worker's own lacks${through(via)}`,
          );
      }
      if (member && !n.computed && n.property.type === "Identifier") {
        // `globalThis.appConfig`: a global of this thread (below); also through an alias of the
        // global object (`const g = globalThis; … g.appConfig`, attack25 F17), or one out of a
        // sequence (`(0, globalThis).appConfig`, fixture diagnostics/sa302-global-spellings).
        const o = peelCallee(n.object as Node);
        if (o.type === "Identifier" && globalObject(ctx, o)) {
          if (!isKnownGlobal(n.property.name))
            say(
              { kind: "global", subject: `${o.name}.${n.property.name}`, via },
              `the global \`${o.name}.${n.property.name}\`${aliasOf(ctx, o)}, which a worker's own globalThis lacks${through(via)}`,
            );
          else if (!globalsRead.has(n.property.name)) globalsRead.set(n.property.name, via);
        }
        return undefined;
      }
      if (n.type === "Identifier") {
        if (!isReference(n, ctx.tree)) return undefined;
        const b = ctx.scopes.binding(n, n.name);
        if (!b && !isKnownGlobal(n.name)) {
          // Not declared anywhere the module shows, nor a JavaScript or Node.js global: set on
          // this thread's globalThis by some code, which a worker's own globalThis lacks (fixture
          // worker/what-a-worker-sees).
          say(
            { kind: "global", subject: n.name, via },
            `the global \`${n.name}\`, which a worker's own globalThis lacks${through(via)}`,
          );
          return undefined;
        }
        if (!b) {
          // A built-in the program may replace (`globalThis.fetch = stub`): see globalWrites.
          if (!globalsRead.has(n.name)) globalsRead.set(n.name, via);
          return undefined;
        }
        if (!b || b.scope !== top) return undefined;
        if (reads && !reads.has(b)) reads.set(b, { ref: n, via });
        const kind = stateKind(ctx, b);
        if (kind === "state")
          say({ kind: "state", subject: b, via }, `\`${declaredAs(b)} ${n.name}\`${through(via)}`);
        // `X.m()` of a class or an object of the module: its static method or its method runs
        // here, and what it uses is followed like a function's (issue 14, #9).
        const method = methodCalled(ctx, n);
        // A class's static field (`Settings.rate`) is state where a function changes it (#13).
        // A function declaration's property (`cfg.rate`) likewise (attack 15, F1).
        const member =
          kind === "code" &&
          (isClassBinding(b) || b.node.type === "FunctionDeclaration") &&
          method === undefined &&
          memberRead(ctx, n);
        if (kind === "object" || kind === "handle" || member) watchState(ctx, b);
        // An object too (`const files = new Set(readdirSync("."))`, attack27 F11): the proof of
        // same-everywhere.ts reads its uses, not what made it.
        const varies =
          kind === "value" || kind === "handle" || kind === "object" ? variesPerThread(ctx, b) : undefined;
        if (varies && "varies" in varies)
          // `const instanceId = randomUUID()`: each worker imports the module and computes its own
          // (attack 15, F15).
          say({ kind: "varies", subject: b, via }, `\`const ${n.name}\`, ${varies.varies}${through(via)}`);
        else if (varies) unproven.add(`\`const ${n.name}\`${through(via)}, ${varies.unproven}`);
        // A namespace (`ns.f()`, `lib.f()` of `const lib = require(…)`) names the binding itself.
        const namespace =
          b.node.type === "ImportNamespaceSpecifier" ||
          (b.node.type === "VariableDeclarator" && b.node.id.type === "Identifier");
        const imported = isImportBinding(ctx, b)
          ? method !== undefined && !namespace
            ? importedMethodOnce(n, b, method)
            : importedOnce(n, b)
          : undefined;
        if (imported) readChanged.set(b, { entry: `${imported}${through(via)}`, via });
        const w = kind === "object" || kind === "handle" || member ? changed.get(b) : undefined;
        if (w)
          readChanged.set(b, {
            entry: `\`${declaredAs(b)} ${n.name}\`, which ${w.by} changes at ${w.loc}${through(via)}`,
            via,
            by: w.fn,
          });
        else if (kind === "object" && !readChanged.has(b) && exportedLocals(ctx).has(n.name))
          // Exported: any importer may change it (`settings.mode = …` in config.mjs), and no
          // build of one file can prove none does (fixture diagnostics/sa302-exported-object).
          readChanged.set(b, {
            entry: `\`${declaredAs(b)} ${n.name}\`, which this module exports, so other modules may change it${through(via)}`,
            via,
          });
        const callee = functionReached(ctx, n, b, method);
        if (callee && !seen.has(callee)) {
          seen.add(callee);
          follow.push({ f: callee, name: via ?? (method !== undefined ? `${n.name}.${method}` : n.name) });
        }
        return undefined;
      }
      if (n.type !== "CallExpression" && n.type !== "OptionalCallExpression") return undefined;
      // Any other method called on an object the module created may change it.
      const callee = strip(n.callee as Node);
      const method = callee.type.endsWith("MemberExpression") ? memberName(callee) : undefined;
      if (method !== undefined && !isMutator(method) && !isReader(method)) {
        const object = (callee as t.MemberExpression).object;
        const r = stateRoot(ctx, object, "break");
        if (r && stateKind(ctx, r.b) === "object" && !selfFreeMethod(ctx, object, r.b, method)) {
          const deep = strip(object).type.endsWith("MemberExpression") ? "…" : "";
          const shown = r.via ? `${r.via}()${deep}` : `${r.id.name}${deep}`;
          say(
            { kind: "calls", subject: r.b, via, detail: `${shown}.${method}` },
            `calls \`${shown}.${method}()\`${through(via)}`,
          );
        }
      }
      // Module objects passed to a function of the module that writes to that parameter.
      const target = functionOf(ctx, n.callee as Node);
      if (target) {
        const writes = paramWrites(ctx, target);
        // Also a write through what a call gives back that may be the parameter (issue 14, #6:
        // `findItem(todos, id).done = true` in the helper), where the build sees that call.
        const escapes = argumentEscapes(ctx, target);
        const throughResult = (i: number): boolean => {
          const e = escapes.get(i);
          return (
            e !== undefined && !e.unknownCall && (e.may?.includes("which may be it or part of it") ?? false)
          );
        };
        n.arguments.forEach((arg, i) => {
          const r = arg.type === "SpreadElement" ? undefined : rootOf(arg as Node);
          const b = r && ctx.scopes.binding(r.id, r.id.name);
          if (!r || !b || b.scope !== top || !(writes.has(i) || throughResult(i))) return;
          const kind = stateKind(ctx, b);
          if (kind === "object" || kind === "code" || kind === "value" || kind === "import") {
            // Reached through the function it is passed to, when the worker function calls it.
            const by = via ?? sourceOf(ctx, strip(n.callee as Node));
            say({ kind: "mutates", subject: b, via: by }, `mutates \`${r.id.name}\`${through(by)}`);
          }
        });
      }
      return undefined;
    };
    // Default parameters run in the worker too (attack 15, F14).
    for (const p of f.params) ctx.tree.walk(p as Node, look);
    ctx.tree.walk(body, look);
    forEachWrite(ctx, body, ({ node, target }) => {
      const r = stateRoot(ctx, target, "break");
      const b = r?.b;
      if (!r || !b || b.scope !== top) return;
      const kind = stateKind(ctx, b);
      // `let`/`var` are listed as used already, unless written through what a function returns;
      // an import's methods are its own business.
      if ((kind === "state" && !r.via) || (kind === "import" && node.type.endsWith("CallExpression"))) return;
      const what = r.via ? ` (what \`${r.via}()\` returns)` : "";
      say(
        { kind: "mutates", subject: b, via, detail: r.via },
        `mutates \`${r.id.name}\`${what}${through(via)}`,
      );
    });
    for (const next of follow) visit(next.f, next.name);
  };
  visit(fn.fn, undefined);
  // A built-in a function of the module replaces (`globalThis.fetch = stub` in `installStub()`):
  // the worker's globalThis keeps its own (issue 14, #20). Top-level code runs in the worker too.
  for (const [name, w] of globalWrites(ctx, new Set(globalsRead.keys())))
    if (w.by)
      say(
        { kind: "replaced", subject: name, via: globalsRead.get(name) },
        replacedGlobal(name, through(globalsRead.get(name)), w, w.by),
      );
  for (const [b, { entry, via, by }] of readChanged)
    if (
      !mutated.has(b) &&
      // Changed by the function itself or one it calls (`calls \`counter.inc()\`` says so already).
      (by === undefined || !seen.has(by as t.Function))
    )
      say({ kind: "changed", subject: b, via }, entry);
  return { entries: [...entries.values()], named, reached: seen, unproven: [...unproven] };
}

/**
 * What an SA302 entry is about, which it is said once for: a message names each binding or
 * global once for each way the function uses it and each function it is reached through.
 */
interface EntryKey {
  kind: "global" | "process" | "meta" | "replaced" | "state" | "varies" | "calls" | "mutates" | "changed";
  /** The module-level binding, or the global's name (`process.x`'s property), it names. */
  subject: Binding | string;
  /** The function of the module it is reached through (`through \`f()\``), if any. */
  via: string | undefined;
  /** What else parts two entries of one kind and subject: the method called, the function whose value is written. */
  detail?: string;
}

/** `key` as a map key; `ids` numbers the bindings, which have no name of their own to key by. */
function entryKey(key: EntryKey, ids: Map<Binding, number>): string {
  let subject: string;
  if (typeof key.subject === "string") subject = `global ${key.subject}`;
  else {
    const id = ids.get(key.subject) ?? ids.size;
    ids.set(key.subject, id);
    subject = `binding ${id}`;
  }
  return [key.kind, subject, key.via ?? "", key.detail ?? ""].join("\0");
}

/** SA302's entries for one function, and the module-level bindings they name. */
export interface SharedState {
  entries: string[];
  named: ReadonlySet<Binding>;
  /**
   * The function and the functions of the module it calls or passes on (followed as above): what
   * they do runs where the function runs, in the worker too (same-everywhere.ts `handleCalls`).
   */
  reached: ReadonlySet<t.Function>;
  /** SA315's entries this walk finds: a value made at import through more than the build follows. */
  unproven: string[];
}

/** SA303 for the module's own top-level code (its imports: worker-imports.ts). */
export function checkTopLevelEffects(ctx: Ctx, cjs: boolean): void {
  const found = topLevelEffects(ctx.program, ctx.code, ctx.options.runtime);
  if (found.length === 0) return;
  const lines = found.map((s) => s.loc?.start.line).filter((l): l is number => l !== undefined);
  const declarations = found.some((s) => declarationOf(s)?.type === "VariableDeclaration");
  warn(ctx, "SA303", found[0], MSG.topLevelEffects(lines, ctx.options.runtime, cjs, declarations));
}

/** Inside an `if`/`?:`/`&&`/`||` whose test is an entry guard (`isWorker`, `require.main` …). */
export function guarded(ctx: Ctx, n: Node): boolean {
  return (
    ctx.tree.findParent(n, (p) => {
      const test =
        p.type === "IfStatement" || p.type === "ConditionalExpression"
          ? p.test
          : p.type === "LogicalExpression"
            ? p.left
            : undefined;
      return test !== undefined && test !== n && WORKER_GUARD.test(sourceOf(ctx, test));
    }) !== undefined
  );
}

/**
 * SA305: module-level code that calls its own module's worker or pool variant. Each worker
 * imports the module to reach the function, which runs that code again and starts another
 * worker, without end (fixture diagnostics/sa305-module-level-worker-call).
 */
export function checkModuleLevelWorkerCalls(
  ctx: Ctx,
  index: Index,
  inWorkers: Set<SaFunction>,
  edits: Map<Node, CallEdit>,
): void {
  if (inWorkers.size === 0) return;
  for (const call of ctx.tree.calls) {
    if (ctx.tree.functionParent(call)) continue;
    // Instance field initialisers, public or private, run when an object is made, not when the
    // module is imported (fixture diagnostics/sa305-private-instance-field).
    if (
      ctx.tree.findParent(
        call,
        (p) =>
          (p.type === "ClassProperty" ||
            p.type === "ClassPrivateProperty" ||
            p.type === "ClassAccessorProperty") &&
          !p.static,
      )
    )
      continue;
    const r = resolveCallee(ctx, index, call);
    const fn = r?.fn;
    if (!r || !fn || !inWorkers.has(fn)) continue;
    const rewritten = edits.get(call)?.to === fn.variant;
    if (!rewritten && !(r.explicit && r.choice !== "self")) continue;
    if (guarded(ctx, call)) continue;
    fail(
      ctx,
      "SA305",
      call,
      MSG.moduleLevelWorkerCall(
        callText(ctx, call),
        fn.display,
        fn.variant,
        fn.kind,
        ctx.options.runtime,
        !rewritten,
      ),
    );
  }
}

/**
 * Why an async function may never finish, if its body shows it (a loop around awaits …), or a
 * function of the module it awaits, or (attack27: `await waitClosed(server)`) a plain helper it
 * awaits or returns the promise of (`helperWait`). `cross`: helpers of other modules of the program
 * too — asked at this module's own calls, not for the fact importers read (it keeps to the
 * module's own text, which is what its cache is checked against).
 */
function unbounded(
  ctx: Ctx,
  fn: SaFunction,
  seen: Set<SaFunction> = new Set(),
  cross = false,
): string | undefined {
  seen.add(fn);
  const why = bodyUnbounded(ctx, fn.fn) ?? recursesAfterAwait(ctx, fn);
  if (why) return why;
  // Awaited smartasync functions of this module run to their end too, and those of another
  // module whose build said so (its fact's `unbounded`).
  for (const r of fn.leafCallees.values()) {
    if (r.ext?.fact.kind === "async" && r.ext.fact.unbounded)
      return `it awaits \`${r.ext.fact.name}\`, which has ${r.ext.fact.unbounded}`;
    if (r.fn?.kind !== "async" || seen.has(r.fn)) continue;
    const inner = unbounded(ctx, r.fn, seen, cross);
    if (inner) return `it awaits \`${r.fn.display}\`, which has ${inner}`;
  }
  return helperWaits(ctx, fn.fn, new Set([fn.fn]), 0, cross);
}

/**
 * A loop written as recursion (attack29, suspected): the function awaits, then awaits or returns
 * a call of itself (`async function serve() { await sleep(1000); return serve(); }`). Each call
 * waits and starts the next, as a loop around its awaits does, and the sync variant runs the
 * chain to its end before it returns (fixture diagnostics/sa207-recursion). A call of itself
 * made before any await is not one: the chain then runs at once, bounded by the stack. Only
 * direct recursion: `a` awaiting `b` awaiting `a` is not followed (`unbounded` stops at a function
 * it has seen).
 */
function recursesAfterAwait(ctx: Ctx, fn: SaFunction): string | undefined {
  const self = selfCalls(fn);
  if (self.length === 0) return undefined;
  const awaits: Node[] = [];
  ctx.tree.walk(fn.fn.body as Node, (n) => {
    if (isFunction(n)) return false;
    if (n.type === "AwaitExpression") awaits.push(n);
    return undefined;
  });
  for (const call of self) {
    // An await that ends before the call: its own (`await serve()`) ends after it starts.
    if (!awaits.some((a) => (a.end ?? Number.POSITIVE_INFINITY) <= (call.start ?? 0))) continue;
    const written = sourceOf(ctx, call).replace(/\s+/g, " ");
    const shown = written.length <= 40 ? written : callText(ctx, call as t.CallExpression);
    return `a call of itself after its awaits, \`${shown}\` at ${locOf(ctx, call)}`;
  }
  return undefined;
}

/** The calls of `fn` itself among its awaited and returned values (direct recursion), in source order. */
export function selfCalls(fn: SaFunction): Node[] {
  const out: Node[] = [];
  for (const [leaf, r] of fn.leafCallees) if (r.fn === fn) out.push(leaf);
  return out.sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
}

/** What in a function's own body may never end: a `for await`, a loop around awaits, an awaited event wait. */
function bodyUnbounded(ctx: Ctx, f: t.Function): string | undefined {
  let why: string | undefined;
  const hasAwait = (n: Node): boolean => {
    let found = false;
    ctx.tree.walk(n, (q) => {
      if (found || (q !== n && isFunction(q))) return false;
      if (q.type === "AwaitExpression") found = true;
      return undefined;
    });
    return found;
  };
  ctx.tree.walk(f.body as Node, (n) => {
    if (why || isFunction(n)) return false;
    if (n.type === "ForOfStatement" && n.await) why = `a \`for await\` loop at ${locOf(ctx, n)}`;
    if (n.type === "AwaitExpression") why = eventWait(ctx, n.argument as Node);
    if (n.type !== "WhileStatement" && n.type !== "DoWhileStatement" && n.type !== "ForStatement")
      return undefined;
    const test = n.test ? strip(n.test) : undefined;
    const forever =
      !test ||
      (test.type === "BooleanLiteral" && test.value) ||
      (test.type === "NumericLiteral" && test.value !== 0);
    const word = n.type === "ForStatement" ? "for" : n.type === "WhileStatement" ? "while" : "do … while";
    if (forever) why = `\`${n.type === "ForStatement" ? "for (;;)" : `${word} (true)`}\` at ${locOf(ctx, n)}`;
    else if (hasAwait(n)) why = `a \`${word}\` loop around its awaits at ${locOf(ctx, n)}`;
    return undefined;
  });
  return why;
}

/** How many plain helpers deep SA207 follows an await (`stop` → `waitClosed` → `closing` …). */
const MAX_HELPER_DEPTH = 4;

/**
 * attack27: an awaited call (or a returned one: the caller awaits the promise) of a plain function
 * — one without an annotation, of this module or, with `cross`, of another module of the program
 * (`await waitClosed(server)` from ./net.js) — whose body may never end: its own event wait, loop
 * or `for await`, an event wait it returns (`return once(server, "close")`), or one of its own
 * helpers', up to MAX_HELPER_DEPTH functions (fixture diagnostics/sa207-event-wait-helper).
 */
function helperWaits(
  ctx: Ctx,
  f: t.Function,
  visited: Set<t.Function>,
  depth: number,
  cross: boolean,
): string | undefined {
  const waited: Node[] = [];
  if (f.body.type !== "BlockStatement") waited.push(f.body as Node);
  ctx.tree.walk(f.body as Node, (n) => {
    if (isFunction(n)) return false;
    if (n.type === "AwaitExpression" || (n.type === "ReturnStatement" && n.argument))
      waited.push(n.argument as Node);
    return undefined;
  });
  for (const value of waited) {
    const call = strip(value);
    // A returned event wait of a helper (`return once(server, "close")`); the function itself
    // awaits what it returns only where it is async, and its own awaits were asked already.
    if (depth > 0 && value !== f.body) {
      const own = eventWait(ctx, call);
      if (own && !isAwaited(ctx, value)) return own;
    }
    if (call.type !== "CallExpression") continue;
    const helper = plainHelper(ctx, call, cross);
    if (!helper || visited.has(helper.fn) || depth + 1 > MAX_HELPER_DEPTH) continue;
    visited.add(helper.fn);
    const inner =
      bodyUnbounded(helper.ctx, helper.fn) ??
      (helper.fn.body.type !== "BlockStatement"
        ? eventWait(helper.ctx, helper.fn.body as Node)
        : undefined) ??
      helperWaits(helper.ctx, helper.fn, visited, depth + 1, cross);
    if (inner) {
      const written = sourceOf(ctx, call).replace(/\s+/g, " ");
      const shown = written.length <= 40 ? written : callText(ctx, call);
      const then = inner.startsWith("it awaits ") ? inner.slice("it ".length) : `has ${inner}`;
      return `it awaits \`${shown}\` at ${locOf(ctx, call)}, which ${then}`;
    }
  }
  return undefined;
}

/** Whether `value` is the argument of an `await` (asked by `bodyUnbounded` already). */
function isAwaited(ctx: Ctx, value: Node): boolean {
  return ctx.tree.parent(value)?.type === "AwaitExpression";
}

/**
 * The function a call runs, where the build reads it: a function of this module, or (with
 * `cross`) one another module of the program exports (by name, default, or a namespace's member).
 * An annotated one is asked too: what it awaits in turn may be a plain helper its fact leaves out.
 */
function plainHelper(
  ctx: Ctx,
  call: t.CallExpression,
  cross: boolean,
): { ctx: Ctx; fn: t.Function } | undefined {
  const callee = strip(call.callee as Node);
  let ref: t.Identifier | undefined;
  if (callee.type === "Identifier") ref = callee;
  else if (callee.type === "MemberExpression") {
    const o = strip(callee.object as Node);
    if (o.type === "Identifier") ref = o;
  }
  if (!ref) return undefined;
  const b = ctx.scopes.binding(ref, ref.name);
  if (!b || b.scope !== ctx.scopes.program) return undefined;
  let found: { ctx: Ctx; fn: t.Function } | undefined;
  if (!isImportBinding(ctx, b)) {
    const fn = ref === callee ? functionOfBinding(b) : undefined;
    found = fn && { ctx, fn };
  } else if (cross) {
    const ns = b.node.type === "ImportNamespaceSpecifier";
    if ((ref === callee) === ns) return undefined;
    const target = importTarget(ctx, ref, b);
    const fn = target && functionOfBinding(target.there);
    found = fn && target && { ctx: target.other, fn };
  }
  return found;
}

/** Why an async function may never finish, for the fact its importers read (SA207 at their calls). */
export function unboundedWhy(ctx: Ctx, fn: SaFunction): string | undefined {
  return fn.kind === "async" ? unbounded(ctx, fn) : undefined;
}

const EVENTS = new Set(["events", "node:events"]);
const LISTEN = new Set([
  "on",
  "once",
  "addListener",
  "prependListener",
  "prependOnceListener",
  "addEventListener",
]);

/**
 * An awaited wait for an event (attack25 F15): `once(emitter, "close")` of Node's `events`
 * (imported under any name, or as `events.once`), or `new Promise((resolve) => x.on(ev, resolve))`
 * — a promise its executor settles only from a listener. Nothing bounds when the event comes,
 * and the sync variant blocks the thread whose own work (a server it started) would fire it.
 */
function eventWait(ctx: Ctx, value: Node): string | undefined {
  const v = strip(value);
  const say = (n: Node): string => {
    const written = sourceOf(ctx, n).replace(/\s+/g, " ");
    const short = written.length <= 50 ? written : callText(ctx, n as t.CallExpression | t.NewExpression);
    return `a wait for an event, \`${short}\` at ${locOf(ctx, n)}`;
  };
  if (v.type === "CallExpression") {
    const f = importedCallee(ctx, v.callee as Node, true);
    if (f && EVENTS.has(f.module) && f.path[f.path.length - 1] === "once") return say(v);
    return undefined;
  }
  if (v.type !== "NewExpression" || v.callee.type !== "Identifier" || v.callee.name !== "Promise")
    return undefined;
  if (ctx.scopes.binding(v, "Promise")) return undefined;
  const exec = v.arguments[0] ? strip(v.arguments[0] as Node) : undefined;
  if (!exec || (exec.type !== "ArrowFunctionExpression" && exec.type !== "FunctionExpression"))
    return undefined;
  const settle = exec.params.slice(0, 2).filter((p): p is t.Identifier => p.type === "Identifier");
  if (settle.length === 0) return undefined;
  const names = new Set(settle.map((p) => p.name));
  // Settled elsewhere in the executor (`resolve()` at once, a timer): not only by the event.
  let other = false;
  let listened = false;
  ctx.tree.walk(exec.body as Node, (n) => {
    if (n.type !== "Identifier" || !names.has(n.name)) return undefined;
    // Handed to a listener as it is (`x.on("close", resolve)`), or called inside a function
    // that is (`x.once("done", () => resolve(v))`).
    const parent = ctx.tree.parent(n);
    let handed: Node | undefined = n;
    if (parent?.type === "CallExpression" && parent.callee === n) {
      handed = ctx.tree.findParent(n, (q) => isFunction(q));
      if (handed === exec) handed = undefined;
    }
    const holder = handed ? ctx.tree.parent(handed) : undefined;
    const key =
      holder?.type === "CallExpression" && holder.arguments.includes(handed as t.Expression)
        ? memberName(holder.callee as Node)
        : undefined;
    if (key !== undefined && LISTEN.has(key)) listened = true;
    else other = true;
    return undefined;
  });
  return listened && !other ? say(v) : undefined;
}

/**
 * SA207: a discarded call of an async function in sync code runs its sync variant, so it blocks
 * until the function ends; where the function can run without bound, say so at the call
 * (fixture diagnostics/sa207-unbounded-discarded-call).
 */
export function checkUnboundedDiscards(ctx: Ctx, index: Index, edits: Map<Node, CallEdit>): void {
  let view: ReturnType<typeof treeView> | undefined;
  const verdicts = new Map<SaFunction, string | undefined>();
  for (const call of ctx.tree.calls) {
    const edit = edits.get(call);
    if (!edit) continue;
    const r = resolveCallee(ctx, index, call);
    const fn = r?.fn;
    // A function of another module: its build's verdict, in its fact (attack25 F15).
    const ext = fn ? undefined : r?.ext;
    if (ext) {
      if (ext.fact.kind !== "async" || !ext.fact.unbounded || edit.to !== ext.variantRef()) continue;
    } else if (fn?.kind !== "async" || edit.to !== fn.variant) continue;
    view ??= callView(ctx, index);
    const c = classifyCall(view, call as Node);
    if (c.context !== "discarded" || c.in !== "sync") continue;
    let why = ext?.fact.unbounded;
    if (fn) {
      if (!verdicts.has(fn)) verdicts.set(fn, unbounded(ctx, fn, new Set(), true));
      why = verdicts.get(fn);
    }
    if (!why) continue;
    // The call as written, when it is short enough to quote whole (`void drain(3)`).
    const written = sourceOf(ctx, call).replace(/\s+/g, " ");
    const quoted = written.length <= 40 ? written : callText(ctx, call);
    const [name, variant] = fn ? [fn.display, fn.variant] : [ext!.fact.name, ext!.fact.variant];
    warn(ctx, "SA207", call, MSG.unboundedDiscard(quoted, name, variant, why));
  }
}

/** The async variant's strategy for a sync function, with SA304 where it stays on the calling thread. */
export function decideOffload(ctx: Ctx, fn: SaFunction): "offload" | "same-thread" {
  const why = sameThreadWhy(ctx, fn);
  if (why === undefined) return "offload";
  // Asked for by the annotation: nothing to warn about.
  if (fn.sameThread) return "same-thread";
  warn(
    ctx,
    "SA304",
    atPos(fn.loc),
    fn.reachable
      ? MSG.offloadMutatesArgument(fn.display, why, fn.variant)
      : MSG.notOffloadable(fn.display, why, fn.variant),
  );
  return "same-thread";
}

/**
 * SA301 for a worker variant that writes to its arguments' objects: the caller would not see
 * the writes, and no thread can run it both blocking and in place (fixture
 * diagnostics/sa301-worker-mutates-argument).
 */
export function refuseWorkerArgumentWrites(ctx: Ctx, fn: SaFunction): void {
  if (fn.syncPlan?.strategy !== "worker" || !fn.reachable) return;
  // A call of a function the analysis cannot see into is not refused here (docs/semantics.md,
  // "Writes to arguments"): the worker variant's own await is usually that call.
  const w = argumentWrite(ctx, fn.fn, false);
  if (w)
    fail(
      ctx,
      "SA301",
      atPos(fn.loc),
      MSG.workerMutatesArgument(fn.display, describeArgumentWrite(w), fn.syncPlan.reasons),
    );
}

/** ` (\`g\` is \`globalThis\`)` for a second name of the global object, else "". */
function aliasOf(ctx: Ctx, n: Node): string {
  if (n.type !== "Identifier" || !ctx.scopes.binding(n, (n as t.Identifier).name)) return "";
  const name = globalName(ctx.scopes, n);
  return name !== undefined && GLOBAL_OBJECTS.has(name)
    ? ` (\`${(n as t.Identifier).name}\` is \`${name}\`)`
    : "";
}

/** `Reflect.get(o, k)` (also through a second name of `Reflect`) as [o, k, computed]; undefined for any other node. */
function reflectGet(ctx: Ctx, n: Node): [Node, Node, true] | undefined {
  if (n.type !== "CallExpression" || n.arguments.length < 2) return undefined;
  const callee = strip(n.callee as Node);
  if (callee.type !== "MemberExpression" || memberName(callee) !== "get") return undefined;
  if (globalName(ctx.scopes, callee.object as Node) !== "Reflect") return undefined;
  const [obj, key] = n.arguments as Node[];
  if (obj!.type === "SpreadElement" || key!.type === "SpreadElement") return undefined;
  return [obj!, key!, true];
}
