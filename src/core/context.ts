import type { NodeView } from "./node-view.js";

/** DESIGN §3.2: what the code around a call does with its value. */
export type Context = "awaited" | "value" | "discarded" | "started" | "unknown";
export type Colour = "sync" | "async";

export interface CallContext {
  context: Context;
  /** Colour of the code the call's value flows into (the enclosing function, module = sync). */
  in: Colour;
}

const THEN_LIKE = new Set(["then", "catch", "finally"]);
const COMBINATORS = new Set(["all", "allSettled", "race", "any"]);

/**
 * Synchronous array methods whose callback's return value flows into the array call itself:
 * `await Promise.all(xs.map(x => f(x)))` is awaited, `const ys = xs.map(x => f(x))` in sync
 * code is a value (fixtures contexts/array-callback-*).
 */
export const SYNC_ARRAY_METHODS = new Set([
  "map",
  "flatMap",
  "filter",
  "find",
  "findIndex",
  "findLast",
  "findLastIndex",
  "some",
  "every",
  "reduce",
  "reduceRight",
  "forEach",
  "sort",
  "toSorted",
]);

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

/** Skips transparent wrappers upwards; returns the outermost wrapper of `n`. */
function outermost<N>(v: NodeView<N>, n: N): N {
  let cur = n;
  for (let p = v.parent(cur); p !== undefined && v.kind(p) === "transparent"; p = v.parent(cur)) cur = p;
  return cur;
}

/** Context of a value returned from `fn` (a `return` in it, or its concise arrow body). */
function returnedFrom<N>(v: NodeView<N>, fn: N): CallContext {
  if (v.isAsyncFunction(fn)) return { context: "awaited", in: "async" };
  const self = outermost(v, fn);
  const p = v.parent(self);
  if (p !== undefined && (v.kind(p) === "call" || v.kind(p) === "new")) {
    const slot = v.slot(p, self);
    if (slot === "callee" && v.kind(p) === "call") return classifyCall(v, p); // IIFE
    if (slot === "argument") {
      const callee = v.callee(p);
      const index = v.argIndex(p, self);
      if (v.kind(p) === "call" && v.kind(callee) === "member") {
        const name = v.memberName(callee);
        const fromArray = name === "from" && index === 1 && v.isGlobal(v.memberObject(callee), "Array");
        if ((name !== undefined && SYNC_ARRAY_METHODS.has(name) && index === 0) || fromArray) {
          return classifyCall(v, p);
        }
      }
      return { context: "unknown", in: "sync" };
    }
  }
  return { context: "value", in: "sync" };
}

/**
 * Walks up from `call` through transparent wrappers to the consumer of its value and reports
 * the context and the colour of the code around it (DESIGN §3.2, first match wins).
 */
export function classifyCall<N>(v: NodeView<N>, call: N): CallContext {
  let cur = call;
  const here = (): CallContext => ({ context: "value", in: colourOf(v, call) });
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
          return { context: "awaited", in: colourOf(v, call) };
        }
        return here();
      }
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
        if (
          slot === "argument" &&
          v.argIndex(p, cur) === 0 &&
          (isPromiseStatic(v, p, COMBINATORS) || isPromiseStatic(v, p, RESOLVE))
        ) {
          return { context: "awaited", in: colourOf(v, call) };
        }
        return here();
      case "expression-statement":
        return { context: "discarded", in: colourOf(v, call) };
      case "void":
        // `void f()` starts a call on purpose and drops its promise: the call stays as written,
        // in sync code too (the way out SA207 names; fixture strategies/void-operator).
        return { context: "started", in: colourOf(v, call) };
      case "return": {
        const fn = v.enclosingFunction(p);
        return fn === undefined ? here() : returnedFrom(v, fn);
      }
      case "function":
        return slot === "concise-body" ? returnedFrom(v, p) : here();
      default:
        return here();
    }
  }
}
