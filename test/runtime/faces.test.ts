// The runtime ships as CommonJS (dist/runtime/index.cjs) with an ES module face (index.js), so
// that `require` and `import` reach one runtime on every Node this package supports, including
// 22.0–22.11, which cannot `require` an ES module (docs/runtime.md, "How it ships").
import { describe, expect, it } from "vitest";
import { runNode } from "./helpers.js";

describe("the two faces of the runtime", () => {
  it("import and require in one program reach one runtime: one configuration, pool and blocking worker", () => {
    const r = runNode(["faces.mjs"], { timeout: 30_000 });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.node).toBe(process.version);
    // The same names, and the very same functions and values.
    expect(out.names.esm).toEqual(out.names.cjs);
    expect(out.names.esm).toEqual(
      expect.arrayContaining(["register", "runSync", "offload", "configure", "guard"]),
    );
    expect(out.different).toEqual([]);
    expect(out.getters).toEqual([]);
    // poolSize 1 set through require applied to the offload made through import: one worker ran both.
    const [a, b] = out.pool;
    expect(a).toBeGreaterThan(0);
    expect(b).toBe(a);
    const [s1, s2] = out.blocking;
    expect(s1).toBeGreaterThan(0);
    expect(s2).toBe(s1);
    expect(s1).not.toBe(a);
    expect(out.crossed).toEqual([5, "woke"]);
    expect(out.shutdown).toBe("smartasync: shutdown() terminated the worker running this task");
  });
});
