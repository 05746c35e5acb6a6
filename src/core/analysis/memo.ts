import type { types as t } from "@babel/core";
import type { Ctx } from "./ctx.js";

const PENDING = Symbol("pending");

/**
 * A per-file, per-function result computed once (writes.ts `paramWrites`, arg-escape.ts
 * `argumentEscapes`): functions of the module call each other, so a question asked again while
 * its own answer is being computed (recursion) gets `empty()` — the cycle adds nothing new.
 */
export function memoByFunction<R>(
  compute: (ctx: Ctx, fn: t.Function) => R,
  empty: () => R,
): (ctx: Ctx, fn: t.Function) => R {
  const memo = new WeakMap<Ctx, Map<t.Function, R | typeof PENDING>>();
  return (ctx, fn) => {
    let cache = memo.get(ctx);
    if (!cache) {
      cache = new Map();
      memo.set(ctx, cache);
    }
    const hit = cache.get(fn);
    if (hit === PENDING) return empty();
    if (hit !== undefined) return hit;
    cache.set(fn, PENDING);
    const out = compute(ctx, fn);
    cache.set(fn, out);
    return out;
  };
}
