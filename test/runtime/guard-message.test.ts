// The guard's message names the way out that fits the call (attack20 F8): a method of a receiver
// handed in (`cache.lookup(path)`) may be annotated in a module the file does not import, where
// the build could not dispatch it; a plain call's message does not say so.
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
  it("for a method call says to import the module that annotates it", () => {
    const e = thrown(() =>
      sa.guard(Promise.resolve(1), "renderSync", "src/render.js:15:24", "cache.lookup(...)"),
    );
    expect(e.code).toBe("SMARTASYNC_GUARD");
    expect(e.message).toContain("renderSync got a promise from cache.lookup(...) at src/render.js:15:24");
    expect(e.message).toContain("import that module here (an unused import is enough)");
  });

  it("for a plain call does not", () => {
    const e = thrown(() => sa.guard(Promise.resolve(1), "fSync", "a.js:3:9", "matcher(...)"));
    expect(e.code).toBe("SMARTASYNC_GUARD");
    expect(e.message).not.toContain("import that module");
  });

  it("passes a value through", () => {
    expect(sa.guard(3, "fSync", "a.js:3:9", "x.y(...)")).toBe(3);
  });
});
