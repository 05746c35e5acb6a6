import { describe, expect, it } from "vitest";
import { DEFAULT_OPTIONS } from "../../src/core/options.js";
import { canonicalCallee, findTwin, RUNTIME_MODULE } from "../../src/core/twins.js";

describe("twins (DESIGN §3.4)", () => {
  it("folds every way of reaching fs/promises", () => {
    for (const callee of [
      { module: "fs/promises", path: ["readFile"] },
      { module: "node:fs/promises", path: ["readFile"] },
      { module: "fs", path: ["promises", "readFile"] },
      { module: "node:fs", path: ["promises", "readFile"] },
    ]) {
      expect(canonicalCallee(callee)).toEqual({ module: "fs/promises", name: "readFile" });
      // The twin's module is spelled as the source spelled its own (jest.mock("fs") covers both).
      expect(findTwin(callee, DEFAULT_OPTIONS)).toEqual({
        module: callee.module.startsWith("node:") ? "node:fs" : "fs",
        name: "readFileSync",
        // The promise API it stands for: a replaced `readFile` is called instead (twinVia).
        promise: "readFile",
        args: { options: { index: 1, promiseOnly: ["signal"] }, path: 0 },
      });
    }
  });

  it("leaves out APIs whose twin differs (open gives a FileHandle)", () => {
    expect(findTwin({ module: "fs/promises", path: ["open"] }, DEFAULT_OPTIONS)).toBeUndefined();
  });

  it("maps timers/promises setTimeout to the runtime's blocking sleep", () => {
    expect(findTwin({ module: "node:timers/promises", path: ["setTimeout"] }, DEFAULT_OPTIONS)).toEqual({
      module: RUNTIME_MODULE,
      name: "sleepSync",
      args: { options: { index: 2, promiseOnly: ["signal", "ref"], defaults: { ref: true } }, value: 1 },
    });
  });

  it("takes user tables over the built-in one", () => {
    const options = {
      ...DEFAULT_OPTIONS,
      twins: { "my-lib": { get: { module: "my-lib/sync", name: "getSync" }, put: "putSync" } },
    };
    expect(findTwin({ module: "my-lib", path: ["get"] }, options)).toEqual({
      module: "my-lib/sync",
      name: "getSync",
      configured: true,
    });
    expect(findTwin({ module: "my-lib", path: ["put"] }, options)).toEqual({
      module: "my-lib",
      name: "putSync",
      configured: true,
    });
    expect(findTwin({ module: "my-lib", path: ["del"] }, options)).toBeUndefined();
    // A built-in twin is known to be sync: not `configured`, so its result is not guarded.
    expect(findTwin({ module: "fs/promises", path: ["mkdir"] }, options)?.configured).toBeUndefined();
  });
});
