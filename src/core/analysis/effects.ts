import type { types as t } from "@babel/core";
import type { AwaitFact } from "../inline.js";
import { PURE_GLOBALS } from "./arg-escape.js";
import { type CallNode, type Index, ownCheckOf, resolveCallee } from "./calls.js";
import type { Ctx } from "./ctx.js";
import type { SaFunction } from "./model.js";
import { effectfulCall, effectOf, importedEffect } from "./outside.js";
import { isImportedCall } from "./prove.js";
import { isFunction, type Node } from "./tree.js";
import { importedCallee } from "./twin-callee.js";
import { strip, valueLeaves } from "./view.js";
import { functionOf } from "./writes.js";

/**
 * Effects a function or callback has outside itself, as far as the order of concurrent calls
 * goes: the rule of `Promise.all(xs.map(async …))` (a callback that changes outer state keeps the
 * worker variant) and of `Promise.all([a(), b()])` (calls that may interleave; `interleaving`).
 */

/**
 * Whether a call of `fn` runs it to its end before it returns: no `await` (or `for await`) in its
 * own body, and every value it returns is one that runs to its end too — a call of a smartasync
 * function of the module that does, a plain value, or a call the sync variant guards (if that
 * gives a promise after all, the sync variant throws, located: loud, not reordered). A returned
 * call of an import (`return readFile(p)`), a `new` expression (`new Promise(…)`) or anything
 * the module does not show may finish later.
 */
const runsToEndMemo = new WeakMap<Ctx, Map<t.Function, boolean | "pending">>();

export function runsToEnd(ctx: Ctx, fn: t.Function, index: Index): boolean {
  let memo = runsToEndMemo.get(ctx);
  if (!memo) {
    memo = new Map();
    runsToEndMemo.set(ctx, memo);
  }
  const hit = memo.get(fn);
  // Recursion (`a` returns `b()`, which returns `a()`): not proven to end.
  if (hit !== undefined) return hit === true;
  memo.set(fn, "pending");
  const out = computeRunsToEnd(ctx, fn, index);
  memo.set(fn, out);
  return out;
}

function computeRunsToEnd(ctx: Ctx, fn: t.Function, index: Index): boolean {
  let pauses = false;
  const returned: Node[] = [];
  const body = fn.body as Node;
  if (body.type !== "BlockStatement") returned.push(body);
  ctx.tree.walk(body, (n) => {
    if (pauses) return false;
    if (isFunction(n)) return false;
    if (n.type === "AwaitExpression" || (n.type === "ForOfStatement" && n.await)) pauses = true;
    else if (n.type === "ReturnStatement" && n.argument) returned.push(n.argument as Node);
    return undefined;
  });
  if (pauses) return false;
  const leaves: Node[] = [];
  for (const r of returned) valueLeaves(r, leaves);
  return leaves.every((leaf) => {
    if (leaf.type === "NewExpression" || leaf.type === "ImportExpression") return false;
    if (leaf.type !== "CallExpression" && leaf.type !== "OptionalCallExpression") return true;
    const r = resolveCallee(ctx, index, leaf as CallNode);
    if (r) {
      if (r.explicit) return true;
      if (!r.fn || r.shape.kind === "dispatch" || ownCheckOf(r.shape)) return false;
      return r.fn.kind === "sync" || runsToEnd(ctx, r.fn.fn, index);
    }
    if (isImportedCall(ctx, leaf as CallNode)) return false;
    const callee = strip((leaf as CallNode).callee as Node);
    // `return Promise.all(…)`, `return fetch(…)`: a global's promise.
    if (callee.type === "Identifier" && !ctx.scopes.binding(callee, callee.name))
      return PURE_GLOBALS.has(callee.name);
    if (callee.type === "MemberExpression") {
      const o = strip(callee.object as Node);
      if (o.type === "Identifier" && o.name === "Promise" && !ctx.scopes.binding(o, "Promise")) return false;
    }
    const local = functionOf(ctx, callee);
    return local ? !local.async && runsToEnd(ctx, local, index) : true;
  });
}

/** What one element of `Promise.all([...])` does, for the order of its effects against the others'. */
interface Conduct {
  /** It may stop at an `await` and go on later, after the elements that follow it have started. */
  pauses: boolean;
  /** Its first effect the others or the caller could see; undefined where it only reads. */
  effect: Node | undefined;
}

function conductOf(ctx: Ctx, index: Index, owner: SaFunction, node: Node, fact: AwaitFact): Conduct {
  const isCall =
    node.type === "CallExpression" || node.type === "OptionalCallExpression" || node.type === "NewExpression";
  const unknown: Conduct = { pauses: true, effect: node };
  switch (fact.kind) {
    case "not-promise":
    case "guarded": {
      // A value, or a call that gives one (else the guard throws): done when the array is built.
      // A call of a plain function of the module has the effects its body shows.
      if (!isCall) return { pauses: false, effect: undefined };
      const local =
        node.type === "NewExpression" ? undefined : functionOf(ctx, (node as CallNode).callee as Node);
      return { pauses: false, effect: local && !local.async && !effectOf(ctx, local) ? undefined : node };
    }
    case "smartasync": {
      const r = owner.leafCallees.get(node);
      // A dispatched call or `this.m()` may reach an override the build cannot see.
      if (!r?.fn || r.shape.kind === "dispatch" || ownCheckOf(r.shape)) return unknown;
      const effect = effectOf(ctx, r.fn.fn) ? node : undefined;
      if (r.fn.kind === "sync") return { pauses: false, effect };
      return { pauses: !runsToEnd(ctx, r.fn.fn, index), effect };
    }
    case "twin": {
      // The promise API does its work after the call returns; a read (`readFile`, `stat`), a
      // path helper or a timer changes nothing another element could see.
      const callee = (node as CallNode).callee as Node;
      const imported = fact.byName === undefined ? importedCallee(ctx, callee, true) : undefined;
      return { pauses: true, effect: imported && !importedEffect(imported) ? undefined : node };
    }
    default:
      return unknown;
  }
}

/**
 * Whether a leaf the inline copy maps may stop at an `await` in the async function and go on
 * later (its call not run to its end when it returns): a parameter's default the copy takes the
 * value of at once runs all of it before the body (param-defaults.ts, attack25 F05).
 */
export function mayPause(ctx: Ctx, index: Index, owner: SaFunction, node: Node, fact: AwaitFact): boolean {
  return conductOf(ctx, index, owner, node, fact).pauses;
}

/**
 * Where `await Promise.all([e0, e1, …])` (or `allSettled`) run one element after another, as the
 * inline sync variant runs it, may change the order of effects (attack 13, F1): the plain program
 * runs each element until its first `await`, then the next one, and the rest of each interleaves
 * with the others. The sequential form is the same program when the elements before the first
 * that may pause run to their end within their call, and that element and every one after it
 * has no effect another could see (it changes no state it did not create, writes no file,
 * prints nothing, calls nothing the build cannot see into): then whatever order the rests run
 * in, each reads what it would have read, and the caller finds the same state — also when one
 * element fails early and `Promise.all` rejects before the others end. The last element may
 * have effects after its pause where nothing else can run meanwhile: under `allSettled`, or when
 * it is the only element (docs/semantics.md, "The sync variant", `Promise.all([...])`). Returns the element that may pause and the effect
 * that may come in another order, or undefined when the sequential form is exact.
 */
export function interleaving(
  ctx: Ctx,
  index: Index,
  owner: SaFunction,
  combinator: "all" | "allSettled",
  elements: { node: Node; leaves: Map<Node, AwaitFact> }[],
): { paused: Node; effect: Node } | undefined {
  let paused: number | undefined;
  for (let i = 0; i < elements.length; i++) {
    const el = elements[i]!;
    const conducts = [...el.leaves].map(([n, f]) => conductOf(ctx, index, owner, n, f));
    if (paused === undefined && conducts.some((c) => c.pauses)) paused = i;
    if (paused === undefined) continue;
    const effect =
      conducts.find((c) => c.effect)?.effect ?? ownEffect(ctx, owner, el.node, el.leaves, paused === i);
    if (!effect) continue;
    // The last element pausing is alone after its pause: under allSettled, and for a single
    // element, the caller resumes once it has ended, as after the sequential form. Under
    // Promise.all, an element before it that throws rejects the whole at once, and the caller's
    // `catch` may run before the rest of the last one (the sequential form runs it first).
    if (paused === i && i === elements.length - 1 && (combinator === "allSettled" || i === 0)) continue;
    return { paused: elements[paused]!.node, effect };
  }
  return undefined;
}

/**
 * What an element's expression does itself, outside its leaf calls' bodies (review-core finding
 * 2): an update or assignment (`counter++`, `o.x = 1`), a `delete`, or a call or `new` that is
 * not a leaf (`id(bump())`'s `bump()`, `(log(), v)`'s `log()`) with an effect of its own. In the
 * element that pauses, a leaf call's callee and arguments run before it starts, in both orders,
 * so only what comes after it counts. Nested functions are only created here, not run.
 */
function ownEffect(
  ctx: Ctx,
  owner: SaFunction,
  node: Node,
  leaves: Map<Node, AwaitFact>,
  pausing: boolean,
): Node | undefined {
  let found: Node | undefined;
  ctx.tree.walk(node, (n) => {
    if (found) return false;
    if (n !== node && isFunction(n)) return false;
    if (pausing && leaves.has(n)) return false;
    if (
      n.type === "AssignmentExpression" ||
      n.type === "UpdateExpression" ||
      (n.type === "UnaryExpression" && n.operator === "delete")
    )
      found = n;
    else if (
      (n.type === "CallExpression" || n.type === "OptionalCallExpression" || n.type === "NewExpression") &&
      !leaves.has(n)
    ) {
      const local = functionOf(ctx, n.callee as Node);
      // The functions of the module it hands on (`[x].forEach(show)`) run inside it too.
      const handed: t.Function[] = [];
      const acts = local
        ? local.async || effectOf(ctx, local) !== null
        : effectfulCall(ctx, n as CallNode, owner.fn, owner.fn, true, (f) => f && handed.push(f)) ||
          handed.some((f) => f.async || effectOf(ctx, f) !== null);
      if (acts) found = n;
    }
    return found ? false : undefined;
  });
  return found;
}
