/**
 * `return f()` inside a `try` with `catch` or `finally` in an async function returns f's promise:
 * the `catch` never sees its rejection, and `finally` runs before it settles. The inline sync
 * copy keeps that meaning (docs/semantics.md, "A returned call inside try"): the returned call
 * becomes `later(fSync, ...args)` (its arguments evaluated in place, inside the `try`), and the
 * copy's body, run as `settled((() => {...})())`, makes the call once the `try` is left.
 */
class Later {
  constructor(
    readonly fn: (...args: unknown[]) => unknown,
    readonly args: unknown[],
  ) {}
}

/** A call to make after the enclosing `try` statements are left (see above). */
export function later(fn: (...args: unknown[]) => unknown, ...args: unknown[]): unknown {
  return new Later(fn, args);
}

/** The value a sync copy returns: a deferred returned call is made now, outside every `try`. */
export function settled<T>(value: T): T {
  return value instanceof Later ? (value.fn(...value.args) as T) : value;
}
