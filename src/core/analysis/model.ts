import type { types as t } from "@babel/core";
import type { Position } from "../diagnostics.js";
import type { AwaitFact, LocatedAwait, SyncPlan } from "../inline.js";
import type { FunctionKind } from "../strategy.js";
import type { Node } from "./tree.js";

export type Form = "function" | "const" | "class-method" | "object-method";

/** One annotated function, as the core found it. Nodes are the compiler's own (or lowered) nodes. */
export interface SaFunction {
  /** Own name: the binding, or the method key. */
  name: string;
  /** Name in reports: `load`, `Store.get`, `api.load`. */
  display: string;
  kind: FunctionKind;
  form: Form;
  /** The function itself (for `const f = async () => …`, the arrow). */
  fn: t.Function;
  /** Statement after which variants of a function/const form are inserted (the export, if any). */
  stmt: t.Statement | undefined;
  /**
   * The factory whose twin holds this async method's sync variant under its key (factories.ts):
   * code of the factory that uses the method's promise is refused (`refusePromiseUse`).
   */
  factory?: SaFactory;
  /** The class method, object method or object property carrying a method. */
  member: Node | undefined;
  /** The class (declaration or expression) or object expression holding a method. */
  holder: Node | undefined;
  isStatic: boolean;
  loc: Position;
  variant: string;
  /** Reachable from a fresh import of the module (DESIGN §3.4): module level, no `this`. */
  reachable: boolean;
  /** Why not reachable, for SA301/SA304. */
  unreachableWhy: string | undefined;
  /** Registration key for runSync/offload: `load`, `Store.get`, `api.load`. */
  registerKey: string;
  /** Exported through its own declaration (`export function`, `export const`). */
  exportDecl: boolean;
  syncPlan: SyncPlan | undefined;
  /**
   * A sync function whose own body blocks on a worker (calls.ts `markSyncBodyBlocks`): its calls
   * in sync code block too (`check --deny sync-worker`, attack19 F5).
   */
  bodyBlocks?: true;
  /**
   * A sync function the build proves quiet (outside.ts `provenQuiet`): its offloaded calls may
   * run in parallel and are not reported `outside`; its export fact says so to importers.
   */
  quiet?: true;
  /**
   * Compiled before as a function taken async by its unknown declared type (`unknownReturn`),
   * which the output no longer shows: its returned values are guarded like that one's.
   */
  guardedReturns?: true;
  /** The variant's name comes from the annotation (`sync=readBlocking`), not the suffix. */
  explicitVariant?: true;
  /** `// @smartasync same-thread` on a sync function: its async variant never offloads it. */
  sameThread?: true;
  /**
   * A function without `async` whose declared return type is neither a promise nor proven a
   * value (return-type.ts, `{ unknown }`): `type` is the declared type, `part` what left it
   * unknown. Its colour comes from the annotation's words or its body, and SA108 says which
   * (collect.ts `settleUnknownReturns`; docs/typescript.md). Its code is the colour taken, which
   * the view cannot see in the source (calls.ts `Index.asyncFns`).
   */
  unknownReturn?: {
    type: Node;
    part: Node;
    why: import("./return-type.js").UnknownWhy;
    /** The annotation's words said the colour: no warning. */
    said?: true;
    /**
     * The value returned that made it async: certainly a promise (`readFile(p)`, a call of an
     * `async` function of the file), a call of an async smartasync function, or the value of a
     * call the build does not know, which the sync variant checks at run time.
     */
    returned?: { value: Node; how: "promise" | "smartasync" | "unknown" };
  };
  /** Await/return leaves of the body with their facts (async functions only). */
  leaves: Map<Node, AwaitFact>;
  /** Callees of the smartasync calls among the leaves, resolved on the original tree. */
  leafCallees: Map<Node, import("./calls.js").Resolved>;
  located: LocatedAwait[];
  /**
   * `catch` clauses of the body whose `try` block holds a guarded value: in the inline copy they
   * rethrow the guard's error first, so user code cannot turn a located failure into a fallback
   * value (test/reliability/differential.test.ts found `catch { v = -1 }` doing it).
   */
  guardCatches?: Set<Node>;
  /**
   * `try` statements of the body with a non-empty `finally` whose `try` block or `catch` holds a
   * guarded value: a `finally` that completes abruptly (`return`, `break`, `continue`, a `throw`,
   * a call that throws) would discard the guard's error, so the inline copy remembers the error
   * that leaves the `try`/`catch` and rethrows it once the `finally` block has run, whatever its
   * completion: `{ let held; try { … } catch (caught) { held = caught; throw caught; } finally {
   * try { … } finally { rethrowGuard(held); } } }` (attack25 F06, fixture
   * inline/guard-through-finally).
   */
  guardFinallies?: Set<Node>;
  /**
   * IIFE calls among the body's awaited or returned values that return from inside a `try` with a
   * `catch` or `finally` and are followed all the same (leaves.ts; view.ts `valueLeaves`' `follow`).
   */
  iifeTried?: Set<Node>;
  /**
   * Of those, the calls their `try` returns that the inline copy makes later (`_sa.later`), and
   * the IIFE calls whose value it settles (`_sa.settled`): forms.ts `iifeDeferrals`.
   */
  iifeLater?: Set<Node>;
  iifeSettled?: Set<Node>;
  /**
   * `for await` loops over an array (a literal, a parameter, a `const` of an array literal): the
   * inline copy iterates the array with each element guarded (runtime `syncElements`).
   */
  forAwaits?: Map<Node, import("../inline.js").GuardSite>;
  /**
   * Calls started before an `await` and not proven to start no async work (leaves.ts,
   * `queuingCalls`): the inline copy keeps each behind a run-time check that its result is not a
   * promise (runtime `started`), whose work the async function would have run at that await.
   */
  startGuards?: Map<Node, import("../inline.js").GuardSite>;
  /**
   * Parameter defaults the inline copy takes the awaited value of at once (param-defaults.ts,
   * attack25 F05): `fSync(x = gSync())` where the async function awaits `x`. Each is the default's
   * value (the pattern's `right`), whose leaves are in `leaves`.
   */
  syncDefaults?: Set<Node>;
  /**
   * Reads of the function's own `arguments.callee` its inline copy replaces by the name given, the
   * function itself (arguments-callee.ts; fixture inline/arguments-callee-sloppy).
   */
  calleeReads?: Map<Node, string>;
  /**
   * Async callbacks of `await Promise.all(xs.map(async (x) => …))`: their bodies are part of the
   * function's own body for the leaves and the inline copy, which makes them sync.
   */
  mapCallbacks?: Set<Node>;
  /**
   * The map's callbacks around p-limit's limiter in `await Promise.all(xs.map((x) => limit(fn)))`
   * (limiters.ts): walked through to `fn` (one of mapCallbacks); their own body is no leaf.
   */
  limitCallbacks?: Set<Node>;
  /**
   * `Promise.all(xs.map(async …))` leaves whose copy takes the loop form (loop-copy.ts), by the
   * `Promise.all` call.
   */
  loopCopies?: Map<Node, import("./loop-copy.js").LoopCopy>;
  /**
   * The parameter given to such a clause that has none (or a pattern), and to the clause a
   * guarded `finally`'s `try` gets.
   */
  guardCatchName?: string;
  /** The variable holding the error that left a guarded `finally`'s `try` (guardFinallies). */
  guardHeldName?: string;
  asyncStrategy: "offload" | "same-thread" | undefined;
  /**
   * What the body does with each parameter (param-uses.ts), written by prove (and by the graph,
   * module-graph.ts): read by the call-site rule for an argument that is a call (SA109, SA211).
   */
  params?: readonly import("../module-facts.js").ParamUse[];
  /** The typed form `const f = smartasync(fn)` (DESIGN §6): the wrapper call to remove. */
  wrapper?: t.CallExpression;
  /**
   * Already compiled: its variant and marker are in the file (a second pass over smartasync's
   * own output), so nothing is generated again (idempotence).
   */
  processed?: boolean;
}

/** The fields of a function that resolve and prove write (src/core/analysis/README.md). */
type ProvenFields =
  | "processed"
  | "syncPlan"
  | "asyncStrategy"
  | "params"
  | "bodyBlocks"
  | "quiet"
  | "guardCatches"
  | "guardCatchName"
  | "guardFinallies"
  | "iifeTried"
  | "iifeLater"
  | "iifeSettled"
  | "guardHeldName"
  | "forAwaits"
  | "startGuards"
  | "syncDefaults"
  | "mapCallbacks"
  | "limitCallbacks"
  | "loopCopies";

/**
 * A function as the prove pass leaves it: what resolve (`processed`) and prove (its strategy, the
 * sets its leaves add) wrote is read-only from then on, for check, plan and the emitters.
 */
export type ProvenFunction = Omit<SaFunction, ProvenFields> & Readonly<Pick<SaFunction, ProvenFields>>;

/**
 * A function annotated `// @smartasync factory`: it returns object literals of annotated methods,
 * and gets a sync twin (`createLoaderSync`), a copy of itself whose returned objects hold each
 * annotated async method's sync variant under the method's own name (docs/semantics.md,
 * "Factories"). Not a smartasync function: it has no marker and no variant of its own kind.
 */
export interface SaFactory {
  name: string;
  form: "function" | "const";
  /** The factory (for `const f = (…) => …`, the arrow or function expression). */
  fn: t.Function;
  /** The statement after which the twin goes (the export, if any). */
  stmt: t.Statement;
  exportDecl: boolean;
  loc: Position;
  /** The twin's name: the suffix, or `sync=` on the annotation. */
  variant: string;
  /** The object literals the factory returns, each with its annotated methods (resolved later). */
  holders: Map<Node, SaFunction[]>;
  /** The twin is already in the file (a second pass over smartasync's output). */
  processed?: boolean;
}
