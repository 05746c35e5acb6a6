import type { CallContext } from "./context.js";
import type { Code } from "./diagnostics.js";

export type FunctionKind = "async" | "sync";

/** The variant a function of this kind gains: an async function's is sync, a sync one's async. */
export function variantKind(kind: FunctionKind): FunctionKind {
  return kind === "async" ? "sync" : "async";
}
export type SyncStrategy = "inline" | "worker";

/** The async variant's strategy for a sync function: the pool, or at once on the calling thread (SA304). */
export type AsyncStrategy = "offload" | "same-thread";

/**
 * DESIGN §3.3: what a call site becomes. `same-thread` is an awaited call of a sync function
 * whose async variant runs it on the calling thread (SA304): `gAsync()`, not a pool thread.
 */
export type Strategy =
  | "direct"
  | "sync-inline"
  | "sync-worker"
  | "offload"
  | "same-thread"
  | "dispatch"
  | "explicit";

/** Which variant the rewritten call targets. */
export type Target = "self" | "sync" | "async" | "dispatch-sync" | "dispatch-async";

export interface Decision {
  strategy: Strategy;
  target: Target;
  diagnostic?: Code;
}

/**
 * The table of DESIGN §3.3 for a statically known callee. `syncStrategy` is the callee's sync
 * variant strategy (only for async callees), `asyncStrategy` its async variant's (only for sync
 * callees; where it is `same-thread` the awaited call says so instead of `offload`).
 */
export function decide(
  kind: FunctionKind,
  ctx: CallContext,
  syncStrategy: SyncStrategy | undefined,
  asyncStrategy?: AsyncStrategy,
): Decision {
  const toSync = (): Decision => ({
    strategy: syncStrategy === "worker" ? "sync-worker" : "sync-inline",
    target: "sync",
  });
  if (kind === "async") {
    switch (ctx.context) {
      case "awaited":
        return { strategy: "direct", target: "self" };
      case "value":
        return ctx.in === "sync" ? toSync() : { strategy: "direct", target: "self" };
      case "discarded":
        return ctx.in === "sync" ? toSync() : { strategy: "direct", target: "self", diagnostic: "SA201" };
      case "started":
      case "handed-on":
        return { strategy: "direct", target: "self" };
      case "unknown":
        return { strategy: "direct", target: "self", diagnostic: "SA202" };
    }
  }
  // `.then`/`.catch` on a sync function's value is the value's own method (a Result type), not
  // a promise's: the call stays as written (attack 17, F4).
  if (ctx.method) return { strategy: "direct", target: "self" };
  switch (ctx.context) {
    case "awaited":
      return { strategy: asyncStrategy === "same-thread" ? "same-thread" : "offload", target: "async" };
    case "discarded":
      return { strategy: "direct", target: "self", diagnostic: ctx.in === "async" ? "SA203" : undefined };
    default:
      return { strategy: "direct", target: "self" };
  }
}

/**
 * A method call on a receiver the compiler does not follow (`obj.m()`): the runtime picks the
 * variant by the marker on `obj.m`, where the choice depends on the callee's kind; elsewhere
 * every kind is called directly. `kinds` are the kinds of the annotated methods named `m`.
 */
export function decideDispatch(kinds: ReadonlySet<FunctionKind>, ctx: CallContext): Decision {
  if (ctx.context === "awaited" && kinds.has("sync") && !ctx.method)
    return { strategy: "dispatch", target: "dispatch-async" };
  if ((ctx.context === "value" || ctx.context === "discarded") && ctx.in === "sync" && kinds.has("async")) {
    return { strategy: "dispatch", target: "dispatch-sync" };
  }
  const only = kinds.size === 1 ? [...kinds][0] : undefined;
  if (only !== undefined) {
    const d = decide(only, ctx, "inline");
    return { strategy: "direct", target: "self", diagnostic: d.diagnostic };
  }
  return { strategy: "direct", target: "self" };
}
