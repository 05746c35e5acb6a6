/*
 * What a call does with the values it is given, where the build does not look into the callee:
 * the one list both halves of the promise rules read — a smartasync function's parameter handed
 * on (param-uses.ts, SA211) and sync code's own call handed on (view.ts `argumentReader`, SA208,
 * SA210). No imports: view.ts and param-uses.ts both read it without an import cycle.
 */

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
