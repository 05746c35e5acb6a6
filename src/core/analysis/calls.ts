import type { types as t } from "@babel/core";
import { classifyCall, flowUnproven, handedOnUnclear, heldUnclear } from "../context.js";
import { blocksOnWorker } from "../inline.js";
import { MSG } from "../messages.js";
import { type BlockingFact, EMPTY_FACTS, hasFacts, type ParamUse } from "../module-facts.js";
import { variantOf } from "../naming.js";
import type { CallReport } from "../report.js";
import { type Decision, decide, decideDispatch, type FunctionKind } from "../strategy.js";
import { type ArgumentSlot, argumentOf, argumentUse, passedThrough, placeOf } from "./call-argument.js";
import { type Ctx, callText, fail, keyName, locOf, sourceOf, warn } from "./ctx.js";
import { inOptionalChain, undispatchable } from "./dispatch-plan.js";
import { type ExportUse, exportedNames, indexExports } from "./exports.js";
import { refusePromiseUse } from "./factories.js";
import { globalFunctionsOf } from "./global-names.js";
import { addKinds, heldMembers, heldUnfollowed, pickedFrom } from "./held.js";
import type { ImportedFns, ImportedRef } from "./imported.js";
import { isLimiter } from "./limiters.js";
import type { SaFunction } from "./model.js";
import { offloadHeldBack } from "./offload-order.js";
import { type HeldName, opaqueRoute, storedFunction } from "./opaque.js";
import { outsideEffectOf, provenQuiet } from "./outside.js";
import { provenPrimitive } from "./primitive.js";
import { returnsPrimitive } from "./return-type.js";
import { runtimeLocals } from "./runtime-names.js";
import type { Binding, Scopes } from "./scope.js";
import { isReference, patternNames } from "./scope.js";
import { CALLS_ITS_ARGUMENTS, isBuiltinMethodName } from "./sync-table.js";
import { peelCallee } from "./transparent.js";
import { isFunction, type Node } from "./tree.js";
import {
  dottedPath,
  entityAlias,
  heldMemberWhy,
  holdsItself,
  namespaceAt,
  namespaceBindings,
} from "./ts-namespaces.js";
import { calledWith, importedCallee } from "./twin-callee.js";
import {
  constAliasOf,
  constantKey,
  consumerOf,
  globalName,
  isAsyncFunction,
  isExportsObject,
  isModuleExports,
  MAX_CONST_ALIASES,
  memberName,
  requireSource,
  strip,
  TRANSPARENT,
  treeView,
} from "./view.js";

export type CallNode = t.CallExpression | t.OptionalCallExpression;

/**
 * How a call reaches its callee, which decides what a rewrite renames: the reference found by
 * `referenceOf` (an identifier, or a member whose property is renamed). Parentheses, TypeScript
 * wrappers (`f!`, `f as T`, `<T>f`, `f satisfies T`) and `(0, f)` around a callee are seen
 * through (docs/modules.md, "Routes").
 */
export type Shape =
  | { kind: "ident" } // f(), f?.(), (0, f)(), f!(), f`…`
  | { kind: "choice" } // f.sync(), f.async(): the typed wrapper's explicit choices (DESIGN §6)
  // f.call(...), f.apply(...), ns.f.call(...), and f.bind(t)(...). `own`: the member called
  // (`Api.load.call(t, x)`, `this.m.call(t)`) is checked as a plain member call's is, before
  // `.call` gives it its receiver (attack20 F2; fixture typescript/namespace-stub-call-apply).
  | { kind: "call-apply"; own?: OwnCheck }
  | { kind: "bind"; own?: OwnCheck }
  // this.m(), super.m(), C.m(), ns.f(), NS.f(). For `this.m()`, `super.m()`, `C.m()`, `own`: the
  // emitted call checks that the member is still the method and dispatches otherwise (fixtures
  // methods/this-override, methods/replaced-class-methods).
  | { kind: "member"; own?: OwnCheck }
  | { kind: "dispatch"; name: string } // obj.m()
  // `this.m.bind(this)` stored as `this.m` (the autobind idiom, autobind.ts): not a call of `m`,
  // an edit that gives the bound function the method's marker (`_sa.bound(…)`).
  | { kind: "autobind" };

/**
 * `this.m()` rewritten to `this.mSync()`: the method and its kind (an async method is renamed to
 * its sync variant, a sync one to its async one). The emitted call checks
 * `this.mSync[OF] === this.m` — the variant points back at the method it was made from — and
 * dispatches otherwise, so a subclass's override (annotated or not) runs. `C.m()` checks `C`'s,
 * and `super.m()` the parent's (`super.mSync[OF] === super.m`), so a method replaced from
 * another module runs too.
 */
export interface OwnCheck {
  name: string;
  kind: FunctionKind;
  /**
   * A sync-kind `this.m()` kept as itself in sync code (the call is `direct`): the variant whose
   * `OF` is compared (`this.mAsync?.[_sa.OF] === (_obj = this.m)`), the call then `this.m()`
   * itself. An async override in a subclass (annotated or not) would otherwise hand sync code a
   * promise; the fallback dispatches for the value (attack25 F19; fixture
   * methods/this-override-sync-kind).
   */
  kept?: string;
}

/**
 * The check a sync-kind member call kept as itself (`direct`) in sync code carries: the same
 * still-the-method check as a renamed one, reading the async variant's `OF` (OwnCheck.kept).
 */
export function keptCheck(r: Resolved, inSync: boolean): Shape | undefined {
  const shape = r.shape;
  const own = ownCheckOf(shape);
  if (!inSync || !own || own.kind !== "sync") return undefined;
  if (shape.kind !== "member" && shape.kind !== "call-apply" && shape.kind !== "bind") return undefined;
  const kept = r.fn ? r.fn.variant : r.ext?.variantRef();
  return kept === undefined ? undefined : { ...shape, own: { ...own, kept } };
}

/** The still-the-function check a call's shape carries (a member, also under `.call`/`.apply`/`.bind`). */
export function ownCheckOf(shape: Shape): OwnCheck | undefined {
  return shape.kind === "member" || shape.kind === "call-apply" || shape.kind === "bind"
    ? shape.own
    : undefined;
}

/**
 * The node a rewrite of `call` renames, for its shape: an identifier (`f` → `fSync`) or a member
 * (`ns.f` → `ns.fSync`). Both emitters rename through it, on the original and on copies alike.
 */
export function referenceOf(call: Node, shape: Shape["kind"]): Node {
  const slot = referenceSlot(call, shape);
  return slot.holder[slot.key] as Node;
}

/** Where a node is held: its parent (or the parent's list) and the key, for replacing it. */
export interface Slot {
  holder: Record<string | number, unknown>;
  key: string | number;
}

/**
 * Where `referenceOf(call, shape)` is held, for an emitter that replaces the reference itself
 * rather than renaming it (`pickVariant(f, …)` in `f`'s place, the `mockable` option).
 */
export function referenceSlot(call: Node, shape: Shape["kind"]): Slot {
  const holder = call as unknown as Slot["holder"];
  let slot = peelSlot({ holder, key: call.type === "TaggedTemplateExpression" ? "tag" : "callee" });
  if (shape === "bind") slot = peelSlot({ holder: slot.holder[slot.key] as Slot["holder"], key: "callee" });
  if (shape === "call-apply" || shape === "bind")
    slot = peelSlot({ holder: slot.holder[slot.key] as Slot["holder"], key: "object" });
  return slot;
}

/** `peelCallee`, keeping where the peeled node is held. */
function peelSlot(slot: Slot): Slot {
  for (;;) {
    const n = slot.holder[slot.key] as Node;
    if (TRANSPARENT.has(n.type)) slot = { holder: n as unknown as Slot["holder"], key: "expression" };
    else if (n.type === "SequenceExpression")
      slot = { holder: n.expressions as unknown as Slot["holder"], key: n.expressions.length - 1 };
    else return slot;
  }
}

/** A planned edit of one call, keyed by the original call node (applied to copies too). */
export interface CallEdit {
  shape: Shape;
  /** New callee name, or the runtime dispatcher (`callSync`/`callAsync`) for `dispatch`. */
  to: string;
  /**
   * `file:line:col` of a call whose value sync code wants and that may reach, at run time, a
   * function without a sync variant (`callSync`, and the `via` fallback of `this.m()`): the
   * runtime throws a located error there rather than hand sync code a promise.
   */
  loc?: string;
  /** Under `mockable`: `_sa.callVariant(f, mode, [args], loc)` instead of renaming (see viaMarker). */
  via?: ViaMarker;
}

/**
 * The variant found through `f`'s marker at run time. `f(a)`, `ns.f(a)`: the call becomes
 * `_sa.callVariant(f, mode, [a], loc)`. With `pick` — a call whose shape carries more than the
 * callee and its arguments (`f.call(t, a)`, `f.apply(t, xs)`, `f.bind(t)(a)`, `f?.(a)`,
 * `ns.f?.(a)`, a tagged template) — the reference alone is replaced, by
 * `_sa.pickVariant(f, mode, loc[, true])`, and the call keeps its shape: its receiver, its
 * arguments' order, its `?.` short-circuit (`optional`), its template's strings object.
 */
export interface ViaMarker {
  mode: "sync" | "async";
  loc: string;
  pick?: { optional: boolean };
}

/**
 * Under the `mockable` option (smartasync/jest), a call of an IMPORTED smartasync function that
 * would be renamed to its variant finds the variant through the callee's marker at run time
 * instead: a test's mock of that module (`jest.mock`: no marker, and maybe no `fSync`) is then
 * called itself. Every spelling of the call does (fixtures strategies/mockable-shapes and
 * mockable-members: a computed member `ns["f"]()` and an optional member `ns?.f()` too); local
 * functions keep the rename: a module mock cannot reach them.
 */
export function viaMarker(ctx: Ctx, call: Node, r: Resolved, mode: "sync" | "async"): ViaMarker | undefined {
  if (!ctx.options.mockable || r.fn || !r.ext || r.explicit) return undefined;
  const kind = r.shape.kind;
  if (kind !== "ident" && kind !== "member" && kind !== "call-apply" && kind !== "bind") return undefined;
  if (ownCheckOf(r.shape)) return undefined;
  const ref = referenceOf(call, kind);
  // A member however spelled — `ns.f`, `ns["f"]`, `ns?.f`, `ns?.["f"]` — names the same export
  // (the resolver read the key as a name): a rename would reach the real `fSync` by name, past
  // the mock (fixture strategies/mockable-members).
  if (ref.type !== "Identifier" && !isMember(ref)) return undefined;
  const loc = locOf(ctx, call);
  const plain = call.type === "CallExpression" && (kind === "ident" || kind === "member");
  if (plain) return { mode, loc };
  // An optional chain (`ns?.f(a)`: an OptionalCallExpression whose own call is not optional)
  // keeps its shape too; only `f?.(a)` short-circuits on a missing function.
  return { mode, loc, pick: { optional: call.type === "OptionalCallExpression" && call.optional === true } };
}

export interface Resolved {
  fn: SaFunction | undefined;
  /** A smartasync function imported from another module (DESIGN §3.6). */
  ext?: ImportedRef;
  shape: Shape;
  /** A hand-written variant call (`loadSync()`). */
  explicit: boolean;
  /** For `f.sync()` / `f.async()`: whether the choice is `f` itself or its variant. */
  choice?: "self" | "variant";
  kinds?: Set<FunctionKind>;
}

/** Indexes of the annotated functions, for resolving callees. */
export interface Index {
  byBinding: Map<Binding, SaFunction>;
  /** Methods by owner node (class or object) and name; static methods under `static:`. */
  byOwner: Map<Node, Map<string, SaFunction>>;
  methodKinds: Map<string, Set<FunctionKind>>;
  methodVariants: Map<string, SaFunction>;
  byName: Map<string, SaFunction>;
  /** The binding of each function or const form (where its variant is declared). */
  bindingOf: Map<SaFunction, Binding>;
  /** The function nodes of the sync annotated functions and methods (view.ts `declaresValue`). */
  syncFns: Set<Node>;
  /**
   * The function nodes of the annotated functions and methods without `async` taken as async
   * though their declared return type does not say so (`unknownReturn`): their code is async
   * (view.ts `isAsyncFunction`).
   */
  asyncFns: Set<Node>;
}

export function buildIndex(ctx: Ctx, fns: SaFunction[]): Index {
  const index: Index = {
    byBinding: new Map(),
    byOwner: new Map(),
    methodKinds: new Map(),
    methodVariants: new Map(),
    byName: new Map(),
    bindingOf: new Map(),
    syncFns: new Set(),
    asyncFns: new Set(),
  };
  for (const f of fns) {
    if (f.kind === "sync") index.syncFns.add(f.fn as Node);
    else if (f.unknownReturn) index.asyncFns.add(f.fn as Node);
    if (f.form === "function" || f.form === "const") {
      const from = f.form === "function" ? ctx.tree.parent(f.fn)! : f.stmt!;
      const binding = ctx.scopes.binding(from, f.name);
      if (binding) {
        index.byBinding.set(binding, f);
        index.bindingOf.set(f, binding);
      }
      index.byName.set(f.name, f);
      continue;
    }
    const owner = f.holder!;
    const table = index.byOwner.get(owner) ?? new Map<string, SaFunction>();
    index.byOwner.set(owner, table);
    table.set((f.isStatic ? "static:" : "") + f.name, f);
    const kinds = index.methodKinds.get(f.name) ?? new Set<FunctionKind>();
    index.methodKinds.set(f.name, kinds);
    kinds.add(f.kind);
    index.methodVariants.set(f.variant, f);
  }
  addKinds(index.methodKinds, heldMembers(ctx, fns));
  return index;
}

/**
 * Built-in globals that are never instances of annotated classes, so a method call on one is
 * never dispatched (`JSON.parse(text)` where some annotated method is named `parse`; fixture
 * strategies/dispatch-globals). What their calls return is proven in analysis/prove.ts.
 */
const SYNC_GLOBALS = new Set([
  "JSON",
  "Math",
  "Object",
  "Array",
  "String",
  "Number",
  "Boolean",
  "BigInt",
  "Symbol",
  "Reflect",
  "Date",
  "RegExp",
  "Map",
  "Set",
  "URL",
  "Buffer",
  "structuredClone",
  "parseInt",
  "parseFloat",
  "encodeURIComponent",
  "decodeURIComponent",
  "encodeURI",
  "decodeURI",
  "isNaN",
  "isFinite",
]);

// Not `globalThis`: a program may hold a smartasync function on it (`globalThis.gl = load;
// globalThis.gl(5)`), which is dispatched as `o.gl()` is (fixture diagnostics/sa206-value-forms,
// attack29 F01).
const BUILTIN_RECEIVERS = new Set([...SYNC_GLOBALS, "console", "Promise", "process", "Atomics", "Intl"]);

/**
 * The class whose `this` (and `super`) `n` sees, through arrow functions, and whether that is the
 * class itself or an instance: in a method (private ones too) its `static`, in a field's
 * initialiser the field's, in a `static {}` block the class (attack25 F02: `this.load()` there is
 * the class's `load`; fixture methods/static-elements-call-methods). A computed key, a decorator
 * and the `extends` expression are evaluated outside the class, with the `this` around it.
 */
function enclosingClass(ctx: Ctx, n: Node): { cls: t.Class; isStatic: boolean } | undefined {
  const home = (member: Node, isStatic: boolean) => {
    const cls = ctx.tree.parent(ctx.tree.parent(member)!);
    return cls?.type === "ClassDeclaration" || cls?.type === "ClassExpression"
      ? { cls: cls as t.Class, isStatic }
      : undefined;
  };
  let child = n;
  for (let p = ctx.tree.parent(n); p !== undefined; child = p, p = ctx.tree.parent(p)) {
    switch (p.type) {
      case "ClassMethod":
      case "ClassPrivateMethod":
        if (child === p.key || p.decorators?.includes(child as t.Decorator)) continue;
        return home(p, p.static);
      case "ClassProperty":
      case "ClassPrivateProperty":
      case "ClassAccessorProperty":
        if (child !== p.value) continue;
        return home(p, p.static);
      case "StaticBlock":
        return home(p, true);
      default:
        if (isFunction(p) && p.type !== "ArrowFunctionExpression") return undefined;
    }
  }
  return undefined;
}

function classOfBinding(ctx: Ctx, at: Node, name: string): t.Class | undefined {
  const b = ctx.scopes.binding(at, name);
  if (!b) return undefined;
  if (b.node.type === "ClassDeclaration") return b.node;
  if (b.node.type === "VariableDeclarator" && b.kind === "const") {
    const init = b.node.init;
    if (init?.type === "ClassExpression") return init;
  }
  return undefined;
}

/** A call of a smartasync function through a route that is not followed: why, for SA206. */
export interface Unfollowed {
  unfollowed: string;
  /** Name of the function in reports. */
  name: string;
  kind?: FunctionKind;
  kinds?: Set<FunctionKind>;
  syncStrategy?: import("../strategy.js").SyncStrategy;
  /** Where an imported function was found, as reports say it. */
  from?: string;
  /**
   * The callee may be no smartasync function at all (opaque.ts: a module required by a computed
   * path, a function looked up at run time): reported only where sync code uses its value.
   */
  maybe?: true;
  /** The line of the write that gives a second name (aliasOf): `b3 = load` after `let b3`. */
  line?: number;
}

type Lookup = Resolved | Unfollowed | undefined;

const isMember = (n: Node): n is t.MemberExpression | t.OptionalMemberExpression =>
  n.type === "MemberExpression" || n.type === "OptionalMemberExpression";

/** The callee of a call, seen through wrappers, `.call`/`.apply` and `.bind(…)(…)`. */
/**
 * A call that names an async function's sync variant (`fetchJsonSync(u)`, `fetchTyped.sync(u)`)
 * whose variant runs on a worker, or is an inline copy blocking on one further on: written by
 * hand, it blocks as a rewritten call does, which `check --deny sync-worker` must see (attack19
 * F14).
 */
function explicitBlocks(r: Resolved): boolean {
  if ((r.fn?.kind ?? r.ext?.fact.kind) !== "async") return false;
  if (r.fn) return r.fn.syncPlan?.strategy === "worker" || blocksOnWorker(r.fn.syncPlan);
  return r.ext?.fact.syncStrategy === "worker" || r.ext?.fact.blocksOnWorker === true;
}

/**
 * Marks each sync annotated function whose own body (nested functions aside) blocks on a worker
 * (`bodyBlocks`): it calls, in sync code, an async smartasync function whose sync variant runs on
 * a worker or blocks on one further on, or a sync one that does so itself. Its direct calls
 * block as much, which `check --deny sync-worker` must see (attack19 F5). The one rule for the
 * file's compile (prove) and the graph's read of an import (module-graph.ts), which differ only
 * in how a function of another module is known to block (`extBlocks`). A class of the file the
 * body constructs (`new Thing(u)`) blocks where its construction does: its constructor, its
 * instance fields' initialisers, its base class of the file (attack19 F5); so do a plain function
 * of the file it calls, a getter of an object or class of the file it reads (`box.v`), a function
 * it hands to a built-in that calls it before returning (`xs.map((x) => h(x))`), and a plain
 * function or class of another module whose facts say it blocks (attack20 F7). The file's
 * exported plain functions and classes are asked as well: the answer is their `blocking` fact
 * (`blockingExports`). Repeated until nothing changes, so a chain of sync functions and classes is
 * followed whatever their order in the file.
 */
export function markSyncBodyBlocks(
  ctx: Ctx,
  index: Index,
  fns: readonly SaFunction[],
  extBlocks: (fact: ImportedRef["fact"]) => boolean,
  /**
   * The file's imports read with their strategies: a plain function or class of another module
   * whose call blocks (its `blocking` fact, attack20 F7) blocks here too.
   */
  imported: ImportedFns | undefined,
  /** The file's exported plain functions and classes (`exportedPlainUnits`): asked too, for the file's facts. */
  exportedPlain: ReadonlyMap<string, Node>,
): void {
  const sync = fns.filter((f) => f.kind === "sync" && f.fn.body);
  blockingUnits.delete(ctx);
  if (sync.length === 0 && exportedPlain.size === 0) return;
  const view = callView(ctx, index);
  const blocks = (r: Resolved, kind: FunctionKind): boolean =>
    r.fn
      ? kind === "async"
        ? r.fn.syncPlan?.strategy === "worker" || blocksOnWorker(r.fn.syncPlan)
        : r.fn.bodyBlocks === true
      : r.ext !== undefined && extBlocks(r.ext.fact);
  type Edge = { r: Resolved; kind: FunctionKind };
  type Unit = { calls: Edge[]; builds: Node[]; ext: boolean };
  /**
   * The calls of smartasync functions in `roots` (nested functions aside), the classes and plain
   * functions of the file it constructs or calls, and whether it calls or constructs another
   * module's plain function or class that blocks (`ext`).
   */
  const scan = (roots: readonly Node[]): Unit => {
    const mine: Edge[] = [];
    const builds: Node[] = [];
    let ext = false;
    for (const root of roots)
      ctx.tree.walk(root, (n) => {
        if (isFunction(n)) return false;
        if (n.type === "NewExpression") {
          // A class constructed in place (`new (class { constructor() { this.v = h(u) } })()`,
          // attack29 F03) runs its construction here as a named one does.
          const callee = strip(n.callee as Node);
          const c = callee.type === "ClassExpression" ? callee : classOfFile(ctx, callee);
          if (c) builds.push(c);
          else if (importedBlocking(ctx, imported, n)) ext = true;
          return undefined;
        }
        if (n.type === "TaggedTemplateExpression") {
          // A tag runs its body as a call does (`` tag`x${u}` ``).
          const plain = plainFnOfFile(ctx, n.tag as Node);
          if (plain) builds.push(plain);
          else if (importedBlocking(ctx, imported, n)) ext = true;
          return undefined;
        }
        if (n.type === "MemberExpression" || n.type === "OptionalMemberExpression") {
          // A read of a getter of an object or class of the file runs its body (`box.v`).
          const g = getterOfFile(ctx, n);
          if (g) builds.push(g);
          return undefined;
        }
        if (n.type !== "CallExpression" && n.type !== "OptionalCallExpression") return undefined;
        // The function a built-in calls before it returns (`xs.map((x) => h(x))`, `forEach(f)`)
        // runs on this thread too, in place or a plain function of the file.
        const cb = calledArgument(n as CallNode);
        if (cb) {
          const f = isFunction(cb) ? plainFn(cb) : plainFnOfFile(ctx, cb);
          if (f) builds.push(f);
          else if (imported?.blockingOf(cb, false)) ext = true;
        }
        // A hand-written variant handed to such a built-in (`us.map(fetchJsonSync)`) or run
        // through `Reflect.apply(fetchJsonSync, …)` runs that variant here (attack27 F08).
        const run = calledWith(ctx, n as CallNode);
        for (const v of [cb, run.layers > 0 ? run.fn : undefined]) {
          const rv =
            v === undefined || isFunction(v) ? undefined : lookupReference(ctx, index, peelCallee(v), false);
          if (
            rv &&
            !("unfollowed" in rv) &&
            rv.explicit &&
            rv.choice !== "self" &&
            rv.shape.kind !== "dispatch" &&
            (rv.fn?.kind ?? rv.ext?.fact.kind) === "async"
          )
            mine.push({ r: rv, kind: "async" });
        }
        const r = resolveCallee(ctx, index, n as CallNode);
        const kind = r?.fn?.kind ?? r?.ext?.fact.kind;
        if (!r || !kind) {
          // A plain function of the file (`function inner(u) { return h(u); }`) runs its body on
          // the caller's thread, as a sync function's call does (attack20 F7); so does another
          // module's, known to block by its facts.
          // Through `.call`/`.apply`/`Reflect.apply`/`.bind(…)(…)` too (`inner.call(null, u)`).
          const plain = r ? undefined : plainFnOfFile(ctx, calledWith(ctx, n as CallNode).fn);
          if (plain) builds.push(plain);
          else if (!r && importedBlocking(ctx, imported, n)) ext = true;
          return undefined;
        }
        if (r.shape.kind === "dispatch") return undefined;
        // A hand-written variant call (`hSync(u)`, `h.sync(u)`) runs that variant.
        if (r.explicit || r.choice !== undefined) {
          if (kind === "async" && r.choice !== "self") mine.push({ r, kind });
          return undefined;
        }
        const d = decide(kind, classifyCall(view, n), "inline");
        if ((kind === "async" && d.target === "sync") || (kind === "sync" && d.target === "self"))
          mine.push({ r, kind });
        return undefined;
      });
    return { calls: mine, builds, ext };
  };
  // Each sync function, and each class of the file one constructs (`new Thing(u)`, attack19 F5):
  // a construction runs the class's constructor, its instance fields' initialisers and its base
  // class's construction on the caller's thread, as a call of a sync function runs its body.
  // The file's exported plain functions and classes are asked too: importers read the answer.
  const fnUnits = new Map<SaFunction, Unit>();
  const classUnits = new Map<Node, Unit>();
  const todo: Node[] = [...exportedPlain.values()];
  for (const f of sync) {
    const got = scan(runsOnCall(f.fn));
    fnUnits.set(f, got);
    todo.push(...got.builds);
  }
  for (let c = todo.pop(); c; c = todo.pop()) {
    if (classUnits.has(c)) continue;
    if (isFunction(c)) {
      // A plain function of the file: its own body (nested functions aside), unless the lazy
      // tree left it closed (then it mentions nothing smartasync).
      const got = ctx.tree.isClosed(c)
        ? { calls: [], builds: [], ext: false }
        : scan(runsOnCall(c as t.Function));
      classUnits.set(c, got);
      todo.push(...got.builds);
      continue;
    }
    const got = scan(constructionOf(ctx, c));
    const superClass = (c as t.Class).superClass as Node | null;
    const base = superClass ? classOfFile(ctx, superClass) : undefined;
    if (base) got.builds.push(base);
    // An imported base whose construction blocks, run by the implicit constructor (`class B
    // extends A {}`; an own constructor's `super(u)` is a call the scan reads, attack23 F6).
    // The base's fact is asked first: the members are read only where the answer depends on
    // them. A class body the parse skipped (swc-plugin/skim.ts) guards its members, and reading
    // them sends the file to the whole tree; asked the other way round, every constructed class
    // of the file extending an unknown base did (postcss's `class Container extends Node`, the
    // 100 KB bundle of @babel/core 8: their whole parse and second analysis were a tenth of the
    // annotated real files' time, docs/performance.md "2026-12-07"). Same answer: `blockingOf`
    // reads facts only, which the graph caches.
    else if (
      superClass &&
      imported?.blockingOf(superClass, true) &&
      !(c as t.Class).body.body.some((m) => m.type === "ClassMethod" && m.kind === "constructor")
    )
      got.ext = true;
    classUnits.set(c, got);
    todo.push(...got.builds);
  }
  // Classes and plain functions of the file whose construction or call blocks on a worker.
  const blockingClasses = new Set<Node>();
  const unitBlocks = (u: Unit): boolean =>
    u.ext || u.calls.some((c) => blocks(c.r, c.kind)) || u.builds.some((c) => blockingClasses.has(c));
  for (let changed = true; changed; ) {
    changed = false;
    for (const [c, u] of classUnits) {
      if (blockingClasses.has(c) || !unitBlocks(u)) continue;
      blockingClasses.add(c);
      changed = true;
    }
    for (const [f, u] of fnUnits) {
      if (f.bodyBlocks || !unitBlocks(u)) continue;
      f.bodyBlocks = true;
      changed = true;
    }
  }
  blockingUnits.set(ctx, blockingClasses);
}

/**
 * What a call of `f` runs of its own: its parameters' defaults, then its body (attack29 F03:
 * `(u, v = h(u)) => v` blocks where `h(u)` does; fixture cli check-deny-sync-worker).
 */
function runsOnCall(f: t.Function): Node[] {
  return [...(f.params as Node[]), f.body as Node];
}

/**
 * Another module's plain function or class that a call, `new` or tag runs on this thread and
 * whose facts say its call blocks on a worker (`blocking`): named, reached through a module object,
 * run by `.call`/`.apply`/`Reflect.apply`/`.bind(…)(…)`, used as a tag, or handed to a built-in
 * that calls it before returning (`[u].map(remoteLen)`) — each runs its body here (attack20 F7,
 * attack22 F3). The one reading for a sync function's body and for any call site of the file.
 */
function importedBlocking(ctx: Ctx, imported: ImportedFns | undefined, call: Node): BlockingFact | undefined {
  if (!imported) return undefined;
  if (call.type === "NewExpression") return imported.blockingOf(call.callee as Node, true);
  if (call.type === "TaggedTemplateExpression") return imported.blockingOf(call.tag as Node, false);
  if (call.type !== "CallExpression" && call.type !== "OptionalCallExpression") return undefined;
  const direct = imported.blockingOf(calledWith(ctx, call).fn, false);
  if (direct) return direct;
  const cb = calledArgument(call);
  return cb === undefined ? undefined : imported.blockingOf(cb, false);
}

/** The plain functions and classes of a file that block (markSyncBodyBlocks), for its facts. */
const blockingUnits = new WeakMap<Ctx, ReadonlySet<Node>>();

/**
 * Exported name → the file's exported plain function or class whose call or construction blocks
 * on a worker (markSyncBodyBlocks, run on the same context before): the file's `blocking` facts.
 */
export function blockingExports(ctx: Ctx, exportedPlain: ReadonlyMap<string, Node>): Map<string, Node> {
  const set = blockingUnits.get(ctx);
  const out = new Map<string, Node>();
  if (!set) return out;
  for (const [name, n] of exportedPlain) if (set.has(n)) out.set(name, n);
  return out;
}

/**
 * The plain (not annotated) functions and classes a file exports, by exported name: `export
 * function f`, `export const f = () => …`, `export class C`, `export default function/class`,
 * and a module-level one exported by name (`export { f as g }`, `module.exports = { f }`).
 * Their calls run their bodies on the importer's thread (markSyncBodyBlocks asks whether that
 * blocks on a worker).
 */
export function exportedPlainUnits(
  ctx: Ctx,
  fns: readonly SaFunction[],
  uses: ReadonlyMap<string, ExportUse>,
): Map<string, Node> {
  const annotated = new Set<Node>(fns.map((f) => f.fn as Node));
  // A variant of an annotated function (generated by a previous pass, or written by hand under its
  // name) is reached as that function's variant, never as a plain function.
  const variants = new Set(fns.map((f) => f.variant));
  const out = new Map<string, Node>();
  const plain = (n: Node | undefined): Node | undefined => {
    if (!n || annotated.has(n)) return undefined;
    if (n.type === "ClassDeclaration" || n.type === "ClassExpression") return n;
    if (!isFunction(n) || n.type === "ObjectMethod" || n.type === "ClassMethod") return undefined;
    return plainFn(n);
  };
  const byName = (name: string): Node | undefined => {
    if (variants.has(name)) return undefined;
    const found = ctx.scopes.binding(ctx.program, name);
    const b = found && unaliased(ctx, found);
    return b ? plain(plainFnOfBinding(b) ?? fileClassOfBinding(b)) : undefined;
  };
  for (const s of ctx.program.body) {
    if (s.type === "ExportNamedDeclaration" && !s.source && s.declaration) {
      const d = s.declaration;
      if ((d.type === "FunctionDeclaration" || d.type === "ClassDeclaration") && d.id) {
        const n = byName(d.id.name);
        if (n) out.set(d.id.name, n);
      } else if (d.type === "VariableDeclaration")
        for (const v of d.declarations)
          if (v.id.type === "Identifier") {
            const n = byName(v.id.name);
            if (n) out.set(v.id.name, n);
          }
    } else if (s.type === "ExportDefaultDeclaration") {
      const d = s.declaration as Node;
      // `export default (u) => …`, `export default class {}`, `export default function () {}`.
      const n =
        ((d.type === "FunctionDeclaration" || d.type === "ClassDeclaration") &&
          !(d as t.FunctionDeclaration).id) ||
        d.type === "ArrowFunctionExpression" ||
        d.type === "FunctionExpression" ||
        d.type === "ClassExpression"
          ? plain(d)
          : d.type === "Identifier"
            ? byName(d.name)
            : d.type === "FunctionDeclaration" || d.type === "ClassDeclaration"
              ? byName((d as t.FunctionDeclaration).id!.name)
              : undefined;
      if (n) out.set("default", n);
    }
  }
  for (const [local, use] of uses) {
    const names = exportedNames(use);
    if (names.length === 0) continue;
    const n = byName(local);
    if (n) for (const e of names) if (!out.has(e)) out.set(e, n);
  }
  // CommonJS exports of a function written in place (`exports.len = (u) => …`,
  // `module.exports.len = function …`, `module.exports = { len(u) {…}, alt: (u) => … }`): an
  // importer's `h.len(u)` runs its body as one of a function exported by name does (attack23 F6).
  for (const st of ctx.program.body) {
    if (st.type !== "ExpressionStatement" || st.expression.type !== "AssignmentExpression") continue;
    const { left, right } = st.expression;
    if (st.expression.operator !== "=") continue;
    if (isModuleExports(left as Node) && right.type === "ObjectExpression") {
      for (const [key, f] of literalMembers(ctx, right as Node, plain)) if (!out.has(key)) out.set(key, f);
      continue;
    }
    const key =
      left.type === "MemberExpression" && isExportsObject(left.object as Node) ? memberName(left) : undefined;
    const f = key === undefined ? undefined : plain(strip(right as Node));
    if (f && !out.has(key!)) out.set(key!, f);
  }
  // An exported object literal's functions (`export const H3 = { len }`, `{ len(u) {…} }`) run
  // their bodies on the importer's thread (`H.H3.len(u)`): asked as `H3.len` (attack23 F6).
  for (const [local, exported] of exportedConsts(ctx, uses)) {
    const b = ctx.scopes.binding(ctx.program, local);
    const init = b?.kind === "const" && b.node.type === "VariableDeclarator" && b.node.init;
    const lit = init ? strip(init as Node) : undefined;
    if (lit?.type !== "ObjectExpression") continue;
    for (const [key, f] of literalMembers(ctx, lit, plain, byName))
      for (const e of exported) if (!out.has(`${e}.${key}`)) out.set(`${e}.${key}`, f);
  }
  // A method of an exported class runs its body on the importer's thread: a static one as
  // `Util.len(u)`, asked as `Util.len` (attack22 F3); an instance's as `new A().len(u)`, of a
  // subclass too (`new B().len(u)`, `super.len(u)`), asked as `A.prototype.len` (attack23 F6).
  // A class body the parse skipped mentions nothing smartasync: none of its methods blocks.
  for (const [name, n] of [...out])
    if (
      (n.type === "ClassDeclaration" || n.type === "ClassExpression") &&
      !ctx.tree.isCutClassBody((n as t.Class).body as Node)
    )
      for (const m of (n as t.Class).body.body)
        if (m.type === "ClassMethod" && m.kind === "method" && !m.computed && m.key.type === "Identifier") {
          const f = plainFn(m as Node);
          if (f && !annotated.has(f)) out.set(`${name}.${m.static ? "" : "prototype."}${m.key.name}`, f);
        }
  return out;
}

/**
 * Another module's plain function or class this file exports again whose call blocks (its
 * `blocking` fact, read by `blockingOf`): `import { len } from "./h2.js"; export { len }`,
 * `export default len`, `module.exports = { len }`, or held by an exported object literal
 * (`export const H3 = { len }`, reached as `H.H3.len(u)`: `H3.len`; attack23 F6).
 */
export function exportedImportedBlocking(
  ctx: Ctx,
  imported: ImportedFns,
  uses: ReadonlyMap<string, ExportUse>,
): Map<string, BlockingFact> {
  const out = new Map<string, BlockingFact>();
  for (const use of uses.values()) {
    const names = exportedNames(use);
    const ref = [...use.specifiers, ...use.cjs, ...use.patterns][0]?.ref ?? use.defaultDecl?.declaration;
    const f = names.length && ref ? imported.blockingOf(ref as Node, true) : undefined;
    if (f) for (const e of names) out.set(e, f);
  }
  for (const [local, exported] of exportedConsts(ctx, uses)) {
    const b = ctx.scopes.binding(ctx.program, local);
    const init = b?.kind === "const" && b.node.type === "VariableDeclarator" && b.node.init;
    const lit = init ? strip(init as Node) : undefined;
    if (lit?.type !== "ObjectExpression" || ctx.tree.isCutLiteral(lit)) continue;
    for (const p of lit.properties) {
      if (p.type !== "ObjectProperty" || p.value.type !== "Identifier") continue;
      const key = keyName(p as { key: Node; computed?: boolean });
      const f = key === undefined ? undefined : imported.blockingOf(p.value as Node, true);
      if (f) for (const e of exported) out.set(`${e}.${key}`, f);
    }
  }
  return out;
}

/**
 * The module-level `const`s a file exports (`export const H3 = {…}`, `export { H3 as H4 }`,
 * `module.exports = { H3 }`), by local name, with every name each is exported under.
 */
function exportedConsts(ctx: Ctx, uses: ReadonlyMap<string, ExportUse>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (local: string, exported: string) => out.set(local, [...(out.get(local) ?? []), exported]);
  for (const s of ctx.program.body)
    if (s.type === "ExportNamedDeclaration" && !s.source && s.declaration?.type === "VariableDeclaration")
      for (const v of s.declaration.declarations) if (v.id.type === "Identifier") add(v.id.name, v.id.name);
  for (const [local, use] of uses) for (const e of exportedNames(use)) add(local, e);
  return out;
}

/**
 * The plain functions an object literal holds by key: a method (`len(u) {…}`), a function written
 * in place (`len: (u) => …`), a plain function of the file by name (`{ len }`, with `byName`).
 * A literal the parse skipped names nothing smartasync: none of its functions blocks.
 */
function literalMembers(
  ctx: Ctx,
  lit: Node,
  plain: (n: Node | undefined) => Node | undefined,
  byName?: (name: string) => Node | undefined,
): Map<string, Node> {
  const out = new Map<string, Node>();
  if (ctx.tree.isCutLiteral(lit)) return out;
  for (const p of (lit as t.ObjectExpression).properties) {
    if (p.type === "SpreadElement") continue;
    const key = keyName(p as { key: Node; computed?: boolean });
    if (key === undefined) continue;
    const f =
      p.type === "ObjectMethod"
        ? p.kind === "method"
          ? plainFn(p as Node)
          : undefined
        : p.value.type === "Identifier"
          ? byName?.(p.value.name)
          : plain(strip(p.value as Node));
    if (f) out.set(key, f);
  }
  return out;
}

/**
 * A binding seen through `const` aliases (`export const aliasLen = inner`): the one it names
 * (view.ts `constAliasOf`), where that is a `const` or a declaration. Any other (a `let`, a
 * parameter) leaves the alias itself, which names no function of its own: asking the writes of
 * the other binding could send a file whose closed functions write that name to a whole analysis.
 */
function unaliased(ctx: Ctx, b: Binding): Binding {
  const end = constAliasOf(ctx.scopes, b);
  return end.kind === "const" || /^(Function|Class)Declaration$/.test(end.node.type) ? end : b;
}

/**
 * `fn` if it is a function whose call runs its body on the caller's thread: at once, or for a
 * generator when it is iterated (`for (const x of gen(u))`, `[...gen(u)]`), which only the
 * thread that made it can do, so the call is where it blocks (attack23 F6). Not an async
 * function (nor an async generator), whose body runs as async code.
 */
function plainFn(fn: Node): Node | undefined {
  return (fn as t.Function).async ? undefined : fn;
}

/**
 * The argument a built-in method calls before it returns (`forEach(cb)`, `map`, `find`,
 * `Array.from(xs, fn)`: the built-ins table's `calls`), by the method's name whatever the receiver.
 */
function calledArgument(call: CallNode): Node | undefined {
  const name = memberName(strip(call.callee as Node));
  const at = name === undefined ? undefined : CALLS_ITS_ARGUMENTS.get(name);
  const args = call.arguments as Node[];
  if (at === undefined || args.slice(0, at).some((a) => a.type === "SpreadElement")) return undefined;
  const a = args[at];
  return a === undefined || a.type === "SpreadElement" ? undefined : strip(a);
}

/**
 * The getter a member read runs (`box.v` of `const box = { get v() {…} }`, `Box.total` of a class
 * of the file with `static get total()`), never reassigned; not a write (`box.v = 1` runs a
 * setter) nor a computed key.
 */
function getterOfFile(ctx: Ctx, m: t.MemberExpression | t.OptionalMemberExpression): Node | undefined {
  const name = memberName(m as Node);
  if (name === undefined) return undefined;
  const p = ctx.tree.parent(m as Node);
  if (p?.type === "AssignmentExpression" && p.left === m) return undefined;
  if (p?.type === "UpdateExpression") return undefined;
  const o = strip(m.object as Node);
  if (o.type !== "Identifier") return undefined;
  const b = ctx.scopes.binding(o, o.name);
  if (!b || b.violations.length) return undefined;
  let members: Node[] = [];
  let isStatic = false;
  const cls = fileClassOfBinding(b);
  if (cls) {
    if (ctx.tree.isCutClassBody((cls as t.Class).body as Node)) return undefined;
    members = (cls as t.Class).body.body as Node[];
    isStatic = true;
  } else if (b.kind === "const" && b.node.type === "VariableDeclarator" && b.node.init) {
    const init = strip(b.node.init as Node);
    // A literal the parse skipped names nothing smartasync: no getter of it blocks on a worker
    // (and reading its members would send the file to a second, whole analysis).
    if (init.type !== "ObjectExpression" || ctx.tree.isCutLiteral(init)) return undefined;
    members = init.properties as Node[];
  } else return undefined;
  for (const x of members) {
    const g = x as t.ObjectMethod | t.ClassMethod;
    if ((g.type !== "ObjectMethod" && g.type !== "ClassMethod") || g.kind !== "get" || g.computed) continue;
    if (isStatic && !(g as t.ClassMethod).static) continue;
    if (keyName(g as { key: Node; computed?: boolean }) === name)
      return ctx.tree.isClosed(g as Node) ? undefined : (g as Node);
  }
  return undefined;
}

/**
 * The plain (not annotated) function of this file `callee` names, whose call runs its body
 * on the caller's thread: `function inner() {}`, `const inner = () => …` (never reassigned), a
 * generator (its body runs when iterated, plainFn); not an async function, whose body runs as
 * async code.
 */
function plainFnOfFile(ctx: Ctx, callee: Node): Node | undefined {
  const c = strip(callee);
  if (c.type !== "Identifier") return undefined;
  const b = ctx.scopes.binding(c, c.name);
  return b ? plainFnOfBinding(unaliased(ctx, b)) : undefined;
}

/** The plain function a binding is (plainFnOfFile), never reassigned. */
function plainFnOfBinding(b: Binding): Node | undefined {
  if (b.violations.length) return undefined;
  let fn: Node | undefined;
  if (b.node.type === "FunctionDeclaration") fn = b.node;
  else if (b.node.type === "VariableDeclarator" && b.kind === "const" && b.node.init) {
    const init = strip(b.node.init as Node);
    if (init.type === "FunctionExpression" || init.type === "ArrowFunctionExpression") fn = init;
  }
  return fn && plainFn(fn);
}

/** The class of this file `callee` names (`class Thing {}`, `const Thing = class {}`), if it is one. */
function classOfFile(ctx: Ctx, callee: Node): Node | undefined {
  const c = strip(callee);
  if (c.type !== "Identifier") return undefined;
  const b = ctx.scopes.binding(c, c.name);
  return b ? fileClassOfBinding(b) : undefined;
}

/** The class a binding is (classOfFile), never reassigned. */
function fileClassOfBinding(b: Binding): Node | undefined {
  if (b.violations.length) return undefined;
  if (b.node.type === "ClassDeclaration") return b.node;
  if (b.node.type === "VariableDeclarator" && b.kind === "const" && b.node.init) {
    const init = strip(b.node.init as Node);
    if (init.type === "ClassExpression") return init;
  }
  return undefined;
}

/**
 * What constructing the class `c` runs of its own: its constructor's body and its instance
 * fields' initialisers (a class body the lazy tree left closed mentions nothing smartasync).
 */
function constructionOf(ctx: Ctx, c: Node): Node[] {
  const body = (c as t.Class).body as Node;
  if (ctx.tree.isCutClassBody(body)) return [];
  const out: Node[] = [];
  for (const m of (c as t.Class).body.body) {
    if (m.type === "ClassMethod" && m.kind === "constructor") {
      if (!ctx.tree.isClosed(m as Node)) out.push(m.body as Node);
    } else if ((m.type === "ClassProperty" || m.type === "ClassPrivateProperty") && !m.static && m.value)
      out.push(m.value as Node);
  }
  return out;
}

export function resolveCallee(ctx: Ctx, index: Index, call: CallNode): Resolved | undefined {
  const r = lookupCall(ctx, index, call);
  return r && "unfollowed" in r ? undefined : r;
}

/** Like resolveCallee, and says why a call of a smartasync function is not followed. */
function lookupCall(ctx: Ctx, index: Index, call: Node): Lookup {
  return lookupRoutes(ctx, index, call) ?? reflectGet(ctx, index, call);
}

/** Whether `call` calls a smartasync function (what `argumentUseOf` reads its parameter facts for). */
function callsSmartasync(ctx: Ctx, index: Index, call: Node): boolean {
  const r = lookupCall(ctx, index, call);
  return r !== undefined && !("unfollowed" in r && r.maybe);
}

/** The context walk's view of the file (context.ts), as every rule that classifies a call reads it. */
export function callView(ctx: Ctx, index: Index): ReturnType<typeof treeView> {
  return treeView(
    ctx.tree,
    ctx.scopes,
    index.byBinding,
    (c) => isLimiter(ctx, c),
    index.syncFns,
    index.asyncFns,
    (c) => callsSmartasync(ctx, index, c),
  );
}

/**
 * `Reflect.get(obj, "load")(…)` where no other rule said more: a method taken out by name where
 * one of that name is smartasync (a namespace used as a value, an exported object) is not
 * followed, and reported where the code wants the value (attack 15, F17).
 */
function reflectGet(ctx: Ctx, index: Index, call: Node): Lookup {
  if (call.type === "TaggedTemplateExpression") return undefined;
  const callee = peelCallee((call as CallNode).callee as Node);
  if (callee.type === "CallExpression") {
    const inner = peelCallee(callee.callee as Node);
    const key = callee.arguments[1] as Node | undefined;
    if (
      isMember(inner) &&
      memberName(inner) === "get" &&
      inner.object.type === "Identifier" &&
      inner.object.name === "Reflect" &&
      !ctx.scopes.binding(inner, "Reflect") &&
      key?.type === "StringLiteral"
    ) {
      const kinds = index.methodKinds.get(key.value);
      if (kinds)
        return {
          unfollowed: `a function taken out with \`Reflect.get\`; call it as a method (\`obj.${key.value}(…)\`), which is dispatched`,
          name: key.value,
          kinds,
          maybe: true,
        };
    }
  }
  return undefined;
}

/**
 * `.call`/`.apply`/`.bind` of what `inner` resolved: a member that another module may replace
 * keeps its check (`Api.load.call(null, 7)` calls a stub as `Api.load(7)` does; attack20 F2).
 */
function withOwn(kind: "call-apply" | "bind", inner: Shape): Shape {
  const own = ownCheckOf(inner);
  return own ? { kind, own } : { kind };
}

function lookupRoutes(ctx: Ctx, index: Index, call: Node): Lookup {
  const tagged = call.type === "TaggedTemplateExpression";
  const raw = (tagged ? call.tag : (call as CallNode).callee) as Node;
  const callee = peelCallee(raw);
  // `Reflect.apply(f, t, args)`, also through a `const` second name (`const { apply } = Reflect`,
  // `const R = Reflect`; fixture diagnostics/sa206-invoker-aliases): `f.apply(t, args)` is the
  // spelling that is followed.
  const first = tagged ? undefined : ((call as CallNode).arguments[0] as Node | undefined);
  if (first && invokerOf(ctx.scopes, callee) === "Reflect.apply") {
    const through = calledAsValue(
      ctx,
      index,
      first,
      (name) =>
        `a function called through \`Reflect.apply\`; write \`${name}.apply(thisArg, args)\`, which is followed`,
    );
    if (through) return through;
    // `Reflect.apply(Function.prototype.call, f, [t, …])`, `apply(call, f, …)`.
    const invoked = invokedArgument(ctx.scopes, callee, (call as CallNode).arguments as Node[], "calls");
    const viaInvoker = invoked && calledAsValue(ctx, index, invoked, invokerAdvice);
    if (viaInvoker) return viaInvoker;
  }
  if (!tagged && isMember(callee)) {
    const prop = memberName(callee);
    if (prop === "call" || prop === "apply") {
      const target = peelCallee(callee.object as Node);
      if (target.type === "CallExpression" || (isMember(target) && memberName(target) === "call")) {
        // `f.bind(t).call(…)`, `f.call.call(f, …)`: shapes on shapes are reported, not followed.
        const inner = target.type === "CallExpression" ? peelCallee(target.callee as Node) : target;
        const base =
          isMember(inner) && (target.type !== "CallExpression" || memberName(inner) === "bind")
            ? lookupReference(ctx, index, peelCallee(inner.object as Node), false)
            : undefined;
        if (base && !("unfollowed" in base) && !base.explicit && base.shape.kind !== "dispatch")
          return {
            unfollowed:
              "a function called through two of `.bind`, `.call`, `.apply`; call it through one (`f.call(t, …)`, `f.bind(t)(…)`), which is followed",
            name: base.fn?.display ?? base.ext!.fact.name,
            kind: base.fn?.kind ?? base.ext!.fact.kind,
            ...(base.ext ? { from: base.ext.fact.from } : {}),
          };
      }
      // `Function.prototype.call.call(f, t, …)`, `f.apply.call(f, t, [..])`,
      // `Reflect.apply(Function.prototype.call, f, [t, …])`: the function called is an argument.
      const invoked = invokedArgument(ctx.scopes, callee, (call as CallNode).arguments as Node[], "calls");
      const through = invoked && calledAsValue(ctx, index, invoked, invokerAdvice);
      if (through) return through;
      const r = lookupReference(ctx, index, target, false);
      if (r && !("unfollowed" in r) && r.shape.kind !== "dispatch" && !r.choice)
        return { ...r, shape: withOwn("call-apply", r.shape) };
      if (r && "unfollowed" in r) return r;
    }
  }
  // `Object(f)(x)`, `Object.freeze(f)(x)`, `f.valueOf()(x)`: the call gives `f` back, a second
  // name called at once (attack29 F01).
  const same = tagged ? undefined : sameValueOf(ctx.scopes, callee);
  const viaSame =
    same &&
    calledAsValue(
      ctx,
      index,
      same,
      (name) =>
        `the function called is \`${name}\` given back by a call (\`${sourceOf(ctx, callee).slice(0, 40)}\`); call \`${name}\` itself so its variant can be chosen`,
    );
  if (viaSame) return viaSame;
  if (callee.type === "CallExpression" || callee.type === "OptionalCallExpression") {
    // `Function.prototype.bind.call(f, t)(…)`, `Function.prototype.call.bind(f)(t, …)`.
    const invoked = tagged
      ? undefined
      : invokedArgument(ctx.scopes, peelCallee(callee.callee as Node), callee.arguments as Node[], "binds");
    const through = invoked && calledAsValue(ctx, index, invoked, invokerAdvice);
    if (through) return through;
    // `require("./only")(x)` of a module that is a smartasync function (`module.exports = f`).
    if (!tagged && callee.type === "CallExpression" && ctx.imported) {
      const whole = ctx.imported.lookup(callee);
      if (whole) return "unfollowed" in whole ? whole : undefined;
    }
    // `(() => f)()(x)`: a function that returns a smartasync function, called at once.
    if (!tagged) {
      const returned = returnedBy(peelCallee(callee.callee as Node));
      const r = returned ? lookupReference(ctx, index, peelCallee(returned), false, 1) : undefined;
      const held = r && heldName(r);
      if (held)
        return {
          ...held,
          unfollowed: "the function called is the result of another call; call the function by its name",
        };
    }
    // `f.bind(t)(x)`: the bound function is called at once, so its context is this call's.
    const inner = peelCallee(callee.callee as Node);
    if (tagged || !isMember(inner) || memberName(inner) !== "bind")
      return opaqueRoute(ctx, callee, held(ctx, index));
    const r = lookupReference(ctx, index, peelCallee(inner.object as Node), false);
    if (r && !("unfollowed" in r) && r.shape.kind !== "dispatch" && !r.choice)
      return { ...r, shape: withOwn("bind", r.shape) };
    return r && "unfollowed" in r ? r : undefined;
  }
  return (
    lookupReference(ctx, index, callee, callee === raw && !tagged) ??
    opaqueRoute(ctx, callee, held(ctx, index))
  );
}

/**
 * The names of the file's imports of smartasync modules and of its top-level `require`s: where
 * an imported smartasync function (or its variant) can be reached by name.
 */
function addImportedRoots(ctx: Ctx, names: Set<string>): void {
  for (const s of ctx.program.body as Node[]) {
    if (s.type === "ImportDeclaration" && hasFacts(ctx.imported?.factsOf(s.source.value) ?? EMPTY_FACTS))
      for (const sp of s.specifiers) names.add(sp.local.name);
    if (s.type === "VariableDeclaration")
      for (const d of s.declarations)
        if (d.init && requireSource(ctx.scopes, peelCallee(d.init as Node)) !== undefined)
          for (const id of patternNames(d.id as Node)) names.add(id.name);
  }
}

/**
 * The smartasync function a stored value names, for opaque.ts. Only names that may lead to one
 * are looked up (the file's annotated functions, imports of smartasync modules, top-level
 * `require`s): a binding lookup watches its name, which would reopen closed functions (lazy.ts).
 */
function held(ctx: Ctx, index: Index): HeldName {
  let names = rootNames.get(ctx);
  if (!names) {
    names = new Set(index.byName.keys());
    addImportedRoots(ctx, names);
    rootNames.set(ctx, names);
  }
  const known = names;
  return (v) => {
    const root = v.type === "MemberExpression" ? peelCallee(v.object as Node) : v;
    if (root.type !== "Identifier" || !known.has(root.name)) return undefined;
    const r = lookupReference(ctx, index, v, false, 1);
    const h = r && heldName(r);
    return h?.kind ? { ...h, kind: h.kind } : undefined;
  };
}

/**
 * Why a local binding may not hold the annotated function when a call runs (docs/modules.md,
 * "Bindings"): it is assigned, declared again, or replaced by a sloppy-mode block function;
 * `null` where the name at `at` is another function altogether (a nested Annex B `var`).
 */
export function rebound(ctx: Ctx, binding: Binding, at: Node): string | null | undefined {
  const line = (n: Node) => n.loc?.start.line ?? 0;
  const v = binding.violations[0];
  if (v)
    return v.type === "CallExpression"
      ? `\`${binding.name}\` may be assigned by the direct \`eval\` at line ${line(v)}`
      : `\`${binding.name}\` is assigned at line ${line(v)}`;
  if (binding.redeclarations?.length)
    return `\`${binding.name}\` is declared again at line ${line(binding.redeclarations[0])}`;
  const annex = annexB(ctx).get(binding.name);
  if (annex) {
    const home = varScopeOf(ctx, binding.scope.node);
    for (const d of annex) {
      const v = varScopeOf(ctx, ctx.tree.parent(d)!);
      if (!ctx.tree.within(at, v) || !ctx.tree.within(v, home)) continue;
      // In a nested function the name is that function's own `var`: not this function at all.
      if (v !== home) return null;
      return `a block-level \`function ${binding.name}\` at line ${line(d)} replaces it in this sloppy-mode script`;
    }
  }
  return undefined;
}

function varScopeOf(ctx: Ctx, n: Node): Node {
  if (n.type === "Program" || isFunction(n)) return n;
  return ctx.tree.findParent(n, (p) => p.type === "Program" || isFunction(p)) ?? ctx.program;
}

const annexCache = new WeakMap<Ctx, Map<string, Node[]>>();

/**
 * Block-level function declarations of a sloppy-mode script, by name: Annex B gives each a `var`
 * binding in its function too, assigned when the block runs (fixture contexts/annex-b-block-function).
 */
function annexB(ctx: Ctx): Map<string, Node[]> {
  let out = annexCache.get(ctx);
  if (out) return out;
  out = new Map();
  annexCache.set(ctx, out);
  const program = ctx.program;
  if (program.sourceType !== "script" || program.directives.some((d) => d.value.value === "use strict"))
    return out;
  const found = out;
  ctx.tree.walk(
    program,
    (n) => {
      if (n.type !== "FunctionDeclaration" || !n.id) return undefined;
      const parent = ctx.tree.parent(n);
      const inBlock =
        (parent?.type === "BlockStatement" && !isFunction(ctx.tree.parent(parent)!)) ||
        parent?.type === "SwitchCase";
      if (inBlock) found.set(n.id.name, [...(found.get(n.id.name) ?? []), n]);
      return undefined;
      // A block function in a closed function binds its name in that function only, which no
      // looked-up call is inside.
    },
    true,
  );
  return out;
}

function lookupReference(ctx: Ctx, index: Index, callee: Node, plain: boolean, depth = 0): Lookup {
  const { scopes } = ctx;
  if (callee.type === "Identifier") {
    const name = callee.name;
    const binding = scopes.binding(callee, name);
    const fn = binding ? index.byBinding.get(binding) : undefined;
    if (fn) {
      const why = rebound(ctx, binding!, callee);
      if (why === null) return undefined;
      if (why)
        return {
          unfollowed: `${why}; call the function through a name that is never assigned or declared again`,
          name: fn.display,
          kind: fn.kind,
          syncStrategy: fn.syncPlan?.strategy,
        };
      return { fn, shape: { kind: "ident" }, explicit: false };
    }
    const ext = binding ? ctx.imported?.lookup(callee) : undefined;
    if (ext) {
      if ("unfollowed" in ext) return ext;
      return { fn: undefined, ext, shape: { kind: "ident" }, explicit: ext.explicit };
    }
    const v = variantOf(name, ctx.options);
    const of = v ? index.byName.get(v.base) : undefined;
    if (of && of.kind === v!.kind && !binding) return { fn: of, shape: { kind: "ident" }, explicit: true };
    // `import load = Api.load`: a const alias of a namespace member; the variant has no name in
    // this scope (`loadSync` is `Api.loadSync`), so the call is reported (attack 15, F11).
    const entity = binding ? entityAlias(binding) : undefined;
    if (entity && entity.length > 1) {
      const nsB = scopes.binding(binding!.node, entity[0]!);
      const inner = nsB
        ? namespaceTarget(ctx, index, nsB, entity.slice(0, -1), entity[entity.length - 1]!)
        : undefined;
      if (inner)
        return {
          unfollowed: `a TypeScript alias of a namespace member (\`import ${name} = ${entity.join(".")}\`); call \`${entity.join(".")}(…)\`, which is followed`,
          name: inner.display,
          kind: inner.kind,
          syncStrategy: inner.syncPlan?.strategy,
        };
    }
    // A bare name in one block of a merged namespace that another block exports (scope.ts
    // `mergedSiblingExports`): the member `NS.ping`, which TypeScript's emit reads, with no
    // variant under the bare name; reported where sync code wants the value, never a silent
    // promise (attack29 F06, fixture typescript/namespace-merged-bare-name-sync).
    if (binding?.node.type === "ExportNamedDeclaration") {
      const sibling = [...index.bindingOf.keys()].find((f) => f.stmt === binding.node && f.name === name);
      const owner = ctx.tree.parent(ctx.tree.parent(binding.node) ?? binding.node);
      const ns = owner?.type === "TSModuleDeclaration" ? dottedPath(owner.id as Node)?.join(".") : undefined;
      if (sibling)
        return {
          unfollowed: `\`${name}\` here is the member another block of the merged namespace exports (line ${binding.node.loc?.start.line ?? 0}), whose variant has no bare name in this block; call it as a member (\`${ns ?? "NS"}.${name}(…)\`), which is followed`,
          name: sibling.display,
          kind: sibling.kind,
          syncStrategy: sibling.syncPlan?.strategy,
        };
    }
    // A bare global that this module, or one it imports, sets to a smartasync function
    // (`globalThis.gl = load`; fixture modules/global-second-name): a name without its variant.
    if (!binding) {
      const g =
        globalFunctionsOf(ctx, [...index.bindingOf.keys()], { buildIndex, exportedValueOf }).get(name) ??
        ctx.imported?.globalFunction(name);
      if (g?.unfollowed)
        return {
          unfollowed: g.unfollowed,
          name: g.name,
          kind: g.kind,
          ...(g.from !== ctx.fileName ? { from: g.from } : {}),
        };
    }
    if (binding && depth < 4)
      return (
        explicitAlias(ctx, index, binding, depth + 1) ??
        aliasOf(ctx, index, binding, depth + 1) ??
        takenOut(index, binding)
      );
    return undefined;
  }
  if (callee.type === "ConditionalExpression" || callee.type === "LogicalExpression")
    return chosen(ctx, index, callee, depth);
  if (!isMember(callee)) return undefined;
  const prop = memberName(callee);
  const object = peelCallee(callee.object as Node);
  // `[f][0]()`, `list[i]()`, `table[k]()` of an array or object literal of the file holding a
  // smartasync function: which element is called is not followed (a named member is: dispatch).
  const held = heldBy(ctx, index, object, prop, callee.computed, depth);
  if (held) return held;
  if (prop === undefined) return computedMember(ctx, index, callee);
  const notFollowed = heldUnfollowed(ctx, object, prop) ?? ownExportCalled(ctx, index, object, prop);
  if (notFollowed) return notFollowed;
  if (object.type === "Identifier" && (prop === "sync" || prop === "async")) {
    // Asked of the object, a node of the tree (writtenRef's made member has no parent).
    const b = scopes.binding(object, object.name);
    const fn = b ? index.byBinding.get(b) : undefined;
    const ext = fn ? undefined : ctx.imported?.resolve(object);
    const kind = fn?.kind ?? ext?.fact.kind;
    if ((fn?.wrapper || ext) && kind) {
      // `load.sync()` of an async function is its sync variant; `hash.sync()` of a sync one is itself.
      const self = (prop === "sync") === (kind === "sync");
      return { fn, ext, shape: { kind: "choice" }, explicit: true, choice: self ? "self" : "variant" };
    }
  }
  const ext = ctx.imported?.lookup(callee);
  if (ext) {
    if ("unfollowed" in ext) return ext;
    if (ext.mutable) {
      // A CommonJS module object whose member this file replaces (`lib.load = stub`): the
      // runtime marker decides at each call (fixture cjs/mutated-module-object).
      if (!plain)
        return {
          unfollowed: `${ext.mutable}; call the member itself (\`obj.${prop}(…)\`), which is dispatched`,
          name: ext.fact.name,
          kind: ext.fact.kind,
          from: ext.fact.from,
        };
      return {
        fn: undefined,
        ext,
        shape: { kind: "dispatch", name: prop },
        explicit: false,
        kinds: new Set([ext.fact.kind]),
      };
    }
    // An imported TypeScript namespace's member (`Api.load()`): another module may have replaced
    // it (a stub), so the call checks, as `C.m()` does (fixture typescript/namespace-stubbed).
    if (ext.ownCheck)
      return {
        fn: undefined,
        ext,
        shape: { kind: "member", own: { name: prop, kind: ext.fact.kind } },
        explicit: false,
      };
    return { fn: undefined, ext, shape: { kind: "member" }, explicit: ext.explicit };
  }
  // `NS.f()`, `A.B.f()` of a function annotated inside `namespace NS { export … }` (fixture
  // typescript/namespace).
  // `import Inner = Api; Inner.load()`: a const alias of the namespace (also of a nested one,
  // `import B = A.B`), followed to it; the variant is reached through the alias the same way
  // (`Inner.loadSync`; attack 15, F11).
  const ns = namespaceAt(ctx, callee, dottedPath(object));
  if (ns) {
    const { binding: nsBinding, path } = ns;
    const inner = namespaceMember(ctx, index, nsBinding, path, prop);
    // A member the file replaces (`(NS as any).f = …`): whichever function is there is called,
    // through the marker (adversarial finding F10).
    // At any depth: `(A.B as any).f = …` replaces what `A.B.f()` calls (issue 13).
    const at = inner ? ctx.imported?.memberWrittenAt(nsBinding, prop, path.slice(1)) : undefined;
    if (inner && at) {
      const why = `\`${path.join(".")}.${prop}\` is replaced at line ${at.loc?.start.line ?? 0}`;
      if (!plain)
        return {
          unfollowed: `${why}; call \`${path.join(".")}.${prop}(…)\` itself, which is dispatched`,
          name: inner.display,
          kind: inner.kind,
        };
      return {
        fn: undefined,
        shape: { kind: "dispatch", name: prop },
        explicit: false,
        kinds: new Set([inner.kind]),
      };
    }
    // A namespace is a plain object at run time: any module may replace its member (`Api.load =
    // stub`, `sinon.stub(Api, "load")`), and a namespace that is not exported can still be handed
    // to one as a value. So the call checks the member is still the function and calls the
    // replacement otherwise, as `C.m()` of a class does (fixture typescript/namespace-stubbed);
    // the check is one read and one comparison.
    if (inner)
      return { fn: inner, shape: { kind: "member", own: { name: prop, kind: inner.kind } }, explicit: false };
    // `namespace NS { export import f = load }`: `NS.f` is the annotated function under another
    // name, whose variant the namespace does not hold (`NS.fSync`): reported (attack 15, F11).
    const aliased = namespaceAliasMember(ctx, index, nsBinding, path, prop);
    if (aliased)
      return {
        unfollowed: `\`${path.join(".")}.${prop}\` is a TypeScript alias (\`export import ${prop} = …\`) of a smartasync function; call the function by its own name, which is followed`,
        name: aliased.display,
        kind: aliased.kind,
        syncStrategy: aliased.syncPlan?.strategy,
      };
    const held = namespaceValueMember(ctx, index, nsBinding, path, prop, depth);
    // `export const get = load`: the member is the function itself, marker and all, so the
    // call dispatches through it (issue 13 leftovers, item 1); through parentheses or a type
    // assertion the receiver would change, so that call is reported as a method's is.
    if (held && "dispatch" in held) {
      if (!plain)
        return {
          unfollowed: `\`${path.join(".")}.${prop}\` holds \`${held.name}\` without a variant beside it; call it as a member (\`${path.join(".")}.${prop}(…)\`), which is dispatched`,
          name: held.name,
          kind: held.kind,
        };
      return {
        fn: undefined,
        shape: { kind: "dispatch", name: prop },
        explicit: false,
        kinds: new Set([held.kind]),
      };
    }
    if (held) return held;
  }
  let owner: t.Class | undefined;
  let isStatic = false;
  if (object.type === "ThisExpression") {
    const c = enclosingClass(ctx, callee);
    if (c) ({ cls: owner, isStatic } = c);
  } else if (object.type === "Super") {
    const c = enclosingClass(ctx, callee);
    const sup = c?.cls.superClass;
    if (c && sup?.type === "Identifier") {
      owner = classOfBinding(ctx, callee, sup.name);
      isStatic = c.isStatic;
    }
  } else if (object.type === "Identifier") {
    owner = classOfBinding(ctx, callee, object.name);
    isStatic = owner !== undefined;
  }
  if (owner) {
    const table = index.byOwner.get(owner);
    const key = (isStatic ? "static:" : "") + prop;
    const fn = table?.get(key);
    // `this` may be an instance of a subclass that overrides `m` (fixture methods/this-override);
    // and a class's methods, static or on its prototype, are writable from any module
    // (`C.m = …`, `C.prototype.m = …`), so `C.m()` and `super.m()` check too (fixture
    // methods/replaced-class-methods). Also while the class is being defined: a static block or
    // field may have replaced the method already, and the class's marker block, its first
    // element, has marked it (attack25 F01; fixture methods/static-elements-replaced-methods).
    if (fn) return { fn, shape: { kind: "member", own: { name: prop, kind: fn.kind } }, explicit: false };
    const v = variantOf(prop, ctx.options);
    const of = v ? table?.get((isStatic ? "static:" : "") + v.base) : undefined;
    if (of && of.kind === v!.kind) return { fn: of, shape: { kind: "member" }, explicit: true };
  }
  // `super.m()` where the parent is not a class of this file (an imported base, an expression):
  // dispatched on the parent's own `m`, with `this` as receiver (attack18 F14), as `this.m()` is.
  // Built-in globals are never instances of annotated classes: `JSON.parse(text)` stays as it
  // is even where some annotated method is named `parse` (fixture strategies/dispatch-globals).
  if (
    object.type === "Identifier" &&
    BUILTIN_RECEIVERS.has(object.name) &&
    !scopes.binding(callee, object.name)
  )
    return undefined;
  // The receiver a previous pass wrote for a sync-kind method kept as itself, `(this.mAsync?.[OF]
  // === (_obj = this.m) ? this : _sa.viaOf(…)).m(x)`: already checked, called as it stands
  // (attack25 F19; test/idempotence.test.ts over fixture methods/this-override-sync-kind).
  if (isKeptCheck(ctx, object)) return undefined;
  const kinds = index.methodKinds.get(prop);
  if (kinds) {
    // A dispatch call passes the receiver itself: through `(0, obj.m)` or `(obj.m as T)` the
    // receiver would change, so such a call is reported instead (fixture contexts/callee-shapes).
    if (!plain)
      return {
        unfollowed:
          "a method called through parentheses, a sequence or a type assertion is not dispatched; call it as a method (`obj.m(…)`), which is dispatched",
        name: prop,
        kinds,
      };
    return { fn: undefined, shape: { kind: "dispatch", name: prop }, explicit: false, kinds };
  }
  const variantOfMethod = index.methodVariants.get(prop);
  if (variantOfMethod && plain)
    return { fn: variantOfMethod, shape: { kind: "dispatch", name: prop }, explicit: true };
  return undefined;
}

/**
 * `obj.m(…)` awaited (or returned) in an async function where the file knows no smartasync method
 * named `m`: the object is handed in (a parameter, dependency injection) and its class lives in a
 * module the file does not import (attack20 F8). The inline copy dispatches it on what `obj.m`
 * holds when it runs, as it does a method whose name it knows: a smartasync method's sync variant
 * runs, anything else is called as written and its value guarded (leaves.ts). The call stays as
 * written in the async function and in plain sync code (where its value is wanted, `obj.m()` has
 * no reason to be a smartasync method). Not `obj?.m()` (the short-circuit would be lost, as for a
 * known name), a member called through parentheses or a type assertion (the receiver changes), a
 * built-in global's method (`JSON.parse`, as for a known name), a function's own `.call`, `.apply`,
 * `.bind` (the method called is the receiver, not a member of it), a private method, or a name a
 * built-in prototype has (`out.join(",")`, `text.trim()`, `map.get(k)`: most likely that method;
 * the sync-table's names), which keep the plain guard.
 */
export function unknownMethodDispatch(ctx: Ctx, call: Node): Resolved | undefined {
  if (call.type !== "CallExpression") return undefined;
  const callee = call.callee as Node;
  if (callee.type !== "MemberExpression" || callee.property.type === "PrivateName") return undefined;
  const prop = memberName(callee);
  if (
    prop === undefined ||
    prop === "call" ||
    prop === "apply" ||
    prop === "bind" ||
    isBuiltinMethodName(prop)
  )
    return undefined;
  const object = callee.object as Node;
  if (
    object.type === "Identifier" &&
    BUILTIN_RECEIVERS.has(object.name) &&
    !ctx.scopes.binding(callee, object.name)
  )
    return undefined;
  return {
    fn: undefined,
    shape: { kind: "dispatch", name: prop },
    explicit: false,
    kinds: new Set(["async"]),
  };
}

/** The annotated function `prop` of namespace path `path` (through aliases), if there is one. */
function namespaceTarget(
  ctx: Ctx,
  index: Index,
  binding: Binding,
  path: string[],
  prop: string,
): SaFunction | undefined {
  const ns = namespaceAt(ctx, binding, path);
  return ns ? namespaceMember(ctx, index, ns.binding, ns.path, prop) : undefined;
}

/** The annotated function a namespace member `export import prop = …` aliases, if one. */
function namespaceAliasMember(
  ctx: Ctx,
  index: Index,
  binding: Binding,
  path: string[],
  prop: string,
): SaFunction | undefined {
  for (const { b } of namespaceBindings(ctx, binding, path, prop)) {
    const entity = entityAlias(b);
    if (!entity) continue;
    const first = ctx.scopes.binding(b.node, entity[0]!);
    if (!first) continue;
    if (entity.length === 1) {
      const fn = index.byBinding.get(first);
      if (fn) return fn;
      continue;
    }
    const fn = namespaceTarget(ctx, index, first, entity.slice(0, -1), entity[entity.length - 1]!);
    if (fn) return fn;
  }
  return undefined;
}

/**
 * `namespace Api { export const get = load }` (also `= fetchIt` imported, `= c ? load : other`,
 * `export const { load: get } = obj`): `Api.get` holds a smartasync function under a member
 * name the namespace gives no variant (`Api.getSync` does not exist), so its calls are reported
 * where the code wants the value, never silently plain (issue 13). The answer is the one a
 * second name at the top level gets (`aliasOf`, `takenOut`, `chosen`), worded for the member.
 */
function namespaceValueMember(
  ctx: Ctx,
  index: Index,
  binding: Binding,
  path: string[],
  prop: string,
  depth: number,
): Unfollowed | { dispatch: true; name: string; kind: FunctionKind } | undefined {
  if (depth > 4) return undefined;
  for (const { b } of namespaceBindings(ctx, binding, path, prop)) {
    const d = b.node;
    if (d.type !== "VariableDeclarator") continue;
    // Only an exported declaration is a member of the namespace object.
    const decl = ctx.tree.parent(d);
    if (ctx.tree.parent(decl!)?.type !== "ExportNamedDeclaration") continue;
    const init = d.id.type === "Identifier" && d.init ? peelCallee(d.init as Node) : undefined;
    // A `const` holding another namespace's member; a `let` stays the second name it is below.
    const member =
      init && isMember(init) && holdsItself(decl as Node, d)
        ? heldNamespaceMember(ctx, index, init, [...path, prop], depth)
        : undefined;
    if (member) return member;
    const r =
      aliasOf(ctx, index, b, depth + 1) ??
      takenOut(index, b) ??
      (init?.type === "ConditionalExpression" || init?.type === "LogicalExpression"
        ? chosen(ctx, index, init, depth + 1)
        : undefined);
    if (!r) continue;
    // One rule with the member's facts for importers (ts-namespaces.ts `holdsItself`).
    if (r.kind && holdsItself(decl as Node, d)) return { dispatch: true, name: r.name, kind: r.kind };
    return {
      ...r,
      unfollowed: heldMemberWhy(path.join("."), prop, r.name, `line ${d.loc?.start.line ?? 0}`),
    };
  }
  return undefined;
}

/**
 * `namespace L { export const get = Api.get }`: the member holds another namespace's member (or
 * an imported module object's), read once when the namespace is made. Where that is a smartasync
 * function the build follows (annotated there, imported, or itself a member holding one), `L.get`
 * is that function, marker and all, so its calls dispatch through it as `Api.get`'s would be
 * followed; where it is not followed, the member is not either, and says why. `member` is the
 * holder's path (`["L", "get"]`).
 */
function heldNamespaceMember(
  ctx: Ctx,
  index: Index,
  value: Node,
  member: string[],
  depth: number,
): Unfollowed | { dispatch: true; name: string; kind: FunctionKind } | undefined {
  const path = dottedPath(value);
  if (!path) return undefined;
  const text = path.join(".");
  const ns = namespaceAt(ctx, value, path.slice(0, -1));
  const r = lookupReference(ctx, index, value, true, depth + 1);
  if (!r) return undefined;
  if ("unfollowed" in r) {
    return {
      ...r,
      unfollowed: `\`${member.join(".")}\` holds \`${text}\` (line ${value.loc?.start.line ?? 0}), and ${r.unfollowed}`,
    };
  }
  if (r.explicit) return undefined;
  // A dispatch by a method's name is not a namespace's member: only a namespace's own dispatch
  // (a held or replaced member) is.
  if (r.shape.kind === "dispatch" && !ns) return undefined;
  const kind = r.fn?.kind ?? r.ext?.fact.kind ?? (r.kinds?.size === 1 ? [...r.kinds][0] : undefined);
  return kind ? { dispatch: true, name: text, kind } : undefined;
}

/**
 * The annotated function `prop` exported from a namespace at `path`, looked for in every
 * declaration of the namespace beside the one its name is bound to (namespaces merge).
 */
function namespaceMember(
  ctx: Ctx,
  index: Index,
  binding: Binding,
  path: string[],
  prop: string,
): SaFunction | undefined {
  for (const { b, block } of namespaceBindings(ctx, binding, path, prop)) {
    const fn = index.byBinding.get(b);
    if (fn?.exportDecl && !rebound(ctx, b, block)) return fn;
  }
  return undefined;
}

/**
 * A value a name may be given: an expression, or the member `key` of an expression (a pattern
 * `{ key: name }` over it), or any element of one (`for (name of xs)`).
 */
type Written = { expr: Node } | { of: Node; key: string } | { elementOf: Node };

/**
 * Every value `name` is given where `pattern` (a declaration's or an assignment's target, a
 * `for…of` head) receives `from`: `g`, `[c]` from `[load]`, `{ load: a }` from `ns`, a default
 * (`{ d = load }`), nested patterns. The one walk every write form goes through, so each gives
 * the answer `const g = f` gives (adversarial finding 10).
 */
function writtenTo(pattern: Node, from: Written | undefined, name: string, out: Written[]): void {
  switch (pattern.type) {
    case "Identifier":
      if (pattern.name === name && from) out.push(from);
      return;
    case "AssignmentPattern":
      writtenTo(pattern.left as Node, { expr: pattern.right as Node }, name, out);
      writtenTo(pattern.left as Node, from, name, out);
      return;
    case "ArrayPattern": {
      const arr = from && "expr" in from ? peelCallee(from.expr) : undefined;
      pattern.elements.forEach((e, k) => {
        if (!e) return;
        const target = (e.type === "RestElement" ? e.argument : e) as Node;
        const el = arr?.type === "ArrayExpression" ? (arr.elements[k] as Node | null | undefined) : undefined;
        writtenTo(
          target,
          el && el.type !== "SpreadElement"
            ? { expr: el }
            : from
              ? { elementOf: from && "expr" in from ? from.expr : pattern }
              : undefined,
          name,
          out,
        );
      });
      return;
    }
    case "ObjectPattern":
      for (const prop of pattern.properties) {
        if (prop.type !== "ObjectProperty") continue;
        const key = keyName(prop as { key: Node; computed?: boolean });
        const obj = from && "expr" in from ? from.expr : undefined;
        writtenTo(prop.value as Node, key !== undefined && obj ? { of: obj, key } : undefined, name, out);
      }
      return;
    default:
      return;
  }
}

/** The values a binding is given after (or instead of) a plain `const g = f`. */
function writtenValues(ctx: Ctx, binding: Binding): { w: Written; at: Node }[] {
  const out: { w: Written; at: Node }[] = [];
  const add = (pattern: Node, from: Written | undefined, at: Node): void => {
    const got: Written[] = [];
    writtenTo(pattern, from, binding.name, got);
    for (const w of got) out.push({ w, at });
  };
  // A loop head receives each element of a written array in turn, through its pattern too
  // (`for (const [g] of [[f]])`, `for (const { f: g } of [ns])`).
  const eachOf = (head: Node, right: Node, at: Node): void => {
    const arr = peelCallee(right);
    if (arr.type !== "ArrayExpression") {
      add(head, { elementOf: right }, at);
      return;
    }
    for (const el of arr.elements) if (el && el.type !== "SpreadElement") add(head, { expr: el as Node }, at);
  };
  const d = binding.node;
  if (d.type === "VariableDeclarator" && d.id.type !== "Identifier") {
    const decl = (d as { init?: Node | null }).init;
    if (decl) add(d.id as Node, { expr: decl }, d);
  }
  // A declared loop head (`for (const g of [f])`, `for (const [g] of [[f]])`) is written by each
  // element, as the undeclared `for (g of [f])` below is (review-core finding 7).
  if (d.type === "VariableDeclarator") {
    const decl = ctx.tree.parent(d);
    const loop = decl && ctx.tree.parent(decl);
    if (loop?.type === "ForOfStatement" && loop.left === decl) eachOf(d.id as Node, loop.right as Node, d);
  }
  // A parameter is written by its default (`function s(f = load)`, `({ f = load } = {})`) and,
  // of a function called where it is written (`((f) => f(4))(load)`, `(([f]) => f(4))([load])`),
  // by the argument in its place (fixture diagnostics/sa206-value-forms, attack29 F01).
  if (binding.kind === "param") {
    add(d, undefined, d);
    const fn = ctx.tree.parent(d);
    const k = fn && isFunction(fn) ? (fn.params as Node[]).indexOf(d) : -1;
    let at = k >= 0 ? ctx.tree.parent(fn!) : undefined;
    let callee: Node | undefined = fn;
    while (at && TRANSPARENT.has(at.type)) {
      callee = at;
      at = ctx.tree.parent(at);
    }
    if (at?.type === "CallExpression" && at.callee === callee) {
      const args = at.arguments as Node[];
      const spread = args.findIndex((a) => a.type === "SpreadElement");
      if (spread < 0 || spread > k) {
        const arg = args[k];
        if (arg) add(d, { expr: arg }, at);
      }
    }
  }
  for (const v of ctx.scopes.openWrites(binding)) {
    if (v.type === "AssignmentExpression") add(v.left as Node, { expr: v.right as Node }, v);
    else if (v.type === "ForOfStatement") eachOf(v.left as Node, v.right as Node, v);
  }
  return out;
}

/** Of two answers for the branches of a choice, the one that is a smartasync function not named explicitly. */
function either(a: Lookup, b: Lookup): Lookup {
  const wanted = (r: Lookup) =>
    r !== undefined && ("unfollowed" in r || (!r.explicit && r.shape.kind !== "dispatch"));
  return wanted(a) ? a : wanted(b) ? b : (a ?? b);
}

const SAME_OBJECT_METHODS = new Set(["freeze", "seal", "preventExtensions"]);

/**
 * The argument of a call that gives back the very function it is handed: `Object(f)` (a function
 * is an object: `Object` returns it), `Object.freeze(f)`, `Object.seal(f)`,
 * `Object.preventExtensions(f)`, and `f.valueOf()`. Its value is a second name for `f` as `f`
 * itself would be (attack29 F01).
 */
function sameValueOf(scopes: Scopes, e: Node): Node | undefined {
  if (e.type !== "CallExpression") return undefined;
  const c = peelCallee(e.callee as Node);
  const arg = e.arguments[0] as Node | undefined;
  const first = arg && arg.type !== "SpreadElement" ? arg : undefined;
  if (c.type === "Identifier") return globalName(scopes, c) === "Object" ? first : undefined;
  if (!isMember(c)) return undefined;
  const prop = memberName(c);
  if (prop === "valueOf" && e.arguments.length === 0) return c.object as Node;
  if (
    prop !== undefined &&
    SAME_OBJECT_METHODS.has(prop) &&
    globalName(scopes, c.object as Node) === "Object"
  )
    return first;
  return undefined;
}

/** The smartasync function a written value may be, as `lookupReference` finds it. */
function writtenRef(ctx: Ctx, index: Index, w: Written, depth: number): Resolved | Unfollowed | undefined {
  const refOf = (n: Node): Resolved | Unfollowed | undefined => {
    let e = peelCallee(n);
    // An expression that hands a function on gives the write that function, as the name itself
    // would: a branch of `c ? f : g`, either side of `f || g`, `f ?? g`, `c && f`, the value of an
    // assignment `(h = f)`, and the calls that return their argument (`Object(f)`,
    // `Object.freeze(f)`, `f.valueOf()`). "Every write form of the language gives the
    // declaration's answer" (fixture diagnostics/sa206-value-forms, attack29 F01).
    if (e.type === "ConditionalExpression")
      return either(refOf(e.consequent as Node), refOf(e.alternate as Node));
    if (e.type === "LogicalExpression") return either(refOf(e.left as Node), refOf(e.right as Node));
    if (e.type === "AssignmentExpression") return refOf(e.right as Node);
    const same = sameValueOf(ctx.scopes, e);
    if (same) return refOf(same);
    if (e.type === "CallExpression") {
      const c = peelCallee(e.callee as Node);
      if (!isMember(c) || memberName(c) !== "bind") return undefined;
      e = peelCallee(c.object as Node);
    }
    if (e.type !== "Identifier" && !isMember(e)) return undefined;
    const r = lookupReference(ctx, index, e, false, depth);
    return r ?? undefined;
  };
  if ("expr" in w) return refOf(w.expr);
  if ("elementOf" in w) {
    const arr = peelCallee(w.elementOf);
    if (arr.type !== "ArrayExpression") return undefined;
    for (const el of arr.elements) {
      const r = el && el.type !== "SpreadElement" ? refOf(el as Node) : undefined;
      if (r) return r;
    }
    return undefined;
  }
  const obj = peelCallee(w.of);
  if (obj.type === "ObjectExpression") {
    for (const prop of obj.properties) {
      if (prop.type === "ObjectProperty" && keyName(prop as { key: Node; computed?: boolean }) === w.key)
        return refOf(prop.value as Node);
    }
    return undefined;
  }
  // `({ load: a } = ns)`, `= require("./lib")`: what `ns.load` would call. The member is made
  // here for the question only; its object is the real node, which the lookup reads.
  const member = {
    type: "MemberExpression",
    object: w.of,
    property: { type: "Identifier", name: w.key },
    computed: false,
  } as unknown as Node;
  const r = lookupReference(ctx, index, member, false, depth);
  // Only a function of a module object: a method that may be smartasync is `takenOut`'s, and
  // the made member has no parent for the lookup's other answers to be about.
  return r && !("unfollowed" in r) && r.shape.kind !== "dispatch" ? r : undefined;
}

/**
 * `const f = hSync` (or `= R.hSync`, `= hSync.bind(null)`), never reassigned: a second name of
 * a hand-written variant, whose call runs that variant as `hSync(u)` does (nothing is chosen, so
 * nothing is rewritten): reported as its explicit call, which `check --deny sync-worker` reads
 * (attack20 F7).
 */
function explicitAlias(ctx: Ctx, index: Index, binding: Binding, depth: number): Resolved | undefined {
  const d = binding.node;
  if (binding.kind !== "const" || binding.violations.length) return undefined;
  if (d.type !== "VariableDeclarator" || !d.init) return undefined;
  if (d.id.type === "ObjectPattern") {
    // `const { sync } = typed` (or `{ hSync: f } = R`): the member taken out, run as written.
    const p = d.id.properties.find(
      (q) => q.type === "ObjectProperty" && q.value.type === "Identifier" && q.value.name === binding.name,
    );
    const key = p ? keyName(p as { key: Node; computed?: boolean }) : undefined;
    if (key === undefined) return undefined;
    const r = writtenRef(ctx, index, { of: d.init as Node, key }, depth);
    if (!r || "unfollowed" in r || !r.explicit || r.choice === "self" || r.shape.kind === "dispatch")
      return undefined;
    // The typed form's `sync` member is its sync variant (nothing is chosen or rewritten).
    return { ...r, choice: undefined, shape: { kind: "ident" } };
  }
  if (d.id.type !== "Identifier") return undefined;
  const r = writtenRef(ctx, index, { expr: d.init as Node }, depth);
  if (!r || "unfollowed" in r || !r.explicit || r.choice !== undefined || r.shape.kind === "dispatch")
    return undefined;
  return { ...r, shape: { kind: "ident" } };
}

/**
 * `const g = f` (or `= ns.f`, `= f.bind(t)`), and every other way a name is given a smartasync
 * function: `g = f`, `g ??= f`, `({ f: g } = ns)`, `[g] = [f]`, `({ g = f } = {})`,
 * `for (g of [f])`, `for (const g of [f])`, `const [g] = [f]`. A second name: its calls are not followed; they are
 * reported (fixtures contexts/alias, contexts/alias-by-assignment).
 */
function aliasOf(ctx: Ctx, index: Index, binding: Binding, depth: number): Unfollowed | undefined {
  const d = binding.node;
  const values: { w: Written; at: Node }[] = [];
  if (d.type === "VariableDeclarator" && d.id.type === "Identifier" && d.init)
    values.push({ w: { expr: d.init as Node }, at: d });
  values.push(...writtenValues(ctx, binding));
  for (const { w, at } of values) {
    if ("expr" in w) {
      const e = peelCallee(w.expr);
      if (e.type === "Identifier" && e.name === binding.name) continue;
    }
    const r = writtenRef(ctx, index, w, depth);
    if (r && "unfollowed" in r) return r;
    if (!r || r.explicit || r.shape.kind === "dispatch") continue;
    const name = r.fn?.display ?? r.ext!.fact.name;
    return {
      unfollowed: `\`${binding.name}\` is a second name for \`${name}\` (line ${at.loc?.start.line ?? 0}); call \`${name}\` itself so its variant can be chosen`,
      name,
      kind: r.fn?.kind ?? r.ext!.fact.kind,
      ...(r.ext ? { from: r.ext.fact.from } : {}),
      line: at.loc?.start.line ?? 0,
    };
  }
  return undefined;
}

/**
 * `exports.load(1)`, `module.exports.load(2)` in the CommonJS module that exports its smartasync
 * `load` so, or `l(3)` of `const l = exports.load` (writtenRef reads the member): the function
 * read back from the module's own exports, which names no variant here (an importer's
 * `lib.load()` reaches `lib.loadSync`, whose export the compile adds; in the module the member may
 * be called before that line runs). Reported where sync code wants the value, never a silent
 * promise (fixture cjs/exports-own-call).
 */
function ownExportCalled(ctx: Ctx, index: Index, object: Node, prop: string): Unfollowed | undefined {
  if (!isExportsObject(object)) return undefined;
  const root = object.type === "Identifier" ? object : ((object as t.MemberExpression).object as Node);
  if (ctx.scopes.binding(root, (root as t.Identifier).name)) return undefined;
  for (const [local, use] of indexExports(ctx.program)) {
    if (!use.cjs.some((c) => c.exported === prop)) continue;
    const fn = index.byName.get(local);
    if (!fn || (fn.form !== "function" && fn.form !== "const")) continue;
    const text = object.type === "Identifier" ? "exports" : "module.exports";
    return {
      unfollowed: `\`${text}.${prop}\` is the module's own export of \`${fn.display}\`, read back from its exports, a name without its variant here; call \`${fn.name}\` itself so its variant can be chosen`,
      name: fn.display,
      kind: fn.kind,
      ...(fn.syncPlan ? { syncStrategy: fn.syncPlan.strategy } : {}),
    };
  }
  return undefined;
}

/**
 * The smartasync function a module-level name the module exports may hold under that other name
 * (`export const fetchIt = load`, `export let later; later = load`, `export var v = load`,
 * `export const { load: p } = { load }`, `export const c = cond ? load : null`, `const alias =
 * load; module.exports = { alias }`): every write form `aliasOf` reads for a call of the name in
 * the file, so an importer's call of the export is SA206 as a call of the second name here would
 * be (fixture modules/exported-second-name, attack29 F11). Undefined for the file's own function
 * (followed) and for an import (its module's facts).
 */
export function exportedSecondName(
  ctx: Ctx,
  index: Index,
  binding: Binding,
): { name: string; kind: FunctionKind; from?: string; fn?: SaFunction; line: number } | undefined {
  if (binding.kind === "module" || binding.kind === "hoisted" || index.byBinding.has(binding))
    return undefined;
  const u = aliasOf(ctx, index, binding, 1) ?? takenOut(index, binding);
  if (!u || u.maybe) return undefined;
  const kind = u.kind ?? (u.kinds ? [...u.kinds][0] : undefined);
  if (!kind) return undefined;
  const fn = index.byName.get(u.name);
  return {
    name: u.name,
    kind,
    ...(u.from !== undefined ? { from: u.from } : {}),
    ...(fn && fn.kind === kind ? { fn } : {}),
    // The write that gives it (`let b3; b3 = exports.load = load`: line 14, not the `let`;
    // fixture cjs/exports-alias-later-write).
    line: u.line ?? binding.node.loc?.start.line ?? 0,
  };
}

/**
 * The smartasync function an exported expression may be (`export default c ? load : null`,
 * `module.exports = lib.load`, `module.exports = Object(load)`), read as a write of it is by
 * `aliasOf` (attack29 F11).
 */
export function exportedValueOf(
  ctx: Ctx,
  index: Index,
  value: Node,
): { name: string; kind: FunctionKind; from?: string; fn?: SaFunction } | undefined {
  const r = writtenRef(ctx, index, { expr: value }, 1);
  if (!r || ("unfollowed" in r && r.maybe)) return undefined;
  if ("unfollowed" in r) {
    const kind = r.kind ?? (r.kinds ? [...r.kinds][0] : undefined);
    const fn = index.byName.get(r.name);
    return kind
      ? {
          name: r.name,
          kind,
          ...(r.from !== undefined ? { from: r.from } : {}),
          ...(fn?.kind === kind ? { fn } : {}),
        }
      : undefined;
  }
  if (r.explicit || r.shape.kind === "dispatch") return undefined;
  if (r.fn) return { name: r.fn.display, kind: r.fn.kind, fn: r.fn };
  return r.ext ? { name: r.ext.fact.name, kind: r.ext.fact.kind, from: r.ext.fact.from } : undefined;
}

/**
 * `const { load } = api` then `load()`, where `load` names a method that may be smartasync (an
 * annotated method, or a function an object holds, analysis/held.ts): the object is gone at the
 * call, so nothing can dispatch on it. Reported, never silently plain (fixture
 * modules/object-held-functions).
 */
function takenOut(index: Index, binding: Binding): Unfollowed | undefined {
  // Every place the name is bound from a pattern: a declaration (`const { a: { load } } = x`), a
  // parameter (`function f({ load })`), an assignment (`({ load } = api)`) (fixture
  // contexts/taken-out-forms).
  // With no method of that kind anywhere, no key can match: the answer needs none of the writes,
  // and not reading them keeps a closed function's write from forcing the analysis of the whole
  // tree (lazy.ts; `_gensync = function () {…}` in Babel's CommonJS output).
  if (index.methodKinds.size === 0) return undefined;
  const d = binding.node;
  const patterns: Node[] = [d.type === "VariableDeclarator" ? (d.id as Node) : d];
  for (const v of binding.violations) if (v.type === "AssignmentExpression") patterns.push(v.left as Node);
  for (const pattern of patterns) {
    const key = keyOfName(pattern, binding.name);
    const kinds = key === undefined ? undefined : index.methodKinds.get(key);
    if (!kinds) continue;
    // The object as written where the declaration names it (`const { g } = M`: `M.g()`); a key
    // of a nested pattern (`{ inner: { g } } = M`) is another object's.
    const from =
      d.type === "VariableDeclarator" && pattern === d.id && d.init && ownKey(pattern, binding.name)
        ? dottedPath(peelCallee(d.init as Node))?.join(".")
        : undefined;
    return {
      unfollowed: `\`${binding.name}\` is taken out of an object (line ${pattern.loc?.start.line ?? 0}), and \`${key}\` may be a smartasync function; call it as a method (\`${from ?? "obj"}.${key}()\`) so its variant can be chosen`,
      name: key!,
      kinds,
    };
  }
  return undefined;
}

/** Whether object pattern `pattern` binds `name` by one of its own properties (`{ name }`, `{ k: name = d }`). */
function ownKey(pattern: Node, name: string): boolean {
  if (pattern.type !== "ObjectPattern") return false;
  return pattern.properties.some((p) => {
    if (p.type !== "ObjectProperty") return false;
    const v = (p.value.type === "AssignmentPattern" ? p.value.left : p.value) as Node;
    return v.type === "Identifier" && v.name === name;
  });
}

/** The property key under which `pattern` binds `name`, at any depth (`{ a: { [k]: name } }`: undefined). */
function keyOfName(pattern: Node, name: string): string | undefined {
  switch (pattern.type) {
    case "AssignmentPattern":
      return keyOfName(pattern.left as Node, name);
    case "ArrayPattern":
      for (const e of pattern.elements) {
        const k = e ? keyOfName((e.type === "RestElement" ? e.argument : e) as Node, name) : undefined;
        if (k !== undefined) return k;
      }
      return undefined;
    case "ObjectPattern":
      for (const p of pattern.properties) {
        if (p.type !== "ObjectProperty") continue;
        let v = p.value as Node;
        if (v.type === "AssignmentPattern") v = v.left as Node;
        if (v.type === "Identifier") {
          if (v.name === name) return keyName(p as { key: Node; computed?: boolean });
          continue;
        }
        const k = keyOfName(v, name);
        if (k !== undefined) return k;
      }
      return undefined;
    default:
      return undefined;
  }
}

/**
 * `(c ? f : g)()`, `(f || g)()`: the callee is chosen at run time, so no one variant can be
 * named; reported where a branch is a smartasync function (fixture contexts/chosen-callee).
 */
function chosen(
  ctx: Ctx,
  index: Index,
  callee: t.ConditionalExpression | t.LogicalExpression,
  depth: number,
): Unfollowed | undefined {
  if (depth > 4) return undefined;
  const branches =
    callee.type === "ConditionalExpression"
      ? [callee.consequent, callee.alternate]
      : [callee.left, callee.right];
  for (const b of branches) {
    const r = lookupReference(ctx, index, peelCallee(b as Node), false, depth + 1);
    if (!r) continue;
    if ("unfollowed" in r) return r;
    const name =
      r.fn?.display ?? r.ext?.fact.name ?? (r.shape.kind === "dispatch" ? r.shape.name : undefined);
    if (name === undefined || r.explicit) continue;
    return {
      unfollowed: `the function called is chosen by an expression (\`${callee.type === "ConditionalExpression" ? "c ? f : g" : `f ${callee.operator} g`}\`); call each function by its name (\`c ? f() : g()\`)`,
      name,
      ...(r.kinds ? { kinds: r.kinds } : { kind: r.fn?.kind ?? r.ext!.fact.kind }),
      ...(r.ext ? { from: r.ext.fact.from } : {}),
    };
  }
  return undefined;
}

/** The name and kind of a resolved smartasync reference, for a report of a route not followed. */
/**
 * The argument a call runs, or binds, as a function through `Function.prototype`'s own methods
 * taken as values (attack24 F16). `calls`: `X.call(f, …)`/`X.apply(f, …)` where `X` is a `call`
 * or `apply` member (`Function.prototype.call.call(f, t, 1)`, `f.apply.call(f, t, [1])`), and
 * `Reflect.apply(X, f, …)`. `binds` (a function that calls `f` when called): the same with a
 * `bind` member (`Function.prototype.bind.call(f, t)`, `Reflect.apply(Function.prototype.bind, f,
 * [t])`), and `X.bind(f)` of a `call`/`apply` member. (`f.call.call(f, …)` is reported by its
 * base, above.)
 */
function invokedArgument(
  scopes: Scopes,
  callee: Node,
  args: Node[],
  mode: "calls" | "binds",
): Node | undefined {
  const wanted = (name: Invoker | undefined): boolean =>
    name !== undefined && name !== "Reflect.apply" && (mode === "binds") === (name === "bind");
  const direct = invokerOf(scopes, callee);
  // `Reflect.apply(X, f, …)`, also as `apply(X, f, …)` of `const { apply } = Reflect`.
  if (direct === "Reflect.apply") return wanted(invokerOf(scopes, args[0])) ? args[1] : undefined;
  if (!isMember(callee)) return undefined;
  const prop = memberName(callee);
  const object = invokerOf(scopes, callee.object as Node);
  if ((prop === "call" || prop === "apply") && wanted(object)) return args[0];
  if (mode === "binds" && prop === "bind" && (object === "call" || object === "apply")) return args[0];
  return undefined;
}

/** What calls (or binds) the function given it: `Function.prototype`'s three, or `Reflect.apply`. */
type Invoker = "call" | "apply" | "bind" | "Reflect.apply";

/**
 * Which invoker `n` is: a member named `call`/`apply`/`bind` (of any object: `Function.prototype`'s
 * own, or a function's, which are the same), `Reflect.apply`, or a `const` second name of one —
 * `const call = Function.prototype.call`, `const { call } = Function.prototype`, `const R =
 * Reflect` then `R.apply`, `const { apply } = Reflect` — followed `MAX_CONST_ALIASES` names deep
 * (fixture diagnostics/sa206-invoker-aliases: read from the callee's shape alone, an alias was a
 * plain call without a word). A `let` is not followed (it may be written).
 */
function invokerOf(scopes: Scopes, n: Node | undefined, depth = 0): Invoker | undefined {
  const v = n && peelCallee(n);
  if (!v || depth > MAX_CONST_ALIASES) return undefined;
  const named = (key: string | undefined, object: Node | undefined): Invoker | undefined => {
    if (key === "apply" && object && globalName(scopes, object) === "Reflect") return "Reflect.apply";
    return key === "call" || key === "apply" || key === "bind" ? key : undefined;
  };
  if (isMember(v)) return named(memberName(v), v.object as Node);
  if (v.type !== "Identifier") return undefined;
  const b = scopes.binding(v, v.name);
  const d = b?.node;
  if (b?.kind !== "const" || d?.type !== "VariableDeclarator" || !d.init) return undefined;
  if (d.id.type === "Identifier") return invokerOf(scopes, d.init as Node, depth + 1);
  return d.id.type === "ObjectPattern" ? named(keyOfName(d.id as Node, v.name), d.init as Node) : undefined;
}

/**
 * A smartasync function handed as a value to code that calls it (`Reflect.apply(f, …)`,
 * `Function.prototype.call.call(f, …)`): not followed, with `advice` naming the spelling that
 * is; an unfollowed name's own reason passes through.
 */
function calledAsValue(
  ctx: Ctx,
  index: Index,
  fn: Node,
  advice: (name: string) => string,
): Unfollowed | undefined {
  const r = lookupReference(ctx, index, peelCallee(fn), false);
  if (r && "unfollowed" in r) return r;
  const held = r && heldName(r);
  return held ? { ...held, unfollowed: advice(held.name) } : undefined;
}

function invokerAdvice(name: string): string {
  return `a function called through \`Function.prototype\`'s \`call\`/\`apply\`/\`bind\` taken as a value; write \`${name}.call(thisArg, …)\` or \`${name}.apply(thisArg, args)\`, which is followed`;
}

function heldName(r: Resolved | Unfollowed): Omit<Unfollowed, "unfollowed"> | undefined {
  if ("unfollowed" in r || r.explicit || r.shape.kind === "dispatch") return undefined;
  const name = r.fn?.display ?? r.ext?.fact.name;
  const kind = r.fn?.kind ?? r.ext?.fact.kind;
  if (name === undefined || kind === undefined) return undefined;
  return { name, kind, ...(r.ext ? { from: r.ext.fact.from } : {}) };
}

/** What a function returns when that is one expression: `() => f`, `function () { return f; }`. */
function returnedBy(fn: Node): Node | undefined {
  if (fn.type !== "ArrowFunctionExpression" && fn.type !== "FunctionExpression") return undefined;
  const body = fn.body as Node;
  if (body.type !== "BlockStatement") return body;
  const only = body.body.length === 1 ? (body.body[0] as Node) : undefined;
  return only?.type === "ReturnStatement" ? ((only.argument as Node | null) ?? undefined) : undefined;
}

/**
 * An element of an array literal (`[f][0]`, `const list = [f, g]; list[i]`) or a member picked
 * by a computed key from an object literal (`const table = { f, g }; table[k]`) that holds a
 * smartasync function: reported, since which function is called is not followed. So is a named
 * member of an object that holds one under a computed key (`{ [k]: f }.name()`: the key may be
 * that name), and the same through a literal another module exports (`import { handlers }` of
 * `export const handlers = [load]`; fixture modules/element-held-imported).
 */
function heldBy(
  ctx: Ctx,
  index: Index,
  object: Node,
  prop: string | undefined,
  computed: boolean,
  depth: number,
): Unfollowed | undefined {
  let literal: Node | undefined = object;
  let name = sourceOf(ctx, object).slice(0, 30);
  if (object.type === "Identifier") {
    const b = ctx.scopes.binding(object, object.name);
    const d = b?.node;
    literal =
      d?.type === "VariableDeclarator" && d.id.type === "Identifier" && d.init && !b!.violations.length
        ? peelCallee(d.init as Node)
        : undefined;
    name = object.name;
  }
  const byName = prop !== undefined && !computed;
  if (literal?.type !== "ArrayExpression" && literal?.type !== "ObjectExpression") {
    const picked = ctx.imported?.pickedHolder(object);
    if (!picked || picked.returned || (byName && picked.array)) return undefined;
    if (!picked.array && prop !== undefined && picked.keys.includes(prop)) return undefined;
    return {
      name: picked.name,
      kind: picked.kind,
      from: picked.from,
      unfollowed: pickedWhy(name, picked.name, picked.array),
    };
  }
  const find = (v: Node) => {
    const r = lookupReference(ctx, index, peelCallee(v), false, depth + 1);
    const held = r && heldName(r);
    return held?.kind ? { ...held, kind: held.kind } : undefined;
  };
  if (literal.type === "ObjectExpression" && prop !== undefined) {
    // `table["load"]()`, `table.load()` name their member: a dispatch — unless a computed key
    // written after the last such name may give it too.
    const picked = pickedFrom(literal, find);
    if (!picked || picked.keys.includes(prop)) return undefined;
    return { ...picked, unfollowed: pickedWhy(name, picked.name, false) };
  }
  if (byName) return undefined;
  const values =
    literal.type === "ArrayExpression"
      ? (literal.elements as (Node | null)[])
      : (literal.properties as Node[]).map((p) => (p.type === "ObjectProperty" ? (p.value as Node) : null));
  for (const v of values) {
    if (!v || v.type === "SpreadElement") continue;
    const held = find(v);
    if (held) return { ...held, unfollowed: pickedWhy(name, held.name, true) };
  }
  return undefined;
}

/** Why a call through a literal that holds `fn` at a place picked at run time is not followed. */
function pickedWhy(holder: string, fn: string, array: boolean): string {
  return array
    ? `\`${holder}\` holds \`${fn}\` among other values, and the one called is picked at run time (\`${holder}[…]\`); call \`${fn}\` by its name`
    : `\`${holder}\` holds \`${fn}\` under a computed key, which may be the name called; call \`${fn}\` by its name, or hold it under its own name (\`{ ${fn} }\`), then \`${holder}.${fn}()\` is followed`;
}

/**
 * `lib[name]()` of a module object holding smartasync functions: the key may name any export,
 * so the call is reported (fixture contexts/chosen-callee).
 */
function computedMember(
  ctx: Ctx,
  index: Index,
  callee: t.MemberExpression | t.OptionalMemberExpression,
): Unfollowed | undefined {
  const object = peelCallee(callee.object as Node);
  const facts = ctx.imported?.namespaceFacts(object);
  if (!facts || facts.exports.size === 0) return computedMethod(ctx, index, callee);
  const kinds = new Set<FunctionKind>([...facts.exports.values()].map((f) => f.kind));
  const first = [...facts.exports.values()][0]!;
  return {
    unfollowed: `a member picked by a computed key (\`${sourceOf(ctx, callee).slice(0, 40)}\`) may be any export of the module, among them smartasync functions such as \`${first.name}\`; call the function by its name`,
    name: first.name,
    kinds,
  };
}

/**
 * `` a[`m`](x) ``, `a[name](x)`, `Store[k](x)` where methods of some smartasync name are known:
 * the key may name one, which is not dispatched (the variant's name is not the key's), so the call
 * is reported where sync code wants its value (attack21 F9: it gave a promise, silently). A key
 * the file shows to name none of them (a number, a `const` string that is no such name) is no
 * such call.
 */
function computedMethod(
  ctx: Ctx,
  index: Index,
  callee: t.MemberExpression | t.OptionalMemberExpression,
): Unfollowed | undefined {
  if (index.methodKinds.size === 0) return undefined;
  const key = strip(callee.property as Node);
  const known = constantKey(ctx.scopes, key);
  if (known === null) return undefined;
  const names =
    known === undefined ? [...index.methodKinds.keys()] : index.methodKinds.has(known) ? [known] : [];
  if (names.length === 0) return undefined;
  const kinds = new Set<FunctionKind>(names.flatMap((n) => [...index.methodKinds.get(n)!]));
  const shown = sourceOf(ctx, callee).slice(0, 40);
  return {
    unfollowed: `a method picked by a computed key (\`${shown}\`) may be a smartasync method such as \`${names[0]}\`, which is not dispatched that way; call it by its name (\`obj.${names[0]}(…)\`), which is dispatched`,
    name: names[0]!,
    kinds,
  };
}

/** `f(...)`, or `` f`…` `` for a tagged template: a call as messages quote it. */
function quoteCall(ctx: Ctx, call: Node): string {
  if (call.type === "TaggedTemplateExpression") return `${sourceOf(ctx, call.tag as Node)}\`…\``;
  const c = call as CallNode;
  const callee = c.callee as Node;
  const asWritten =
    peelCallee(callee) !== callee ||
    callee.type === "ConditionalExpression" ||
    callee.type === "LogicalExpression" ||
    c.type === "OptionalCallExpression";
  if (!asWritten || c.start == null) return callText(ctx, c);
  // `(0, obj.m)(...)`, `(c ? f : g)(...)`, `obj.m?.(...)`: the callee as written, with its
  // parentheses (and `?.`).
  const end = c.arguments.length ? (c.arguments[0].start ?? 0) : (c.end ?? 0);
  const head = ctx.code.slice(c.start, end).replace(/\(\s*(\)\s*)?$/, "");
  return `${head}(${c.arguments.length ? "..." : ""})`;
}

/**
 * SA103: a generated name a call is renamed to must reach the generated declaration, never a
 * user binding nearer the call (`const loadSync = …` in the caller's scope would capture it;
 * fixture contexts/captured-variant-name).
 */
function checkCapture(ctx: Ctx, index: Index, call: Node, r: Resolved, to: string): void {
  if (r.choice === "self" || r.shape.kind === "dispatch") return;
  const ref = r.shape.kind === "choice" ? undefined : referenceOf(call, r.shape.kind);
  if (ref && ref.type !== "Identifier") return;
  const found = ctx.scopes.binding(call, to);
  if (!found) return;
  // The variant is declared beside the function, or imported beside the import the call uses
  // (`const { load, loadSync } = require(…)` inside a function).
  const home = r.fn
    ? index.bindingOf.get(r.fn)?.scope
    : ref?.type === "Identifier"
      ? ctx.scopes.binding(ref, ref.name)?.scope
      : ctx.scopes.program;
  if (found.scope === home) return;
  fail(ctx, "SA103", found.node, MSG.captured(to, quoteCall(ctx, call)));
}

/** Every call of an annotated function: decided, reported, and its edit planned. */
/** Names through which a stored value may be a smartasync function, once per file (`held`). */
const rootNames = new WeakMap<Ctx, Set<string>>();

export function planCalls(ctx: Ctx, index: Index, generated: Set<Node> = new Set()): Map<Node, CallEdit> {
  const edits = new Map<Node, CallEdit>();
  // Containers holding a smartasync function are found first: their names are watched, so a
  // lookup through one in a closed function opens the tree (opaque.ts).
  storedFunction(ctx, held(ctx, index));
  const view = callView(ctx, index);
  const visit = (call: Node, found: Lookup): void => {
    if (!found) return;
    // `method` decides (strategy.ts) and is not reported: the context is.
    const { method, ...ctxt } = classifyCall(view, call);
    const decided = method ? { ...ctxt, method } : ctxt;
    const text = quoteCall(ctx, call);
    const loc = locOf(ctx, call);
    if (ctxt.context === "awaited")
      refusePromiseUse(ctx, index.byOwner, call, "unfollowed" in found ? undefined : found.fn, text);
    if ("unfollowed" in found) {
      if (found.maybe && (ctxt.context !== "value" || ctxt.in !== "sync")) return;
      // Plain is right where the source's own call is wanted; where a variant is, say why not.
      const d = found.kinds
        ? decideDispatch(found.kinds, decided)
        : decide(found.kind ?? "sync", decided, found.syncStrategy);
      const entry: CallReport = {
        callee: found.name,
        loc,
        ...ctxt,
        strategy: "direct",
        target: found.name,
        ...(found.from ? { from: found.from } : {}),
      };
      if (d.target === "sync" || d.target === "dispatch-sync") {
        warn(ctx, "SA206", call, MSG.notFollowed(text, found.unfollowed));
        entry.reason = "SA206";
      }
      ctx.report.calls.push(entry);
      return;
    }
    const r = found;
    const calleeName =
      r.fn?.display ?? r.ext?.fact.name ?? (r.shape.kind === "dispatch" ? r.shape.name : "?");
    const from = r.ext ? { from: r.ext.fact.from } : {};
    if (r.explicit && r.choice) {
      const to =
        r.choice === "self"
          ? (r.fn?.name ??
            (
              peelCallee(
                (peelCallee((call as CallNode).callee as Node) as t.MemberExpression).object as Node,
              ) as t.Identifier
            ).name)
          : r.fn
            ? r.fn.variant
            : r.ext!.variantRef();
      checkCapture(ctx, index, call, r, to);
      edits.set(call, { shape: r.shape, to });
      ctx.report.calls.push({
        callee: calleeName,
        loc,
        ...ctxt,
        strategy: "explicit",
        target: r.choice === "self" ? calleeName : (r.fn?.variant ?? r.ext!.fact.variant),
        ...from,
        ...(r.choice === "variant" && explicitBlocks(r) ? { blocksOnWorker: true as const } : {}),
      });
      return;
    }
    if (r.explicit) {
      const written = r.shape.kind === "dispatch" ? r.shape.name : (r.fn?.variant ?? r.ext!.fact.variant);
      ctx.report.calls.push({
        callee: calleeName,
        loc,
        ...ctxt,
        strategy: "explicit",
        target: written,
        ...from,
        ...(r.shape.kind !== "dispatch" && explicitBlocks(r) ? { blocksOnWorker: true as const } : {}),
      });
      return;
    }
    const kind = r.fn?.kind ?? r.ext?.fact.kind;
    let d: Decision;
    if (r.shape.kind === "dispatch") {
      d = decideDispatch(r.kinds!, decided);
      // An optional call keeps its short circuit (dispatch-plan.ts) and is dispatched as
      // `obj.m()` is, by one rule: in sync code where its value is wanted (the same dispatch as
      // an inline copy's), and awaited in async code (`await r?.m(x)` of a sync-kind method,
      // `callAsyncOf`). A shape the dispatch cannot keep (`undispatchable`) stays the plain
      // call: SA206 where sync code wants the value; awaited, the plain call gives what `await`
      // wants (the sync method run on this thread), so nothing to warn of.
      const optional = d.strategy === "dispatch" && inOptionalChain(call as CallNode);
      const not = optional
        ? undispatchable(call as CallNode, r.shape.name, (n) => ctx.tree.parent(n))
        : undefined;
      if (not) {
        const sync = d.target === "dispatch-sync";
        const entry: CallReport = {
          callee: calleeName,
          loc,
          ...ctxt,
          strategy: "direct",
          target: r.shape.name,
          reason: sync ? "SA206" : MSG.offloadHeldBack(not.reason),
        };
        if (sync) warn(ctx, "SA206", call, MSG.notFollowed(text, `${not.reason}; ${not.advice}`));
        ctx.report.calls.push(entry);
        return;
      }
    } else {
      // A sync function of this file whose every return is a primitive has no `then` of its
      // own: `.then` on its call is a promise's, and the call is offloaded as before.
      const own =
        method && kind === "sync" && r.fn !== undefined && ctx.tree.has(r.fn.fn as Node)
          ? returnsPrimitive(
              {
                walk: (root, visit) => ctx.tree.walk(root, visit, true),
                parent: (n) => ctx.tree.parent(n),
                binding: (n, name) => ctx.scopes.binding(n, name),
              },
              r.fn.fn as Node,
              (value) => provenPrimitive(ctx, value),
            )
          : false;
      const use = own ? ctxt : decided;
      d = r.fn
        ? decide(kind!, use, r.fn.syncPlan?.strategy, r.fn.asyncStrategy)
        : decide(kind!, use, r.ext!.fact.syncStrategy, r.ext!.fact.asyncStrategy);
    }
    // An offloaded call throws later than the plain one: keep it plain where that can be seen.
    let heldBack: string | undefined;
    if (d.target === "async" || d.target === "dispatch-async") {
      heldBack = offloadHeldBack(ctx, call, calleeName, (n) => offloadedCall(ctx, index, view, n));
      if (heldBack) d = { strategy: "direct", target: "self" };
    }
    const variantName = r.fn?.variant ?? r.ext?.fact.variant;
    let target: string;
    switch (d.target) {
      case "self": {
        target = r.fn?.name ?? calleeName;
        // A sync-kind `this.m()`, `super.m()`, `C.m()` (or a namespace's member) sync code keeps:
        // checked that the member is still the method, as a renamed call is (attack25 F19).
        const kept = keptCheck(r, ctxt.in === "sync");
        if (kept) edits.set(call, { shape: kept, to: ownCheckOf(kept)!.name, loc });
        break;
      }
      case "sync":
      case "async": {
        target = variantName!;
        const via = viaMarker(ctx, call, r, d.target);
        if (via) {
          edits.set(call, { shape: r.shape, to: target, via });
          break;
        }
        const to = r.fn ? r.fn.variant : r.ext!.variantRef();
        checkCapture(ctx, index, call, r, to);
        const own = ownCheckOf(r.shape) !== undefined && d.target === "sync";
        edits.set(call, own ? { shape: r.shape, to, loc } : { shape: r.shape, to });
        break;
      }
      case "dispatch-sync":
      case "dispatch-async":
        target = d.target === "dispatch-sync" ? "callSync" : "callAsync";
        edits.set(
          call,
          d.target === "dispatch-sync" ? { shape: r.shape, to: target, loc } : { shape: r.shape, to: target },
        );
        break;
    }
    const entry: CallReport = { callee: calleeName, loc, ...ctxt, strategy: d.strategy, target, ...from };
    // A sync variant that is an inline copy blocking on a worker further on, here or in another
    // module: the call blocks there too, which `check --deny sync-worker` must see (attack18 F16).
    if (d.target === "sync" && (r.ext?.fact.blocksOnWorker || blocksOnWorker(r.fn?.syncPlan)))
      entry.blocksOnWorker = true;
    // A sync annotated function whose own body blocks on a worker (markSyncBodyBlocks): its
    // plain call runs that body on the caller's thread, which blocks as much (attack19 F5).
    if (d.target === "self" && kind === "sync" && (r.fn ? r.fn.bodyBlocks : r.ext?.fact.blocksOnWorker))
      entry.blocksOnWorker = true;
    if ((d.target === "sync" || d.target === "dispatch-sync") && ctxt.in === "sync") {
      // The safe form where the analysis cannot see every use of the name the value is kept
      // under: the value (a promise use then fails loudly, `p.then is not a function`), and a
      // warning naming the local (adversarial finding 11; docs/semantics.md).
      const held = heldUnclear(view, call);
      if (held !== undefined) {
        warn(ctx, "SA208", call, MSG.heldUnclear(text, held.name, held.why, variantName ?? target));
        entry.reason = "SA208";
      }
      // The same where the value leaves a plain function by `return` to callers in sight that
      // want both forms (adversarial finding F4; docs/semantics.md).
      const on = held === undefined ? handedOnUnclear(view, call) : undefined;
      if (on !== undefined) {
        warn(ctx, "SA209", call, MSG.handedOnUnclear(text, on.name, variantName ?? target));
        entry.reason = "SA209";
      }
      // Its value handed to a smartasync function that may want the promise (attack17 F17).
      if (held === undefined && on === undefined && ctxt.context === "value") {
        const why = argumentToPromiseUse(ctx, index, view, call, text, variantName ?? target);
        if (why) entry.reason = why;
      }
      // Its value handed where the build does not follow it, not kept under a name: a container,
      // a function of another module, a class, a keeping method (attack19 F2). The value, as for
      // a local only parked (SA208), and the warning says where it went.
      const flow =
        held === undefined && on === undefined && entry.reason === undefined && ctxt.context === "value"
          ? flowUnproven(view, call)
          : undefined;
      if (flow !== undefined) {
        warn(ctx, "SA210", call, MSG.flowUnproven(text, flow, variantName ?? target));
        entry.reason = "SA210";
      }
    }
    if (d.strategy === "offload" && inPromiseAllLiteral(ctx, call))
      entry.reason = MSG.parallelOffload(calleeName);
    if (d.strategy === "offload" && d.target === "async") {
      const outside = offloadOutside(ctx, call, r, calleeName);
      if (outside) {
        entry.outside = true;
        entry.reason = entry.reason === undefined ? outside : `${entry.reason}; ${outside}`;
      }
    }
    if (heldBack) entry.reason = MSG.offloadHeldBack(heldBack);
    if (d.diagnostic) {
      const v =
        variantName ?? `${calleeName}${kind === "sync" ? ctx.options.asyncSuffix : ctx.options.syncSuffix}`;
      const vcall = `${text.replace(/^[^(`]*/, (m) => withLastName(m, v))}`;
      const message =
        d.diagnostic === "SA201"
          ? MSG.floating(text, vcall)
          : d.diagnostic === "SA202"
            ? MSG.unknownContext(text, kind === "async" ? vcall : undefined)
            : MSG.blocking(text, vcall);
      warn(ctx, d.diagnostic, call, message);
      entry.reason = d.diagnostic;
    }
    ctx.report.calls.push(entry);
  };
  // Collect first: whether a call is in the reach of `with` or a sloppy direct `eval` depends on
  // code that may come after it.
  const program = ctx.program;
  const sloppy =
    program.sourceType === "script" && !program.directives.some((d) => d.value.value === "use strict");
  const evalScopes = new Set<Node>();
  if (sloppy) {
    for (const c of ctx.tree.calls) {
      if (c.callee.type === "Identifier" && c.callee.name === "eval" && !ctx.scopes.binding(c, "eval"))
        evalScopes.add(ctx.tree.functionParent(c) ?? program);
    }
  }
  const calls: Node[] = ctx.tree.tagged.length ? [...ctx.tree.calls, ...ctx.tree.tagged] : ctx.tree.calls;
  /** The calls whose callee the lookup resolved (reported by `visit`): `explicitValues` skips their callees. */
  const looked = new Set<Node>();
  if (ctx.tree.tagged.length) calls.sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
  /**
   * A call (or `new`) of another module's plain function (or class) whose body blocks on a worker
   * (its module's `blocking` facts): nothing is rewritten, but the call blocks this thread, which
   * `check --deny sync-worker` must see wherever it is written (attack20 F7).
   */
  const blockingPlain = (call: Node): void => {
    const b = importedBlocking(ctx, ctx.imported, call);
    if (!b) return;
    const { method: _method, ...ctxt } = classifyCall(view, call);
    ctx.report.calls.push({
      callee: b.name,
      loc: locOf(ctx, call),
      ...ctxt,
      strategy: "direct",
      target: b.name,
      from: b.from,
      blocksOnWorker: true,
    } as CallReport);
  };
  for (const n of ctx.tree.news) {
    if (generated.size && ctx.tree.findParent(n, (p) => generated.has(p))) continue;
    blockingPlain(n);
  }
  for (const call of calls) {
    // Variants a previous pass generated are smartasync's own code (idempotence).
    if (generated.size && ctx.tree.findParent(call, (p) => generated.has(p))) continue;
    const r = lookupCall(ctx, index, call);
    if (!r) {
      blockingPlain(call);
      if (call.type !== "TaggedTemplateExpression") continue;
    }
    if (r && sloppy && dynamicScope(ctx, call, evalScopes)) {
      if ("unfollowed" in r || r.shape.kind !== "dispatch") {
        const { method: _method, ...ctxt } = classifyCall(view, call);
        const name = "unfollowed" in r ? r.name : (r.fn?.display ?? r.ext?.fact.name ?? "?");
        ctx.report.calls.push({
          callee: name,
          loc: locOf(ctx, call),
          ...ctxt,
          strategy: "direct",
          target: name,
          reason: "SA205",
        });
        warn(ctx, "SA205", call, MSG.dynamicScope(quoteCall(ctx, call)));
        continue;
      }
    }
    if (r) looked.add(call);
    visit(call, r);
  }
  explicitValues(ctx, index, looked);
  return edits;
}

/** How many `const` second names deep `explicitValues` finds the names of a variant (`const f = fetchJsonSync`). */
const MAX_VALUE_ALIASES = 4;

/**
 * attack27 F08: a hand-written sync variant that runs on a worker (or blocks on one further on)
 * used as a value rather than called here — handed to a built-in (`us.map(fetchJsonSync)`,
 * `[u].forEach(fetchJsonSync)`), run through `Reflect.apply(fetchJsonSync, …)`, stored, passed
 * on — blocks on that worker wherever it is called, which may be code the build does not see. Each
 * such reference is listed as an `explicit` call, context `handed-on`, marked `blocksOnWorker`,
 * where it is written, so `check --deny sync-worker` denies it (fixture
 * worker/explicit-variant-as-value). Calls this file's lookup reports already (`fetchJsonSync(u)`,
 * `.call`/`.apply`/`.bind(…)(…)`, a `const` second name's call) and the `const` second name's
 * own declaration (its uses are the references) are not listed again.
 */
function explicitValues(ctx: Ctx, index: Index, looked: ReadonlySet<Node>): void {
  const names = new Set<string>();
  for (const f of index.byName.values()) if (f.kind === "async") names.add(f.variant);
  addImportedRoots(ctx, names);
  if (names.size === 0) return;
  const refs: t.Identifier[] = [];
  const declarators: t.VariableDeclarator[] = [];
  ctx.tree.walk(
    ctx.program,
    (n) => {
      if (n.type === "Identifier") refs.push(n);
      else if (n.type === "VariableDeclarator" && n.init) declarators.push(n);
      return undefined;
    },
    // A closed function mentions none of these names (lazy.ts); a second name it mentions sends
    // the file to the whole tree (`exactOnClosed` checks the aliases of smartasync names).
    true,
  );
  // Second names (`const f = fetchJsonSync`, `const { fetchJsonSync: g } = lib`), a few deep.
  for (let i = 0; i < MAX_VALUE_ALIASES; i++) {
    const before = names.size;
    for (const d of declarators) {
      let root = peelCallee(d.init as Node);
      while (isMember(root)) root = peelCallee(root.object as Node);
      if (root.type === "CallExpression") {
        const c = peelCallee(root.callee as Node);
        if (isMember(c) && memberName(c) === "bind") root = peelCallee(c.object as Node);
        while (isMember(root)) root = peelCallee(root.object as Node);
      }
      if (root.type === "Identifier" && names.has(root.name))
        for (const id of patternNames(d.id as Node)) names.add(id.name);
    }
    if (names.size === before) break;
  }
  const { tree } = ctx;
  for (const id of refs) {
    if (!names.has(id.name) || !isReference(id, tree)) continue;
    const p = tree.parent(id);
    if (p?.type === "ExportSpecifier") continue;
    // A name a pattern binds or assigns (`const { sync } = typed`): its own uses are the references.
    if (
      (p?.type === "ObjectProperty" && tree.parent(p)?.type === "ObjectPattern") ||
      p?.type === "ArrayPattern" ||
      p?.type === "RestElement" ||
      (p?.type === "AssignmentPattern" && p.left === id)
    )
      continue;
    // `lib.fetchJsonSync`, `typed.sync` of a namespace or a typed form: the member is the value.
    const at: Node =
      p &&
      isMember(p) &&
      p.object === id &&
      !p.computed &&
      memberName(p) !== "call" &&
      memberName(p) !== "apply" &&
      memberName(p) !== "bind"
        ? p
        : id;
    const r = lookupReference(ctx, index, at, false);
    if (!r || "unfollowed" in r || !r.explicit || r.choice === "self" || r.shape.kind === "dispatch")
      continue;
    if (!explicitBlocks(r)) continue;
    if (calledHere(ctx, at, looked)) continue;
    const holder = tree.parent(at);
    // `const f = fetchJsonSync`: `f`'s own uses are listed (or reported as its calls).
    if (holder?.type === "VariableDeclarator" && holder.init === at && holder.id.type === "Identifier") {
      const b = ctx.scopes.binding(holder.id, holder.id.name);
      if (b?.kind === "const" && b.violations.length === 0) continue;
    }
    const name = r.fn?.display ?? r.ext!.fact.name;
    const variant = r.fn?.variant ?? r.ext!.fact.variant;
    const use = holder && holder.type !== "Program" ? holder : at;
    const written = sourceOf(ctx, use).replace(/\s+/g, " ");
    const fn = tree.functionParent(at);
    ctx.report.calls.push({
      callee: name,
      loc: locOf(ctx, at),
      context: "handed-on",
      in: fn && isAsyncFunction(fn as Node, ctx.program) ? "async" : "sync",
      strategy: "explicit",
      target: variant,
      ...(r.ext ? { from: r.ext.fact.from } : {}),
      reason: `used as a value (\`${written.length > 60 ? `${written.slice(0, 57)}...` : written}\`): it blocks on a worker wherever it is called`,
      blocksOnWorker: true,
      value: true,
    } as CallReport);
  }
}

/**
 * Whether the value at `at` is the function a call this file's lookup resolved runs: its callee,
 * seen through `.call`/`.apply`/`.bind(…)(…)`, parentheses and `(0, f)`.
 */
function calledHere(ctx: Ctx, at: Node, looked: ReadonlySet<Node>): boolean {
  let cur = at;
  for (let i = 0; i < 8; i++) {
    const p = ctx.tree.parent(cur);
    if (!p) return false;
    if ((p.type === "CallExpression" || p.type === "OptionalCallExpression") && p.callee === cur) {
      if (looked.has(p)) return true;
      cur = p;
    } else if (isMember(p) && p.object === cur) {
      const m = memberName(p);
      if (m !== "call" && m !== "apply" && m !== "bind") return false;
      cur = p;
    } else if (TRANSPARENT.has(p.type) || (p.type === "SequenceExpression" && p.expressions.at(-1) === cur))
      cur = p;
    else return false;
  }
  return false;
}

/**
 * A call of an async smartasync function in sync code, passed as an argument of a call of a
 * smartasync function (`withTimeout(slowLoad(1), 50)`): its sync variant runs first and the
 * callee gets the value, where the plain program hands it a promise (attack17 F17). The same
 * program only where the callee's parameter is awaited only (param-uses.ts); a promise use of it
 * is SA109, a parameter the build cannot read SA211 (docs/semantics.md). The code, if warned.
 */
function argumentToPromiseUse(
  ctx: Ctx,
  index: Index,
  view: ReturnType<typeof treeView>,
  call: Node,
  text: string,
  variant: string,
): "SA211" | undefined {
  const direct = argumentOf(ctx, call);
  // The call's value kept under a local first (`const p = slowLoad(1); withTimeout(p, 50)`):
  // each read of it that is such an argument, the first promise use (else unknown) named.
  const kept = direct ? undefined : keptLocal(ctx, view, call);
  let found: { arg: NonNullable<typeof direct>; use: ParamUse } | undefined;
  for (const first of direct ? [direct] : (kept?.reads ?? []).map((r) => argumentOf(ctx, r))) {
    let arg = first;
    if (!arg) continue;
    let use = argumentUseOf(ctx, index, arg);
    // `f(id(load()))`: through a plain function of the file that returns it as it is.
    for (let hops = 0; use === undefined && hops < MAX_PASSED_THROUGH; hops++) {
      const next = passedThrough(ctx, arg);
      if (!next) break;
      arg = next;
      use = argumentUseOf(ctx, index, arg);
    }
    if (use === undefined || use.use === "awaited" || use.use === "value") continue;
    if (!found || (use.use === "promise" && found.use.use !== "promise")) found = { arg, use };
  }
  if (!found) return undefined;
  const { arg, use } = found;
  const inner = (call.type === "TaggedTemplateExpression" ? call.tag : (call as CallNode).callee) as Node;
  const innerText = withLastName(sourceOf(ctx, inner), variant);
  // `f.bind(t, load())(…)` names `f`, whose parameter it is.
  let calleeNode = peelCallee(arg.call.callee as Node);
  if (calleeNode.type === "CallExpression" || calleeNode.type === "OptionalCallExpression") {
    const bind = peelCallee(calleeNode.callee as Node);
    if (isMember(bind) && memberName(bind) === "bind") calleeNode = peelCallee(bind.object as Node);
  }
  const callee = sourceOf(ctx, calleeNode);
  // What to write for the value: the same code, this call's callee named by its variant.
  const site: Node = kept ? kept.declarator : arg.call;
  const siteText =
    ctx.code.slice(site.start!, inner.start!) + innerText + ctx.code.slice(inner.end!, site.end!);
  const fix =
    siteText.length > 100 || /\n/.test(siteText)
      ? kept
        ? `${kept.name} = ${variant}(…)`
        : `${callee}(…${variant}(…)…)`
      : siteText;
  const n = placeOf(arg);
  if (use.use === "promise")
    fail(
      ctx,
      "SA109",
      call,
      MSG.promiseArgument(text, variant, callee, n, use.what, use.at, fix, kept?.name),
    );
  if (use.use !== "unknown") return undefined;
  warn(ctx, "SA211", call, MSG.unknownArgument(text, variant, callee, n, use.why, fix, kept?.name));
  return "SA211";
}

/** How many identity helpers deep (`f(id(id(load())))`) a call's value is followed to a callee. */
const MAX_PASSED_THROUGH = 3;

/** What the smartasync function `arg.call` calls does with that argument; undefined if none. */
function argumentUseOf(ctx: Ctx, index: Index, arg: ArgumentSlot): ParamUse | undefined {
  const outer = lookupCall(ctx, index, arg.call);
  // Not a smartasync function: a plain function of the file is followed by the context walk.
  if (!outer || ("unfollowed" in outer && outer.maybe)) return undefined;
  if ("unfollowed" in outer)
    return argumentUse(
      arg.call,
      arg.index,
      outer.name,
      undefined,
      "it is called by a route the build does not follow",
      arg.path,
    );
  if (outer.fn)
    return argumentUse(arg.call, arg.index, outer.fn.display, outer.fn.params, "not followed", arg.path);
  if (outer.ext)
    return argumentUse(
      arg.call,
      arg.index,
      outer.ext.fact.name,
      outer.ext.fact.params,
      `the facts of \`${outer.ext.fact.from}\` do not say how it uses its parameters`,
      arg.path,
    );
  return argumentUse(
    arg.call,
    arg.index,
    outer.shape.kind === "dispatch" ? outer.shape.name : "?",
    undefined,
    "it is a method called on a receiver the build does not know",
    arg.path,
  );
}

/** `const p = call` (one name, never written again): the declarator and the reads of `p`. */
function keptLocal(
  ctx: Ctx,
  view: ReturnType<typeof treeView>,
  call: Node,
): { name: string; declarator: Node; reads: readonly Node[] } | undefined {
  let cur = call;
  let p = ctx.tree.parent(cur);
  while (p && TRANSPARENT.has(p.type)) {
    cur = p;
    p = ctx.tree.parent(p);
  }
  if (p?.type !== "VariableDeclarator" || p.init !== cur) return undefined;
  // The context walk's own reading of a local (view.ts `localUses`: one name, never written again).
  const local = view.localUses?.(p);
  return local && { name: local.name, declarator: p, reads: local.uses };
}

/**
 * A call the rewrite offloads to the pool (an awaited call of a sync smartasync function whose
 * async variant does not run on the calling thread) of a function with no effect outside it: for
 * offloadHeldBack, such a later element runs on a pool thread, in parallel, as every offloaded
 * element does, and running it where the plain program would not changes nothing it could see.
 */
function offloadedCall(ctx: Ctx, index: Index, view: ReturnType<typeof treeView>, n: Node): boolean {
  const r = lookupCall(ctx, index, n);
  if (!r || "unfollowed" in r || r.explicit || r.shape.kind === "dispatch") return false;
  const kind = r.fn?.kind ?? r.ext?.fact.kind;
  const strategy = r.fn ? r.fn.asyncStrategy : r.ext?.fact.asyncStrategy;
  // It runs even where an earlier element throws, which the plain program's call never does, and
  // in parallel with the others: inert only when its function's body shows no effect outside it
  // (review-core finding 4: state it did not create, writeOutside) and none outside JS memory —
  // the very rule that reports an offloaded call `outside` (offloadOutside, outside.ts
  // `provenQuiet`; attack20 F13: `globalThis.console.log` was reported outside and still run in
  // parallel). A function of another module is quiet only where its module proved it so (its
  // export fact's `quiet`): not proven, it is never run in parallel.
  const quiet = provedQuiet(ctx, r);
  return (
    kind === "sync" &&
    strategy !== "same-thread" &&
    quiet &&
    ((c) => c.context === "awaited" && !c.method)(classifyCall(view, n))
  );
}

/**
 * Whether the function a call resolves to is proven quiet (outside.ts `provenQuiet`): looked into
 * where this file shows it, else as its module's build decided it (the export fact's `quiet`).
 */
function provedQuiet(ctx: Ctx, r: Resolved): boolean {
  const local = r.fn !== undefined && ctx.tree.has(r.fn.fn as Node) ? r.fn.fn : undefined;
  if (local !== undefined) return provenQuiet(ctx, local);
  return (r.fn ? r.fn.quiet : r.ext?.fact.quiet) === true;
}

/**
 * Attack 18, F12: why an offloaded call's effects outside JS memory come later than the plain
 * program's, if they may. A function of this file is looked into (outside.ts `outsideEffectOf`);
 * one of another module is not, and not proven quiet: it is said too.
 */
function offloadOutside(ctx: Ctx, call: Node, r: Resolved, calleeName: string): string | undefined {
  const local = r.fn !== undefined && ctx.tree.has(r.fn.fn as Node) ? r.fn.fn : undefined;
  if (local === undefined) {
    // Proven quiet by its own module's build (its export fact): nothing outside to move.
    if (provedQuiet(ctx, r)) return undefined;
    // `f()` or a tagged template's tag: the name the module is imported under.
    const callee = call.type === "TaggedTemplateExpression" ? call.tag : (call as CallNode).callee;
    const from = importedCallee(ctx, callee as Node, true)?.module;
    return MSG.offloadOutsideUnseen(calleeName, from === undefined ? "another module" : `\`${from}\``);
  }
  const effect = outsideEffectOf(ctx, local);
  if (effect === null) return undefined;
  const n = effect.node;
  const shown =
    n.type === "CallExpression" || n.type === "OptionalCallExpression" ? callText(ctx, n) : sourceOf(ctx, n);
  return MSG.offloadOutside(calleeName, effect.what, `\`${shown}\` at ${locOf(ctx, n)}`);
}

/** Inside `with (…)`, or a function whose sloppy direct `eval` may declare any name. */
function dynamicScope(ctx: Ctx, call: Node, evalScopes: Set<Node>): boolean {
  return ctx.tree.findParent(call, (p) => p.type === "WithStatement" || evalScopes.has(p)) !== undefined;
}

/**
 * Whether a call is an element of the array literal given to `Promise.all`/`allSettled`: offloaded
 * there, it runs in parallel with its siblings, so its effects outside JS memory (a file append,
 * a request, console output) are not ordered as the plain program's calls one after another are
 * (attack 13, F14; docs/semantics.md, "The async variant of a sync function").
 */
function inPromiseAllLiteral(ctx: Ctx, call: Node): boolean {
  const p = consumerOf(ctx.tree, call).parent;
  if (p?.type !== "ArrayExpression") return false;
  const all = ctx.tree.parent(p);
  if (all?.type !== "CallExpression" || all.arguments[0] !== p) return false;
  const callee = all.callee as Node;
  if (callee.type !== "MemberExpression" || callee.object.type !== "Identifier") return false;
  const name = memberName(callee);
  return (
    callee.object.name === "Promise" &&
    !ctx.scopes.binding(callee.object, "Promise") &&
    (name === "all" || name === "allSettled")
  );
}

/**
 * `text` with its last name replaced by `name` (`api.load` → `api.loadSync`), found from the end:
 * `/[\w$]+$/` would retry from every letter of a long name (polynomial; test/security/redos).
 */
function withLastName(text: string, name: string): string {
  let k = text.length;
  while (k > 0 && /[\w$]/.test(text[k - 1]!)) k--;
  return k < text.length ? text.slice(0, k) + name : text;
}

/** `cond ? this : _sa.viaOf(…)`: the receiver of a kept sync-kind method call a previous pass wrote. */
function isKeptCheck(ctx: Ctx, object: Node): boolean {
  const o = strip(object);
  if (o.type !== "ConditionalExpression") return false;
  const alt = strip(o.alternate as Node);
  if (alt.type !== "CallExpression") return false;
  const callee = strip(alt.callee as Node);
  return (
    callee.type === "MemberExpression" &&
    !callee.computed &&
    callee.property.type === "Identifier" &&
    callee.property.name === "viaOf" &&
    callee.object.type === "Identifier" &&
    runtimeLocals(ctx).has(callee.object.name)
  );
}
