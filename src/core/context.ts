import { readsElements } from "./analysis/keepers.js";
import { SYNC_ARRAY_METHODS } from "./analysis/sync-table.js";
import type { NodeView } from "./node-view.js";

/** DESIGN §3.2: what the code around a call does with its value. */
/**
 * `handed-on`: returned by a plain function, method or function value whose callers the build
 * does not all see, and which declares no value return type; the call stays as written, a
 * promise or a value as the source gives it (attack 17, F11).
 */
export type Context = "awaited" | "value" | "discarded" | "started" | "unknown" | "handed-on";
export type Colour = "sync" | "async";

export interface CallContext {
  context: Context;
  /** Colour of the code the call's value flows into (the enclosing function, module = sync). */
  in: Colour;
  /**
   * `awaited` only because `.then`/`.catch`/`.finally` is called on the value (on the call, or
   * on every name it is kept under): a promise's method for an async callee, but the value's own
   * method for a sync one, whose call stays as written (a Result type's `catch`; attack 17, F4).
   */
  method?: true;
}

const THEN_LIKE = new Set(["then", "catch", "finally"]);
const COMBINATORS = new Set(["all", "allSettled", "race", "any"]);

export function colourOf<N>(v: NodeView<N>, n: N): Colour {
  const fn = v.enclosingFunction(n);
  return fn !== undefined && v.isAsyncFunction(fn) ? "async" : "sync";
}

function isPromiseStatic<N>(v: NodeView<N>, call: N, names: Set<string>): boolean {
  return isPromiseStaticRef(v, v.callee(call), names);
}

/** `Promise.race` (a static of the global `Promise` named in `names`), not called here. */
function isPromiseStaticRef<N>(v: NodeView<N>, ref: N, names: Set<string>): boolean {
  if (v.kind(ref) !== "member") return false;
  const name = v.memberName(ref);
  return name !== undefined && names.has(name) && v.isGlobal(v.memberObject(ref), "Promise");
}

/**
 * Whether argument `i` of `call` is the first argument of a `Promise.*` static named in `names`:
 * `Promise.race(x)`, or reached through `.call` — `Promise.race.call(Promise, x)` is a call of
 * `Promise.race` (attack19 F2).
 */
function promiseStaticArg<N>(v: NodeView<N>, call: N, i: number, names: Set<string>): boolean {
  if (i === 0 && isPromiseStatic(v, call, names)) return true;
  const callee = v.callee(call);
  return (
    i === 1 &&
    v.kind(callee) === "member" &&
    v.memberName(callee) === "call" &&
    isPromiseStaticRef(v, v.memberObject(callee), names)
  );
}

/**
 * Whether argument `i` of `call` is the list of arguments a `Promise.*` static is applied to:
 * `Promise.race.apply(Promise, [x])`, `Reflect.apply(Promise.race, Promise, [x])` (attack19 F2).
 */
function promiseStaticApplied<N>(v: NodeView<N>, call: N, i: number): boolean {
  const callee = v.callee(call);
  if (v.kind(callee) !== "member" || v.memberName(callee) !== "apply") return false;
  const on = v.memberObject(callee);
  if (i === 1 && isPromiseStaticRef(v, on, PROMISE_STATICS)) return true;
  const fn = v.argumentAt?.(call, 0);
  return (
    i === 2 && v.isGlobal(on, "Reflect") && fn !== undefined && isPromiseStaticRef(v, fn, PROMISE_STATICS)
  );
}

/** Statics of `Object` whose result is their first argument, or holds its values. */
const HANDS_BACK = new Set(["freeze", "seal", "preventExtensions", "values"]);

/**
 * `Object.freeze(x)`, `Object.values(x)`, `Object(x)` (the global `Object`'s): a call that hands
 * its first argument (or its values) back. One reading for both halves of the promise rules:
 * sync code's own call handed there (below) and a smartasync function's parameter
 * (param-uses.ts, SA109/SA211: `Promise.race([Object(p), t])`, attack21 F1).
 */
export function handsBack<N>(v: NodeView<N>, call: N): boolean {
  const callee = v.callee(call);
  if (v.isGlobal(callee, "Object")) return true;
  return (
    v.kind(callee) === "member" &&
    HANDS_BACK.has(v.memberName(callee) ?? "") &&
    v.isGlobal(v.memberObject(callee), "Object")
  );
}

const RESOLVE = new Set(["resolve"]);
const PROMISE_STATICS = new Set([...COMBINATORS, ...RESOLVE]);

/**
 * `Promise.prototype.then.call(call, …)` (also `.catch`, `.finally`, and `.apply`): a promise's
 * own method run on the call's result, its first argument — the same as `call.then(…)`. Given a
 * value, it throws `TypeError: … called on non-object` (attack19 F1).
 */
export function isPromiseMethodCall<N>(v: NodeView<N>, call: N): boolean {
  const callee = v.callee(call);
  if (v.kind(callee) !== "member") return false;
  const via = v.memberName(callee);
  if (via !== "call" && via !== "apply") return false;
  const method = v.memberObject(callee);
  if (v.kind(method) !== "member" || !THEN_LIKE.has(v.memberName(method) ?? "")) return false;
  const proto = v.memberObject(method);
  return (
    v.kind(proto) === "member" &&
    v.memberName(proto) === "prototype" &&
    v.isGlobal(v.memberObject(proto), "Promise")
  );
}

/** Skips transparent wrappers upwards; returns the outermost wrapper of `n`. */
function outermost<N>(v: NodeView<N>, n: N): N {
  let cur = n;
  for (let p = v.parent(cur); p !== undefined && v.kind(p) === "transparent"; p = v.parent(cur)) cur = p;
  return cur;
}

/**
 * A plain function whose returned value its callers in sight use both as a promise and as a
 * value (SA209); callers out of sight give no warning (the call is `handed-on`).
 */
export interface HandedOn {
  name: string;
}

/**
 * A context, with why a value returned by a plain function was taken as a value (SA209), and for
 * a `value`, why its use is not proven (`unproven`, SA210): it flows where the build does not
 * follow it — a function of another module, a class, a keeping method, a container it does not
 * read to the end (attack19 F2). Unknown is not proven.
 */
type Walked = CallContext & { handedOn?: HandedOn; unproven?: string; inert?: true };

/** Context of a value returned from `fn` (a `return` in it, or its concise arrow body). */
function returnedFrom<N>(v: NodeView<N>, fn: N, hops: number): Walked {
  if (v.isAsyncFunction(fn)) return { context: "awaited", in: "async" };
  // `function* job() { return f(); }`: the generator's caller gets an iterator, and the value
  // reaches whoever reads `.next().value` at the end, as a `yield`ed one does (attack24 F11).
  if (v.isGenerator?.(fn))
    return {
      context: "value",
      in: "sync",
      unproven: "returned from a generator, whose `next()` hands it to code the build does not follow",
    };
  const self = outermost(v, fn);
  const p = v.parent(self);
  if (p !== undefined && (v.kind(p) === "call" || v.kind(p) === "new")) {
    const slot = v.slot(p, self);
    if (slot === "callee" && v.kind(p) === "call") return classify(v, p, hops); // IIFE
    if (slot === "argument") {
      const callee = v.callee(p);
      const index = v.argIndex(p, self);
      if (v.kind(p) === "call" && v.kind(callee) === "member") {
        const name = v.memberName(callee);
        const fromArray = name === "from" && index === 1 && v.isGlobal(v.memberObject(callee), "Array");
        // `ids.map((id) => f(id))`, `Array.from(ids, (id) => f(id))`, `flatMap` with a callback
        // that returns the call itself: an array of the calls, walked as an array literal is —
        // `[0]`, `.at()`, `const [a] = …`, a loop, `.values()` are its reads, not the call's
        // (attack24 F04/F05: read as the call, each of those took the value silently).
        // The colour is the array's, where it goes (`await Promise.all(xs.map((x) => f(x)))`
        // in async code keeps the promises: fixture contexts/promise-all-map).
        if ((index === 0 && (name === "map" || name === "flatMap")) || fromArray)
          return containerUse(v, p, hops, p);
        if (name !== undefined && SYNC_ARRAY_METHODS.has(name) && index === 0) {
          return classify(v, p, hops);
        }
      }
      // p-limit's `limit(() => f(x))`: the limiter awaits what the function returns.
      if (v.kind(p) === "call" && v.adoptsCallback?.(p, index)) return { context: "awaited", in: "sync" };
      return { context: "unknown", in: "sync" };
    }
  }
  return handedOn(v, fn, hops);
}

/**
 * A plain function hands the value it returns on to its callers (adversarial finding F4:
 * `function getUser(id) { return load(id) }` awaited as `Promise.all([getUser(1), getUser(2)])`
 * must keep the calls' promises, or the calls run one after another). Unknown means not proven
 * (attack16 F3/F12): a caller wants the VALUE only where that is proven — sync code reading it.
 * Every other use is a promise use: a `.then`, `Promise.*`, a `void`, and anything async code
 * does with it but a direct `await` (`for await` over an array of calls, an object holding the
 * promises, `getA(1);` started and not awaited) — in async code the call as written gives a
 * promise, and the sync variant would run the calls one after another and block. A direct
 * `await getA(x)` gets the same value either way and counts for neither side. Where the build
 * sees every caller: no value use — `awaited`, the call stays plain; value uses only — `value`,
 * as written; both — `value` with the reason (SA209), the form that fails loudly.
 */
function handedOn<N>(v: NodeView<N>, fn: N, hops: number): Walked {
  const value: CallContext = { context: "value", in: "sync" };
  const callers = v.functionCalls?.(fn);
  // Callers out of sight — a function value stored where other code fetches and calls it (an
  // object's property, a route table `{ user: () => fetchUser(1) }`, an assignment, a class
  // field, a default export), a method or getter, an array element, an exported function, one
  // passed as a value, or callers followed more than MAX_HOPS functions up: unknown means not
  // proven, so the call stays as written, the source's meaning — an async function's promise, a
  // sync one's value (attack 17, F11: a route raced against a timeout, thunks in
  // `Promise.allSettled`, blocked on the sync variant and turned a rejection into a throw). No
  // warning: a sync caller that wants the value gets the promise, as in the plain program. The
  // value only where the author said so: a declared return type that is never a promise
  // (`function cli(): User { return load(x) }`); or `loadSync(x)`, an annotation.
  if (callers === undefined || !callers.complete || hops >= MAX_HOPS)
    return v.declaresValue?.(fn) ? value : { context: "handed-on", in: "sync" };
  let promise = 0;
  let values = 0;
  let inner: HandedOn | undefined;
  // Promise uses that are only `.then`/`.catch` calls on the value (F4: a sync callee's own).
  let methods = 0;
  let awaits = 0;
  for (const c of callers.calls) {
    // A direct `await getUser(1)` gets the same value either way, but the sync variant would make
    // it block the thread: beside a sync reader it is a promise use, so the mix is SA209 (attack19
    // F13: three awaited handlers ran one after another because one sync line read the helper).
    if (directlyAwaited(v, c)) {
      awaits++;
      continue;
    }
    const got = classify(v, c, hops + 1);
    if (
      got.context === "awaited" ||
      got.context === "started" ||
      got.context === "handed-on" ||
      got.in === "async"
    ) {
      promise++;
      if (got.method) methods++;
    } else {
      values++;
      inner ??= got.handedOn;
    }
  }
  if (values === 0) {
    if (callers.calls.length === 0) return value;
    return promise > 0 && methods === promise
      ? { context: "awaited", in: "sync", method: true }
      : { context: "awaited", in: "sync" };
  }
  if (promise > 0 || awaits > 0) return { ...value, handedOn: { name: callers.name } };
  return inner ? { ...value, handedOn: inner } : value;
}

/** `await c` (through parentheses, type wrappers, `||`, `?:` branches): the same value either way. */
function directlyAwaited<N>(v: NodeView<N>, c: N): boolean {
  const { p } = consumer(v, c);
  return p !== undefined && v.kind(p) === "await";
}

/**
 * Walks up from `call` through transparent wrappers to the consumer of its value and reports
 * the context and the colour of the code around it (DESIGN §3.2, first match wins).
 */
export function classifyCall<N>(v: NodeView<N>, call: N): CallContext {
  const { context, in: colour, method } = classify(v, call, 0);
  return method ? { context, in: colour, method } : { context, in: colour };
}

/**
 * The plain function that returns a sync-code call's value to callers in sight of which some
 * want its promise and others the value (SA209); undefined otherwise (callers out of sight make
 * the call `handed-on`, as written: docs/semantics.md).
 */
export function handedOnUnclear<N>(v: NodeView<N>, call: N): HandedOn | undefined {
  return classify(v, call, 0).handedOn;
}

/**
 * How many names a value is followed through (`const p = f(); const q = p; use(q)`, a parameter
 * of a function it is passed to): beyond that the first name's context is `value`. Also how many
 * plain functions a returned value is followed up through their callers: beyond that the callers
 * are out of sight, and the call is `handed-on` (handedOn).
 */
const MAX_HOPS = 3;

/** The consumer of `n`'s value: the first node up from it that is not a see-through wrapper. */
function consumer<N>(v: NodeView<N>, n: N): { cur: N; p: N | undefined } {
  let cur = n;
  for (;;) {
    const p = v.parent(cur);
    if (p === undefined) return { cur, p };
    const k = v.kind(p);
    const slot = v.slot(p, cur);
    if (
      k === "transparent" ||
      k === "logical" ||
      (k === "sequence" && slot === "last") ||
      (k === "conditional" && slot === "branch")
    ) {
      cur = p;
      continue;
    }
    return { cur, p };
  }
}

/**
 * A read of a local that holds a call's value, which is neither a promise use nor handed where
 * the build does not follow it (classify says those): `another` where it is the init of a
 * declarator — the build follows that name (localVerdict) —, else `value`.
 */
function readKind<N>(v: NodeView<N>, use: N): "value" | { another: N } {
  // Elements, properties and stores are the walk's (classify: containerUse, `unproven`).
  const { cur, p } = consumer(v, use);
  return p !== undefined && v.kind(p) === "declarator" && v.slot(p, cur) === "init"
    ? { another: p }
    : "value";
}

/**
 * What the code does with a local's value: uses it only as a promise, reads it, only parks it
 * out of the build's sight, or uses it both as a promise and as a value (`mixed`). A name the
 * value is handed to (`const alias = e`) counts as what the code does with that name, up to
 * MAX_HOPS names deep; beyond, or where that name is exported, the value is parked.
 */
function localVerdict<N>(
  v: NodeView<N>,
  local: { uses: readonly N[] },
  hops: number,
): "promise" | "value" | "escapes" | "mixed" | "handed" | "returned" {
  let promise = 0;
  // Reads handed on to callers out of sight (`const v = load(x); return v` in an exported
  // function): what they do with it is unknown, as for `return load(x)` itself (handedOn).
  let handed = 0;
  let escapes = false;
  let reads = false;
  for (const u of local.uses) {
    const got = classify(v, u, hops + 1);
    if (got.context === "awaited") {
      promise++;
      continue;
    }
    if (got.context === "handed-on") {
      handed++;
      continue;
    }
    // Handed where the build does not follow it (a container, a function of another module, a
    // keeping method): parked, as a store is (attack19 F2).
    if (got.unproven !== undefined) {
      escapes = true;
      continue;
    }
    const kind = readKind(v, u);
    if (kind === "value") {
      reads = true;
      continue;
    }
    // A name used only as a promise was counted above (classify followed it); one never read
    // drops the value.
    const next = hops + 1 < MAX_HOPS ? v.localUses?.(kind.another) : undefined;
    const verdict =
      next === undefined ? "escapes" : next.uses.length > 0 ? localVerdict(v, next, hops + 1) : "value";
    if (verdict === "mixed" || verdict === "returned") return verdict;
    if (verdict === "escapes" || next?.exported) escapes = true;
    else reads = true;
  }
  // Handed on and used as a promise here (`v.then(log); return v`): the promise, as written,
  // serves both. Handed on and read as a value here: the value, and SA208 says so (`returned`).
  if (handed > 0) {
    if (handed + promise < local.uses.length) return "returned";
    return promise > 0 ? "promise" : "handed";
  }
  if (promise > 0) return promise === local.uses.length ? "promise" : "mixed";
  return escapes && !reads ? "escapes" : "value";
}

/**
 * Why the build cannot tell whether the code wants a sync-code call's value or its promise, when
 * the call's value is kept under a name (SA208): the local is exported, or every read of it
 * parks it out of the build's sight (`this.pending = p`, `{ p }`) — `parked` —, or the code uses
 * it both as a promise and as a value — `mixed`. Undefined otherwise.
 */
export function heldUnclear<N>(
  v: NodeView<N>,
  call: N,
): { name: string; why: "parked" | "mixed" | "exported" | "returned" } | undefined {
  const { cur, p } = consumer(v, call);
  if (p === undefined || v.kind(p) !== "declarator" || v.slot(p, cur) !== "init") return undefined;
  const local = v.localUses?.(p);
  if (!local) return undefined;
  const verdict = localVerdict(v, local, 0);
  if (verdict === "mixed" || verdict === "returned") return { name: local.name, why: verdict };
  // An exported local is read by other modules, whatever this file does with it: what they do
  // with it is not looked at (the build of one file does not know its importers), so the
  // warning stays, worded for the export (`export const v = load()`: docs/semantics.md).
  if (local.exported && verdict !== "promise") return { name: local.name, why: "exported" };
  if (verdict === "escapes") return { name: local.name, why: "parked" };
  return undefined;
}

function classify<N>(v: NodeView<N>, call: N, hops: number): Walked {
  let cur = call;
  const here = (): CallContext => ({ context: "value", in: colourOf(v, call) });
  // A name the value is kept under (a local, or the parameter of a function it is passed to)
  // that the code uses as a promise (`p.then(…)`, `await p`, `Promise.allSettled([p])`): the
  // call keeps its promise, as written (adversarial finding 11; docs/semantics.md).
  // Only where the original call is in sync code: there a value use would become the sync
  // variant; in async code a value use keeps the promise already. On a hop, `call` is a use of
  // the name, and the colour around it does not matter (`const q = p` in an async callback
  // hands on the sync code's value: review-core finding 3).
  const heldAsPromise = (local: { uses: readonly N[] } | undefined): boolean =>
    local !== undefined &&
    local.uses.length > 0 &&
    hops < MAX_HOPS &&
    (hops > 0 || colourOf(v, call) === "sync") &&
    localVerdict(v, local, hops) === "promise";
  // Held as a promise only by `.then`/`.catch`/`.finally` calls on the name: `method` (F4).
  // A parameter of a function of the file that the value is handed to, not used only as a
  // promise: a value where its reads are, not proven where it only parks it, returns it to
  // callers out of sight or uses it both ways (attack19 F2).
  const paramFlow = (
    param: { name: string; uses: readonly N[] },
    lead = `handed to a function of this file whose parameter \`${param.name}\``,
  ): Walked => {
    if (param.uses.length === 0 || hops >= MAX_HOPS || (hops === 0 && colourOf(v, call) !== "sync"))
      return here();
    const verdict = localVerdict(v, param, hops);
    if (verdict === "value" || verdict === "promise") return here();
    const what =
      verdict === "mixed"
        ? "uses it both as a promise and as a value"
        : verdict === "escapes"
          ? "keeps it where the build does not follow it"
          : "returns it to callers the build does not see";
    return {
      ...here(),
      unproven: `${lead} ${what}`,
    };
  };
  const heldFor = (local: { uses: readonly N[] } | undefined): Walked => {
    const methods = local!.uses.every((u) => classify(v, u, hops + 1).method === true);
    return methods
      ? { context: "awaited", in: colourOf(v, call), method: true }
      : { context: "awaited", in: colourOf(v, call) };
  };
  for (;;) {
    const p = v.parent(cur);
    if (p === undefined) return here();
    const slot = v.slot(p, cur);
    switch (v.kind(p)) {
      case "transparent":
      case "logical":
        cur = p;
        continue;
      case "sequence":
        if (slot === "last") {
          cur = p;
          continue;
        }
        return { context: "discarded", in: colourOf(v, call) };
      case "conditional":
        if (slot === "branch") {
          cur = p;
          continue;
        }
        return here();
      case "await":
        return { context: "awaited", in: colourOf(v, call) };
      case "member": {
        const use = v.parent(p);
        const name = v.memberName(p);
        if (
          slot === "object" &&
          name !== undefined &&
          THEN_LIKE.has(name) &&
          use !== undefined &&
          v.kind(use) === "call" &&
          v.slot(use, p) === "callee"
        ) {
          return { context: "awaited", in: colourOf(v, call), method: true };
        }
        // `p.valueOf()`: a promise's `valueOf` is the promise itself (attack24 F14), a value's
        // the value — the same thing the call gives, used where `p` would be.
        if (
          slot === "object" &&
          name === "valueOf" &&
          use !== undefined &&
          v.kind(use) === "call" &&
          v.slot(use, p) === "callee" &&
          v.argumentAt?.(use, 0) === undefined
        ) {
          cur = use;
          continue;
        }
        // `items.concat(t)` is the same array with more elements: what is done with it is done
        // with `items`'s (attack 19, F12: `Promise.any(items.concat(t))`).
        if (
          slot === "object" &&
          name === "concat" &&
          use !== undefined &&
          v.kind(use) === "call" &&
          v.slot(use, p) === "callee"
        ) {
          cur = use;
          continue;
        }
        return here();
      }
      case "store":
        // `[...items, t]`: a spread into an array literal puts `items`'s elements there, so the
        // literal's use is theirs (attack 19, F12: `Promise.race([...items, t])`).
        if (v.isSpread?.(p)) {
          const arr = v.parent(p);
          if (arr !== undefined && v.kind(arr) === "array") {
            cur = p;
            continue;
          }
          // `f(...s)`, `{ ...s }` read it at once.
          return here();
        }
        // `{ p: f() }`: what is read back from the object (attack19 F2: `{ p: f() }.p` raced).
        if (slot === "element") {
          const obj = v.parent(p);
          if (obj === undefined) return here();
          // `{ ready: f(), whenReady() { return this.ready } }`: the object's own method reads it
          // back through `this`, which the walk does not follow (attack24 F14).
          if (v.hasOwnMethods?.(obj))
            return {
              ...here(),
              unproven:
                "put in an object whose own methods may read it through `this`, which the build does not follow",
            };
          return containerUse(v, obj, hops, call, v.propertyKey?.(p) ?? COMPUTED);
        }
        // `function f(v = g())`: the parameter's reads, as a local's.
        if (v.defaultUses !== undefined) {
          const param = v.defaultUses(p);
          if (param !== undefined) {
            if (heldAsPromise(param)) return heldFor(param);
            return paramFlow(param, `the default value of a parameter \`${param.name}\` that`);
          }
        }
        // An assignment, a field, an export: read later, out of the walk's sight.
        return { ...here(), unproven: "stored where other code reads it later, out of the build's sight" };
      case "array": {
        const arr = outermost(v, p);
        const use = v.parent(arr);
        if (
          slot === "element" &&
          use !== undefined &&
          v.kind(use) === "call" &&
          v.slot(use, arr) === "argument" &&
          v.argIndex(use, arr) === 0 &&
          isPromiseStatic(v, use, COMBINATORS)
        ) {
          return { context: "awaited", in: colourOf(v, call) };
        }
        return slot === "element" ? containerUse(v, p, hops, call) : here();
      }
      case "call":
        // `t.concat(items)` holds `items`'s elements too (an array argument is spread into it).
        if (
          slot === "argument" &&
          v.kind(v.callee(p)) === "member" &&
          v.memberName(v.callee(p)) === "concat"
        ) {
          cur = p;
          continue;
        }
        // `Object.freeze([f(), t])`, `Object.values({ a: f() })`, `Object(f())`: a global that
        // hands its argument (or its values) back in what it returns (attack21 F1).
        if (slot === "argument" && v.argIndex(p, cur) === 0 && handsBack(v, p)) {
          cur = p;
          continue;
        }
        // `Promise.prototype.finally.call(f(), …)`: `.finally` on the call's promise, never a
        // value's own method (no `method`: a sync callee's value fails there in the plain
        // program too).
        if (slot === "argument" && v.argIndex(p, cur) === 0 && isPromiseMethodCall(v, p))
          return { context: "awaited", in: colourOf(v, call) };
        if (slot === "argument" && promiseStaticArg(v, p, v.argIndex(p, cur), PROMISE_STATICS)) {
          return { context: "awaited", in: colourOf(v, call) };
        }
        // `new Promise((resolve) => resolve(f()))`: the executor's `resolve` adopts a promise.
        if (slot === "argument" && v.argIndex(p, cur) === 0 && v.resolvesPromise?.(p))
          return { context: "awaited", in: colourOf(v, call) };
        if (slot === "argument") {
          // `Array.of(f(), t)`: an array holding it.
          if (isArrayOf(v, p)) return containerUse(v, p, hops, call);
          // `out.push(f())` where `const out = []`: an element of that array, read where `out` is.
          const callee = v.callee(p);
          const into =
            v.kind(callee) === "member" && ADDS_ELEMENT.has(v.memberName(callee) ?? "")
              ? v.localArray?.(v.memberObject(callee))
              : undefined;
          if (into !== undefined) return containerUse(v, into, hops, call);
          const param = v.parameterUses?.(p, v.argIndex(p, cur));
          if (param !== undefined) {
            if (heldAsPromise(param)) return heldFor(param);
            return paramFlow(param);
          }
          // A smartasync callee's parameter is the promise-argument rule's (SA109, SA211).
          if (v.isSmartasyncCall?.(p)) return here();
          // `gen.next(f())`: a generator's `next(x)` makes `x` the value of the `yield` it stopped
          // at, code the build does not follow (attack24 F11); any `next` may be one.
          if (v.kind(callee) === "member" && v.memberName(callee) === "next")
            return {
              ...here(),
              unproven:
                "handed to `.next(…)`, which may give it to a generator's `yield`, code the build does not follow",
            };
          const why = v.argumentReader?.(p, v.argIndex(p, cur));
          return why === undefined ? here() : { ...here(), unproven: why };
        }
        return here();
      case "tagged": {
        // `` tag`${f()}` ``: substitution i is the tag's argument i + 1, followed as a call's
        // argument is (attack24 F13, fixture diagnostics/sa210-tagged-template-tag). A smartasync
        // tag is not the promise-argument rule's (it reads calls' arguments): not proven.
        const tagged = v.parent(p);
        if (tagged === undefined) return here();
        const index = v.argIndex(p, cur) + 1;
        const param = v.parameterUses?.(tagged, index);
        if (param !== undefined) {
          if (heldAsPromise(param)) return heldFor(param);
          return paramFlow(param);
        }
        const why = v.argumentReader?.(tagged, index);
        return why === undefined ? here() : { ...here(), unproven: why };
      }
      case "new": {
        if (slot !== "argument") return here();
        const why = v.argumentReader?.(p, v.argIndex(p, cur));
        return why === undefined ? here() : { ...here(), unproven: why };
      }
      case "declarator": {
        // `const { then } = f()`: a promise's own member, taken as the promise's (a value has
        // none: the program would print `undefined` where it printed a function).
        if (slot === "init" && v.takesPromiseMember?.(p))
          return { ...here(), unproven: "destructured for a promise's own `then`, `catch` or `finally`" };
        const local = slot === "init" ? v.localUses?.(p) : undefined;
        if (heldAsPromise(local)) return heldFor(local);
        // `let task = f(); if (ms) task = Promise.race([task, t])`: a name the code assigns
        // again holds the call's value until then, and every read of it may see it. Its reads
        // decide as a `const`'s do where each is a promise use, or each a read of the value;
        // anything else is not proven (attack24 F10: read as a plain value, `f()` lost the race).
        if (
          local === undefined &&
          slot === "init" &&
          hops < MAX_HOPS &&
          (hops > 0 || colourOf(v, call) === "sync")
        ) {
          const again = v.reassignedUses?.(p);
          if (again !== undefined) {
            const verdict = again.exported
              ? "exported"
              : again.uses.length === 0
                ? "value"
                : localVerdict(v, again, hops);
            if (verdict === "promise") return heldFor(again);
            if (verdict !== "value")
              return {
                ...here(),
                unproven: `kept in \`${again.name}\`, a name the code assigns again, which the build does not follow`,
              };
          }
        }
        // Only handed on to callers out of sight: as written, as `return f()` (r4a's noted gap).
        if (
          local !== undefined &&
          local.uses.length > 0 &&
          hops < MAX_HOPS &&
          colourOf(v, call) === "sync" &&
          localVerdict(v, local, hops) === "handed"
        )
          return { context: "handed-on", in: "sync" };
        return here();
      }
      case "expression-statement":
        return { context: "discarded", in: colourOf(v, call) };
      case "void":
        // `void f()` starts a call on purpose and drops its promise: the call stays as written,
        // in sync code too (the way out SA207 names; fixture strategies/void-operator).
        return { context: "started", in: colourOf(v, call) };
      case "return": {
        const fn = v.enclosingFunction(p);
        return fn === undefined ? here() : returnedFrom(v, fn, hops);
      }
      case "function":
        return slot === "concise-body" ? returnedFrom(v, p, hops) : here();
      default:
        return here();
    }
  }
}

/** The key of an object literal's computed property: never read back by a static name. */
const COMPUTED = "\u0000computed";

/** `Array.of(…)`: an array of its arguments. */
function isArrayOf<N>(v: NodeView<N>, call: N): boolean {
  const callee = v.callee(call);
  return (
    v.kind(callee) === "member" &&
    v.memberName(callee) === "of" &&
    v.isGlobal(v.memberObject(callee), "Array")
  );
}

/** Array methods whose result holds (some of) the elements of the array they are called on. */
const SAME_ELEMENTS = new Set([
  "concat",
  "filter",
  "slice",
  "reverse",
  "toReversed",
  "sort",
  "toSorted",
  "flat",
]);
/** Array methods that add elements and read none: `out.push(f())` makes `f()` an element of `out`. */
const ADDS_ELEMENT = new Set(["push", "unshift"]);
/** Array methods whose callback gets each element as its first parameter. */
const ELEMENT_CALLBACKS = new Set([
  "forEach",
  "map",
  "flatMap",
  "filter",
  "find",
  "findLast",
  "findIndex",
  "findLastIndex",
  "some",
  "every",
]);
/** Of those, the ones that hand the elements to a callback. */
const TAKES_CALLBACK = new Set(["filter", "sort", "toSorted"]);
/** Array methods that return one of its elements. */
const AN_ELEMENT = new Set(["at", "pop", "shift"]);
/** Array reads that read the elements as values: a string made of them. */
const READS_ELEMENTS = new Set(["join", "toString", "toLocaleString"]);
/** Array reads that use no element at all: a length, a search by identity. */
const NO_ELEMENT = new Set(["length", "includes", "indexOf", "lastIndexOf", "keys"]);

/** How a member key reads in a message: `.values`, or `[Symbol.iterator]` for a well-known symbol. */
function shownKey(name: string): string {
  return name.startsWith("@@") ? `[Symbol.${name.slice(2)}]` : `.${name}`;
}

/** `origin` sits in the literal `container` itself, through literals only (not a name read back). */
function literalHolds<N>(v: NodeView<N>, container: N, origin: N): boolean {
  let n = v.parent(origin);
  for (let steps = 0; n !== undefined && steps < 16; steps++, n = v.parent(n)) {
    if (n === container) return true;
    const k = v.kind(n);
    if (
      k === "call" ||
      k === "new" ||
      k === "function" ||
      k === "declarator" ||
      k === "return" ||
      k === "program"
    )
      return false;
  }
  return false;
}

/**
 * Where a container that holds a sync-code call's value takes it: `container` is an array
 * literal (or `Array.of(…)`, the result of `concat`/`filter`…) that holds it as an element, or an
 * object literal that holds it under `key`. Followed exactly where that is cheap (attack19 F2):
 * the container given to `Promise.*` (also by `.call`, `.apply`, `Reflect.apply`) is a promise
 * use; one kept in a `const` is followed through each read of the name; an element read back
 * (`[f()][0]`, `{ p: f() }.p`, `xs.at(0)`) is walked as the value; `concat`, `filter`, a spread
 * into another array literal hold it still. Anything else that may reach the element — a
 * function of another module, a class, a `Map`/`Set`, a nested container, a loop, a return — is
 * not proven (`unproven`), and an operand or a read of another property reads no element.
 */
function containerUse<N>(v: NodeView<N>, container: N, hops: number, origin: N, key?: string): Walked {
  const value: Walked = { context: "value", in: colourOf(v, origin) };
  // A use that reads no element (`out.push(x)`, `xs.length`): neither a promise use nor a value's.
  const inert: Walked = { ...value, inert: true };
  const unproven = (why: string): Walked => ({ ...value, unproven: why });
  const awaited: Walked = { context: "awaited", in: value.in };
  const what = key === undefined ? "an array" : "an object";
  const { cur, p } = consumer(v, container);
  if (p === undefined) return value;
  const slot = v.slot(p, cur);
  switch (v.kind(p)) {
    case "call": {
      if (slot !== "argument") return value;
      const i = v.argIndex(p, cur);
      if (key === undefined && promiseStaticArg(v, p, i, COMBINATORS)) return awaited;
      if (promiseStaticApplied(v, p, i)) return awaited;
      const callee = v.callee(p);
      // `[t].concat(xs)` holds the elements of `xs`; `Array.from(xs)` is a copy.
      if (
        key === undefined &&
        v.kind(callee) === "member" &&
        (v.memberName(callee) === "concat" ||
          (v.memberName(callee) === "from" &&
            i === 0 &&
            v.argumentAt?.(p, 1) === undefined &&
            v.isGlobal(v.memberObject(callee), "Array")))
      )
        return containerUse(v, p, hops, origin);
      // `Object.freeze([f(), t])` is the same array; `Object.values({ a: f() })` an array of the
      // object's values (attack21 F1).
      if (i === 0 && handsBack(v, p)) {
        const values = v.kind(callee) === "member" && v.memberName(callee) === "values";
        if (!values) return containerUse(v, p, hops, origin, key);
        if (key !== undefined) return containerUse(v, p, hops, origin);
      }
      const param = v.parameterUses?.(p, i);
      if (param !== undefined) {
        if (hops >= MAX_HOPS) return unproven(`put in ${what} handed to a function followed no further`);
        return combineUses(
          param.uses.map((u) => containerUse(v, u, hops + 1, origin, key)),
          value,
        );
      }
      // A literal written in the call itself is the promise-argument rule's (call-argument.ts:
      // each part read against the parameter's uses, SA109/SA211): one rule, one warning
      // (fixture diagnostics/sa211-destructured-parameter). A container reached by a name is not.
      if (v.isSmartasyncCall?.(p))
        return literalHolds(v, container, origin)
          ? value
          : unproven(
              `put in ${what} handed to a smartasync function, which the build does not follow into its elements`,
            );
      // `Array.from(xs, (x) => …)` is `xs.map(…)`: the mapper's parameter is each element, and
      // what it returns the walk follows from its `return` (returnedFrom).
      if (
        key === undefined &&
        i === 0 &&
        v.kind(callee) === "member" &&
        v.memberName(callee) === "from" &&
        v.isGlobal(v.memberObject(callee), "Array")
      ) {
        const each = v.callbackParamUses?.(p, 1, 0);
        if (each !== undefined && hops < MAX_HOPS)
          return combineUses(
            each.map((u) => classify(v, u, hops + 1)),
            value,
          );
      }
      return handedToUnfollowed(v, p, i, what, value);
    }
    case "new":
      return slot === "argument" ? handedToUnfollowed(v, p, v.argIndex(p, cur), what, value) : value;
    case "member": {
      if (slot !== "object") return value;
      // A computed key the source fixes is that name (`xs[k]`, `k` a `const` string), a
      // well-known symbol `@@iterator` (`xs[Symbol.iterator]()`: attack21 F1, read as an index
      // it let the iterator of the elements be raced), a number `null`.
      const fixed = v.memberKey ? v.memberKey(p) : v.memberName(p);
      const name = fixed ?? undefined;
      const use = v.parent(p);
      const called = use !== undefined && v.kind(use) === "call" && v.slot(use, p) === "callee";
      if (key !== undefined) {
        if (name === key) return classify(v, p, hops);
        return fixed === undefined ? unproven("put in an object read by a computed key") : inert;
      }
      // `xs[0]`, `xs[i]`: may be the element. A method picked by a key the source does not fix
      // (`xs[k]()`) may be any of them: not proven.
      if (name === undefined) {
        if (called && fixed === undefined)
          return unproven(
            "put in an array whose method is picked by a computed key, which the build does not follow",
          );
        return classify(v, p, hops);
      }
      if (!called)
        return NO_ELEMENT.has(name)
          ? inert
          : unproven(`put in an array whose \`${shownKey(name).replace(/^\./, "")}\` is read`);
      if (AN_ELEMENT.has(name)) return classify(v, use, hops);
      if (NO_ELEMENT.has(name) || ADDS_ELEMENT.has(name)) return inert;
      if (READS_ELEMENTS.has(name)) return value;
      // `xs.forEach((x) => …)`, `xs.map((x) => …)`: the callback's parameter is each element,
      // followed as a local (what `map` returns from it, the walk follows from its `return`).
      const each = ELEMENT_CALLBACKS.has(name) ? v.callbackParamUses?.(use, 0, 0) : undefined;
      if (each !== undefined) {
        if (hops >= MAX_HOPS)
          return unproven(`put in an array handed to \`.${name}(…)\`, followed no further`);
        const got = each.map((u) => classify(v, u, hops + 1));
        // The callback's third parameter is the array itself (`(x, i, all) => … all[i]`):
        // followed as the array where it is a plain name, else not proven.
        const arity = v.callbackArity?.(use, 0) ?? 0;
        if (arity >= 3) {
          const whole = arity === Number.POSITIVE_INFINITY ? undefined : v.callbackParamUses?.(use, 0, 2);
          if (whole === undefined)
            return unproven(
              `put in an array handed to \`.${name}(…)\`, whose callback gets the array itself`,
            );
          got.push(...whole.map((u) => containerUse(v, u, hops + 1, origin)));
        }
        // `filter` and `find` give elements back too.
        if (name === "filter") got.push(containerUse(v, use, hops, origin));
        if (name === "find" || name === "findLast") got.push(classify(v, use, hops));
        return combineUses(got, value);
      }
      // `xs.filter(Boolean)`: a callback the build knows (a global) sees the elements.
      if (SAME_ELEMENTS.has(name) && (!TAKES_CALLBACK.has(name) || globalArgs(v, use)))
        return containerUse(v, use, hops, origin);
      // `xs.map(String)`, `xs.some(Boolean)`: such a global reads each element as a value and
      // gives none back (fixture typescript/annotated-unknown-return-type).
      if (ELEMENT_CALLBACKS.has(name) && !GIVES_ELEMENTS.has(name) && globalArgs(v, use)) return value;
      return unproven(`put in an array handed to \`${shownKey(name)}(…)\`, which the build does not follow`);
    }
    case "array":
      // `[[f(), t]]` as the arguments `Reflect.apply(Promise.race, Promise, …)` applies.
      {
        const outer = consumer(v, p);
        if (
          outer.p !== undefined &&
          v.kind(outer.p) === "call" &&
          v.slot(outer.p, outer.cur) === "argument" &&
          promiseStaticApplied(v, outer.p, v.argIndex(outer.p, outer.cur))
        )
          return awaited;
      }
      return unproven(`put in ${what} inside another array, which the build does not follow`);
    case "store":
      // `[t, ...xs]` holds the elements of `xs`.
      if (key === undefined && v.isSpread?.(p)) {
        const arr = v.parent(p);
        if (arr !== undefined && v.kind(arr) === "array") return containerUse(v, arr, hops, origin);
        // `console.log(...xs)`: a reader of values gets each element (a function of the file or a
        // smartasync function is not followed through a spread).
        const why =
          arr !== undefined && (v.kind(arr) === "call" || v.kind(arr) === "new") && !v.isSmartasyncCall?.(arr)
            ? v.parameterUses?.(arr, v.argIndex(arr, p)) === undefined
              ? v.argumentReader?.(arr, v.argIndex(arr, p))
              : "handed to a function of the file through a spread, which the build does not follow"
            : "handed to a call the build does not follow through a spread";
        return why === undefined ? value : unproven(`put in an array spread into a call's arguments: ${why}`);
      }
      if (v.isSpread?.(p))
        return unproven("put in an object spread into another, which the build does not follow");
      return unproven(`put in ${what} stored where other code reads it later, out of the build's sight`);
    case "declarator": {
      if (slot !== "init") return value;
      // `const [a, b] = xs`: each name is an element.
      const names = key === undefined ? v.patternUses?.(p) : undefined;
      if (names !== undefined) {
        if (hops >= MAX_HOPS) return unproven(`put in ${what} followed no further`);
        return combineUses(
          names.map((u) => classify(v, u, hops + 1)),
          value,
        );
      }
      const local = v.localUses?.(p);
      if (local === undefined || local.exported || hops >= MAX_HOPS)
        return unproven(`put in ${what} kept where the build does not follow it`);
      return combineUses(
        local.uses.map((u) => containerUse(v, u, hops + 1, origin, key)),
        value,
      );
    }
    case "iterate":
      return unproven(`put in ${what} whose elements a loop reads, which the build does not follow`);
    case "return":
    case "function": {
      if (v.kind(p) === "function" && slot !== "concise-body") return value;
      const fn = v.kind(p) === "function" ? p : v.enclosingFunction(p);
      // `xs.flatMap((x) => [f(x)])`: the elements go into what `flatMap` returns.
      if (fn !== undefined && !v.isAsyncFunction(fn)) {
        const at = consumer(v, fn);
        const callee = at.p !== undefined && v.kind(at.p) === "call" ? v.callee(at.p) : undefined;
        if (
          callee !== undefined &&
          v.slot(at.p!, at.cur) === "argument" &&
          v.argIndex(at.p!, at.cur) === 0 &&
          v.kind(callee) === "member" &&
          v.memberName(callee) === "flatMap"
        )
          return containerUse(v, at.p!, hops, origin);
      }
      if (fn === undefined || v.isAsyncFunction(fn))
        return unproven(`put in ${what} returned to callers the build does not follow`);
      // Returned by a plain function whose every caller the build sees: where each caller puts it.
      const callers = v.functionCalls?.(fn);
      if (callers?.complete && hops < MAX_HOPS && callers.calls.length > 0)
        return combineUses(
          callers.calls.map((c) => containerUse(v, c, hops + 1, origin, key)),
          value,
        );
      // Callers out of sight (an exported function, a method, a function value stored or
      // passed): the container is handed on as `return f()` is — the calls in it as written
      // (`handed-on`), or the values where a declared return type says so — one rule (handedOn).
      return handedOn(v, fn, hops);
    }
    case "await":
      return unproven(`put in ${what} that is awaited (an \`await\` does not wait for its elements)`);
    default:
      // An operand, a template, a test: reads no element.
      return value;
  }
}

/**
 * A container handed as argument `i` of a call or `new` the walk does not follow: not proven
 * where the callee keeps or may race what it is given (`argumentReader`), and where it is a
 * global not proven to only read the elements (keepers.ts `readsElements`: `Object.values(xs)`,
 * `Reflect.get(xs, 0)`, `Iterator.from(xs)` give them back; attack21 F1). A list of proven
 * readers, so a global the list does not name is never taken for one.
 */
function handedToUnfollowed<N>(v: NodeView<N>, call: N, i: number, what: string, value: Walked): Walked {
  const why = v.argumentReader?.(call, i);
  if (why !== undefined) return { ...value, unproven: `put in ${what} ${why}` };
  const g = v.globalCallee?.(call);
  if (g === undefined || readsElements(g)) return value;
  return {
    ...value,
    unproven: `put in ${what} handed to \`${g.replace(/@@(\w+)/g, "[Symbol.$1]")}(…)\`, a global not known to only read its elements, which may give them back`,
  };
}

/** Whether every argument of `call` is a global's name (`filter(Boolean)`), or there is none. */
function globalArgs<N>(v: NodeView<N>, call: N): boolean {
  if (v.argumentAt === undefined) return false;
  for (let i = 0; ; i++) {
    const a = v.argumentAt(call, i);
    if (a === undefined) return true;
    if (!GLOBAL_CALLBACKS.some((g) => v.isGlobal(a, g))) return false;
  }
}

/** Of the element callbacks, those whose result holds elements themselves. */
const GIVES_ELEMENTS = new Set(["filter", "find", "findLast"]);

/** Globals a container's method may be given that read no element as a promise. */
const GLOBAL_CALLBACKS = ["Boolean", "String", "Number"];

/**
 * The uses of a container held in several places as one: a promise use where every one is,
 * handed on where every one is, not proven where one is not (or where it is both a promise and
 * read as a value, or handed on beside other uses), else a value.
 */
function combineUses(all: readonly Walked[], value: Walked): Walked {
  const uses = all.filter((u) => !u.inert);
  if (uses.length === 0) return value;
  // Every use a promise use, or every one handed on to callers out of sight (`const xs = [f()];
  // return xs` in an exported function, as `return [f()]`): that context, as written.
  if (uses.every((u) => u.context === "awaited") || uses.every((u) => u.context === "handed-on"))
    return uses[0]!;
  const not = uses.find((u) => u.unproven !== undefined);
  if (not) return { ...value, unproven: not.unproven };
  if (uses.some((u) => u.context === "awaited"))
    return { ...value, unproven: "put in a container used both as a promise and as a value" };
  const out = uses.find((u) => u.context === "handed-on" || u.context === "unknown");
  return out
    ? { ...value, unproven: "put in a container whose element leaves to code the build does not see" }
    : value;
}

/**
 * Why a sync-code call's value is not proven a value use, where it is taken as one (`value`),
 * not kept under a name (heldUnclear says that) and not handed to a smartasync function's
 * parameter (the promise-argument rule says that): it flows where the build does not follow it
 * (SA210, attack19 F2). Undefined where every use is proven.
 */
export function flowUnproven<N>(v: NodeView<N>, call: N): string | undefined {
  const got = classify(v, call, 0);
  return got.context === "value" ? got.unproven : undefined;
}
