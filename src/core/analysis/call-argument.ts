import type { types as t } from "@babel/core";
import type { ParamUse } from "../module-facts.js";
import type { Ctx } from "./ctx.js";
import type { Node } from "./tree.js";
import { consumerOf, memberName, readsOf, strip, TRANSPARENT } from "./view.js";

/*
 * The call-site half of the promise-argument rule (SA109, SA211): which parameter of which call a
 * call's value is, and what the callee's parameter facts say of it. Apart from param-uses.ts (the
 * body half, which resolves callees through calls.ts) so that calls.ts can read it without an
 * import cycle (test/core/import-cycles.test.ts).
 */

/** A use not proven, and why. */
export const unknown = (why: string): ParamUse => ({ use: "unknown", why });

/** One step into a literal written as an argument: a property by name, or an element by index. */
export interface ArgumentPart {
  key: string;
  element: boolean;
}

/** Where a call's value is passed: argument `index` of `call`, inside the literal there at `path`. */
export interface ArgumentSlot {
  call: t.CallExpression | t.OptionalCallExpression;
  index: number;
  /** Outermost first: `f({ a: [x] })` → `a`, then `0`. Empty: the argument itself. */
  path: ArgumentPart[];
}

/**
 * The call whose argument a call's value is, seen through parentheses, TS wrappers, the operands
 * of `&&`/`||`/`??`, the branches of `?:` and the last item of a sequence (where the value flows
 * as it is): `withTimeout(slowLoad(1), 50)` → that call, argument 0. Also inside an object or
 * array literal written as the argument (`f({ p: load() })`, `f([load()])`: the part's path), and
 * an element of an array literal spread as arguments (`f(...[load()])`: the argument it lands
 * on). Any other spread is no argument.
 */
export function argumentOf(ctx: Ctx, call: Node): ArgumentSlot | undefined {
  let cur = call;
  const path: ArgumentPart[] = [];
  for (let p = ctx.tree.parent(cur); p; cur = p, p = ctx.tree.parent(p)) {
    if (TRANSPARENT.has(p.type)) continue;
    if (path.length === 0 && p.type === "LogicalExpression") continue;
    if (path.length === 0 && p.type === "ConditionalExpression" && p.test !== cur) continue;
    if (
      path.length === 0 &&
      p.type === "SequenceExpression" &&
      p.expressions[p.expressions.length - 1] === cur
    )
      continue;
    if (p.type === "ObjectProperty" && p.value === cur && !p.computed) {
      const key = staticKey(p.key as Node);
      const obj = ctx.tree.parent(p);
      if (key === undefined || obj?.type !== "ObjectExpression") return undefined;
      // A later property of the same name wins (`{ p: load(), p: 1 }`), a spread may overwrite it.
      const props = obj.properties;
      if (
        props
          .slice(props.indexOf(p) + 1)
          .some((q) => q.type !== "ObjectProperty" || q.computed || staticKey(q.key as Node) === key)
      )
        return undefined;
      path.unshift({ key, element: false });
      p = obj;
      continue;
    }
    if (p.type === "ArrayExpression") {
      const i = p.elements.indexOf(cur as t.Expression);
      if (i < 0 || p.elements.slice(0, i).some((e) => e?.type === "SpreadElement")) return undefined;
      path.unshift({ key: String(i), element: true });
      continue;
    }
    if (p.type === "SpreadElement") {
      // `f(...[a, load()])`: the element is the argument it lands on.
      const up = ctx.tree.parent(p);
      const first = path[0];
      if (
        cur.type !== "ArrayExpression" ||
        !first?.element ||
        !up ||
        (up.type !== "CallExpression" && up.type !== "OptionalCallExpression")
      )
        return undefined;
      const at = up.arguments.indexOf(p as t.SpreadElement);
      if (at < 0 || up.arguments.slice(0, at).some((a) => a.type === "SpreadElement")) return undefined;
      return { call: up, index: at + Number(first.key), path: path.slice(1) };
    }
    if ((p.type === "CallExpression" || p.type === "OptionalCallExpression") && p.callee !== cur) {
      const index = p.arguments.indexOf(cur as t.Expression);
      if (index < 0) return undefined;
      return boundAtOnce(ctx, p, index, path) ?? { call: p, index, path };
    }
    return undefined;
  }
  return undefined;
}

/**
 * `f.bind(t, a)(b)`: a bound argument of a function called at once is the bound call's
 * argument, before the call's own (calls.ts reads that call as a call of `f`). Undefined for any
 * other call, or for the bound `this`.
 */
function boundAtOnce(
  ctx: Ctx,
  bind: t.CallExpression | t.OptionalCallExpression,
  index: number,
  path: ArgumentPart[],
): ArgumentSlot | undefined {
  const c = strip(bind.callee as Node);
  if ((c.type !== "MemberExpression" && c.type !== "OptionalMemberExpression") || memberName(c) !== "bind")
    return undefined;
  let cur: Node = bind;
  let up = ctx.tree.parent(cur);
  while (up && TRANSPARENT.has(up.type)) {
    cur = up;
    up = ctx.tree.parent(up);
  }
  if ((up?.type !== "CallExpression" && up?.type !== "OptionalCallExpression") || up.callee !== cur)
    return undefined;
  if (index < 1 || bind.arguments.slice(0, index).some((a) => a.type === "SpreadElement")) return undefined;
  return { call: up, index: index - 1, path };
}

/** A property's static name (`p`, `"p"`, `0`), else undefined. */
export function staticKey(key: Node): string | undefined {
  if (key.type === "Identifier") return key.name;
  if (key.type === "StringLiteral") return key.value;
  if (key.type === "NumericLiteral") return String(key.value);
  return undefined;
}

/** `argument 2`, `property \`p\` of argument 1`, `element 1 of argument 1`, as a message says it. */
export function placeOf(slot: ArgumentSlot): string {
  let out = `argument ${slot.index + 1}`;
  for (const part of slot.path)
    out = `${part.element ? `element ${Number(part.key) + 1}` : `property \`${part.key}\``} of ${out}`;
  return out;
}

/**
 * The use the callee of `outer` makes of its argument `index`, from its parameters' uses
 * (undefined: not known, `why`). `.call(thisArg, …)` shifts the arguments by one, `.apply(thisArg, [ … ])` reads its array literal's elements; a spread before the
 * argument, any other `.apply` or an index past the parameters is not followed. Inside a literal
 * (`path`), the part of a destructured parameter that names it (param-uses.ts `parts`).
 */
export function argumentUse(
  outer: t.CallExpression | t.OptionalCallExpression,
  index: number,
  callee: string,
  params: readonly ParamUse[] | undefined,
  why: string,
  path: readonly ArgumentPart[] = [],
): ParamUse {
  if (outer.arguments.slice(0, index).some((a) => a.type === "SpreadElement"))
    return unknown(`an argument spread before it leaves its parameter unknown`);
  const c = strip(outer.callee as Node);
  const via =
    c.type === "MemberExpression" || c.type === "OptionalMemberExpression" ? memberName(c) : undefined;
  const last = callee.split(".").pop();
  let i = index;
  let parts = path;
  if (via === "call" && last !== "call") i = index - 1;
  else if (via === "apply" && last !== "apply") {
    // `f.apply(thisArg, [a, b])`: the array's elements are the arguments.
    const first = path[0];
    if (index !== 1 || !first?.element) return unknown("it is passed through `.apply`");
    i = Number(first.key);
    parts = path.slice(1);
  }
  if (i < 0) return unknown(`it is the \`this\` of \`.${via}\``);
  if (!params) return unknown(why);
  let use = params[i];
  if (!use)
    return unknown(`\`${callee}\` has no parameter ${i + 1} the build can read (a rest parameter, or none)`);
  for (const part of parts) {
    if (use.use !== "unknown" || !use.parts)
      return unknown(
        `it is inside ${part.element ? "an array" : "an object"} literal given to parameter ${i + 1}, which is not destructured: what \`${callee}\` does with ${part.element ? `element ${Number(part.key) + 1}` : `\`${part.key}\``} is not followed`,
      );
    use = Object.hasOwn(use.parts, part.key) ? use.parts[part.key]! : (use.others ?? unknown("not followed"));
  }
  return use;
}

/**
 * `f(id(load()))`: where the call given the value is a plain function of the file that returns
 * that parameter as it is (`const id = (x) => x`, `function pass(v) { return v; }`), the value
 * goes on to where that call's own value goes: that slot, with the paths joined. Undefined for
 * any other callee (an async or generator function, a parameter read or kept otherwise).
 */
export function passedThrough(ctx: Ctx, slot: ArgumentSlot): ArgumentSlot | undefined {
  const c = strip(slot.call.callee as Node);
  if (
    c.type !== "Identifier" ||
    slot.call.arguments.slice(0, slot.index + 1).some((a) => a.type === "SpreadElement")
  )
    return undefined;
  const b = ctx.scopes.binding(c, c.name);
  if (!b || b.violations.length) return undefined;
  let fn: Node | undefined;
  if (b.kind === "hoisted" && b.node.type === "FunctionDeclaration") fn = b.node;
  else if (b.kind === "const" && b.node.type === "VariableDeclarator" && b.node.init)
    fn = strip(b.node.init as Node);
  if (
    !fn ||
    (fn.type !== "FunctionDeclaration" &&
      fn.type !== "FunctionExpression" &&
      fn.type !== "ArrowFunctionExpression")
  )
    return undefined;
  if (fn.async || fn.generator) return undefined;
  const param = fn.params[slot.index] as Node | undefined;
  if (param?.type !== "Identifier") return undefined;
  const pb = ctx.scopes.binding(fn.body as Node, param.name);
  if (!pb || pb.node !== param || pb.violations.length) return undefined;
  const reads = readsOf(ctx.tree, ctx.scopes, pb);
  if (!reads || reads.uses.length === 0) return undefined;
  const returned = reads.uses.every((r) => {
    const { outer, parent } = consumerOf(ctx.tree, r);
    if (ctx.tree.functionParent(r) !== fn) return false;
    return (
      parent?.type === "ReturnStatement" ||
      (parent === fn && (fn as t.ArrowFunctionExpression).body === outer)
    );
  });
  if (!returned) return undefined;
  const next = argumentOf(ctx, slot.call);
  return next && { ...next, path: [...next.path, ...slot.path] };
}
