/**
 * Calls of imported smartasync functions in code compiled for a test runner that replaces
 * modules (`smartasync/jest`: `jest.mock`, automock or a factory). Such a call is compiled to
 * `callVariant(f, "sync", [args], loc)` instead of `fSync(args)`: the variant is found through
 * the marker on `f`, so a mock of `f` — which has no marker, and whose module may not have `fSync`
 * at all — is called itself, as the test wrote it. Only compiled this way under the `mockable`
 * option (docs/semantics.md, "Options"); production builds call `fSync` directly.
 */
import { located, SMARTASYNC, type SmartAsyncMarker } from "./portable.cjs";

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
  if (typeof fn !== "function")
    throw mockError(
      `smartasync: the function called at ${loc} is ${fn === null ? "null" : typeof fn}: a mock of its module does not provide it`,
      loc,
    );
  const m = (fn as unknown as Record<symbol, SmartAsyncMarker | undefined>)[SMARTASYNC];
  if (m !== undefined) {
    const variant =
      mode === "sync" ? (m.kind === "async" ? m.sync : undefined) : m.kind === "sync" ? m.async : undefined;
    if (variant !== undefined) return Reflect.apply(variant, undefined, args);
  }
  const out = Reflect.apply(fn, undefined, args);
  if (
    mode === "sync" &&
    out !== null &&
    (typeof out === "object" || typeof out === "function") &&
    typeof (out as { then?: unknown }).then === "function"
  )
    throw mockError(
      `smartasync: ${fn.name || "the function"} called at ${loc} returned a promise where sync code takes its value: it has no smartasync marker (a mock or a replacement of a smartasync function). Make the mock return the value (\`mockReturnValue\`, not \`mockResolvedValue\`), or await the call.`,
      loc,
    );
  return out;
}
