/*
 * What a call does with the values it is given, where the build does not look into the callee:
 * the one list both halves of the promise rules read — a smartasync function's parameter handed
 * on (param-uses.ts, SA211) and sync code's own call handed on (view.ts `argumentReader`, SA208,
 * SA210). It imports only a leaf (typed-arrays.ts): view.ts and param-uses.ts both read it
 * without an import cycle.
 */

import { TYPED_ARRAYS } from "./typed-arrays.js";

/**
 * Globals that keep the arguments they are given to call a function with them later
 * (`setTimeout(f, 0, p)`): the value escapes there, not read. Name → the first argument kept
 * (`setTimeout(f, ms, …args)`: `ms` is read at once).
 */
export const SCHEDULERS: ReadonlyMap<string, number> = new Map([
  ["setTimeout", 2],
  ["setInterval", 2],
  ["setImmediate", 1],
]);

/**
 * Methods that keep their argument, or hand it to code that may race it (`list.push(p)`,
 * `[t].concat(p)`, `map.set(k, p)`, `emitter.emit("x", p)`, `f.call(null, p)`): what the
 * container's later readers do with it is not followed (attack19 F1, F2).
 */
export const KEEPERS: ReadonlySet<string> = new Set([
  "push",
  "unshift",
  "splice",
  "concat",
  "fill",
  "set",
  "add",
  "emit",
  "call",
  "apply",
  "bind",
  "nextTick",
  "assign",
  "defineProperty",
  "resolve",
  "reject",
]);

/**
 * Global constructors (and `Array(…)`, `Array.of`-like calls are the walk's own) whose object
 * keeps what it is given: `new Set([p])`, `new Map([["k", p]])` hold the value for later readers
 * the build does not follow (attack19 F2).
 */
export const CONTAINER_CLASSES: ReadonlySet<string> = new Set([
  "Set",
  "Map",
  "WeakSet",
  "WeakMap",
  "WeakRef",
  "Array",
  "Promise",
  "Proxy",
]);

/**
 * The globals proven to read an array's elements (or an object's values) as values, or not at
 * all, and to give none of them back: the only globals a container holding sync code's call may
 * be handed to without SA210 (attack21 F1). A global is otherwise not proven: `Object.values(xs)`,
 * `Object.entries`, `Object.groupBy`, `Reflect.get(xs, 0)`, `Iterator.from(xs)`,
 * `Array.from(xs, f)` give the elements back (one raced, the plain program's promise became the
 * value). A dotted path from the global (view.ts `globalPath`); `Math.*` stands for every member.
 */
const ELEMENT_READERS: ReadonlySet<string> = new Set([
  "String",
  "Number",
  "Boolean",
  "BigInt",
  "Symbol",
  "isNaN",
  "isFinite",
  "parseInt",
  "parseFloat",
  "encodeURI",
  "encodeURIComponent",
  "decodeURI",
  "decodeURIComponent",
  "structuredClone",
  "JSON.*",
  "console.*",
  "Math.*",
  "Array.isArray",
  "Object.keys",
  "Object.getOwnPropertyNames",
  "Object.getOwnPropertySymbols",
  "Object.is",
  "Object.isFrozen",
  "Object.isSealed",
  "Object.isExtensible",
  "Object.hasOwn",
  "Reflect.ownKeys",
  "Reflect.has",
  "Number.*",
  "Buffer.from",
  "Buffer.concat",
  "Buffer.byteLength",
  "Buffer.isBuffer",
  "Date",
  "Error",
  "TypeError",
  "RangeError",
  "SyntaxError",
  "URL",
  "URLSearchParams",
  "RegExp",
  // A Blob (and a File, one) converts its parts at once, each a buffer, a Blob or a string
  // (a promise is read as "[object Promise]"), and gives none back (File API, the `Blob`
  // constructor's "process blob parts").
  "Blob",
  "File",
  ...TYPED_ARRAYS,
]);

/** Whether the global at `path` (`Object.keys`, `JSON.stringify`) is one of `ELEMENT_READERS`. */
export function readsElements(path: string): boolean {
  if (ELEMENT_READERS.has(path)) return true;
  const dot = path.indexOf(".");
  return dot > 0 && path.indexOf(".", dot + 1) === -1 && ELEMENT_READERS.has(`${path.slice(0, dot)}.*`);
}
