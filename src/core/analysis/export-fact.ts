import { blocksOnWorker } from "../inline.js";
import type { ExportFact } from "../module-facts.js";
import type { FunctionKind } from "../strategy.js";
import type { SaFunction } from "./model.js";

/** What an export of a function says beyond the function itself. */
export interface ExportFactHow {
  /** The variant's exported name (`export { f as g }` exports `gSync`); the function's own by default. */
  variant?: string;
  /**
   * An inline sync variant blocks on a worker through an import the module read as a shape only
   * (module-graph.ts `leafBlocks`): its plan's `workerCalls` cannot name it.
   */
  blocks?: boolean;
  /** Why importers' calls of it are not followed (SA206). */
  unfollowed?: string;
  /** Why it may never finish (checks.ts `unboundedWhy`): SA207 at importers' discarded calls. */
  unbounded?: string;
}

/**
 * The fact importers get of one smartasync function: the one rule for a file's own exports
 * (module-facts.ts `moduleFactsOf`, for its compile and for the graph's read of it as an
 * import) and for its TypeScript namespaces' members (ts-namespaces.ts).
 *
 * `withStrategies`: whether the fact carries the strategies the function's body decided. The
 * graph's first phase reads a module's *shape* before any body is analysed (import cycles stay
 * harmless, module-graph.ts), so it has none to give; the file's own compile and the graph's
 * second phase have them (`syncPlan`, `asyncStrategy` on the function).
 */
export function exportFactOf(
  fn: SaFunction,
  from: string,
  withStrategies: boolean,
  how: ExportFactHow = {},
): ExportFact {
  return {
    name: fn.display,
    kind: fn.kind,
    variant: how.variant ?? fn.variant,
    ...(fn.explicitVariant ? { explicit: true as const } : {}),
    ...(withStrategies && fn.kind === "async" && fn.syncPlan ? { syncStrategy: fn.syncPlan.strategy } : {}),
    ...(withStrategies && fn.kind === "sync" && fn.asyncStrategy ? { asyncStrategy: fn.asyncStrategy } : {}),
    // Proven free of effects outside itself: only then do importers run its offloaded calls in
    // parallel and leave them unflagged (attack20 F13).
    ...(withStrategies && fn.kind === "sync" && fn.quiet ? { quiet: true as const } : {}),
    ...(withStrategies && (blocksOnWorker(fn.syncPlan) || fn.bodyBlocks || how.blocks)
      ? { blocksOnWorker: true as const }
      : {}),
    // What the body does with each parameter: decided with the strategies (param-uses.ts).
    ...(withStrategies && fn.params?.length ? { params: [...fn.params] } : {}),
    ...(withStrategies && how.unbounded !== undefined ? { unbounded: how.unbounded } : {}),
    from,
    ...(how.unfollowed !== undefined ? { unfollowed: how.unfollowed } : {}),
  };
}

/**
 * The fact of an export that holds a smartasync function under a second name (`export const
 * alias = load`, `exports.alias = exports.load`, `globalThis.gl = load`): importers' calls of it
 * are SA206 with `unfollowed` as the reason. One shape for facts.ts and global-names.ts.
 */
export function unfollowedFactOf(
  held: { name: string; kind: FunctionKind; from?: string; fn?: SaFunction },
  from: string,
  unfollowed: string,
): ExportFact {
  return held.fn
    ? exportFactOf(held.fn, from, false, { unfollowed })
    : { name: held.name, kind: held.kind, variant: held.name, from: held.from ?? from, unfollowed };
}
