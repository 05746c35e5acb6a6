/**
 * Helpers that inline sync variants call (DESIGN §3.4). Kept tiny: they run on the hot path of
 * every such variant.
 */

/** `await Promise.allSettled([a(), b()])` in a sync copy: each element settles on its own, in order. */
export function settle<T>(run: () => T): PromiseSettledResult<T> {
  try {
    return { status: "fulfilled", value: run() };
  } catch (reason) {
    return { status: "rejected", reason };
  }
}

/**
 * A returned call the compiler could not see into (`return helper(x)`) is assumed to be a
 * plain value in an inline sync variant. If it is a promise after all, fail loudly instead of
 * handing the caller a promise where it expects the value.
 */
export function expectValue<T>(value: T, variant: string): T {
  if (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  ) {
    throw new TypeError(
      `smartasync: ${variant} returned a promise from a call smartasync could not see into. Write \`return await <call>\` in the async function so the call is mapped (or gets a worker variant), or mark the callee @smartasync.`,
    );
  }
  return value;
}
