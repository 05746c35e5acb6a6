import type { NodePath, types as t } from "@babel/core";
import { classifyCall } from "../core/context.js";
import { SYNC_GLOBALS } from "../core/inline.js";
import { MSG } from "../core/messages.js";
import { variantOf } from "../core/naming.js";
import { type Decision, decide, decideDispatch, type FunctionKind } from "../core/strategy.js";
import { babelView } from "./babel-view.js";
import { type Ctx, callText, locOf, warn } from "./ctx.js";
import type { ImportedRef } from "./imported.js";
import type { SaFunction } from "./model.js";

type CallNode = t.CallExpression | t.OptionalCallExpression;

/** How a call reaches its callee, which decides what a rewrite renames. */
export type Shape =
  | { kind: "ident" } // f(), f?.()
  | { kind: "choice" } // f.sync(), f.async(): the typed wrapper's explicit choices (DESIGN §6)
  | { kind: "call-apply" } // f.call(...), f.apply(...)
  | { kind: "member" } // this.m(), super.m(), C.m()
  | { kind: "dispatch"; name: string }; // obj.m()

/** A planned edit of one call, keyed by the original call node (applied to clones too). */
export interface CallEdit {
  shape: Shape;
  /** New callee name, or the runtime dispatcher for `dispatch`. */
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
  byBinding: Map<unknown, SaFunction>;
  /** Methods by owner node (class or object) and name; static methods under `static:`. */
  byOwner: Map<t.Node, Map<string, SaFunction>>;
  methodKinds: Map<string, Set<FunctionKind>>;
  methodVariants: Map<string, SaFunction>;
  byName: Map<string, SaFunction>;
}

export function buildIndex(fns: SaFunction[]): Index {
  const index: Index = {
    byBinding: new Map(),
    byOwner: new Map(),
    methodKinds: new Map(),
    methodVariants: new Map(),
    byName: new Map(),
  };
  for (const f of fns) {
    if (f.form === "function" || f.form === "const") {
      const scope = f.form === "function" ? f.fn.parentPath!.scope : f.stmt!.scope;
      const binding =
        f.form === "function" ? f.fn.parentPath!.scope.getBinding(f.name) : scope.getBinding(f.name);
      if (binding) index.byBinding.set(binding, f);
      index.byName.set(f.name, f);
      continue;
    }
    const owner = f.holder!.node;
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

function memberName(node: t.MemberExpression | t.OptionalMemberExpression): string | undefined {
  if (!node.computed && node.property.type === "Identifier") return node.property.name;
  if (node.computed && node.property.type === "StringLiteral") return node.property.value;
  return undefined;
}

/** The class whose method `path` is in, seen through arrow functions, and whether it is static. */
function enclosingClass(path: NodePath): { cls: t.Class; isStatic: boolean } | undefined {
  const fn = path.findParent((p) => p.isFunction() && !p.isArrowFunctionExpression());
  if (!fn?.isClassMethod()) return undefined;
  return { cls: fn.parentPath.parentPath!.node as t.Class, isStatic: fn.node.static };
}

function classOfBinding(path: NodePath, name: string): t.Class | undefined {
  const b = path.scope.getBinding(name);
  if (!b) return undefined;
  if (b.path.isClassDeclaration()) return b.path.node;
  if (b.path.isVariableDeclarator() && b.kind === "const") {
    const init = b.path.node.init;
    if (init?.type === "ClassExpression") return init;
  }
  return undefined;
}

export function resolveCallee(index: Index, call: NodePath<CallNode>, ctx: Ctx): Resolved | undefined {
  const callee = call.get("callee") as NodePath;
  if (callee.isIdentifier()) {
    const name = callee.node.name;
    const binding = callee.scope.getBinding(name);
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
  if (!callee.isMemberExpression() && !callee.isOptionalMemberExpression()) return undefined;
  const node = callee.node;
  const prop = memberName(node);
  if (prop === undefined) return undefined;
  const object = node.object;
  if (object.type === "Identifier" && (prop === "sync" || prop === "async")) {
    const b = callee.scope.getBinding(object.name);
    const fn = b ? index.byBinding.get(b) : undefined;
    const ext = fn ? undefined : ctx.imported?.resolve(callee.get("object") as NodePath);
    const kind = fn?.kind ?? ext?.fact.kind;
    if ((fn?.wrapper || ext) && kind) {
      // `load.sync()` of an async function is its sync variant; `hash.sync()` of a sync one is itself.
      const self = (prop === "sync") === (kind === "sync");
      return { fn, ext, shape: { kind: "choice" }, explicit: true, choice: self ? "self" : "variant" };
    }
  }
  if (object.type === "Identifier" && (prop === "call" || prop === "apply")) {
    const b = callee.scope.getBinding(object.name);
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
    const c = enclosingClass(callee);
    if (c) ({ cls: owner, isStatic } = c);
  } else if (object.type === "Super") {
    const c = enclosingClass(callee);
    const sup = c?.cls.superClass;
    if (c && sup?.type === "Identifier") {
      owner = classOfBinding(callee, sup.name);
      isStatic = c.isStatic;
    }
  } else if (object.type === "Identifier") {
    owner = classOfBinding(callee, object.name);
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
    if (object.type === "Super") return undefined;
  }
  if (object.type === "Super") return undefined;
  // Built-in globals are never instances of annotated classes: `JSON.parse(text)` stays as it
  // is even where some annotated method is named `parse` (fixture strategies/dispatch-globals).
  if (
    object.type === "Identifier" &&
    BUILTIN_RECEIVERS.has(object.name) &&
    !callee.scope.getBinding(object.name)
  ) {
    return undefined;
  }
  const kinds = index.methodKinds.get(prop);
  if (kinds) return { fn: undefined, shape: { kind: "dispatch", name: prop }, explicit: false, kinds };
  const variantOfMethod = index.methodVariants.get(prop);
  if (variantOfMethod)
    return { fn: variantOfMethod, shape: { kind: "dispatch", name: prop }, explicit: true };
  return undefined;
}

/** Every call of an annotated function: decided, reported, and its edit planned. */
export function planCalls(
  ctx: Ctx,
  program: NodePath<t.Program>,
  index: Index,
  generated: Set<t.Node> = new Set(),
): Map<t.Node, CallEdit> {
  const edits = new Map<t.Node, CallEdit>();
  const visit = (call: NodePath<CallNode>): void => {
    const r = resolveCallee(index, call, ctx);
    if (!r) return;
    const ctxt = classifyCall(babelView, call as NodePath);
    const text = callText(ctx, call.node);
    const loc = locOf(ctx, call.node);
    const calleeName =
      r.fn?.display ?? r.ext?.fact.name ?? (r.shape.kind === "dispatch" ? r.shape.name : "?");
    const from = r.ext ? { from: r.ext.fact.from } : {};
    if (r.explicit && r.choice) {
      const to =
        r.choice === "self"
          ? (r.fn?.name ?? (call.node.callee as t.MemberExpression).object)
          : r.fn
            ? r.fn.variant
            : r.ext!.variantRef();
      const name = typeof to === "string" ? to : (to as t.Identifier).name;
      edits.set(call.node, { shape: r.shape, to: name });
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
      if (
        d.strategy === "dispatch" &&
        (call.node.type === "OptionalCallExpression" || call.node.callee.type === "OptionalMemberExpression")
      ) {
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
        edits.set(call.node, { shape: r.shape, to });
        break;
      }
      case "dispatch-sync":
      case "dispatch-async":
        target = d.target === "dispatch-sync" ? "callSync" : "callAsync";
        edits.set(call.node, { shape: r.shape, to: target });
        break;
    }
    const entry: (typeof ctx.report.calls)[number] = {
      callee: calleeName,
      loc,
      ...ctxt,
      strategy: d.strategy,
      target,
      ...from,
    };
    if (d.diagnostic) {
      const v =
        variantName ?? `${calleeName}${kind === "sync" ? ctx.options.asyncSuffix : ctx.options.syncSuffix}`;
      const vcall = `${text.replace(/^[^(]*/, (m) => m.replace(/[\w$]+$/, v))}`;
      const message =
        d.diagnostic === "SA201"
          ? MSG.floating(text, vcall)
          : d.diagnostic === "SA202"
            ? MSG.unknownContext(text, kind === "async" ? vcall : undefined)
            : MSG.blocking(text, vcall);
      warn(ctx, d.diagnostic, call.node, message);
      entry.reason = d.diagnostic;
    }
    ctx.report.calls.push(entry);
  };
  // Collect first: whether a call is in the reach of `with` or a sloppy direct `eval` depends on
  // code that may come after it.
  const calls: NodePath<CallNode>[] = [];
  const evalScopes = new Set<t.Node>();
  const sloppy =
    program.node.sourceType === "script" &&
    !program.node.directives.some((d) => d.value.value === "use strict");
  program.traverse({
    CallExpression(p) {
      calls.push(p);
      if (
        sloppy &&
        p.node.callee.type === "Identifier" &&
        p.node.callee.name === "eval" &&
        !p.scope.getBinding("eval")
      ) {
        evalScopes.add((p.getFunctionParent() ?? program).node);
      }
    },
    OptionalCallExpression(p) {
      calls.push(p);
    },
  });
  for (const call of calls) {
    // Variants a previous pass generated are smartasync's own code (idempotence).
    if (generated.size && call.findParent((p) => generated.has(p.node))) continue;
    if (sloppy && dynamicScope(call, evalScopes)) {
      const r = resolveCallee(index, call, ctx);
      if (r && (r.shape.kind === "ident" || r.shape.kind === "call-apply")) {
        const ctxt = classifyCall(babelView, call as NodePath);
        const name = r.fn?.display ?? r.ext?.fact.name ?? "?";
        ctx.report.calls.push({
          callee: name,
          loc: locOf(ctx, call.node),
          ...ctxt,
          strategy: "direct",
          target: name,
          reason: "SA205",
        });
        warn(ctx, "SA205", call.node, MSG.dynamicScope(callText(ctx, call.node)));
        continue;
      }
    }
    visit(call);
  }
  return edits;
}

/** Inside `with (…)`, or a function whose sloppy direct `eval` may declare any name. */
function dynamicScope(call: NodePath, evalScopes: Set<t.Node>): boolean {
  return call.findParent((p) => p.isWithStatement() || evalScopes.has(p.node)) !== null;
}
