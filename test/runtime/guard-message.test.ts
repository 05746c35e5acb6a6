// The guard's message names the way out that fits the call (attack20 F8): a method of a receiver
// handed in (`cache.lookup(path)`) is dispatched, so what it held had no sync variant; one named
// like a built-in method is dispatched only where the file imports the module that annotates
// it; a plain call's message says neither.
import * as sa from "smartasync/runtime";
import { describe, expect, it } from "vitest";

function thrown(run: () => unknown): Error & { code?: string } {
  try {
    run();
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error("the guard let a promise through");
}

describe("the guard's message", () => {
  it("for a method call says what dispatch needs", () => {
    const e = thrown(() =>
      sa.guard(Promise.resolve(1), "renderSync", "src/render.js:15:24", "cache.lookup(...)"),
    );
    expect(e.code).toBe("SMARTASYNC_GUARD");
    expect(e.message).toContain("renderSync got a promise from cache.lookup(...) at src/render.js:15:24");
    expect(e.message).toContain("the function the object held has no sync variant");
    expect(e.message).toContain(
      "only where this file imports the module that annotates it (an unused import is enough)",
    );
  });

  it("for a plain call does not", () => {
    const e = thrown(() => sa.guard(Promise.resolve(1), "fSync", "a.js:3:9", "matcher(...)"));
    expect(e.code).toBe("SMARTASYNC_GUARD");
    expect(e.message).not.toContain("imports the module");
  });

  it("passes a value through", () => {
    expect(sa.guard(3, "fSync", "a.js:3:9", "x.y(...)")).toBe(3);
  });
});
