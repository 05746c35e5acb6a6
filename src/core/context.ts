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
  const callee = v.callee(call);
  if (v.kind(callee) !== "member") return false;
  const name = v.memberName(callee);
  return name !== undefined && names.has(name) && v.isGlobal(v.memberObject(callee), "Promise");
}

const RESOLVE = new Set(["resolve"]);

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

/** A context, with why a value returned by a plain function was taken as a value (SA209). */
type Walked = CallContext & { handedOn?: HandedOn };

/** Context of a value returned from `fn` (a `return` in it, or its concise arrow body). */
function returnedFrom<N>(v: NodeView<N>, fn: N, hops: number): Walked {
  if (v.isAsyncFunction(fn)) return { context: "awaited", in: "async" };
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
        if ((name !== undefined && SYNC_ARRAY_METHODS.has(name) && index === 0) || fromArray) {
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
 * A read of a local that holds a call's value, which is not a promise use: `escapes` where the
 * value is parked where other code reads it later, out of the build's sight (an object's
 * property, an element, an assignment, an export); `value` for every other read — an operand,
 * a member, an argument, a spread (`f(...s)`, `[...s]` read it at once), a `return`, which are
 * `value` uses written at the call too. `another` is the init of a declarator: the build
 * follows that name (localVerdict).
 */
function readKind<N>(v: NodeView<N>, use: N): "value" | "escapes" | { another: N } {
  const { cur, p } = consumer(v, use);
  if (p === undefined) return "value";
  switch (v.kind(p)) {
    case "array":
      // An element is parked where the array is (`return [a, b]` is a value use).
      return readKind(v, p);
    case "store":
      return v.isSpread?.(p) ? "value" : "escapes";
    case "declarator":
      return v.slot(p, cur) === "init" ? { another: p } : "value";
    default:
      return "value";
  }
}

/**
 * What the code does with a local's value: uses it only as a promise, reads it, only parks it
 * out of the build's sight, or uses it both as a promise and as a value (`mixed`). A name the
 * value is handed to (`const alias = e`) counts as what the code does with that name, up to
 * MAX_HOPS names deep; beyond, or where that name is exported, the value is parked.
 */
function localVerdict<N>(
  v: NodeView<N>,
  local: { uses: N[] },
  hops: number,
): "promise" | "value" | "escapes" | "mixed" | "handed" | "returned" {
  let promise = 0;
  // Reads handed on to callers out of sight (`const v = load(x); return v` in an exported
  // function): what they do with it is unknown, as for `return load(x)` itself (handedOn).
  let handed = 0;
  let escapes = false;
  let reads = false;
  for (const u of local.uses) {
    const got = classify(v, u, hops + 1).context;
    if (got === "awaited") {
      promise++;
      continue;
    }
    if (got === "handed-on") {
      handed++;
      continue;
    }
    const kind = readKind(v, u);
    if (typeof kind === "string") {
      if (kind === "escapes") escapes = true;
      else reads = true;
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
  const heldAsPromise = (local: { uses: N[] } | undefined): boolean =>
    local !== undefined &&
    local.uses.length > 0 &&
    hops < MAX_HOPS &&
    (hops > 0 || colourOf(v, call) === "sync") &&
    localVerdict(v, local, hops) === "promise";
  // Held as a promise only by `.then`/`.catch`/`.finally` calls on the name: `method` (F4).
  const heldFor = (local: { uses: N[] } | undefined): Walked => {
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
        }
        return here();
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
        return here();
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
        // `Promise.prototype.finally.call(f(), …)`: `.finally` on the call's promise, never a
        // value's own method (no `method`: a sync callee's value fails there in the plain
        // program too).
        if (slot === "argument" && v.argIndex(p, cur) === 0 && isPromiseMethodCall(v, p))
          return { context: "awaited", in: colourOf(v, call) };
        if (
          slot === "argument" &&
          v.argIndex(p, cur) === 0 &&
          (isPromiseStatic(v, p, COMBINATORS) || isPromiseStatic(v, p, RESOLVE))
        ) {
          return { context: "awaited", in: colourOf(v, call) };
        }
        // `new Promise((resolve) => resolve(f()))`: the executor's `resolve` adopts a promise.
        if (slot === "argument" && v.argIndex(p, cur) === 0 && v.resolvesPromise?.(p))
          return { context: "awaited", in: colourOf(v, call) };
        if (slot === "argument") {
          const param = v.parameterUses?.(p, v.argIndex(p, cur));
          if (heldAsPromise(param)) return heldFor(param);
        }
        return here();
      case "declarator": {
        const local = slot === "init" ? v.localUses?.(p) : undefined;
        if (heldAsPromise(local)) return heldFor(local);
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
