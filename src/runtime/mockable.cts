/**
 * Calls of imported smartasync functions in code compiled for a test runner that replaces
 * modules (`smartasync/jest`: `jest.mock`, automock or a factory). Such a call is compiled to
 * `callVariant(f, "sync", [args], loc)` instead of `fSync(args)`: the variant is found through
 * the marker on `f`, so a mock of `f` — which has no marker, and whose module may not have `fSync`
 * at all — is called itself, as the test wrote it. Only compiled this way under the `mockable`
 * option (docs/semantics.md, "Options"); production builds call `fSync` directly.
 */
import { located, markHandled, ofFn, SMARTASYNC, type SmartAsyncMarker } from "./portable.cjs";

function mockError(message: string, loc: string): Error {
  return located(message, "SMARTASYNC_MOCK", loc);
}

/**
 * `f(...args)` where the build chose `f`'s `mode` variant: that variant when `f` is marked, else
 * `f` itself (a mock, a replaced export). In sync mode the value is what sync code gets, so a
 * promise from an unmarked `f` (a mock made with `mockResolvedValue`) fails, located, instead of
 * flowing on as a value.
 */
export function callVariant(fn: unknown, mode: "sync" | "async", args: unknown[], loc: string): unknown {
  const f = callable(fn, loc);
  const variant = markedVariant(f, mode);
  if (variant !== undefined) return Reflect.apply(variant, undefined, args);
  const out = Reflect.apply(f, undefined, args);
  if (mode === "sync") notAPromise(f, out, loc);
  return out;
}

/**
 * The function to call for `f` where the call keeps its own shape — `f.call(t, a)`,
 * `f.apply(t, xs)`, `f.bind(t)(a)`, `f?.(a)`, `ns.f?.(a)`, a tagged template `` f`…` `` — compiled
 * as `pickVariant(f, mode, loc)` in `f`'s place: the variant `f`'s marker names, else `f`
 * itself, and in sync mode a function that calls `f` (with the receiver and arguments it is
 * given) and fails, located, on a promise as `callVariant` does. With `optional` (an optional
 * call), a null or undefined `f` is given back, so the `?.` short-circuits as the call it
 * replaces did and its arguments are not evaluated.
 */
export function pickVariant(fn: unknown, mode: "sync" | "async", loc: string, optional?: boolean): unknown {
  if (optional === true && (fn === null || fn === undefined)) return fn;
  const f = callable(fn, loc);
  const variant = markedVariant(f, mode);
  if (variant !== undefined) return variant;
  if (mode === "async") return f;
  return function (this: unknown, ...args: unknown[]): unknown {
    const out = Reflect.apply(f, this, args);
    notAPromise(f, out, loc);
    return out;
  };
}

function callable(fn: unknown, loc: string): (...args: unknown[]) => unknown {
  if (typeof fn !== "function")
    throw mockError(
      `smartasync: the function called at ${loc} is ${fn === null ? "null" : typeof fn}: a mock of its module does not provide it`,
      loc,
    );
  return fn as (...args: unknown[]) => unknown;
}

/** The `mode` variant `f`'s marker names, if `f` is a marked function of the other colour. */
function markedVariant(f: (...args: unknown[]) => unknown, mode: "sync" | "async"): Function | undefined {
  // A test runner's mock function (Jest's and Vitest's both say `_isMockFunction`) is the test's
  // word: called itself. Vitest's automock and `vi.spyOn` copy the original's marker onto it, and
  // a mock of its variant beside it (attack26 F08: sync code got the automocked variant's
  // `undefined`, not the value the test gave `mockReturnValue`).
  if ((f as { _isMockFunction?: unknown })._isMockFunction === true) return undefined;
  const m = (f as unknown as Record<symbol, SmartAsyncMarker | undefined>)[SMARTASYNC];
  if (m === undefined) return undefined;
  const variant =
    mode === "sync" ? (m.kind === "async" ? m.sync : undefined) : m.kind === "sync" ? m.async : undefined;
  // Only a marker of `f` itself: a copy on a wrapper would bypass the wrapper (see callSyncOf).
  return variant !== undefined && ofFn(variant) === f ? variant : undefined;
}

/** Sync code takes the value: a promise from an unmarked function (a mock) fails here, located. */
function notAPromise(f: Function, out: unknown, loc: string): void {
  if (
    out !== null &&
    (typeof out === "object" || typeof out === "function") &&
    typeof (out as { then?: unknown }).then === "function"
  ) {
    markHandled(out);
    throw mockError(
      `smartasync: ${f.name || "the function"} called at ${loc} returned a promise where sync code takes its value: it has no smartasync marker (a mock or a replacement of a smartasync function). Make the mock return the value (\`mockReturnValue\`, not \`mockResolvedValue\`), or await the call.`,
      loc,
    );
  }
}
