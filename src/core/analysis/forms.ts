import type { types as t } from "@babel/core";
import type { AwaitFact } from "../inline.js";
import { type Ctx, locOf } from "./ctx.js";
import type { SaFunction } from "./model.js";
import { isFunction, type Node } from "./tree.js";
import { iifeReturns, strip, valueLeaves } from "./view.js";

/**
 * Where `await` can appear in an async body, and what an inline sync copy does with each form
 * (docs/semantics.md, "Statement forms"). Every `AwaitExpression` of the function's own body
 * (any expression or statement position: conditions, loop heads, `switch`, `throw`, templates,
 * destructuring defaults, spread, `extends`, computed keys of object properties and class
 * fields, labelled blocks) has its operand described by the leaf rules and loses its `await` in
 * the copy. The forms below are not expressions the copy can rewrite; each gives the variant a
 * reason (so it runs in a worker, or the build says why it cannot):
 *
 * - `await using x = …`: the copy would have to call `[Symbol.asyncDispose]()` and wait for it,
 *   and an object may offer only the async disposer, so `using` is not provably the same
 *   (fixture inline/await-using-worker).
 * - `await` in the computed key of a method (`async [await k()]() {}`): the method is a
 *   function of its own, so its key is not part of the body the copy rewrites.
 *
 * `for await` gets its reason with the leaves (leaves.ts). `await` in a parameter default of an
 * async function, in a class field initializer and in a `static {}` block is a syntax error.
 */
export const FORM_WHY = {
  awaitUsing: "uses `await using`, whose async disposer cannot be waited for in a sync variant",
  methodKey: "awaits in the computed key of a method",
} as const;

const METHODS = new Set(["ClassMethod", "ClassPrivateMethod", "ObjectMethod"]);

/** Adds the reasons of the statement forms an inline copy cannot keep (see above). */
export function statementForms(ctx: Ctx, fn: SaFunction): void {
  const add = (why: string, at: Node, text: string) =>
    fn.located.push({ fact: { kind: "unmappable", why }, loc: locOf(ctx, at), text });
  const visit = (n: Node): boolean | undefined => {
    if (n.type === "VariableDeclaration" && (n.kind as string) === "await using") {
      add(FORM_WHY.awaitUsing, n, "await using");
    }
    if (!isFunction(n)) return undefined;
    // A method's computed key belongs to the enclosing body; the method's own body does not.
    const key = METHODS.has(n.type) && (n as t.ClassMethod).computed ? (n as t.ClassMethod).key : undefined;
    if (key) {
      ctx.tree.walk(key as Node, (k) => {
        if (isFunction(k)) return false;
        if (k.type === "AwaitExpression") add(FORM_WHY.methodKey, k, "await");
        return undefined;
      });
    }
    return false;
  };
  ctx.tree.walk(fn.fn.body as Node, visit);
}

/**
 * The returned leaves of `fn` (its calls that the sync copy maps) that an async function returns
 * as a promise from inside a `try` with a `catch` or a `finally`: there the async function's
 * `catch` never sees the call's failure, and its `finally` runs before the call settles. The
 * inline copy makes these calls after the `try` is left, so both variants behave the same
 * (docs/semantics.md, "A returned call inside try"; fixture inline/return-in-try).
 * `return await f()` is not one: there the `catch` sees the failure in both variants.
 */
export function deferredReturns(ctx: Ctx, fn: SaFunction): Set<Node> {
  const out = new Set<Node>();
  const body = fn.fn.body as Node;
  if (body.type !== "BlockStatement") return out;
  ctx.tree.walk(body, (n) => {
    if (isFunction(n)) return false;
    if (n.type === "ReturnStatement" && n.argument && inTry(ctx, n, fn.fn))
      for (const leaf of valueLeaves(n.argument, [], fn.iifeTried))
        if (promisedLeaf(fn, leaf, fn.leaves.get(leaf))) out.add(leaf);
    return undefined;
  });
  return out;
}

/**
 * Whether a leaf with this fact is a promise in the async function that the copy maps to a call
 * it can make later (`later(fSync, …)`): a call of an async smartasync function, a dispatched
 * method call, a sync twin, `Promise.all`/`allSettled` of an array.
 */
export function promisedLeaf(fn: SaFunction, leaf: Node, fact: AwaitFact | undefined): boolean {
  if (!fact) return false;
  if (fact.kind === "twin" || fact.kind === "combinator") return true;
  if (fact.kind !== "smartasync") return false;
  const r = fn.leafCallees.get(leaf);
  return r?.fn?.kind === "async" || r?.ext?.fact.kind === "async" || r?.shape.kind === "dispatch";
}

/**
 * The calls an IIFE returns as a promise from inside its own `try` with a `catch` or `finally`
 * (an IIFE `fn.iifeTried` has: leaves.ts), where the async function's promise settles after
 * that `try` is left: the inline copy makes them later (`return _sa.later(fSync, a)`, as
 * deferredReturns' ones) and settles the value of the outermost IIFE whose call is not itself
 * returned from inside such a `try` (`_sa.settled((() => { … })())`), at once: nothing runs
 * between that IIFE's end and the `await` or `return` that takes its value. Those under a
 * `return` of the function's own `try` are deferredReturns' (the body settles them). A `return`
 * of a `Promise.all` callback inside a `try` of that callback has no place to settle them: the
 * returned value gets a reason (fixture inline/iife-return-in-try).
 */
export function iifeDeferrals(
  ctx: Ctx,
  fn: SaFunction,
): { later: Set<Node>; settle: Set<Node>; stuck: Node[] } {
  const later = new Set<Node>();
  const settle = new Set<Node>();
  const stuck: Node[] = [];
  if (!fn.iifeTried?.size) return { later, settle, stuck };
  const tried = fn.iifeTried;
  // Whether the value `n` holds a call made later; `under`: it is returned from inside a `try`.
  const visit = (n: Node, under: boolean): boolean => {
    const v = strip(n);
    const given = iifeReturns(v);
    if (given && (given.tried.length === 0 || tried.has(v))) {
      let any = false;
      for (const s of given.slots) {
        const value = s.holder[s.key] as Node;
        if (visit(value, under || given.tried.includes(value))) any = true;
      }
      // Settled here, its value holds no call made later for an IIFE around it to settle.
      if (any && !under) {
        settle.add(v);
        return false;
      }
      return any;
    }
    if (v.type === "ConditionalExpression")
      return [visit(v.consequent, under), visit(v.alternate, under)].some(Boolean);
    if (v.type === "LogicalExpression") return [visit(v.left, under), visit(v.right, under)].some(Boolean);
    if (v.type === "SequenceExpression") return visit(v.expressions[v.expressions.length - 1] as Node, under);
    // `Promise.all([…])`'s elements are taken as awaited ones: an IIFE there is settled in place
    // (inside the call made later, when the combinator itself is).
    const fact = fn.leaves.get(v);
    if (fact?.kind === "combinator")
      for (const el of ((v as t.CallExpression).arguments[0] as t.ArrayExpression).elements)
        if (el) visit(el as Node, false);
    if (!under || !promisedLeaf(fn, v, fact)) return false;
    later.add(v);
    return true;
  };
  const body = fn.fn.body as Node;
  if (body.type !== "BlockStatement") visit(body, false);
  ctx.tree.walk(body, (n) => {
    if (isFunction(n)) {
      if (fn.limitCallbacks?.has(n)) return undefined;
      if (!fn.mapCallbacks?.has(n)) return false;
      const cbBody = (n as t.ArrowFunctionExpression).body as Node;
      if (cbBody.type !== "BlockStatement") visit(cbBody, false);
      return undefined;
    }
    if (n.type === "AwaitExpression") visit(n.argument as Node, false);
    else if (n.type === "ReturnStatement" && n.argument) {
      const own = functionAround(ctx, n) === fn.fn;
      // The function's own: under its `try`, deferredReturns has them (the body settles them).
      if (own) {
        const mine = new Set(later);
        if (visit(n.argument as Node, inTry(ctx, n, fn.fn)) && inTry(ctx, n, fn.fn))
          for (const leaf of later) if (!mine.has(leaf)) later.delete(leaf);
      } else if (inTry(ctx, n, functionAround(ctx, n)!)) {
        const before = new Set(later);
        if (visit(n.argument as Node, true)) stuck.push(n.argument as Node);
        for (const leaf of later) if (!before.has(leaf)) later.delete(leaf);
      } else visit(n.argument as Node, false);
    }
    return undefined;
  });
  return { later, settle, stuck };
}

/** The function whose own body holds `n`. */
function functionAround(ctx: Ctx, n: Node): Node | undefined {
  for (let p = ctx.tree.parent(n); p !== undefined; p = ctx.tree.parent(p)) if (isFunction(p)) return p;
  return undefined;
}

/** Whether a `catch` or `finally` of `fn`'s own body protects `n`. */
function inTry(ctx: Ctx, n: Node, fn: Node): boolean {
  for (let cur = n, p = ctx.tree.parent(n); p !== undefined && cur !== fn; cur = p, p = ctx.tree.parent(p)) {
    if (p.type !== "TryStatement") continue;
    if (cur === p.block && (p.handler || p.finalizer)) return true;
    if (cur === p.handler && p.finalizer) return true;
  }
  return false;
}
