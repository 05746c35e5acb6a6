import type { types as t } from "@babel/core";
import { type Ctx, locOf } from "./ctx.js";
import type { SaFunction } from "./model.js";
import { isFunction, type Node } from "./tree.js";
import { valueLeaves } from "./view.js";

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
  const promised = (leaf: Node): boolean => {
    const fact = fn.leaves.get(leaf);
    if (!fact) return false;
    if (fact.kind === "twin" || fact.kind === "combinator") return true;
    if (fact.kind !== "smartasync") return false;
    const r = fn.leafCallees.get(leaf);
    return r?.fn?.kind === "async" || r?.ext?.fact.kind === "async" || r?.shape.kind === "dispatch";
  };
  ctx.tree.walk(body, (n) => {
    if (isFunction(n)) return false;
    if (n.type === "ReturnStatement" && n.argument && inTry(ctx, n, fn.fn))
      for (const leaf of valueLeaves(n.argument)) if (promised(leaf)) out.add(leaf);
    return undefined;
  });
  return out;
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
