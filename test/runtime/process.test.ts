// Whole-process behaviour, checked on plain `node` subprocesses.
import { describe, expect, it } from "vitest";
import { runNode } from "./helpers.js";

describe("process lifetime", () => {
  it("importing the runtime starts nothing and the process exits at once", () => {
    const r = runNode(["import-only.mjs"]);
    expect(r.status).toBe(0);
    const { before, after, exports } = JSON.parse(r.stdout);
    expect(after).toEqual(before);
    expect(after).not.toContain("Worker");
    expect(exports).toBeGreaterThan(10);
  });

  for (const mode of ["sync", "offload", "both"]) {
    it(`a script that used ${mode === "sync" ? "runSync" : mode === "offload" ? "offload" : "both"} exits by itself promptly`, () => {
      const r = runNode(["exits-after-run-sync.mjs", mode], { timeout: 20_000 });
      expect(r.signal).toBeNull(); // not killed by the timeout
      expect(r.status).toBe(0);
      if (mode !== "offload") expect(r.stdout).toContain("sum 5");
      if (mode !== "sync") expect(r.stdout).toContain("cpu number");
      // Idle workers are unref'd: the exit does not wait for idleTimeoutMs or syncTimeoutMs.
      expect(r.ms).toBeLessThan(10_000);
    });
  }

  for (const fn of ["never", "spin"]) {
    it(`a blocking call that never settles (${fn}) times out, the next call works, the process exits`, () => {
      const r = runNode(["timeout.mjs", fn], { timeout: 20_000 });
      expect(r.signal).toBeNull();
      expect(r.status).toBe(0);
      const [first, second] = r.stdout.trim().split("\n");
      const err = JSON.parse(first!);
      expect(err.name).toBe("SmartAsyncTimeoutError");
      expect(err.code).toBe("SMARTASYNC_TIMEOUT");
      expect(err.message).toMatch(
        new RegExp(`^smartasync: ${fn} \\(file:.*esm\\.mjs\\) did not settle within 400 ms`),
      );
      expect(err.message).toContain("configure({ syncTimeoutMs");
      expect(err.ms).toBeGreaterThanOrEqual(390);
      expect(second).toBe("next 42");
    });
  }

  it("output printed by the blocking worker appears in order, before the caller continues", () => {
    const r = runNode(["stdout-order.mjs"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("before\ninside the worker\nafter\n");
  });
});

describe("environment", () => {
  it("where Atomics.wait is refused, runSync throws a clear error, or returns a promise if configured", () => {
    const r = runNode(["cannot-block.mjs"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe("canBlock false");
    expect(lines[1]).toBe(
      "error smartasync: cannot call add synchronously here: this thread may not block (Atomics.wait is not " +
        "allowed, as on a browser's main thread). Await add(...) instead, or call " +
        'configure({ onCannotBlock: "promise" }) to get a promise from such calls.',
    );
    expect(lines[2]).toBe("promise true 3");
  });

  it("a guarded entry (if (!isWorker) main()) runs once even though a worker imports the module", () => {
    const r = runNode(["guarded.mjs"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('main ran\nresult {"x":42,"isWorker":true}\n');
  });

  it("nesting works from a subprocess too, and the bound is enforced", () => {
    const r = runNode(["nesting.mjs"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^nested \{"sum":5,"isWorker":true,"threadId":\d+\}\ndeep number\nbound smartasync: cannot start a worker for deep: it would be nested 3 deep, beyond maxNesting \(2\)/,
    );
  });
});
