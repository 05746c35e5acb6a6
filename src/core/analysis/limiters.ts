import type { types as t } from "@babel/core";
import type { ImportedCallee } from "../twins.js";
import type { CallNode } from "./calls.js";
import type { Ctx } from "./ctx.js";
import type { Node } from "./tree.js";
import { importedCallee } from "./twin-callee.js";
import { readsOf, soleMapCallback, strip } from "./view.js";

/**
 * Concurrency helpers besides p-map whose sequential form the sync variant can run (issue 15,
 * docs/semantics.md, "The sync variant"): p-limit's limiter inside `Promise.all(xs.map(…))`, and
 * `mapLimit` / `eachLimit` of the async package. The rules of what they are and when they apply
 * live here; leaves.ts builds the facts and the emitters translate them.
 */

/** A module's default export, imported or required (`import pLimit from`, `require(…)`, `….default`). */
function isDefaultOf(imported: ImportedCallee | undefined, module: string): boolean {
  if (imported?.module !== module) return false;
  const { path } = imported;
  return path.length === 0 || (path.length === 1 && path[0] === "default");
}

/**
 * `limit` in `limit(fn)` is p-limit's limiter: a `const` initialised by a call of p-limit's
 * default export (`const limit = pLimit(4)`), never written again, and read only as a callee of
 * a call with one argument. Any other use (`limit.clearQueue()`, handing it on) could drop or
 * delay queued functions in a way a sequential copy cannot follow.
 */
export function isLimiter(ctx: Ctx, callee: Node): boolean {
  const id = strip(callee);
  if (id.type !== "Identifier") return false;
  const b = ctx.scopes.binding(id, id.name);
  if (b?.kind !== "const" || b.node.type !== "VariableDeclarator" || b.node.id.type !== "Identifier")
    return false;
  const init = b.node.init ? strip(b.node.init as Node) : undefined;
  if (init?.type !== "CallExpression") return false;
  if (!isDefaultOf(importedCallee(ctx, init.callee as Node, true), "p-limit")) return false;
  const reads = readsOf(ctx.tree, ctx.scopes, b);
  if (!reads) return false;
  return reads.uses.every((u) => {
    const p = ctx.tree.parent(u);
    return (
      p?.type === "CallExpression" &&
      p.callee === u &&
      p.arguments.length === 1 &&
      p.arguments[0]!.type !== "SpreadElement"
    );
  });
}

/**
 * `Promise.all(xs.map((x) => limit(fn)))` with p-limit's `limit`: the map's callback (not async,
 * plain parameters, a concise body that is the limiter's call) and the function handed to the
 * limiter, written in place with no parameters. Undefined when the shape is another.
 */
export function limitedMap(
  ctx: Ctx,
  args: readonly Node[],
): { outer: Node; call: CallNode; inner: t.ArrowFunctionExpression | t.FunctionExpression } | undefined {
  const outer = soleMapCallback(args);
  if (outer === undefined) return undefined;
  if (outer.type !== "ArrowFunctionExpression" || outer.async || outer.body.type === "BlockStatement")
    return undefined;
  if (outer.params.some((p) => p.type !== "Identifier")) return undefined;
  const call = outer.body as Node;
  if (call.type !== "CallExpression" || call.arguments.length !== 1) return undefined;
  const inner = call.arguments[0] as Node;
  if (inner.type !== "ArrowFunctionExpression" && inner.type !== "FunctionExpression") return undefined;
  if (inner.generator || inner.params.length > 0) return undefined;
  if (!isLimiter(ctx, call.callee as Node)) return undefined;
  return { outer, call: call as CallNode, inner };
}

/**
 * `mapLimit(xs, limit, async (x) => …)` / `eachLimit(…)` of the async package (or async-es),
 * called without its final callback (so it returns a promise): which of the two, or undefined.
 * Reached as a named import, a member of the package's default export or its `require`, or the
 * package's own file (`async/mapLimit`).
 */
export function asyncLimitKind(ctx: Ctx, call: CallNode): "map" | "each" | undefined {
  if (call.type !== "CallExpression" || call.arguments.length !== 3) return undefined;
  if ((call.arguments as Node[]).some((a) => a.type === "SpreadElement")) return undefined;
  const imported = importedCallee(ctx, call.callee as Node, true);
  if (!imported) return undefined;
  const { module, path } = imported;
  const kindOf = (name: string | undefined) =>
    name === "mapLimit" ? "map" : name === "eachLimit" || name === "forEachLimit" ? "each" : undefined;
  if (module === "async" || module === "async-es") {
    const tail =
      path.length === 2 && path[0] === "default" ? path[1] : path.length === 1 ? path[0] : undefined;
    return kindOf(tail);
  }
  const own = /^async(?:-es)?\/(\w+)(?:\.js)?$/.exec(module);
  if (own && (path.length === 0 || (path.length === 1 && path[0] === "default"))) return kindOf(own[1]);
  return undefined;
}
