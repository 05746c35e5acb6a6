import type { types as t } from "@babel/core";
import type { CallEdit, Index } from "./calls.js";
import { type Ctx, keyName } from "./ctx.js";
import type { Node } from "./tree.js";
import { memberName } from "./view.js";

/**
 * The autobind idiom (attack 13, F33): a class binds a method to its instance, in its
 * constructor (`this.load = this.load.bind(this)`) or in a field (`load = this.load.bind(this)`),
 * where `load` is a method smartasync knows (annotated in this module or imported). The instance
 * then holds a bound function without the method's marker, and every sync-code call of
 * `this.load()` or `obj.load()` — which checks at run time that the member is the declared
 * method, or dispatches on its marker — failed with SMARTASYNC_GUARD.
 *
 * The `.bind(this)` call becomes `_sa.bound(_t = this.load, _t.bind(this), this)`: the source's
 * own reads and call, in the same order, and the bound function gets a marker whose variants are
 * the method's variants bound to the same instance (runtime `bound`). Exact, not guessed: only a
 * function `Function.prototype.bind` made from a marked function gets one, so a subclass's
 * override (what `this.load` is in a subclass's instance) keeps its own marker, or none — an
 * unannotated async override still fails loudly in sync code, as it must. The cost is one helper
 * call per instance; calls through the bound function take the dispatch path (docs/semantics.md,
 * "Methods").
 */
export function planAutobinds(ctx: Ctx, index: Index, edits: Map<Node, CallEdit>): void {
  if (index.methodKinds.size === 0 || !ctx.code.includes("bind")) return;
  for (const call of ctx.tree.calls) {
    if (call.type !== "CallExpression" || edits.has(call)) continue;
    const name = boundMethod(call);
    if (name === undefined || !index.methodKinds.has(name)) continue;
    if (!autobindPlace(ctx, call, name)) continue;
    edits.set(call, { shape: { kind: "autobind" }, to: "bound" });
  }
}

/** `this.m.bind(this)` (also `this["m"]`): the method's name. */
function boundMethod(call: t.CallExpression): string | undefined {
  const callee = call.callee as Node;
  if (callee.type !== "MemberExpression" || memberName(callee) !== "bind") return undefined;
  if (call.arguments.length !== 1 || call.arguments[0]!.type !== "ThisExpression") return undefined;
  const target = callee.object as Node;
  if (target.type !== "MemberExpression" || target.object.type !== "ThisExpression") return undefined;
  return memberName(target);
}

/**
 * Where the idiom stores the bound method under its own name on the instance: the right side of
 * `this.m = …` in the class's constructor, or the value of the instance field `m = …`.
 */
function autobindPlace(ctx: Ctx, call: Node, name: string): boolean {
  const p = ctx.tree.parent(call);
  if (p?.type === "ClassProperty" && p.value === call)
    return !p.static && keyName(p as { key: Node; computed?: boolean }) === name;
  if (p?.type !== "AssignmentExpression" || p.operator !== "=" || p.right !== call) return false;
  const left = p.left as Node;
  if (left.type !== "MemberExpression" || left.object.type !== "ThisExpression" || memberName(left) !== name)
    return false;
  const fn = ctx.tree.functionParent(call);
  return fn?.type === "ClassMethod" && fn.kind === "constructor";
}
