import { describe, expect, it } from "vitest";
import { globalNamesIn } from "../../src/core/analysis/tree.js";

// The names a file may set on the global object, read from its text before any tree: each one
// is watched by the fast paths (every function mentioning it is analysed), so a comparison must
// not count as a write (vite's and lodash's `global.Object === Object` made `Object` watched).
describe("globalNamesIn", () => {
  it("reads assignments, compound and logical ones included", () => {
    const code = "globalThis.gl = load; global.a += 1; window.b ||= f; self.c ??= g; self . d=1";
    expect([...globalNamesIn(code)].sort()).toEqual(["a", "b", "c", "d", "gl"]);
  });

  it("does not read comparisons, arrows or reads", () => {
    const code =
      "if (global.Object === Object) x(); self.key == 1; self.k != 2; window.w !== 3; self.n <= 4; g(self.m);";
    expect([...globalNamesIn(code)]).toEqual([]);
  });
});
