import { loadavg } from "node:os";
import * as sa from "smartasync/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { esmPath, esmUrl as url } from "./helpers.js";

type Mod = { cpu(n: number): number };
let mod: Mod;

beforeAll(async () => {
  mod = (await import(esmPath)) as Mod;
  sa.configure({ poolSize: 2 });
});
afterAll(async () => {
  sa.configure({ poolSize: 2, offloadTimeoutMs: 60_000, idleTimeoutMs: 1000, maxNesting: 4 });
  await sa.shutdown();
});

async function rejection(p: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await p;
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error("expected a rejection");
}

describe("offload", () => {
  it("returns the result of a registered sync function, in a worker", async () => {
    expect(await sa.offload(url, "cpu", [1000])).toBe(mod.cpu(1000));
    expect(await sa.offload(url, "whoAmISync", [])).toMatchObject({ isWorker: true });
  });

  it("runs several calls in parallel while the main thread's timers keep ticking", async () => {
    const N = 6e6; // roughly 100 ms of CPU each on this machine
    type Timed = { x: number; threadId: number; start: number; end: number };
    // Start both workers and load the module in each before timing.
    await Promise.all([sa.offload(url, "cpu", [N / 10]), sa.offload(url, "cpu", [N / 10])]);
    const expected = mod.cpu(N);
    let best = Number.POSITIVE_INFINITY;
    let ticksSeen = 0;
    let parallelMs = 0;
    let overlapped = false;
    // Other processes may hold the 2 cores: retry, keep the best ratio.
    for (let attempt = 0; attempt < 5 && (best >= 0.8 || !overlapped); attempt++) {
      const t0 = performance.now();
      for (let i = 0; i < 4; i++) mod.cpu(N);
      const sequential = performance.now() - t0;
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      const t1 = performance.now();
      const results = (await Promise.all(
        [1, 2, 3, 4].map(() => sa.offload(url, "cpuTimed", [N])),
      )) as Timed[];
      parallelMs = performance.now() - t1;
      clearInterval(timer);
      expect(results.map((r) => r.x)).toEqual([expected, expected, expected, expected]);
      // Concurrency, independent of load: two tasks on different threads overlapped in time.
      expect(new Set(results.map((r) => r.threadId)).size).toBe(2);
      overlapped ||= results.some((a) =>
        results.some((b) => a.threadId !== b.threadId && a.start < b.end && b.start < a.end),
      );
      best = Math.min(best, parallelMs / sequential);
      ticksSeen = Math.max(ticksSeen, ticks);
    }
    expect(overlapped).toBe(true);
    // Speed: 4 calls on 2 workers against 4 sequential direct calls (ideal 0.5 on 2 free cores).
    // When other processes saturate the machine no speed-up is measurable; say so rather than fail.
    const othersBusy = loadavg()[0]! > 2.5;
    if (othersBusy)
      console.warn(`parallel/sequential best ratio ${best.toFixed(2)} under load ${loadavg()[0]}`);
    else expect(best).toBeLessThan(0.9);
    expect(ticksSeen).toBeGreaterThanOrEqual(Math.min(5, Math.floor(parallelMs / 40)));
  });

  it("queues beyond the pool size, first in first out", async () => {
    const out = await Promise.all(Array.from({ length: 9 }, (_, i) => sa.offload(url, "cpu", [i * 10])));
    expect(out).toEqual(Array.from({ length: 9 }, (_, i) => mod.cpu(i * 10)));
  });

  it("errors keep their class, code, cause and AggregateError members", async () => {
    const t = await rejection(sa.offload(url, "failSync", ["type"]));
    expect(t).toBeInstanceOf(TypeError);
    expect(t.stack).toContain(`at <smartasync worker> failSync (${url})`);
    const c = await rejection(sa.offload(url, "failSync", ["custom"]));
    // Unregistered: an Error, named as the plain program reads it (the class sets no name).
    expect([c.name, c.code, c.constructor]).toEqual(["Error", "E_INVALID", Error]);
    const cause = await rejection(sa.offload(url, "failSync", ["cause"]));
    expect(cause.cause).toBeInstanceOf(RangeError);
    const agg = (await rejection(sa.offload(url, "failSync", ["aggregate"]))) as unknown as AggregateError;
    expect(agg).toBeInstanceOf(AggregateError);
    expect(agg.errors[0]).toBeInstanceOf(RangeError);
    const arg = Object.assign(new TypeError("arg", { cause: "c" }), { code: "E_X" });
    expect(await sa.offload(url, "inspectError", [arg])).toMatchObject({
      ctor: "TypeError",
      code: "E_X",
      cause: "c",
    });
  });

  it("refuses un-cloneable arguments and results, and unregistered functions", async () => {
    const a = await rejection(sa.offload(url, "echo", ["x", Symbol("y")]));
    expect([a.code, a.valuePath, a.message]).toEqual([
      "SMARTASYNC_UNCLONEABLE",
      "args[1]",
      "smartasync: cannot send the arguments of echo to a worker: args[1] is a symbol: symbols cannot be copied to another thread (pass a string)",
    ]);
    const nested = await rejection(sa.offload(url, "echo", [[() => 1]]));
    expect(nested.valuePath).toBe("args[0][0]");
    expect((await rejection(sa.offload(url, "returnFunction", []))).message).toMatch(
      /returnFunction returned a value that cannot be sent back from its worker: result is a function/,
    );
    expect((await rejection(sa.offload(url, "missing", []))).message).toMatch(/missing is not registered by/);
    expect(await sa.offload(url, "cpu", [5])).toBe(mod.cpu(5));
  });

  it("calls made in one synchronous run reject in the order they were made (attack 16, F21)", async () => {
    // The first call fails last in time; Promise.all still rejects with its error, as the plain
    // program (which runs the first call first and stops there) throws it.
    const first = await rejection(
      Promise.all([
        sa.offload(url, "failAfter", [300, "first"]),
        sa.offload(url, "failAfter", [1, "second"]),
      ]),
    );
    expect(first.message).toBe("first");
    // Values are not held back behind an earlier call that is still running.
    const [slow, fast] = [sa.offload(url, "failAfter", [300, "slow"]), sa.offload(url, "cpu", [10])];
    let slowDone = false;
    slow.catch(() => {
      slowDone = true;
    });
    expect(await fast).toBe(mod.cpu(10));
    expect(slowDone).toBe(false);
    expect((await rejection(slow)).message).toBe("slow");
  });

  // process.exit in the function ends the calling process with its code (attack 16, F23): run in a
  // real child process, test/reliability/runtime.test.ts ("process.exit in the function").
  // An uncaught throw in the worker is the calling process's own, not its task's, and the worker
  // goes on (attack30 F09): a real child process, test/runtime/process.test.ts.

  it("a task that does not settle within offloadTimeoutMs is rejected and its worker replaced", async () => {
    sa.configure({ offloadTimeoutMs: 300 });
    try {
      const e = await rejection(sa.offload(url, "spin", []));
      expect(e.name).toBe("SmartAsyncTimeoutError");
      expect(e.code).toBe("SMARTASYNC_TIMEOUT");
      expect(e.message).toContain("spin");
      expect(e.message).toContain("300 ms");
      expect(e.message).toContain("configure({ offloadTimeoutMs");
    } finally {
      sa.configure({ offloadTimeoutMs: 60_000 });
    }
    expect(await sa.offload(url, "cpu", [9])).toBe(mod.cpu(9));
  });

  it("a task given its own limit (offload's internal 4th argument, the compile budget's) keeps to it, not offloadTimeoutMs", async () => {
    // Not in offload's public type: smartasync's per-file compile budget (src/compile/budget.ts).
    const within = sa.offload as (u: string, n: string, a: unknown[], ms?: number) => Promise<unknown>;
    const e = await rejection(within(url, "spin", [], 300));
    expect(e.code).toBe("SMARTASYNC_TIMEOUT");
    expect(e.message).toContain("300 ms");
    expect(e.message).toContain("The limit was the task's own, set by its caller.");
    expect(e.message).not.toContain("configure(");
    // The program's own limit is untouched, and other tasks run.
    expect(await within(url, "cpu", [9], 10_000)).toBe(mod.cpu(9));
    for (const bad of [0, -1, Number.POSITIVE_INFINITY, Number.NaN])
      expect((await rejection(within(url, "cpu", [1], bad))).message).toMatch(
        /an offload limit must be a finite number of ms > 0/,
      );
  });

  it("idle workers are terminated after idleTimeoutMs", async () => {
    sa.configure({ idleTimeoutMs: 50 });
    try {
      const a = (await sa.offload(url, "whoAmISync", [])) as { threadId: number };
      await new Promise((r) => setTimeout(r, 400));
      const b = (await sa.offload(url, "whoAmISync", [])) as { threadId: number };
      expect(b.threadId).not.toBe(a.threadId);
    } finally {
      sa.configure({ idleTimeoutMs: 1000 });
    }
  });
});

describe("nesting", () => {
  it("an offloaded function can make a blocking call inside its worker", async () => {
    expect(await sa.offload(url, "cpuThenBlock", [20, 22])).toMatchObject({ sum: 42, isWorker: true });
  });

  it("blocking calls nest up to maxNesting, then fail clearly", async () => {
    expect(typeof sa.runSync(url, "deep", [2])).toBe("number"); // main -> w1 -> w2 -> w3
    await sa.shutdown();
    sa.configure({ maxNesting: 2 });
    try {
      expect(typeof sa.runSync(url, "deep", [1])).toBe("number");
      let err: Error | undefined;
      try {
        sa.runSync(url, "deep", [3]);
      } catch (e) {
        err = e as Error;
      }
      expect(err?.message).toMatch(
        /cannot start a worker for deep: it would be nested 3 deep, beyond maxNesting \(2\)/,
      );
      // Coded as smartasync's own failures are, across the workers it went through too: an
      // inline copy's `catch` lets it pass (attack27 F17).
      expect((err as Error & { code?: string }).code).toBe("SMARTASYNC_WORKER_START");
      // One worker of the calling thread, started afresh, under a bound of 0.
      await sa.shutdown();
      sa.configure({ maxNesting: 0 });
      let local: (Error & { code?: string }) | undefined;
      try {
        sa.runSync(url, "add", [1, 1]);
      } catch (e) {
        local = e as Error & { code?: string };
      }
      expect(local?.code).toBe("SMARTASYNC_WORKER_START");
      sa.configure({ maxNesting: 2 });
      expect(sa.runSync(url, "add", [1, 1])).toBe(2);
    } finally {
      await sa.shutdown();
      sa.configure({ maxNesting: 4 });
    }
  });
});
