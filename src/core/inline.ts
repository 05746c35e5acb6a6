import type { ResolvedTwin } from "./twins.js";

/**
 * DESIGN §3.4: the sync variant of an async function is the function with its colour removed
 * whenever every `await` can be made synchronous. Adapters describe each await (and each value
 * the function returns, since an async function adopts a returned promise) as an AwaitFact; the
 * rules below decide.
 */
export type AwaitFact =
  /**
   * A call of a smartasync function or method: its sync variant. `guard` where the call may still
   * give a promise — a dispatched method or `this.m()` (the object's method may be an
   * unannotated async one), a sync-kind callee (it may return a promise) — checked like any
   * unproven value.
   */
  | {
      kind: "smartasync";
      callee: string;
      guard?: GuardSite;
      worker?: WorkerCall;
      /**
       * A sync smartasync function (not dispatched): called as written, and in the async
       * function too its throw is at the call, not a rejection; an element of a sequential
       * `Promise.all` copy does not hold it (attack30 F07).
       */
      atCall?: true;
    }
  /**
   * A call of an API with a known sync twin; `checks` are the arguments the build could not
   * prove mean the same to the twin, checked at run time like a guard.
   */
  | {
      kind: "twin";
      twin: ResolvedTwin;
      checks: TwinCheck[];
      /**
       * A twin by name (docs/modules.md, "Twins by name"): the module as imported, which exports
       * both the awaited function and `twin.name`; the report says so.
       */
      byName?: string;
      /**
       * The twin's result, checked like any unproven value: a hand-written twin found by its name,
       * or one the `twins` option names, is trusted to be synchronous, never assumed to be.
       */
      guard?: GuardSite;
      /**
       * Where the awaited call is, for `twin.promise`: if the program has put another function in
       * place of the promise API, that one is called and its answer checked like a guarded value.
       * Not reported as a guard: it can only fail where the program replaced the API.
       */
      replaced?: GuardSite & { promise: string };
      /**
       * A twin by name whose callee is read from a module's live exports object (a CommonJS
       * module's `module.exports` through a default import or `require`), which a test double
       * replaces (`store.find = async …`, `sinon.stub(store, "find")`): the twin only while the
       * member is still the function the module exported when this module loaded; a
       * replacement is called instead and its answer checked (attack 15, F20).
       */
      replacedByName?: GuardSite & { name: string };
    }
  /**
   * `await Promise.all(xs.map(async (x) => …))`: the callback's own awaits and returns are leaves
   * of the function too, and the copy maps with a sync callback, one element after another;
   * `guard` checks each result (`xs.map` may not be the array method).
   */
  | {
      kind: "mapAll";
      variant: string;
      text: string;
      guard: GuardSite;
      /**
       * `await pMap(xs, async (x, i) => …, { concurrency })` (the p-map package): the copy calls
       * `_sa.mapSync(xs, cbSync, options, …)`, element by element; `concurrency` is ignored.
       */
      pMap?: true;
      /**
       * `await Promise.all(xs.map((x) => limit(() => …)))` with p-limit's `limit`: the copy runs
       * the function handed to the limiter at once (`_sa.limited(fn)`), inside `allSync`.
       */
      limited?: true;
      /**
       * `await mapLimit(xs, n, async (x) => …)` / `eachLimit` of the async package: the copy calls
       * `_sa.mapLimitSync(xs, n, cbSync, each, …)`, element by element; `n` is ignored.
       */
      asyncLimit?: "map" | "each";
    }
  /** `Promise.all([...])` / `Promise.allSettled([...])` over an array literal. */
  | { kind: "combinator"; name: "all" | "allSettled"; elements: AwaitFact[] }
  /**
   * Proven never to be a promise or thenable: a literal, arithmetic, a value built only from
   * proven values, a call of a global that returns plain data, or a local whose every assignment
   * is proven (docs/semantics.md, "Proven or guarded").
   */
  | { kind: "not-promise" }
  /**
   * Not proven, and not known to be a promise either: a parameter, a caller's callback, a member
   * or element, a call smartasync cannot see into. The inline copy keeps the value behind a
   * run-time guard that throws a located SmartAsyncError if it is a promise after all.
   */
  | {
      kind: "guarded";
      loc: string;
      text: string;
      /**
       * Not an awaited value but a call started before an await and not proven to start no
       * async work (leaves.ts): its result is checked where the call is.
       */
      started?: true;
    }
  /**
   * A known asynchronous API: `await fetch(url)`, `await new Promise(...)`, `Promise.race`, `for await`.
   * `suggest`: an awaited call of an imported function with no twin, where a `twins` entry would
   * map it; where it makes the variant a worker one, the build says so at the call (SA308).
   */
  | { kind: "unmappable"; why: string; suggest?: TwinSuggestion };

/** The `twins` entry that would map an awaited imported call (SA308), and where the call is. */
export interface TwinSuggestion {
  /** 1-based position of the call. */
  pos: { line: number; column: number };
  /** The call, as messages quote it: `lib.slow(...)`. */
  text: string;
  /** The entry, in the option's own shape: `{ "./lib.js": { "slow": { "module": "…", "name": "…" } } }`. */
  entry: string;
  /** The module's own sync-named export, when it has one, and why it is not used by name. */
  sameModule?: string;
}

/** The runtime helper that checks a twin's options, data or path argument (a value is guarded). */
export function twinCheckHelper(kind: "options" | "data" | "path"): string {
  return kind === "options" ? "twinOptions" : kind === "path" ? "twinPath" : "twinData";
}

/** A run-time check of one argument of a twin call (docs/semantics.md, "Twins"). */
export type TwinCheck =
  | { kind: "options"; index: number; promiseOnly: readonly string[]; loc: string; text: string }
  | { kind: "data"; index: number; loc: string; text: string }
  /** A path the twin would also take as a file descriptor (the promise API refuses one). */
  | { kind: "path"; index: number; loc: string; text: string }
  /** A value the twin returns as it is, where the promise API would adopt a thenable: guarded. */
  | { kind: "value"; index: number; loc: string; text: string };

export interface LocatedAwait {
  fact: AwaitFact;
  /** `path:line:column` of the await (or return), for reasons. */
  loc: string;
  /** Source-like description, e.g. `fetch(...)`. */
  text: string;
}

export interface SyncPlan {
  strategy: "inline" | "worker";
  /** Why a worker is needed; for an inline variant, what differs from the async one. */
  reasons: string[];
  /** The run-time guards of an inline variant, in source order (empty for a worker variant). */
  guards: GuardSite[];
  /** The calls of an inline variant that block on another function's worker (absent when none). */
  workerCalls?: WorkerCall[];
}

/**
 * A call in an inline variant of a function of another module (a package's manifest, another
 * file of the program) whose own sync variant runs on a worker: the inline copy blocks on that
 * worker (adversarial finding F3), so the report says so and `check --deny sync-worker` denies it.
 */
export interface WorkerCall {
  /** `path:line:column` of the call. */
  loc: string;
  /** The callee, as the report names it. */
  callee: string;
  /** Its sync variant. */
  variant: string;
  /**
   * The variant is an inline copy that blocks on a worker further on (its own `workerCalls`, or
   * a module's facts saying so): the block is as real, one call deeper (attack 16, F18).
   */
  through?: true;
}

/** A function's inline sync variant that blocks on a worker somewhere in what it calls. */
export function blocksOnWorker(plan: SyncPlan | undefined): boolean {
  return plan?.strategy === "inline" && (plan.workerCalls?.length ?? 0) > 0;
}

/** Where an inline variant checks at run time that a value is not a promise. */
export interface GuardSite {
  /** `path:line:column` of the guarded operand. */
  loc: string;
  /** The operand, as written (shortened). */
  text: string;
  /**
   * The operand is a dispatched method call: what runs is whatever the receiver holds, its sync
   * variant perhaps on a worker, so `check --deny dispatch` sees it too (attack18 F3).
   */
  dispatch?: true;
  /**
   * The operand is a call started (not awaited) before an await, not proven to start no async
   * work: a promise there is work the async function would run at that await (attack 17, F19).
   */
  started?: true;
}

/**
 * What to do with an operand that is neither proven nor a known async API: `"guard"` (default)
 * keeps the variant inline with a run-time check; `"worker"` treats it like a known async API, so
 * the variant runs on a worker (or the build fails with SA301 where it cannot).
 */
export type Unproven = "guard" | "worker";

function unmappable(fact: AwaitFact, unproven: Unproven): string | undefined {
  switch (fact.kind) {
    case "unmappable":
      return fact.why;
    case "guarded":
      if (unproven !== "worker") return undefined;
      return fact.started ? WHY.unprovenStarted(fact.text) : WHY.unproven(fact.text);
    // Every other run-time check (a dispatched call, a twin's argument) is a guard too: with
    // `unproven: "worker"` it makes a worker variant like a guarded value does.
    case "smartasync":
      return unproven === "worker" && fact.guard ? WHY.unproven(fact.guard.text) : undefined;
    case "mapAll":
      return unproven === "worker" ? WHY.unproven(fact.guard.text) : undefined;
    case "twin":
      if (unproven !== "worker") return undefined;
      for (const c of fact.checks) if (c.kind !== "path") return WHY.unproven(c.text);
      // A `twins` entry is the project's own word that the twin is sync: a worker would undo the
      // option, so it stays mapped, its result still checked (docs/semantics.md, "Twins").
      return fact.guard && !fact.twin.configured ? WHY.unproven(fact.guard.text) : undefined;
    case "combinator":
      for (const e of fact.elements) {
        const why = unmappable(e, unproven);
        if (why !== undefined) return why;
      }
      return undefined;
    default:
      return undefined;
  }
}

function guardsOf(fact: AwaitFact, out: GuardSite[]): void {
  if (fact.kind === "guarded")
    out.push({ loc: fact.loc, text: fact.text, ...(fact.started ? { started: true as const } : {}) });
  else if (fact.kind === "smartasync" && fact.guard) out.push(fact.guard);
  else if (fact.kind === "twin") {
    // A path check never fails where the promise API would not (a descriptor is refused as the
    // promise API refuses it, a FileHandle passed on as its descriptor): no guard to report.
    for (const c of fact.checks) if (c.kind !== "path") out.push({ loc: c.loc, text: c.text });
    if (fact.guard) out.push(fact.guard);
  } else if (fact.kind === "combinator") for (const e of fact.elements) guardsOf(e, out);
  else if (fact.kind === "mapAll") out.push(fact.guard);
}

function workerCallsOf(fact: AwaitFact, out: WorkerCall[]): void {
  if (fact.kind === "smartasync" && fact.worker) out.push(fact.worker);
  else if (fact.kind === "combinator") for (const e of fact.elements) workerCallsOf(e, out);
}

function byNameTwins(fact: AwaitFact): { module: string; name: string }[] {
  if (fact.kind === "twin" && fact.byName !== undefined)
    return [{ module: fact.byName, name: fact.twin.name }];
  if (fact.kind === "combinator") return fact.elements.flatMap(byNameTwins);
  return [];
}

/** Decides inline or worker for one function from the facts of its awaits (and returns). */
export function planSyncVariant(awaits: readonly LocatedAwait[], unproven: Unproven = "guard"): SyncPlan {
  const reasons: string[] = [];
  const notes: string[] = [];
  const guards: GuardSite[] = [];
  const workerCalls: WorkerCall[] = [];
  for (const a of awaits) {
    const why = unmappable(a.fact, unproven);
    if (why !== undefined) {
      reasons.push(why.includes(AT) ? why.replace(AT, ` at ${a.loc}`) : `${why} at ${a.loc}`);
      continue;
    }
    // The report says when concurrent awaits became sequential calls.
    if (a.fact.kind === "combinator") notes.push(WHY.sequential(a.fact.name, a.loc));
    if (a.fact.kind === "mapAll")
      notes.push(
        a.fact.pMap
          ? WHY.sequentialPMap(a.fact.text, a.loc, a.fact.variant)
          : a.fact.asyncLimit
            ? WHY.sequentialAsyncLimit(a.fact.text, a.loc, a.fact.variant)
            : a.fact.limited
              ? WHY.sequentialLimited(a.fact.text, a.loc, a.fact.variant)
              : WHY.sequentialMap(a.fact.text, a.loc, a.fact.variant),
      );
    // And which twins it found by name rather than in a table.
    for (const t of byNameTwins(a.fact)) notes.push(WHY.byName(t.module, t.name, a.text, a.loc));
    guardsOf(a.fact, guards);
    workerCallsOf(a.fact, workerCalls);
  }
  if (reasons.length > 0) return { strategy: "worker", reasons, guards: [] };
  for (const w of workerCalls) notes.push(WHY.callsWorker(w.callee, w.variant, w.loc, w.through === true));
  // A guarded variant is never reported with empty reasons: each guard is a promise the build
  // could not keep, moved to run time.
  for (const g of guards)
    notes.push(
      g.dispatch
        ? WHY.guardDispatch(g.text, g.loc)
        : g.started
          ? WHY.guardStarted(g.text, g.loc)
          : WHY.guard(g.text, g.loc),
    );
  return { strategy: "inline", reasons: notes, guards, ...(workerCalls.length > 0 ? { workerCalls } : {}) };
}

/** Where the location goes in a reason: "awaits fetch(...) at a.js:3:9, which has no sync twin". */
const AT = "\u0000at";

/** Wording for the common unmappable cases, shared by both adapters so reports match. */
export const WHY = {
  unknownCall: (text: string) => `awaits ${text}${AT}, which has no sync twin`,
  pMapNotMapped: (text: string) =>
    `awaits ${text}${AT}, which the sync variant runs element by element only with an async callback written in place that changes no outer state, and options that set only \`concurrency\` and \`stopOnError\` (\`signal\` changes when pMap ends, which a sync loop cannot follow)`,
  /** `pMap(…, { stopOnError })` where the installed p-map gathers errors another way (leaves.ts). */
  pMapAggregate: (text: string, why: string) =>
    `awaits ${text}${AT} with \`stopOnError\`, which the sync variant follows only for p-map 6 and later: ${why}`,
  /**
   * An imported function with no twin: the `twins` entry that would name one, and the module's
   * own sync-named export when it has one (twins by name being off for it).
   */
  unknownImport: (text: string, entry: string, sameModule: string | undefined) =>
    `awaits ${text}${AT}, which has no sync twin; name one with the \`twins\` option: ${entry}${
      sameModule ? ` (${sameModule})` : ""
    }`,
  yieldPoint: (text: string) =>
    `awaits ${text}${AT} after queuing work (a microtask, a timer, an emitter's event, a promise's then, an async call started and not awaited): the await is where that work runs, which an inline copy cannot let happen`,
  callsWorker: (callee: string, variant: string, loc: string, through = false) =>
    through
      ? `calls ${callee} at ${loc}, whose sync variant ${variant} blocks on a worker further on: this variant blocks there too`
      : `calls ${callee} at ${loc}, whose sync variant ${variant} runs on a worker: this variant blocks on that worker there`,
  byName: (module: string, name: string, text: string, loc: string) =>
    `twin by name: ${module} exports ${name}, called for ${text} at ${loc}`,
  newExpression: (text: string) => `awaits ${text}${AT}, which cannot be made synchronous`,
  combinator: (name: string) => `awaits Promise.${name}(...)${AT}, which has no sync equivalent`,
  combinatorArg: (name: string) =>
    `awaits Promise.${name}(...)${AT} of something other than an array literal`,
  mapWritesOutside: (write: string, loc: string, combinator = "Promise.all") =>
    `awaits ${combinator}(...)${AT} of callbacks that change state they did not create (${write} at ${loc}): run one after another, as the sync variant would, they could compute another value`,
  /** Calls of `Promise.all([...])` that may interleave (attack 13, F1; core/analysis/effects.ts). */
  interleaved: (name: string, paused: string, effect: string) =>
    `awaits Promise.${name}([...])${AT} whose calls may interleave: ${paused} may pause at an await and go on later, and ${effect} has effects another call or the caller may see; run one after another, as an inline sync variant would, they could come in another order`,
  /** A polling loop over the sleep whose condition only the function's own callbacks change (analysis/polling.ts). */
  polling: (parts: string, sleep: string) =>
    `polls ${parts} around ${sleep}${AT}, which only a callback of the function changes: the inline copy would sleep on the calling thread, where that callback cannot run, so it runs on a worker, whose event loop runs it`,
  /** State only a callback of the function changes, read after the sleep (analysis/polling.ts). */
  sleepThenRead: (parts: string, sleep: string) =>
    `reads ${parts} after ${sleep}${AT}, which only a callback of the function changes: the inline copy would sleep on the calling thread, where that callback cannot run, so it runs on a worker, whose event loop runs it`,
  /** An IIFE whose function returns from inside a `try` (view.ts `iifeValueSlots`). */
  iifeInTry: (text: string) =>
    `awaits ${text}${AT}, an immediately invoked function that returns from inside a \`try\` with a \`catch\` or \`finally\`, which would see the end of a call the sync variant makes in place of the promise it returns`,
  /** An IIFE whose `finally` returns, discarding a call returned in its `try` (leaves.ts). */
  iifeFinallyReturns: (text: string) =>
    `awaits ${text}${AT}, an immediately invoked function whose \`finally\` returns, discarding a call its \`try\` returned, which the async function had started and the sync variant would make after the \`try\``,
  /** A parameter's default that is a promise in the async function, used otherwise than awaited (param-defaults.ts). */
  defaultPromise: (name: string) =>
    `gives \`${name}\`${AT} a promise as its default value, which the function uses otherwise than awaiting or returning it, or before which it runs code whose order an inline copy taking the value at once would change`,
  forAwait: () => `uses \`for await\`${AT}`,
  promiseLocal: (name: string) => `awaits \`${name}\`${AT}, which may hold a promise`,
  /** A promise the async function tests as the left operand of `||`, `&&`, `??` (leaves.ts). */
  tested: (text: string, operator: string) =>
    `tests ${text}${AT} as the left operand of \`${operator}\`: in the async function it is a promise, never falsy or nullish, which an inline copy that calls the sync variant would test as its value`,
  other: (text: string) => `awaits ${text}${AT}, which may be a promise`,
  twinArgs: (text: string) =>
    `awaits ${text}${AT} with spread arguments, which its sync twin may read otherwise`,
  promiseOnly: (text: string, key: string) =>
    key === "ref"
      ? // `timers/promises` only (twins.ts): the sleep does not read `ref` at all.
        `awaits ${text}${AT} with \`ref\`, which may let the program end before the timer fires, never running the code after the await, where its sync twin, a blocking sleep, always runs it`
      : `awaits ${text}${AT} with \`${key}\`, which its sync twin reads otherwise`,
  unproven: (text: string) =>
    `awaits ${text}${AT}, which smartasync cannot prove is not a promise (option unproven: "worker")`,
  guard: (text: string, loc: string) =>
    text.startsWith("the ")
      ? `checks ${text} at ${loc}: the sync variant throws a SmartAsyncError there if its twin would read it otherwise`
      : `guards ${text} at ${loc}: the sync variant throws a SmartAsyncError there if it is a promise`,
  unprovenStarted: (text: string) =>
    `starts ${text}${AT} before an await without awaiting it, which smartasync cannot prove starts no async work (option unproven: "worker")`,
  guardStarted: (text: string, loc: string) =>
    `guards ${text} at ${loc}, started before an await without awaiting it: the sync variant throws a SmartAsyncError there if it gives a promise, whose work the async function would run at that await`,
  guardDispatch: (text: string, loc: string) =>
    `dispatches ${text} at ${loc} on what the receiver holds when it runs (its sync variant, which may run on a worker): the sync variant throws a SmartAsyncError there if it gives a promise`,
  sequentialMap: (text: string, loc: string, variant: string) =>
    `runs the callbacks of ${text} at ${loc} one after another (sequential in ${variant}), each to its end: then the first error in index order is thrown, where Promise.all rejects with the first to fail in time`,
  sequentialPMap: (text: string, loc: string, variant: string) =>
    `runs the callbacks of ${text} at ${loc} one after another (sequential in ${variant}; \`concurrency\` is ignored): with \`stopOnError\` (the default) the first error in index order is thrown and no later callback runs, where pMap rejects with the first to fail in time; with \`stopOnError: false\` every callback runs and the errors are thrown together as an AggregateError in index order, as pMap does`,
  sequentialLimited: (text: string, loc: string, variant: string) =>
    `runs the functions handed to p-limit's limiter in ${text} at ${loc} one after another (sequential in ${variant}; the limiter's concurrency is ignored), each to its end, as p-limit runs every queued function: then the first error in index order is thrown, where Promise.all rejects with the first to fail in time`,
  sequentialAsyncLimit: (text: string, loc: string, variant: string) =>
    `runs the callbacks of ${text} at ${loc} one after another (sequential in ${variant}; \`limit\` is ignored): the first error ends the call and no later callback runs, as async's mapLimit/eachLimit starts none after a failure; with a \`limit\` above 1 async has already started some later ones, and rejects with the first to fail in time`,
  asyncLimitNotMapped: (text: string) =>
    `awaits ${text}${AT}, which the sync variant runs element by element only with an async callback written in place that changes no outer state`,
  sequential: (name: string, loc: string) =>
    `runs the calls of Promise.${name}([...]) at ${loc} one after another (sequentially) in the sync variant`,
} as const;
