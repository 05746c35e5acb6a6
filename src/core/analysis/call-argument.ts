import type { types as t } from "@babel/core";
import type { ParamUse } from "../module-facts.js";
import type { Ctx } from "./ctx.js";
import type { Node } from "./tree.js";
import { memberName, strip, TRANSPARENT } from "./view.js";

/*
 * The call-site half of the promise-argument rule (SA109, SA211): which parameter of which call a
 * call's value is, and what the callee's parameter facts say of it. Apart from param-uses.ts (the
 * body half, which resolves callees through calls.ts) so that calls.ts can read it without an
 * import cycle (test/core/import-cycles.test.ts).
 */

/** A use not proven, and why. */
export const unknown = (why: string): ParamUse => ({ use: "unknown", why });

/**
 * The call whose argument a call's value is, seen through parentheses, TS wrappers, the operands
 * of `&&`/`||`/`??`, the branches of `?:` and the last item of a sequence (where the value flows
 * as it is): `withTimeout(slowLoad(1), 50)` → that call, argument 0. A spread is no argument.
 */
export function argumentOf(
  ctx: Ctx,
  call: Node,
): { call: t.CallExpression | t.OptionalCallExpression; index: number } | undefined {
  let cur = call;
  for (let p = ctx.tree.parent(cur); p; cur = p, p = ctx.tree.parent(p)) {
    if (TRANSPARENT.has(p.type) || p.type === "LogicalExpression") continue;
    if (p.type === "ConditionalExpression" && p.test !== cur) continue;
    if (p.type === "SequenceExpression" && p.expressions[p.expressions.length - 1] === cur) continue;
    if ((p.type === "CallExpression" || p.type === "OptionalCallExpression") && p.callee !== cur) {
      const index = p.arguments.indexOf(cur as t.Expression);
      return index >= 0 ? { call: p, index } : undefined;
    }
    return undefined;
  }
  return undefined;
}

/**
 * The use the callee of `outer` makes of its argument `index`, from its parameters' uses
 * (undefined: not known, `why`). `.call(thisArg, …)` shifts the arguments by one; a spread before
 * the argument, `.apply` or an index past the parameters is not followed.
 */
export function argumentUse(
  outer: t.CallExpression | t.OptionalCallExpression,
  index: number,
  callee: string,
  params: readonly ParamUse[] | undefined,
  why: string,
): ParamUse {
  if (outer.arguments.slice(0, index).some((a) => a.type === "SpreadElement"))
    return unknown(`an argument spread before it leaves its parameter unknown`);
  const c = strip(outer.callee as Node);
  const via =
    c.type === "MemberExpression" || c.type === "OptionalMemberExpression" ? memberName(c) : undefined;
  const last = callee.split(".").pop();
  let i = index;
  if (via === "call" && last !== "call") i = index - 1;
  else if (via === "apply" && last !== "apply") return unknown("it is passed through `.apply`");
  if (i < 0) return unknown("it is the `this` of `.call`");
  if (!params) return unknown(why);
  return (
    params[i] ??
    unknown(`\`${callee}\` has no parameter ${i + 1} the build can read (a rest parameter, or none)`)
  );
}
