/**
 * The explicit, typed form of DESIGN §6: `export const load = smartasync(async (id) => ...)`.
 * The compiler recognises it like the comment annotation and removes the wrapper; without the
 * compiler it still works at run time, as documented in docs/typescript.md.
 *
 * Needs no Node itself: `typedForm` takes the worker paths of the runtime that exports it (the
 * Node runtime's in index.cts, the browser runtime's in browser.ts).
 */
import { mark, markHandled } from "./portable.cjs";

/** What the uncompiled typed form needs from the runtime that exports it. */
export interface WorkerPaths {
  register(moduleUrl: string, fns: Record<string, Function>): void;
  runSync(moduleUrl: string, name: string, args: unknown[]): unknown;
  offload(moduleUrl: string, name: string, args: unknown[]): Promise<unknown>;
}

/**
 * What a call gives. The type checker sees the source, not the compiled output, where a call in
 * sync code returns the value and an awaited call the promise; the intersection lets both
 * type-check (`const u: User = load(1)`, `await load(1)`, `load(1).then(...)`). `null` and
 * `undefined` stay outside it, since `null & Promise<…>` would be `never` and lose them.
 */
export type Both<R> = (Exclude<R, null | undefined> & Promise<R>) | Extract<R, null | undefined>;

/** A function of both colours, with the explicit choices `.sync()` and `.async()`. */
export type SmartAsync<A extends unknown[], R> = ((...args: A) => Both<R>) & {
  /** The value, blocking the caller if needed (the sync variant). */
  sync(...args: A): R;
  /** A promise; for a sync function the body runs in the worker pool (the async variant). */
  async(...args: A): Promise<R>;
};

type SyncOf<F> = F extends (...args: infer A) => infer R ? SmartAsync<A, Awaited<R>> : never;

const counters = new Map<string, number>();

/**
 * The `/path` or `file:///path` before the `:line:column` that ends a stack line (`at f (…)` or
 * `at …`). Scanned from the end: the pattern that said this retried from every `/` of a long
 * line (quadratic; test/security/redos.test.ts).
 */
function pathAtEnd(line: string): string | undefined {
  const loc = /:\d+:\d+\)?\s*$/.exec(line);
  if (!loc) return undefined;
  const head = line.slice(0, loc.index);
  let start = head.length;
  while (start > 0 && !"():".includes(head[start - 1]!)) start--;
  const segment = head.slice(start);
  if (segment.length > 3 && segment.startsWith("///") && head.slice(0, start).endsWith("file:")) {
    return `file:${segment}`;
  }
  const slash = segment.indexOf("/");
  return slash >= 0 && slash < segment.length - 1 ? segment.slice(slash) : undefined;
}

/** The URL of the module that called `smartasync()`, read from the stack (no compiler needed). */
function callerUrl(): string | undefined {
  const stack = new Error().stack?.split("\n") ?? [];
  for (const line of stack.slice(1)) {
    const path = pathAtEnd(line);
    if (path === undefined) continue;
    const url = path.startsWith("file:") ? path : `file://${path}`;
    // The runtime's own frames: this CommonJS file, the Node runtime (index.cjs) and its ES
    // module face (index.js), the browser runtime (browser.js, which bundles this file).
    if (!/\/runtime\/(?:wrapper|index|browser)\.c?js$/.test(url)) return url;
  }
  return undefined;
}

/**
 * The source text of `fn` (`Function.prototype.toString`, the exact slice of the file), as its
 * length and a 32-bit FNV-1a hash: once per `smartasync()` call, when the module runs.
 */
function fingerprint(fn: Function): string {
  const src = Function.prototype.toString.call(fn);
  let h = 0x811c9dc5;
  for (let i = 0; i < src.length; i++) {
    h ^= src.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `${src.length.toString(36)}-${(h >>> 0).toString(36)}`;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null &&
    (typeof v === "object" || typeof v === "function") &&
    typeof (v as { then?: unknown }).then === "function"
  );
}

const PROMISE_KEYS = new Set<PropertyKey>(["then", "catch", "finally", "constructor"]);

/**
 * Why a plain call gave a promise: the uncompiled form, or compiled code that was not rewritten.
 * The wrapper itself also stays in a compiled file where the call is not the typed form (the
 * function passed on as an argument, in an array), so the message names both (attack29 F10: it
 * blamed a missing compile on a compiled file).
 */
const NOT_COMPILED =
  "Either this file was not compiled with the smartasync plugin, or the plugin did not take this `smartasync(...)` as the typed form (only a `const` bound to the call is), so a plain call cannot know it is in sync code";
const NOT_REWRITTEN =
  "The smartasync compiler did not rewrite this call (code it did not compile, a call it reported with SA206, or a promise used as a value in async code)";

/**
 * Without the compiler a plain call cannot know its context and returns a promise. Used as a
 * value in sync code, that promise would silently be the wrong thing; instead any use other
 * than awaiting it (`.then/.catch/.finally`) throws an error that says what happened.
 */
function guarded<T>(p: Promise<T>, name: string, why = NOT_COMPILED): Promise<T> {
  return new Proxy(p, {
    get(target, prop) {
      if (PROMISE_KEYS.has(prop) || typeof prop === "symbol") {
        const v = Reflect.get(target, prop, target);
        return typeof v === "function" ? v.bind(target) : v;
      }
      const call = name ? `\`${name}(...)\`` : "a call of a smartasync function";
      // This error reports the call: the promise must not also reject later, unhandled.
      markHandled(target);
      throw new TypeError(
        `smartasync: ${call} returned a promise, and its .${String(prop)} was read as if it were the value. ` +
          `${why}: put \`await\` before the call, or call \`.sync(...)\` on the function for the value.`,
      );
    },
  });
}

/**
 * Marks `fn` as a smartasync function, typed so that calls type-check in sync and async code.
 * With the compiler the wrapper disappears; without it (a tool that does not apply the plugin):
 * plain calls return a (guarded) promise, `.async()` returns a promise, and `.sync()` runs the
 * function in a worker and blocks (async `fn`) or calls it directly (sync `fn`).
 */
export type TypedForm = <F extends (...args: never[]) => unknown>(fn: F) => SyncOf<F>;

/** `smartasync(fn)` over a runtime's worker paths (see the header). */
export function typedForm({ register, runSync, offload }: WorkerPaths): TypedForm {
  return function smartasync<F extends (...args: never[]) => unknown>(fn: F): SyncOf<F> {
    if (typeof fn !== "function") throw new TypeError("smartasync(): expects a function");
    const url = callerUrl();
    // Workers find the function again by its module and its source text (with the count of
    // earlier wrappers of the same text in that module), which a fresh import of the module
    // repeats. Not by its position among all the module's smartasync() calls: a wrapper made on
    // the main thread only (`require.main === module ? smartasync(…) : null`, `isWorker`) shifts
    // every later position, and `.sync()` ran another function (attack17 F16). A function the
    // worker's copy does not make at all fails loudly there (SMARTASYNC_NOT_REGISTERED).
    const text = fingerprint(fn);
    const seen = url === undefined ? 0 : (counters.get(`${url}\0${text}`) ?? 0);
    if (url !== undefined) counters.set(`${url}\0${text}`, seen + 1);
    const key = seen === 0 ? `smartasync#${text}` : `smartasync#${text}.${seen}`;
    if (url !== undefined) register(url, { [key]: fn });
    const name = fn.name;
    const kind = fn.constructor?.name === "AsyncFunction" ? "async" : "sync";
    const call = fn as unknown as (...args: unknown[]) => unknown;
    const wrapper = function (this: unknown, ...args: unknown[]) {
      const v = call.apply(this, args);
      return isThenable(v) ? guarded(Promise.resolve(v), name) : v;
    };
    const syncVariant = function (this: unknown, ...args: unknown[]) {
      const v = call.apply(this, args);
      if (!isThenable(v)) return v;
      // An async function: its value needs the worker path (the compiler would inline it).
      Promise.resolve(v).catch(() => {});
      if (url === undefined) {
        throw new Error(
          `smartasync: ${name || "this function"}.sync() cannot find its module to run it in a worker; compile with the smartasync plugin`,
        );
      }
      return runSync(url, key, args);
    };
    const asyncVariant = function (this: unknown, ...args: unknown[]) {
      return url === undefined
        ? Promise.resolve().then(() => call.apply(this, args))
        : offload(url, key, args);
    };
    Object.defineProperty(wrapper, "name", { value: name });
    Object.defineProperty(wrapper, "sync", { value: syncVariant });
    Object.defineProperty(wrapper, "async", { value: asyncVariant });
    mark(wrapper, kind === "async" ? { kind, sync: syncVariant, name } : { kind, async: asyncVariant, name });
    return wrapper as unknown as SyncOf<F>;
  };
}

/** The function a compiled typed form's binding wraps (`typed`), for `explicit`'s `.async`. */
const RAW = new WeakMap<Function, Function>();

/**
 * Compiled code: what the typed form's binding holds once the compiler has taken the wrapper off
 * (`const load = _sa.typed(async (id) => …, "load")`). Calls the compiler rewrote go to the
 * variants; a call it did not rewrite — code it did not compile, a route it reported (SA206), a
 * call in async code whose promise is read as the value (`load(1).name`, which the type allows) —
 * gets the same guarded promise the uncompiled form gives, never a bare promise taken for the
 * value: compiled output is never less safe than uncompiled (fixture typescript/typed-wrapper-guard).
 */
export function typed<F extends Function>(fn: F, name: string): F {
  const call = fn as unknown as (...args: unknown[]) => unknown;
  const wrapper = function (this: unknown, ...args: unknown[]) {
    const v = call.apply(this, args);
    return isThenable(v) ? guarded(Promise.resolve(v), name, NOT_REWRITTEN) : v;
  };
  Object.defineProperty(wrapper, "name", { value: name });
  Object.defineProperty(wrapper, "length", { value: fn.length });
  RAW.set(wrapper, fn);
  return wrapper as unknown as F;
}

/** Compiled code: the wrapper's explicit choices on a function the compiler unwrapped. */
export function explicit<F extends Function>(fn: F, variants: { sync: Function; async: Function }): F {
  Object.defineProperty(fn, "sync", { value: variants.sync, configurable: true });
  // `.async()` wants the promise itself: the function `typed` wraps, not its guarded call.
  const async = variants.async === fn ? (RAW.get(fn) ?? fn) : variants.async;
  Object.defineProperty(fn, "async", { value: async, configurable: true });
  return fn;
}
