/**
 * The part of smartasync/runtime that needs no Node: the marker on each smartasync function, the
 * dispatch of method calls, and whether this thread may block. The Node runtime (index.cts) and
 * the browser runtime (browser.ts) both re-export it, so a function marked by one is read by the
 * other and neither has a copy of these rules.
 */

// ---------------------------------------------------------------------------------------------
// Markers and dispatch
// ---------------------------------------------------------------------------------------------

/** The key of the marker that generated code puts on each smartasync function. */
export const SMARTASYNC: unique symbol = Symbol.for("smartasync") as never;

export interface SmartAsyncMarker {
  kind: "async" | "sync";
  name: string;
  sync?: Function;
  async?: Function;
}

export interface MarkOptions {
  kind: "async" | "sync";
  sync?: Function;
  async?: Function;
  name?: string;
}

/**
 * Puts the marker on `fn` and returns `fn`. The keys are symbols, and not enumerable: a
 * program that logs an annotated function (`console.log(load)`, `util.inspect`, an object
 * holding it) prints what it prints uncompiled, and `Object.assign` does not copy the marker
 * onto a wrapper (attack29 F13). `Object.defineProperty` on a function costs about 0.3 µs where a
 * plain store is ~10 ns: paid once for a function of a module, and by a factory for each
 * annotated method of the object it returns, as `hide` is (docs/performance.md, "Object
 * literals"). The marker object is not frozen (~0.07 µs each): it is read, never written, by the
 * runtime.
 */
export function mark<F extends Function>(fn: F, opts: MarkOptions): F {
  if (typeof fn !== "function") throw new TypeError("smartasync: mark() expects a function");
  if (opts === null || typeof opts !== "object" || (opts.kind !== "async" && opts.kind !== "sync")) {
    throw new TypeError('smartasync: mark() expects { kind: "async" | "sync", sync?, async?, name? }');
  }
  const sync = opts.sync;
  const async = opts.async;
  const marker: SmartAsyncMarker = { kind: opts.kind, name: opts.name ?? fn.name, sync, async };
  put(fn, SMARTASYNC, marker);
  // Each variant points back at the function it is a variant of, so compiled `this.m()` can check
  // that `this.m` is still that function (`this.m === this.mSync[OF]`) without naming the class.
  if (typeof sync === "function") put(sync, OF, fn);
  if (typeof async === "function") put(async, OF, fn);
  return fn;
}

/**
 * `target[key] = value`, not enumerable (see `mark`); a key an older runtime's `mark` defined is
 * redefined. A non-extensible function still fails, as it must.
 */
function put(target: Function, key: symbol, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: false, configurable: true });
}

/** The key on a generated variant that holds the function it is a variant of (see `mark`). */
export const OF: unique symbol = Symbol.for("smartasync.of");

/** The function a variant was made from (`mark` sets it), which a copied marker does not match. */
export function ofFn(variant: Function): unknown {
  return (variant as unknown as Record<symbol, unknown>)[OF];
}

/**
 * `fn`'s marker when it is `fn`'s own: a marker copied onto a wrapper (`Object.assign(w, fn)`)
 * names variants made from another function, which must not stand for the wrapper (fixture
 * methods/wrapper-copies-marker; `callSyncOf`, `callAsyncOf` and `callVariant` check the same).
 */
export function ownMarker(fn: unknown): SmartAsyncMarker | undefined {
  const m = getMarker(fn);
  if (m === undefined) return undefined;
  const variant = m.kind === "async" ? m.sync : m.async;
  return variant === undefined || ofFn(variant) === fn ? m : undefined;
}

export function getMarker(value: unknown): SmartAsyncMarker | undefined {
  if (typeof value !== "function") return undefined;
  const m = (value as unknown as Record<symbol, SmartAsyncMarker | undefined>)[SMARTASYNC];
  return m !== null && typeof m === "object" && (m.kind === "async" || m.kind === "sync") ? m : undefined;
}

export function isSmartAsync(value: unknown): boolean {
  return getMarker(value) !== undefined;
}

type Obj = Record<PropertyKey, unknown>;

function notAFunction(name: PropertyKey): TypeError {
  return new TypeError(`obj.${String(name)} is not a function`);
}

// Reflect.apply rather than fn.apply: TurboFan inlines it to a direct call (measured: ~1 ns over
// a direct call, against ~25 ns for Function.prototype.apply here).

/**
 * `obj[name](...args)` where the value is used in sync code: the sync variant if there is one.
 * Compiled calls pass `loc` (the call's `file:line:col`): then a function without a sync variant
 * that gives a thenable after all (a test stub, a replaced export, an automock) fails there,
 * located, instead of handing sync code a promise. Only this fallback pays the check: the marked
 * path returns before it. (Compiled code calls `callSyncOf`, which reads the member in its place.)
 */
export function callSync(obj: unknown, name: PropertyKey, args: unknown[], loc?: string): unknown {
  return callSyncOf(obj, (obj as Obj)[name], name, args, loc);
}

/**
 * `callSync` with the member already read: `obj.m(a)` compiles to
 * `_sa.callSyncOf(_t = obj, _t.m, "m", [a], loc)`, so `obj.m` is read once, after `obj` and before
 * the arguments, as the call it replaces reads it (a getter or a Proxy sees the same reads in the
 * same order; fixture strategies/dispatch-evaluation-order). `name` is for messages.
 */
export function callSyncOf(
  obj: unknown,
  fn: unknown,
  name: PropertyKey,
  args: unknown[],
  loc?: string,
  // biome-ignore lint/suspicious/noExplicitAny: whatever the object's method gives; compiled TypeScript (the declarations pass of `smartasync build`) uses it where the source used the call's value, typed by the source
): any {
  if (typeof fn !== "function") throw notAFunction(name);
  const m = (fn as unknown as Record<symbol, SmartAsyncMarker | undefined>)[SMARTASYNC];
  // The variant must point back at `fn` itself: a wrapper that copied the original's own
  // properties (`Object.assign(wrapper, fn)`) carries its marker too, and its variant would run
  // the original and bypass the wrapper (adversarial run 14, finding 8). Then the wrapper runs,
  // and a promise it gives is the located error below.
  if (m !== undefined && m.kind === "async" && m.sync !== undefined && ofFn(m.sync) === fn)
    return Reflect.apply(m.sync, obj, args);
  const value = Reflect.apply(fn, obj, args);
  if (loc !== undefined && value !== null && (typeof value === "object" || typeof value === "function")) {
    if (
      typeof (value as { then?: unknown }).then === "function" &&
      (m !== undefined || stubLike(fn, value))
    ) {
      markHandled(value);
      throw dispatchError(obj, name, loc, m);
    }
  }
  return value;
}

const fnText = Function.prototype.toString;
const objTag = Object.prototype.toString;

/**
 * Whether an unmarked method's thenable is the one a stub of a smartasync method gives (an
 * `async` stub, `mockResolvedValue`: a native promise from a function of the program's), not
 * a value the program keeps for itself: a built-in's (`this.pending.get(k)` of a `Map` of
 * promises) or a library's own thenable (a query builder's `find(…)`), which the program gets
 * as it would uncompiled (attack24 F06; fixture methods/dispatch-unmarked-kept-promises).
 */
function stubLike(fn: unknown, value: object): boolean {
  if (objTag.call(value) !== "[object Promise]") return false;
  // A bound function prints as native code too: it is the program's function it binds.
  const f = fn as Function;
  return !fnText.call(f).endsWith("{ [native code] }") || f.name.startsWith("bound ");
}

const PROMISE_THEN = Promise.prototype.then;
const IGNORE = (): void => {};

/**
 * A guard that refuses a thenable (it throws instead of waiting for it) marks it handled: the
 * guard's own error already reports the call, loudly, where the caller sees it, and the promise
 * the copy started must not reject later as an unhandled rejection that kills the process past
 * the caller's `catch` (attack29, suspected: `return [fail(6)][0]` inside `try`; fixture
 * inline/guard-refused-promise-handled). Only a native promise can be an unhandled rejection;
 * `Promise.prototype.then` refuses any other value before it runs any of its code, so a
 * library's own thenable is not touched (its `then` may start work).
 */
export function markHandled(value: unknown): void {
  try {
    PROMISE_THEN.call(value, undefined, IGNORE);
  } catch {
    // not a native promise
  }
}

/**
 * The TypeError every located failure of a helper of compiled code throws: named
 * `SmartAsyncError`, with its `code` (`SMARTASYNC_GUARD`, …) and the `file:line:col` it names.
 */
export function located(message: string, code: string, loc: string): Error {
  const err = new TypeError(message);
  err.name = "SmartAsyncError";
  Object.assign(err, { code, loc });
  return err;
}

function dispatchError(obj: unknown, name: PropertyKey, loc: string, m: SmartAsyncMarker | undefined): Error {
  const key = typeof name === "symbol" ? `[${String(name)}]` : `.${String(name)}`;
  if (m === undefined && evaluatingNamespace(obj))
    return located(
      `smartasync: obj${key}(…) at ${loc} is called from sync code, which wants its value, and obj is the namespace of a module that has not finished evaluating: ` +
        `a module it imports runs this call at its top level (an import cycle), before that module's own code marked its smartasync functions, so the function obj${key} holds has no marker yet: it returned a promise. ` +
        `Call it by its name (\`import { ${String(name)} } from …\` or the namespace import's \`ns${key}(…)\`, which the build resolves), call it once the modules have loaded (from a function that runs later), or break the cycle.`,
      "SMARTASYNC_GUARD",
      loc,
    );
  const what =
    m === undefined
      ? `the function obj${key} holds is not a smartasync function (no marker: a stub, a replacement, a mock — or a smartasync function whose module has not yet run the code that marks it, called at the top level of a module in an import cycle or above the function in its own module?)`
      : `the smartasync function obj${key} holds (${m.name}, ${m.kind}) has no sync variant to call`;
  return located(
    `smartasync: obj${key}(…) at ${loc} is called from sync code, which wants its value, and ${what}: it returned a promise. ` +
      `Give it a sync variant (mark it @smartasync, or mark(fn, { kind: "async", sync }) by hand for a stub), ` +
      `or, where this code wants the promise, write Promise.resolve(obj${key}(…)) or obj${key}(…).then(…).`,
    "SMARTASYNC_GUARD",
    loc,
  );
}

/**
 * Whether `obj` is a module namespace object whose module has not finished evaluating (attack25
 * F03): in an import cycle, a module's top level runs before the module it imports back has run
 * its own code, so its function declarations exist but the statements that mark them have not
 * run. Proven only where an export is still in its temporal dead zone (a `const`, `let` or class
 * not yet initialised): reading a namespace's members runs no code of the program. A namespace
 * is recognised by its shape (no prototype, a non-writable own `Symbol.toStringTag` of "Module"),
 * read as descriptors, so no getter of another object runs.
 */
function evaluatingNamespace(obj: unknown): boolean {
  if (obj === null || typeof obj !== "object" || Object.getPrototypeOf(obj) !== null) return false;
  const tag = Object.getOwnPropertyDescriptor(obj, Symbol.toStringTag);
  if (tag === undefined || tag.value !== "Module" || tag.writable !== false) return false;
  // Reflect.ownKeys: `Object.keys` asks each key's descriptor, which throws in the dead zone itself.
  for (const k of Reflect.ownKeys(obj)) {
    if (typeof k !== "string") continue;
    try {
      void (obj as Obj)[k];
    } catch (e) {
      if (e instanceof ReferenceError) return true;
    }
  }
  return false;
}

/**
 * A class whose annotated method `name` gains the method `variant`, checked once when the class is
 * created, where the build could not read its base (an imported class, an expression): the
 * variant must not replace a hand-written `variant` the class inherits without `name` beside it
 * (the base's own `this.variant()` would run the subclass's method). A pair the base declares
 * together (`get` and `getSync`, or a generated variant) is overridden together, as in the source.
 * Descriptors are read, never getters run.
 */
export function ownVariant(
  cls: Function,
  name: string,
  variant: string,
  isStatic: boolean,
  loc: string,
): void {
  let o: object | null = Object.getPrototypeOf(isStatic ? cls : cls.prototype);
  for (; o !== null && o !== Object.prototype && o !== Function.prototype; o = Object.getPrototypeOf(o)) {
    // A level with only `name` goes on up: a `variant` further up, without its `name`, would
    // still be replaced (the same walk as core/analysis/inherited.ts).
    if (!Object.hasOwn(o, variant)) continue;
    if (Object.hasOwn(o, name)) return;
    const base = (isStatic ? o : (o as { constructor?: { name?: string } }).constructor) as
      | { name?: string }
      | undefined;
    throw located(
      `smartasync: the method ${name} at ${loc} gains the variant ${variant}, which would replace the ${variant} its class inherits from ${base?.name || "its base class"} (whose own this.${variant}() would then run ${name}). Rename one of them, or name the variant explicitly with a word of the annotation (// @smartasync sync=…).`,
      "SMARTASYNC_VARIANT_NAME",
      loc,
    );
  }
}

/** The descriptor change `hide` makes: only the flag, so the value, `writable` and `configurable` stay. */
const NOT_ENUMERABLE: PropertyDescriptor = Object.freeze({ enumerable: false });

/**
 * Makes the generated variants of an object literal's annotated methods (`hide(obj, "loadSync")`)
 * not enumerable: the source's object has no `loadSync`, so `Object.keys`, `for…in`, spread,
 * `Object.assign` and `JSON.stringify` do not see it (fixture
 * annotations/object-method-not-enumerable). They stay writable and configurable, as a method is.
 * One `Object.defineProperty` a variant, about 0.5 µs, paid where the literal is made: once for an
 * object of a module, on each call for a factory's (docs/performance.md, "Runtime").
 */
export function hide(obj: object, ...keys: string[]): void {
  // Only a key the object holds: on one it lacks (a hand-written call), the flag alone would
  // define an `undefined` there.
  for (const key of keys) if (Object.hasOwn(obj, key)) Object.defineProperty(obj, key, NOT_ENUMERABLE);
}

/**
 * The `ownVariant` check of an object literal with a prototype the build could not read
 * (`{ __proto__: base, async load() … }`): its generated `variant` must not replace a hand-written
 * `variant` the object inherits without `name` beside it (fixture methods/object-proto-variant-clash).
 */
export function ownVariantOf(obj: object, name: string, variant: string, loc: string): void {
  for (
    let o = Object.getPrototypeOf(obj);
    o !== null && o !== Object.prototype;
    o = Object.getPrototypeOf(o)
  ) {
    if (!Object.hasOwn(o, variant)) continue;
    if (Object.hasOwn(o, name)) return;
    throw located(
      `smartasync: the method ${name} at ${loc} gains the variant ${variant}, which would replace the ${variant} the object inherits from its prototype (whose own this.${variant}() would then run ${name}). Rename one of them, or name the variant explicitly with a word of the annotation (// @smartasync sync=…).`,
      "SMARTASYNC_VARIANT_NAME",
      loc,
    );
  }
}

/**
 * A spread of an object literal with annotated methods, checked where it runs:
 * `{ ...(_sa.spreadOf(base, ["load", "loadSync"], false, loc)), async load() … }` gives `base` back.
 * Before the methods (`after` false), the source must not hold a `loadSync` without its `load`,
 * which the generated variant would replace (the rule of `ownVariant`); after one (`after` true),
 * it must hold neither, which would replace the annotated method or its variant (fixture
 * methods/object-proto-variant-clash). Only own enumerable keys count, as spread copies only
 * those; descriptors are read, never getters run.
 */
export function spreadOf<T>(src: T, pairs: readonly string[], after: boolean, loc: string): T {
  if (src === null || (typeof src !== "object" && typeof src !== "function")) return src;
  const has = (key: string) => Object.getOwnPropertyDescriptor(src, key)?.enumerable === true;
  for (let i = 0; i < pairs.length; i += 2) {
    const name = pairs[i];
    const variant = pairs[i + 1];
    const clash = after ? has(name) || has(variant) : has(variant) && !has(name);
    if (!clash) continue;
    throw located(
      after
        ? `smartasync: the spread at ${loc} copies its source's own ${has(name) ? name : variant} over the annotated method ${name} or its generated variant ${variant} (the object would hold one function of one pair and one of another). Move the spread before the method, or leave the member out of its source.`
        : `smartasync: the method ${name} gains the variant ${variant}, which would replace the ${variant} the spread at ${loc} copies from its source (whose own this.${variant}() would then run ${name}). Rename one of them, or name the variant explicitly with a word of the annotation (// @smartasync sync=…).`,
      "SMARTASYNC_VARIANT_NAME",
      loc,
    );
  }
  return src;
}

/**
 * A computed key of a class or object literal with annotated methods that the build cannot read,
 * checked where it runs: `{ async load() …, [_sa.keyOf(k, ["load", "loadSync"], true, loc)]: v }`
 * gives the key back, converted once (`k`'s `toString` runs once, as the member's own conversion
 * would). After a method (`after` true; a class field always is) it must name neither the method
 * nor its variant: the class or object would hold another `load` that the marker pairs with the
 * method's variant, or another `loadSync`; before all of them (`after` false), not the variant,
 * which the generated one would replace (fixtures methods/object-literal-later-key,
 * methods/computed-key-variant-clash; attack27 F03).
 */
export function keyOf(key: unknown, pairs: readonly string[], after: boolean, loc: string): PropertyKey {
  const k = Reflect.ownKeys({ [key as PropertyKey]: 0 })[0] as PropertyKey;
  for (let i = 0; i < pairs.length; i += 2) {
    const name = pairs[i];
    const variant = pairs[i + 1];
    if (k !== variant && !(after && k === name)) continue;
    throw located(
      `smartasync: the computed key at ${loc} is ${String(k)}, the name of the annotated method ${name} or of its generated variant ${variant}: the class or object would hold a function of another pair under it, which sync code calling ${name} would reach in the method's place. Give the member another name, or annotate the one the object keeps.`,
      "SMARTASYNC_VARIANT_NAME",
      loc,
    );
  }
  return k;
}

/** `await obj[name](...args)`: the async variant of a sync smartasync function if there is one. */
export function callAsync(obj: unknown, name: PropertyKey, args: unknown[]): unknown {
  return callAsyncOf(obj, (obj as Obj)[name], name, args);
}

/** `callAsync` with the member already read (see `callSyncOf`). */
export function callAsyncOf(
  obj: unknown,
  fn: unknown,
  name: PropertyKey,
  args: unknown[],
  // biome-ignore lint/suspicious/noExplicitAny: as callSyncOf's: typed by the source at the call
): any {
  if (typeof fn !== "function") throw notAFunction(name);
  const m = (fn as unknown as Record<symbol, SmartAsyncMarker | undefined>)[SMARTASYNC];
  if (m !== undefined && m.kind === "sync" && m.async !== undefined && ofFn(m.async) === fn)
    return Reflect.apply(m.async, obj, args);
  return Reflect.apply(fn, obj, args);
}

/**
 * The receiver of a `this.m()` the compiler rewrote to `this.mSync()` when `this.m` is no longer
 * the method `mSync` was made from (a subclass overrides it): an object whose `mSync` dispatches on
 * `obj.m` as `callSync` (mode `"sync"`) or `callAsync` (mode `"async"`) would. Only this slow path
 * allocates; the compiled code checks `this.m === this.mSync[OF]` first. (Compiled code calls
 * `viaOf`, with the member it read for the check.)
 */
export function via(
  obj: unknown,
  name: PropertyKey,
  variant: string,
  mode: "sync" | "async",
  loc?: string,
): Record<string, Function> {
  if (mode === "async") return { [variant]: (...args: unknown[]) => callAsync(obj, name, args) };
  return { [variant]: (...args: unknown[]) => callSync(obj, name, args, loc) };
}

/**
 * `via` with the member already read: the check reads `this.m` once
 * (`this.mSync?.[_sa.OF] === (_t = this.m) ? this : _sa.viaOf(this, _t, "m", "mSync", "sync", loc)`)
 * and the fallback calls what it read, so an accessor `m` runs once, before the arguments, as in
 * the call the compiler rewrote (fixture strategies/dispatch-evaluation-order).
 */
export function viaOf(
  obj: unknown,
  fn: unknown,
  name: PropertyKey,
  variant: string,
  mode: "sync" | "async",
  loc?: string,
): Record<string, Function> {
  if (mode === "async") return { [variant]: (...args: unknown[]) => callAsyncOf(obj, fn, name, args) };
  return { [variant]: (...args: unknown[]) => callSyncOf(obj, fn, name, args, loc) };
}

const FUNCTION_BIND = Function.prototype.bind;

/**
 * The autobind idiom compiled (`this.load = this.load.bind(this)` in a constructor, or the field
 * `load = this.load.bind(this)`; core/analysis/autobind.ts): `_sa.bound(_t = this.load,
 * _t.bind(this), this)`. The source's reads and call run as written; `b`, the bound function,
 * gets a marker whose variants are `fn`'s bound to the same `self`, so a sync-code call of
 * `this.load()` or `obj.load()` reaches `loadSync` through it (docs/semantics.md, "Methods").
 * Exact, never guessed: only when `fn` is marked and `b` is what the built-in `bind` made of it;
 * an unmarked `fn` (a subclass's unannotated override) gives `b` as it is.
 */
export function bound<B>(fn: unknown, b: B, self: unknown): B {
  if (typeof fn !== "function" || typeof b !== "function" || b === fn) return b;
  const m = ownMarker(fn);
  if (m === undefined || fn.bind !== FUNCTION_BIND) return b;
  const bindTo = (v: Function | undefined) =>
    typeof v === "function" ? Reflect.apply(FUNCTION_BIND, v, [self]) : v;
  mark(b, { kind: m.kind, name: m.name, sync: bindTo(m.sync), async: bindTo(m.async) });
  return b;
}

/**
 * The method a compiled `super.m()` calls when `super.m` is no longer the method `mSync` was made
 * from (the parent's prototype was patched, `Parent.prototype.m = …`): a function that, called
 * with the receiver (`.call(this, …args)`), dispatches on `fn` as `callSyncOf` or `callAsyncOf`
 * would. Only this slow path allocates (fixture methods/replaced-class-methods).
 */
export function viaFn(fn: unknown, name: PropertyKey, mode: "sync" | "async", loc?: string): Function {
  if (mode === "async")
    return function (this: unknown, ...args: unknown[]) {
      return callAsyncOf(this, fn, name, args);
    };
  return function (this: unknown, ...args: unknown[]) {
    return callSyncOf(this, fn, name, args, loc);
  };
}

/**
 * The sync face of an object of methods, for a factory's sync twin
 * (`export const createLoaderSync = (...a) => syncMethods(createLoader(...a))`): a new object with
 * the same keys, where each annotated async method is its generated sync variant under the
 * method's own name (`search` is `searchSync`), and the generated `searchSync` keys themselves are
 * left out. Every method is bound to `obj`, so it behaves as `obj.searchSync(...)` would (its
 * `this.load()` still reaches `obj`'s methods); other values are copied. Only own enumerable
 * string keys are read, as by spread. One object per factory call, no cost per method call.
 */
export function syncMethods<T extends object>(obj: T): SyncMethods<T> {
  if (obj === null || (typeof obj !== "object" && typeof obj !== "function"))
    throw new TypeError(
      `smartasync: syncMethods() expects an object of methods, got ${obj === null ? "null" : typeof obj}`,
    );
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj)) {
    const value = (obj as Obj)[key];
    if (typeof value !== "function") {
      out[key] = value;
      continue;
    }
    // A generated sync variant (its OF names the method it was made from): it appears under
    // that method's name instead.
    const of = (value as unknown as Record<symbol, unknown>)[OF];
    if (getMarker(of)?.sync === value) continue;
    const m = ownMarker(value);
    const fn = m !== undefined && m.kind === "async" && m.sync !== undefined ? m.sync : value;
    out[key] = fn.bind(obj);
  }
  return out as SyncMethods<T>;
}

/**
 * The type of `syncMethods(obj)` as TypeScript can know it from the source: each method that
 * returns a promise returns its value instead. (The source does not say which methods are
 * annotated; an unannotated async method stays async at run time.)
 */
export type SyncMethods<T> = {
  [K in keyof T as K extends `${string}` ? K : never]: T[K] extends (...args: infer A) => PromiseLike<infer R>
    ? (...args: A) => R
    : T[K];
};

// ---------------------------------------------------------------------------------------------
// Whether this thread may block
// ---------------------------------------------------------------------------------------------

let probe: Int32Array | undefined;
// The answer is cached against the identity of Atomics.wait (so replacing it, as a test that
// simulates a browser does, is noticed) and reset by configure() (resetCanBlock).
let probedWait: unknown;
let probed = false;

/** Whether this thread may block (Atomics.wait is refused on a browser's main thread). */
export function canBlock(): boolean {
  if (typeof SharedArrayBuffer !== "function" || typeof Atomics !== "object") return false;
  if (probedWait === Atomics.wait) return probed;
  probedWait = Atomics.wait;
  try {
    probe ??= new Int32Array(new SharedArrayBuffer(4));
    probed = Atomics.wait(probe, 0, 1, 0) === "not-equal";
  } catch {
    probed = false;
  }
  return probed;
}

/** Forgets the cached answer of canBlock() (configure() calls it). */
export function resetCanBlock(): void {
  probedWait = undefined;
}

let sleepCell: Int32Array | undefined;

/** Blocking sleep: the sync twin of `timers/promises` `setTimeout(ms, value)`. */
export function sleepSync<T = undefined>(ms: number, value?: T): T {
  sleepCell ??= new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(sleepCell, 0, 0, timerDelay(ms));
  return value as T;
}

/** Node's largest timer delay (2^31 - 1 ms); a longer one fires after 1 ms, with a warning. */
const TIMEOUT_MAX = 2 ** 31 - 1;

/**
 * The delay `timers/promises` `setTimeout(delay)` waits, so its twin means the same (fixture
 * twins/sleep-delay-rules): anything but a number or undefined is the promise API's own
 * ERR_INVALID_ARG_TYPE (thrown here, where the promise would reject, so the same `catch` sees
 * it); undefined, NaN, and anything below 1 or above 2^31 - 1 wait 1 ms — the last with Node's
 * TimeoutOverflowWarning — instead of blocking forever (`Atomics.wait` takes Infinity at its word).
 */
function timerDelay(ms: unknown): number {
  if (ms === undefined) return 1;
  if (typeof ms !== "number") {
    throw invalidArgType("delay", "of type number", ms);
  }
  if (ms >= 1 && ms <= TIMEOUT_MAX) return ms;
  if (ms > TIMEOUT_MAX) {
    const warn = (globalThis as { process?: { emitWarning?: (m: string, t: string) => void } }).process;
    warn?.emitWarning?.(
      `${ms} does not fit into a 32-bit signed integer.\nTimeout duration was set to 1.`,
      "TimeoutOverflowWarning",
    );
  }
  return 1;
}

/**
 * Node's own ERR_INVALID_ARG_TYPE, for a twin that must refuse an argument where the promise API
 * rejects it: the same class, code and wording, so the caller's `catch` takes the same path.
 */
export function invalidArgType(name: string, expected: string, value: unknown): TypeError {
  const err = new TypeError(`The "${name}" argument must be ${expected}. Received ${received(value)}`);
  Object.assign(err, { code: "ERR_INVALID_ARG_TYPE" });
  return err;
}

/** How Node's argument errors name a value they refuse ("Received type string ('200')"). */
function received(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "function") return `function ${value.name || "<anonymous>"}`;
  if (typeof value === "object") {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === "string" && name ? `an instance of ${name}` : "an object";
  }
  const shown =
    typeof value === "string"
      ? `'${value.length > 25 ? `${value.slice(0, 25)}...` : value}'`
      : typeof value === "bigint"
        ? `${value}n`
        : String(value);
  return `type ${typeof value} (${shown})`;
}
