import type { types as t } from "@babel/core";
import { classifyCall } from "../context.js";
import { SYNC_GLOBALS } from "../inline.js";
import { MSG } from "../messages.js";
import { variantOf } from "../naming.js";
import type { CallReport } from "../report.js";
import { type Decision, decide, decideDispatch, type FunctionKind } from "../strategy.js";
import { type Ctx, callText, locOf, warn } from "./ctx.js";
import type { ImportedRef } from "./imported.js";
import type { SaFunction } from "./model.js";
import type { Binding } from "./scope.js";
import { isFunction, type Node } from "./tree.js";
import { memberName, treeView } from "./view.js";

export type CallNode = t.CallExpression | t.OptionalCallExpression;

/** How a call reaches its callee, which decides what a rewrite renames. */
export type Shape =
  | { kind: "ident" } // f(), f?.()
  | { kind: "choice" } // f.sync(), f.async(): the typed wrapper's explicit choices (DESIGN §6)
  | { kind: "call-apply" } // f.call(...), f.apply(...)
  | { kind: "member" } // this.m(), super.m(), C.m()
  | { kind: "dispatch"; name: string }; // obj.m()

/** A planned edit of one call, keyed by the original call node (applied to copies too). */
export interface CallEdit {
  shape: Shape;
  /** New callee name, or the runtime dispatcher (`callSync`/`callAsync`) for `dispatch`. */
  to: string;
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
}

export function buildIndex(ctx: Ctx, fns: SaFunction[]): Index {
  const index: Index = {
    byBinding: new Map(),
    byOwner: new Map(),
    methodKinds: new Map(),
    methodVariants: new Map(),
    byName: new Map(),
  };
  for (const f of fns) {
    if (f.form === "function" || f.form === "const") {
      const from = f.form === "function" ? ctx.tree.parent(f.fn)! : f.stmt!;
      const binding = ctx.scopes.binding(from, f.name);
      if (binding) index.byBinding.set(binding, f);
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
  return index;
}

const BUILTIN_RECEIVERS = new Set([
  ...SYNC_GLOBALS,
  "console",
  "Promise",
  "process",
  "globalThis",
  "Atomics",
  "Intl",
]);

/** The class whose method `n` is in, seen through arrow functions, and whether it is static. */
function enclosingClass(ctx: Ctx, n: Node): { cls: t.Class; isStatic: boolean } | undefined {
  const fn = ctx.tree.findParent(n, (p) => isFunction(p) && p.type !== "ArrowFunctionExpression");
  if (fn?.type !== "ClassMethod") return undefined;
  return { cls: ctx.tree.parent(ctx.tree.parent(fn)!) as t.Class, isStatic: fn.static };
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

export function resolveCallee(ctx: Ctx, index: Index, call: CallNode): Resolved | undefined {
  const callee = call.callee as Node;
  const { scopes } = ctx;
  if (callee.type === "Identifier") {
    const name = callee.name;
    const binding = scopes.binding(callee, name);
    const fn = binding ? index.byBinding.get(binding) : undefined;
    if (fn) return { fn, shape: { kind: "ident" }, explicit: false };
    const ext =
      binding?.kind === "module" || binding?.kind === "const" ? ctx.imported?.resolve(callee) : undefined;
    if (ext) return { fn: undefined, ext, shape: { kind: "ident" }, explicit: ext.explicit };
    const v = variantOf(name, ctx.options);
    const of = v ? index.byName.get(v.base) : undefined;
    if (of && of.kind === v!.kind && !binding) return { fn: of, shape: { kind: "ident" }, explicit: true };
    return undefined;
  }
  if (callee.type !== "MemberExpression" && callee.type !== "OptionalMemberExpression") return undefined;
  const prop = memberName(callee);
  if (prop === undefined) return undefined;
  const object = callee.object as Node;
  if (object.type === "Identifier" && (prop === "sync" || prop === "async")) {
    const b = scopes.binding(callee, object.name);
    const fn = b ? index.byBinding.get(b) : undefined;
    const ext = fn ? undefined : ctx.imported?.resolve(object);
    const kind = fn?.kind ?? ext?.fact.kind;
    if ((fn?.wrapper || ext) && kind) {
      // `load.sync()` of an async function is its sync variant; `hash.sync()` of a sync one is itself.
      const self = (prop === "sync") === (kind === "sync");
      return { fn, ext, shape: { kind: "choice" }, explicit: true, choice: self ? "self" : "variant" };
    }
  }
  if (object.type === "Identifier" && (prop === "call" || prop === "apply")) {
    const b = scopes.binding(callee, object.name);
    const fn = b ? index.byBinding.get(b) : undefined;
    if (fn) return { fn, shape: { kind: "call-apply" }, explicit: false };
  }
  if (object.type === "Identifier") {
    const ext = ctx.imported?.resolve(callee);
    if (ext) return { fn: undefined, ext, shape: { kind: "member" }, explicit: ext.explicit };
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
    if (fn) return { fn, shape: { kind: "member" }, explicit: false };
    const v = variantOf(prop, ctx.options);
    const of = v ? table?.get((isStatic ? "static:" : "") + v.base) : undefined;
    if (of && of.kind === v!.kind) return { fn: of, shape: { kind: "member" }, explicit: true };
  }
  if (object.type === "Super") return undefined;
  // Built-in globals are never instances of annotated classes: `JSON.parse(text)` stays as it
  // is even where some annotated method is named `parse` (fixture strategies/dispatch-globals).
  if (
    object.type === "Identifier" &&
    BUILTIN_RECEIVERS.has(object.name) &&
    !scopes.binding(callee, object.name)
  )
    return undefined;
  const kinds = index.methodKinds.get(prop);
  if (kinds) return { fn: undefined, shape: { kind: "dispatch", name: prop }, explicit: false, kinds };
  const variantOfMethod = index.methodVariants.get(prop);
  if (variantOfMethod)
    return { fn: variantOfMethod, shape: { kind: "dispatch", name: prop }, explicit: true };
  return undefined;
}

/** Whether a call is an `obj?.m()`-style optional call (its short-circuit must stay). */
function isOptional(call: CallNode): boolean {
  return call.type === "OptionalCallExpression" || call.callee.type === "OptionalMemberExpression";
}

/** Every call of an annotated function: decided, reported, and its edit planned. */
export function planCalls(ctx: Ctx, index: Index, generated: Set<Node> = new Set()): Map<Node, CallEdit> {
  const edits = new Map<Node, CallEdit>();
  const view = treeView(ctx.tree, ctx.scopes);
  const visit = (call: CallNode): void => {
    const r = resolveCallee(ctx, index, call);
    if (!r) return;
    const ctxt = classifyCall(view, call as Node);
    const text = callText(ctx, call);
    const loc = locOf(ctx, call);
    const calleeName =
      r.fn?.display ?? r.ext?.fact.name ?? (r.shape.kind === "dispatch" ? r.shape.name : "?");
    const from = r.ext ? { from: r.ext.fact.from } : {};
    if (r.explicit && r.choice) {
      const to =
        r.choice === "self"
          ? (r.fn?.name ?? ((call.callee as t.MemberExpression).object as t.Identifier).name)
          : r.fn
            ? r.fn.variant
            : r.ext!.variantRef();
      edits.set(call, { shape: r.shape, to });
      ctx.report.calls.push({
        callee: calleeName,
        loc,
        ...ctxt,
        strategy: "explicit",
        target: r.choice === "self" ? calleeName : (r.fn?.variant ?? r.ext!.fact.variant),
        ...from,
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
      });
      return;
    }
    const kind = r.fn?.kind ?? r.ext?.fact.kind;
    let d: Decision;
    if (r.shape.kind === "dispatch") {
      d = decideDispatch(r.kinds!, ctxt);
      if (d.strategy === "dispatch" && isOptional(call)) {
        // `obj?.m()` keeps its short-circuit: a dispatch call would evaluate `obj.m` eagerly.
        ctx.report.calls.push({
          callee: calleeName,
          loc,
          ...ctxt,
          strategy: "direct",
          target: r.shape.name,
          reason: "optional call on an unknown receiver is not dispatched",
        });
        return;
      }
    } else {
      d = decide(kind!, ctxt, r.fn ? r.fn.syncPlan?.strategy : r.ext!.fact.syncStrategy);
    }
    const variantName = r.fn?.variant ?? r.ext?.fact.variant;
    let target: string;
    switch (d.target) {
      case "self":
        target = r.fn?.name ?? calleeName;
        break;
      case "sync":
      case "async": {
        const to = r.fn ? r.fn.variant : r.ext!.variantRef();
        target = variantName!;
        edits.set(call, { shape: r.shape, to });
        break;
      }
      case "dispatch-sync":
      case "dispatch-async":
        target = d.target === "dispatch-sync" ? "callSync" : "callAsync";
        edits.set(call, { shape: r.shape, to: target });
        break;
    }
    const entry: CallReport = { callee: calleeName, loc, ...ctxt, strategy: d.strategy, target, ...from };
    if (d.diagnostic) {
      const v =
        variantName ?? `${calleeName}${kind === "sync" ? ctx.options.asyncSuffix : ctx.options.syncSuffix}`;
      const vcall = `${text.replace(/^[^(]*/, (m) => {
        // The callee's last name, found from the end (`/[\w$]+$/` retries from every letter).
        let k = m.length;
        while (k > 0 && /[\w$]/.test(m[k - 1]!)) k--;
        return k < m.length ? m.slice(0, k) + v : m;
      })}`;
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
  for (const call of ctx.tree.calls) {
    // Variants a previous pass generated are smartasync's own code (idempotence).
    if (generated.size && ctx.tree.findParent(call, (p) => generated.has(p))) continue;
    if (sloppy && dynamicScope(ctx, call, evalScopes)) {
      const r = resolveCallee(ctx, index, call);
      if (r && (r.shape.kind === "ident" || r.shape.kind === "call-apply")) {
        const ctxt = classifyCall(view, call as Node);
        const name = r.fn?.display ?? r.ext?.fact.name ?? "?";
        ctx.report.calls.push({
          callee: name,
          loc: locOf(ctx, call),
          ...ctxt,
          strategy: "direct",
          target: name,
          reason: "SA205",
        });
        warn(ctx, "SA205", call, MSG.dynamicScope(callText(ctx, call)));
        continue;
      }
    }
    visit(call);
  }
  return edits;
}

/** Inside `with (…)`, or a function whose sloppy direct `eval` may declare any name. */
function dynamicScope(ctx: Ctx, call: Node, evalScopes: Set<Node>): boolean {
  return ctx.tree.findParent(call, (p) => p.type === "WithStatement" || evalScopes.has(p)) !== undefined;
}
