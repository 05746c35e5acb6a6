/**
 * Helpers that inline sync variants call (DESIGN §3.4). Kept tiny: they run on the hot path of
 * every such variant.
 */
import { invalidArgType, located, markHandled } from "./portable.cjs";

/**
 * `await Promise.allSettled([a(), b()])` in a sync copy, as earlier builds emitted it: each
 * element settles on its own, in order, whatever threw. Kept so packages built with those
 * versions keep working; builds now emit `settleCall`.
 */
export function settle<T>(run: () => T): PromiseSettledResult<T> {
  try {
    return { status: "fulfilled", value: run() };
  } catch (reason) {
    // A guard's failure is not the element's rejection: the async function never sees it.
    rethrowGuard(reason);
    return { status: "rejected", reason };
  }
}

/**
 * Set while an element of a sequential `Promise.all`/`allSettled` copy makes its call: the
 * call's last argument is `calling(arg)` (or `...calling()` after a spread, or with none), so it
 * is set once the callee and every argument have been evaluated. In the async function only the
 * call's own failure is the element's rejection; an argument (or the callee) that throws throws
 * while the array is built, before `Promise.all` sees any element, and the elements after it
 * never run (attack30 F07, fixture inline/promise-all-argument-throws). `attemptCall` and
 * `settleCall` hold an error only when it is set, and give an enclosing element its value back
 * when they end (a call in an argument may run another copy's elements).
 */
let armed = false;

/** The last argument of an element's call (see `armed`): from here on, a throw is the call's. */
export function calling<T>(value: T): T;
export function calling(): readonly [];
export function calling(...value: unknown[]): unknown {
  armed = true;
  return value.length === 0 ? NO_ARGS : value[0];
}

const NO_ARGS: readonly [] = Object.freeze([]) as readonly [];

/**
 * `await Promise.allSettled([a(), b()])` in a sync copy: `[settleCall(() => aSync(calling(x))),
 * …]`. Each element settles on its own, in order; what throws before its call is made throws out
 * of the array, as in the async function (see `armed`).
 */
export function settleCall<T>(run: () => T): PromiseSettledResult<T> {
  const outer = armed;
  armed = false;
  try {
    return { status: "fulfilled", value: run() };
  } catch (reason) {
    if (!armed) throw reason;
    // A guard's failure is not the element's rejection: the async function never sees it.
    rethrowGuard(reason);
    return { status: "rejected", reason };
  } finally {
    armed = outer;
  }
}

/**
 * The run-time guard of an inline sync variant (docs/semantics.md, "Proven or guarded"): the
 * async function awaited (or returned) `value` at `loc`, which the build could not prove is not a
 * promise. The copy has no event loop to wait on, so a thenable here fails loudly, naming the
 * variant, the place and the way out; any other value passes through. Kept to one comparison
 * on the common path so V8 inlines it (bench/inline.mjs).
 */
export function guard<T>(value: T, variant: string, loc: string, text: string): T {
  if (value !== null && (typeof value === "object" || typeof value === "function")) {
    if (typeof (value as { then?: unknown }).then === "function") {
      // Handled: the error below reports it (portable.cts `markHandled`).
      markHandled(value);
      throw guardError(variant, loc, text);
    }
  }
  return value;
}

function guardError(variant: string, loc: string, text: string): Error {
  // A method call (`cache.lookup(path)` of a receiver handed in) is dispatched on the object's
  // marker, so a promise here came from a function without a sync variant; except a method named
  // like a built-in one (`cache.get(k)`), dispatched only where the file imports a module that
  // annotates a method of that name (attack20 F8; core/analysis/calls.ts `unknownMethodDispatch`).
  const method = /^[^(]*\.[^.(]+\(/.test(text)
    ? ` If the method is a smartasync method, the function the object held has no sync variant (a stub, an unannotated override?); one named like a built-in method (get, map, join…) is called through its sync variant only where this file imports the module that annotates it (an unused import is enough).`
    : "";
  return located(
    `smartasync: ${variant} got a promise from ${text} at ${loc}, where the async function awaits it. ` +
      `A sync variant cannot wait for a promise: pass a value or a sync callback here, mark the function that makes the promise @smartasync, ` +
      `or build with the option unproven: "worker" to run ${variant} on a worker thread.${method}`,
    "SMARTASYNC_GUARD",
    loc,
  );
}

/**
 * The run-time check of a call an async function starts before an `await` and does not await
 * (`audit(msg);`, `void record()`), which the build could not prove starts no async work
 * (docs/semantics.md, the yield-point row of "Proven or guarded"). Given a thenable, the async
 * function would have let that promise's work run at the await; the copy, which drops the await,
 * would return before it ran, so it fails here, located. Any other value passes through.
 */
export function started<T>(value: T, variant: string, loc: string, text: string): T {
  if (value !== null && (typeof value === "object" || typeof value === "function")) {
    if (typeof (value as { then?: unknown }).then === "function") {
      markHandled(value);
      throw startedError(variant, loc, text);
    }
  }
  return value;
}

function startedError(variant: string, loc: string, text: string): Error {
  return located(
    `smartasync: ${variant} got a promise from ${text} at ${loc}, which the async function starts and does not await: its work would run at the next await, which ${variant} does not make. ` +
      `Await the call, \`void\` it after the last await, mark the function it calls @smartasync, ` +
      `or build with the option unproven: "worker" to run ${variant} on a worker thread.`,
    "SMARTASYNC_GUARD",
    loc,
  );
}

/**
 * An options argument of a twin call the build could not see (`readFile(path, opts)`): the twin
 * cannot honour keys only the promise API reads (`signal`; `cp`'s possibly async `filter`;
 * `timers/promises`' `ref`), so a value that sets one fails here, located, instead of being ignored.
 */
export function twinOptions<T>(value: T, promiseOnly: readonly string[], twin: string, loc: string): T {
  if (value !== null && typeof value === "object") {
    for (const key of promiseOnly) {
      if ((value as Record<string, unknown>)[key] !== undefined) {
        throw located(
          `smartasync: ${twin} reads \`${key}\`, which these options set at ${loc}, otherwise than the promise API does. Await the async function here, or leave \`${key}\` out of a call made from sync code.`,
          "SMARTASYNC_TWIN_ARGUMENT",
          loc,
        );
      }
    }
  }
  return value;
}

/**
 * The path argument of `readFile`/`writeFile`/`appendFile`/`truncate` (fixture
 * twins/path-argument-rules): their `*Sync` twins also take a file descriptor, which the promise
 * API refuses — so a number gets the promise API's own ERR_INVALID_ARG_TYPE here (the same
 * `catch` sees it) instead of reading or writing that descriptor. A FileHandle, which the promise
 * API reads and writes through, is passed on as its descriptor (the same file, from the same
 * position); `truncate`'s promise API refuses one, and so does this. Never a failure the async
 * function would not have, so not a guard in the report.
 */
export function twinPath<T>(value: T, twin: string, _loc: string): T {
  if (typeof value === "number") throw invalidArgType("path", PATH_TYPES, value);
  if (
    value !== null &&
    typeof value === "object" &&
    (value as { constructor?: { name?: unknown } }).constructor?.name === "FileHandle" &&
    typeof (value as { fd?: unknown }).fd === "number"
  ) {
    if (twin === "truncateSync") throw invalidArgType("path", PATH_TYPES, value);
    return (value as unknown as { fd: T }).fd;
  }
  return value;
}

const PATH_TYPES = "of type string or an instance of Buffer or URL";

/** `fs.promises` as the Node runtime found it when it loaded (`usePromiseApi`); none in a browser. */
let promiseApi: Readonly<Record<string, unknown>> | undefined;

/** Called once by the Node runtime as it loads, before the program can replace a member. */
export function usePromiseApi(api: object): void {
  promiseApi = { ...api };
}

/**
 * The callee of a twin call whose source awaited `fs.promises` function `promise` (fixture
 * twins/promise-api-replaced): the twin while the source's callee is still the function the
 * runtime found; otherwise the program has replaced it (a test's mock or spy, a module alias
 * of `fs/promises`), and the replacement is called instead, its answer checked like a guarded
 * value — never the real disk behind a mock's back. The compiled call applies the twin's
 * argument checks (`twinPath`, `twinData`, `twinOptions`) to the arguments before this callee
 * is called, whichever function it is: a replacement gets a FileHandle as its descriptor, and a
 * numeric path, an iterable or stream as data, or a `signal` fails as it does for the twin.
 */
export function twinVia<F>(
  replacement: unknown,
  promise: string,
  twin: F,
  variant: string,
  loc: string,
  text: string,
): F {
  if (promiseApi !== undefined && replacement === promiseApi[promise]) return twin;
  return ((...args: unknown[]) =>
    guard((replacement as (...a: unknown[]) => unknown)(...args), variant, loc, text)) as F;
}

/**
 * The callee of a twin found by name whose source reads the function from a module's live
 * exports object (`store.find` of a CommonJS module; attack 15, F20): the twin while that member
 * is still `original`, the function the module exported when the compiled module loaded;
 * otherwise the program has replaced it (a test double, `sinon.stub(store, "find")`, an offline
 * mode), and the replacement is called instead, its answer checked like a guarded value.
 */
export function twinSame<F>(
  replacement: unknown,
  original: unknown,
  twin: F,
  variant: string,
  loc: string,
  text: string,
): F {
  if (replacement === original) return twin;
  return ((...args: unknown[]) =>
    guard((replacement as (...a: unknown[]) => unknown)(...args), variant, loc, text)) as F;
}

/**
 * The data argument of a twin write (`writeFile(path, data)`): the promise API also takes an
 * iterable or a stream, the twin only a string or a buffer.
 */
export function twinData<T>(value: T, twin: string, loc: string): T {
  if (typeof value === "string" || ArrayBuffer.isView(value)) return value;
  throw located(
    `smartasync: ${twin} takes a string or a buffer, and the data at ${loc} is ${value === null ? "null" : typeof value === "object" ? "an object (an iterable or a stream?)" : typeof value}; only the promise API reads iterables and streams. Await the async function here, or pass a string or a buffer.`,
    "SMARTASYNC_TWIN_ARGUMENT",
    loc,
  );
}

/**
 * A callback's or an element's failure in a sequential copy of `Promise.all`, held until every
 * other one has run (`failed`, `caught`, `attempt`; thrown by `allSync`, `allOf`). Private: user
 * code cannot make one.
 */
class Failed {
  /** `attemptCall`'s: the element's promise in the async function, unhandled until `allOf` takes it. */
  orphan?: Promise<never>;
  constructor(readonly error: unknown) {}
}

/**
 * The callback of `Promise.all(xs.map(async (x) => …))` in a sync copy holds its own error:
 * `xs.map((x) => { try { return …; } catch (e) { return failed(e); } })`. `Promise.all` over
 * `map` starts every callback, and a rejection stops none of the others, so a callback's error is
 * held (a `Failed`) and the next callback runs; `allSync` throws the first error by index once
 * all have run. A guard's failure is not a rejection: it passes at once. The `try` is written in
 * the callback itself rather than around it (`caught`): no closure per call site and no spread of
 * the arguments on every call (examples/find-up's bench, docs/performance.md).
 */
export function failed(error: unknown): Failed {
  rethrowGuard(error);
  return new Failed(error);
}

/**
 * `xs.map(caught((x) => …))`: what earlier builds emitted for the callback of
 * `Promise.all(xs.map(async (x) => …))` (now `failed` inside the callback). Kept so packages built
 * with those versions keep working.
 */
export function caught<A extends unknown[], R>(cb: (...args: A) => R): (...args: A) => R | Failed {
  return (...args: A) => {
    try {
      return cb(...args);
    } catch (error) {
      rethrowGuard(error);
      return new Failed(error);
    }
  };
}

/**
 * One element of `Promise.all([a(), b()])` in a sync copy, as earlier builds emitted it
 * (`allOf([attempt(() => aSync(x)), …])`): whatever the element throws is held. Kept so packages
 * built with those versions keep working; builds now emit `attemptCall`.
 */
export function attempt<T>(run: () => T): T | Failed {
  try {
    return run();
  } catch (error) {
    rethrowGuard(error);
    return new Failed(error);
  }
}

/**
 * One element of `Promise.all([a(), b()])` in a sync copy:
 * `allOf([attemptCall(() => aSync(calling(x))), …])`. The array evaluates every element before
 * `Promise.all` sees a rejection, so the call's error is held until the others have run; what
 * throws before the call is made (the callee, an argument: `armed` is not set yet) throws at
 * once, as it does while the async function builds the array (attack30 F07). A held error is
 * also a rejected promise, left unhandled unless `allOf` takes it: where a later element throws
 * at once, the async function's earlier rejected element never reaches `Promise.all`, and Node
 * reports it as an unhandled rejection in both.
 */
export function attemptCall<T>(run: () => T): T | Failed {
  const outer = armed;
  armed = false;
  try {
    return run();
  } catch (error) {
    if (!armed) throw error;
    rethrowGuard(error);
    const held = new Failed(error);
    held.orphan = Promise.reject(error);
    return held;
  } finally {
    armed = outer;
  }
}

/** `await Promise.all([a(), b()])` in a sync copy: the values, or the first error by index. */
export function allOf<T>(values: (T | Failed)[]): T[] {
  let first: Failed | undefined;
  for (const v of values)
    if (v instanceof Failed) {
      // Handed to Promise.all in the async function: handled, whichever rejects it.
      v.orphan?.catch(ignore);
      first ??= v;
    }
  if (first) throw first.error;
  return values as T[];
}

function ignore(): void {}

/**
 * `await Promise.all(xs.map(async (x) => …))` in a sync copy:
 * `allSync(xs.map(caught((x) => …)), …)`. The callbacks have already run, one after another, each
 * to its end (`caught`); the first error by index is thrown, as the one `Promise.all` rejects with
 * when the callbacks fail before their first wait. Like `Promise.all`, the value is a new array of
 * the results, and a result that is still a promise (a `map` that is not the array method) fails
 * its guard.
 */
export function allSync<T>(values: Iterable<T>, variant: string, loc: string, text: string): T[] {
  // A typed array's map stores each promise of the async callback as a number (NaN → 0), so
  // `Promise.all` sees zeros where the sync callbacks give values: no faithful copy exists.
  if (ArrayBuffer.isView(values))
    throw located(
      `smartasync: ${variant} got a typed array from ${text.replace(/^each result of /, "")} at ${loc}: its map() turns each promise of the async callback into a number, which the sync variant cannot reproduce. Map an ordinary array (\`Array.from(xs).map(…)\`).`,
      "SMARTASYNC_GUARD",
      loc,
    );
  // Always a new, dense array, as from `Promise.all`: a hole of a sparse array becomes undefined.
  const out = Array.from(values);
  for (let i = 0; i < out.length; i++) {
    const v = out[i];
    if (v instanceof Failed || isThenable(v)) fail(out, v, variant, loc, text);
  }
  return out;
}

/**
 * A failed element of `allSync`/`allDone`: its error, or the guard's. `Promise.all` would have
 * handled every promise of the array, so none is left to reject later, unhandled, past the
 * caller's `catch` (fixture inline/guard-refused-promise-handled).
 */
function fail(values: unknown[], v: unknown, variant: string, loc: string, text: string): never {
  for (const x of values) if (isThenable(x)) markHandled(x);
  if (v instanceof Failed) throw v.error;
  guard(v, variant, loc, text);
  throw new Error("unreachable: the guard refuses a thenable");
}

const ARRAY_MAP = Array.prototype.map;

/**
 * The loop form of `await Promise.all(xs.map(async (x) => …))` in a sync copy (core
 * loop-copy.ts): the callback's body written as a loop in the variant itself, so that no callback
 * frame stands between the variant and what the body calls (an error's stack trace is captured
 * through fewer frames: examples/find-up, docs/performance.md). Taken only where `xs` is an
 * array whose `map` is the array method, which that loop reproduces (holes skipped, the length
 * read once); anything else goes through the callback and `allSync`, as before.
 */
export function plainArray(xs: unknown): boolean {
  return Array.isArray(xs) && xs.map === ARRAY_MAP;
}

/**
 * pMap's own check of `concurrency` (an integer from 1, or `Infinity`; absent: `Infinity`), with
 * its message: the sequential copy ignores the value, but not pMap's refusal of a bad one — `0`,
 * `NaN` from an unset variable, `"2"` (attack 16, F14).
 */
function checkConcurrency(options: unknown): void {
  if (options === null || typeof options !== "object") return;
  const c = (options as { concurrency?: unknown }).concurrency;
  if (c === undefined || (Number.isSafeInteger(c) && (c as number) >= 1) || c === Number.POSITIVE_INFINITY)
    return;
  throw new TypeError(
    `Expected \`concurrency\` to be an integer from 1 and up or \`Infinity\`, got \`${String(c)}\` (${typeof c})`,
  );
}

const SET_VALUES = Set.prototype[Symbol.iterator];
const MAP_ENTRIES = Map.prototype[Symbol.iterator];
const STRING_CHARS = String.prototype[Symbol.iterator];
const TYPED_VALUES = Object.getPrototypeOf(Int8Array.prototype)[Symbol.iterator];

/**
 * An input whose elements no code of the program makes while it is read: an array, a Set, a Map,
 * a string or a typed array, with its own iterator. pMap and async's limiters read their input
 * a few elements ahead of the callbacks, interleaved with them; a generator's (or any iterator's)
 * code would run in another order against the callbacks in a sequential copy, and a generator
 * that reuses the object it yields would hand them other values (attack 16, F1/F2): such an
 * input is refused, located, where the plain library would read it.
 */
function producedAsRead(input: object): boolean {
  const it = (input as { [Symbol.iterator]?: unknown })[Symbol.iterator];
  if (Array.isArray(input)) return it !== ARRAY_VALUES;
  if (input instanceof Set) return it !== SET_VALUES;
  if (input instanceof Map) return it !== MAP_ENTRIES;
  if (input instanceof String) return it !== STRING_CHARS;
  if (ArrayBuffer.isView(input) && !(input instanceof DataView)) return it !== TYPED_VALUES;
  return true;
}

function lazyInput(variant: string, loc: string, text: string): Error {
  return located(
    `smartasync: ${variant} got an iterator (a generator, or an iterable that makes its elements as it is read) as the input of ${text.replace(/^each result of /, "")} at ${loc}: the library reads it a few elements ahead of the callbacks, interleaved with them, which a sequential sync variant cannot do the same way. Pass an array (\`[...xs]\`, read in full first), or await the async function.`,
    "SMARTASYNC_GUARD",
    loc,
  );
}

/**
 * The end of that loop: the results, each to its end, a held error a `Failed`; the first error
 * by index is thrown, each other result checked, as `allSync` does.
 */
export function allDone<T>(values: (T | Failed)[], variant: string, loc: string, text: string): T[] {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v instanceof Failed || isThenable(v)) fail(values, v, variant, loc, text);
  }
  return values as T[];
}

const ARRAY_VALUES = Array.prototype[Symbol.iterator];

/**
 * The loop form of `await pMap(xs, async (x, i) => …, options)` in a sync copy (core
 * loop-copy.ts): the callback's body written as a loop in the variant itself. Taken only where
 * `xs` is an array that pMap would read with the array iterator (the length read at each step, a
 * hole an undefined element: what the loop does) and `stopOnError` is not turned off (the first
 * error ends the loop, as `mapSync` ends the call); anything else goes through `mapSync`.
 */
export function pMapLoop(xs: unknown, options: unknown): boolean {
  checkConcurrency(options);
  if (!Array.isArray(xs) || xs[Symbol.iterator] !== ARRAY_VALUES) return false;
  // As mapSync reads it: pMap destructures `{ stopOnError = true }`.
  const stop =
    options === null || typeof options !== "object" || (options as { stopOnError?: unknown }).stopOnError;
  return stop === undefined || Boolean(stop);
}

/**
 * The end of that loop: the results, each checked already, without p-map's `pMapSkip` ones
 * (`skip`, absent from older versions), as `mapSync` returns them.
 */
export function mapDone<R>(values: R[], skip: unknown): R[] {
  for (const v of values) if (isStop(v, skip)) throw stopRefused("", "a sync variant", "pMap(...)");
  if (typeof skip !== "symbol" || !values.includes(skip as R)) return values;
  return values.filter((v) => v !== skip);
}

/**
 * p-map's `pMapStop` (p-map 7.1: a mapper returns it to stop like `break`), known by what it is —
 * an unregistered symbol described "stop" that is not `pMapSkip` — since the copy is not handed
 * it. The sequential copy does not stop on it: refused, loudly, rather than a result that holds
 * the symbol (review of h15g).
 */
function isStop(v: unknown, skip: unknown): boolean {
  return typeof v === "symbol" && v !== skip && v.description === "stop" && Symbol.keyFor(v) === undefined;
}

function stopRefused(loc: string, variant: string, text: string): Error {
  return located(
    `smartasync: ${variant} got p-map's \`pMapStop\` from a callback of ${text.replace(/^each result of /, "")}${loc ? ` at ${loc}` : ""}, which its sequential copy does not follow. Return a value and stop with a plain loop in the function, or await the async function.`,
    "SMARTASYNC_GUARD",
    loc,
  );
}

/**
 * `await pMap(xs, async (x, i) => …, options)` (the p-map package) in a sync copy:
 * `mapSync(xs, (x, i) => …, options, variant, loc, text, pMapSkip)`. As pMap does: each element
 * of the iterable (a promise element is refused, located: pMap would await it), the callback
 * called with the element and its index, the results in input order, `pMapSkip` results left
 * out (`skip` is p-map's symbol; older versions have none). One element after another:
 * `options.concurrency` only schedules, so it is ignored. An async iterable, which pMap also
 * takes, cannot be read without waiting: refused, located.
 *
 * `options.stopOnError` as pMap reads it (absent: `true`): when true, the first callback to throw
 * ends the call with its error and no later callback runs — pMap with `concurrency: 1` exactly;
 * with more, pMap has already started later callbacks, which the sequential form never runs, so
 * no error of theirs can go unseen. When false, every callback runs and their errors are thrown
 * together, in index order, as an `AggregateError`, as pMap rejects (fixture
 * inline/p-map-stop-on-error runs both against the real package) — except a failure of
 * smartasync itself (a guard in the callback's inline copy), which ends the call at once.
 */
export function mapSync<T, R>(
  input: Iterable<T>,
  cb: (value: T, index: number) => R,
  options: unknown,
  variant: string,
  loc: string,
  text: string,
  skip: unknown,
): R[] {
  if (input === null || input === undefined || typeof (input as Iterable<T>)[Symbol.iterator] !== "function")
    throw located(
      `smartasync: ${variant} got ${input === null ? "null" : typeof input === "object" ? "an object that is not iterable (an async iterable?)" : typeof input} as the input of ${text.replace(/^each result of /, "")} at ${loc}: the sync variant reads a sync iterable (an array, a Set, …); an async iterable needs the async function.`,
      "SMARTASYNC_GUARD",
      loc,
    );
  checkConcurrency(options);
  if (typeof input === "object" && producedAsRead(input as object)) throw lazyInput(variant, loc, text);
  const out: R[] = [];
  const skipping = typeof skip === "symbol";
  // pMap destructures `{ stopOnError = true }`: only a given falsy value collects the errors.
  const stopOnError =
    options === null || typeof options !== "object" || (options as { stopOnError?: unknown }).stopOnError;
  const errors: unknown[] | undefined = stopOnError === undefined || stopOnError ? undefined : [];
  let i = 0;
  // An indexed loop for arrays (the common input): measured ~4× faster than `for…of` or
  // `Array.from(xs, cb)` here. Strings for messages are built only on failure.
  const arr = Array.isArray(input) ? (input as T[]) : undefined;
  const it = arr ? undefined : input[Symbol.iterator]();
  for (;;) {
    let x: T;
    if (arr) {
      if (i >= arr.length) break;
      x = arr[i]!;
    } else {
      const step = it!.next();
      if (step.done) break;
      x = step.value;
    }
    // pMap awaits a promise element before calling the callback: refused here instead.
    if (isThenable(x))
      guard(x, variant, loc, `an element of the input of ${text.replace(/^each result of /, "")}`);
    let v: R;
    if (errors === undefined) v = cb(x, i++);
    else {
      try {
        v = cb(x, i++);
      } catch (e) {
        // A guard inside the callback's inline copy is smartasync's refusal, not an error of the
        // callback: it must pass at once, not be gathered with the callback's own failures.
        rethrowGuard(e);
        errors.push(e);
        continue;
      }
    }
    if (isThenable(v)) guard(v, variant, loc, text);
    if (isStop(v, skip)) throw stopRefused(loc, variant, text);
    if (!skipping || v !== skip) out.push(v);
  }
  if (errors !== undefined && errors.length > 0) throw new AggregateError(errors);
  return out;
}

/**
 * `limit(fn)` of p-limit (`const limit = pLimit(n)`) inside `await Promise.all(xs.map((x) =>
 * limit(() => …)))`, in a sync copy: the function the limiter would run when its turn comes is
 * called now, in order (`allSync` runs the map's callbacks one after another and holds each
 * error until all have run, as `Promise.all` over the limiter's promises does: p-limit runs every
 * queued function even after one failed). Its result is checked by `allSync`.
 */
export function limited<R>(fn: () => R): R {
  return fn();
}

/**
 * `await mapLimit(xs, limit, async (x) => …)` / `eachLimit` of the async package (v3), in a sync
 * copy: `mapLimitSync(xs, limit, cb, each, variant, loc, text)`. As async does: a falsy input is
 * no element; an array-like input is read by index, an iterable by its iterator, any other
 * object by its own keys' values; the callback gets the element only; a `limit` below 1 is a
 * `RangeError`; the first callback to fail ends the call and no later one starts (async starts
 * none after a failure; with `limit` above 1 it has started up to `limit - 1` later ones, which the
 * sequential form never runs); a failure that is not an `Error` and has no `message` is wrapped
 * in one, as async's promise glue does (`new Error(err)`). Results in input order (`eachLimit`:
 * none), each checked; an async iterable is refused, located. `limit` only schedules otherwise:
 * the callbacks run one after another.
 */
export function mapLimitSync<T, R>(
  input: unknown,
  limit: unknown,
  cb: (value: T) => R,
  each: boolean,
  variant: string,
  loc: string,
  text: string,
): R[] | undefined {
  if ((limit as number) <= 0) throw new RangeError("concurrency limit cannot be less than 1");
  const out: R[] = [];
  if (!input) return each ? undefined : out;
  const values = limitValues<T>(input, variant, loc, text);
  for (let i = 0; i < values.length; i++) {
    let v: R;
    try {
      v = cb(values[i]!);
    } catch (e) {
      rethrowGuard(e);
      throw e && (e instanceof Error || (e as { message?: unknown }).message) ? e : new Error(e as string);
    }
    if (isThenable(v)) guard(v, variant, loc, text);
    if (!each) out.push(v);
  }
  return each ? undefined : out;
}

/** The elements async's collection functions read from `input` (its `iterator`), in order. */
function limitValues<T>(input: unknown, variant: string, loc: string, text: string): ArrayLike<T> {
  const o = input as { length?: unknown; [Symbol.iterator]?: unknown; [Symbol.asyncIterator]?: unknown };
  if (typeof o.length === "number" && o.length >= 0 && o.length % 1 === 0) return o as ArrayLike<T>;
  if (typeof o[Symbol.asyncIterator] === "function")
    throw located(
      `smartasync: ${variant} got an async iterable as the input of ${text.replace(/^each result of /, "")} at ${loc}: the sync variant reads an array, a sync iterable or an object; an async iterable needs the async function.`,
      "SMARTASYNC_GUARD",
      loc,
    );
  if (typeof o[Symbol.iterator] === "function") {
    if (producedAsRead(input as object)) throw lazyInput(variant, loc, text);
    return Array.from(input as Iterable<T>);
  }
  return Object.keys(input as object).map((k) => (input as Record<string, T>)[k]!);
}

function isThenable(x: unknown): boolean {
  return (
    x !== null &&
    (typeof x === "object" || typeof x === "function") &&
    typeof (x as { then?: unknown }).then === "function"
  );
}

/**
 * `for await (const x of xs)` in a sync copy, where the build saw an array (docs/semantics.md,
 * "Every form of `await`"): `for (const x of syncElements(xs, …))` takes the elements in order,
 * each guarded as the loop awaits it. An async iterable (a stream, an async generator) given
 * after all cannot be iterated without an event loop: it fails here, located, before any element.
 */
export function syncElements<T>(
  iterable: Iterable<T>,
  variant: string,
  loc: string,
  text: string,
): Iterable<T> {
  if (
    iterable !== null &&
    iterable !== undefined &&
    typeof (iterable as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === "function"
  ) {
    throw located(
      `smartasync: ${variant} got an async iterable from ${text.replace(/^each element of /, "")} at ${loc}, where the async function loops over it with \`for await\`. ` +
        `A sync variant cannot wait for its elements: pass an array, or build with the option unproven: "worker" to run ${variant} on a worker thread.`,
      "SMARTASYNC_GUARD",
      loc,
    );
  }
  return guarded(iterable, variant, loc, text);
}

function* guarded<T>(iterable: Iterable<T>, variant: string, loc: string, text: string): Generator<T> {
  for (const v of iterable) yield guard(v, variant, loc, text);
}

/**
 * First statement of a `catch` whose `try` holds a guard or a call of another sync variant, in an
 * inline sync variant: a failure of smartasync itself (a guard, a twin's argument check, a
 * worker's clone refusal, timeout, deadlock, nesting or start failure — every `SMARTASYNC_*`
 * code) is not an error of the user's code (the async function never raises it), so no user
 * `catch` may turn it into a fallback value (attack 13, F24).
 */
export function rethrowGuard(err: unknown): void {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("SMARTASYNC_")) throw err;
    // The inline copy runs on one stack where the async function's awaits reset it: recursion
    // the async function survives (an `await` before each recursive call) may overflow here.
    // That is the copy's limit, not the user's error: never the `catch`'s fallback (attack 15,
    // F21; docs/semantics.md).
    if (err instanceof RangeError && /Maximum call stack size exceeded/.test(err.message)) {
      const frame = /\(?((?:file:\/\/)?[^\s()]+:\d+:\d+)\)?\s*$/m.exec(
        (err.stack ?? "").split("\n").find((l) => /^\s+at /.test(l)) ?? "",
      );
      const loc = frame?.[1] ?? "unknown location";
      const stack = located(
        `smartasync: an inline sync variant ran out of call stack (at ${loc}): the async function awaits before each recursive call, which gives it a fresh stack every time, and its sync copy recurses on one stack. The copy's \`catch\` does not take this error. Call the async function here, write the recursion as a loop, or build with a larger stack (\`node --stack-size=…\`).`,
        "SMARTASYNC_STACK",
        loc,
      );
      (stack as { cause?: unknown }).cause = err;
      throw stack;
    }
  }
}

/**
 * Compiled by an earlier smartasync (before guards): a returned call it could not see into.
 * Kept so packages built with that version keep working; new output calls `guard`.
 */
export function expectValue<T>(value: T, variant: string): T {
  if (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  ) {
    markHandled(value);
    throw new TypeError(
      `smartasync: ${variant} returned a promise from a call smartasync could not see into. Write \`return await <call>\` in the async function so the call is mapped (or gets a worker variant), or mark the callee @smartasync.`,
    );
  }
  return value;
}
