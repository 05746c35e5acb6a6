import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as sa from "smartasync/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cjsPath, esmPath, esmUrl, fixtures } from "./helpers.js";

const url = esmUrl;

beforeAll(async () => {
  await import(esmPath);
  createRequire(import.meta.url)(cjsPath);
});
afterAll(async () => {
  sa.configure({ syncTimeoutMs: 30_000 });
  await sa.shutdown();
});

function thrown(f: () => unknown): Error & Record<string, unknown> {
  try {
    f();
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error("expected a throw");
}

describe("runSync", () => {
  it("returns the value of a registered async function (ESM, import.meta.url)", () => {
    expect(sa.runSync(url, "add", [2, 40])).toBe(42);
    expect(sa.runSync(url, "add", ["a", "b"])).toBe("ab");
  });

  it("runs in a smartasync worker, where isWorker is true", () => {
    const r = sa.runSync(url, "whoAmI", []) as { isWorker: boolean; threadId: number };
    expect(r.isWorker).toBe(true);
    expect(r.threadId).toBeGreaterThan(0);
  });

  it("reaches a CommonJS module registered by __filename, by path or URL", () => {
    expect(sa.runSync(cjsPath, "mul", [6, 7])).toBe(42);
    expect(sa.runSync(pathToFileURL(cjsPath).href, "mul", [2, 3])).toBe(6);
    expect(sa.runSync(cjsPath, "whereAmI", [])).toEqual({ isWorker: true, file: cjsPath });
  });

  it("names each function by its key once the worker knows it, across modules and a fresh worker", async () => {
    // The blocking channel sends a function's URL and name with its first call only (a key
    // after that): interleaved functions of two modules, then the same after a new worker.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 3; i++) {
        expect(sa.runSync(url, "add", [i, 1])).toBe(i + 1);
        expect(sa.runSync(cjsPath, "mul", [i, 2])).toBe(i * 2);
        expect((sa.runSync(url, "whoAmI", []) as { isWorker: boolean }).isWorker).toBe(true);
        expect(sa.runSync(pathToFileURL(cjsPath).href, "mul", [i, 3])).toBe(i * 3);
      }
      await sa.shutdown();
    }
  });

  it("register() merges several calls for the same module", async () => {
    sa.register(esmPath, { extra: async () => "extra" });
    // registered only here, not by the module itself: the worker refuses it
    expect(thrown(() => sa.runSync(url, "extra", [])).message).toBe(
      `smartasync: extra is not registered by ${url}`,
    );
    expect(sa.runSync(url, "add", [1, 1])).toBe(2);
  });

  it("refuses an unregistered URL or function on the calling side", () => {
    const other = pathToFileURL("/nowhere/module.mjs").href;
    expect(thrown(() => sa.runSync(other, "f", [])).message).toMatch(
      /^smartasync: f is not registered by file:\/\/\/nowhere\/module\.mjs/,
    );
    expect(thrown(() => sa.runSync(url, "nope", [])).message).toMatch(/nope is not registered by/);
    expect(() => sa.runSync("relative/path.mjs", "f", [])).toThrow();
  });

  it("rethrows the function's error", () => {
    const err = thrown(() => sa.runSync(url, "fail", ["plain"]));
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe("plain");
    expect(sa.runSync(url, "add", [1, 2])).toBe(3);
  });

  it("a thrown non-error value arrives as it was", () => {
    expect(thrown(() => sa.runSync(url, "fail", ["string"]))).toBe("a plain string");
  });
});

describe("errors cross the boundary intact", () => {
  it("TypeError and RangeError keep their class, message and the worker's stack", () => {
    const t = thrown(() => sa.runSync(url, "fail", ["type"]));
    expect(t).toBeInstanceOf(TypeError);
    expect(t.name).toBe("TypeError");
    expect(t.message).toBe("bad type");
    expect(t.stack).toMatch(/at fail \(.*esm\.mjs:\d+:\d+\)/);
    expect(t.stack).toContain(`at <smartasync worker> fail (${url})`);
    const r = thrown(() => sa.runSync(url, "fail", ["range"]));
    expect(r).toBeInstanceOf(RangeError);
  });

  it("an unregistered user-defined class arrives as an Error, its name what the program reads, with code and other own properties", () => {
    const e = thrown(() => sa.runSync(url, "fail", ["custom"]));
    expect(e).toBeInstanceOf(Error);
    // `class ValidationError extends Error {}` sets no name: the plain program reads "Error" (and
    // the receiving thread warns SMARTASYNC_UNREGISTERED_CLASS; fixture worker/error-class-unregistered).
    expect(e.name).toBe("Error");
    expect(e.code).toBe("E_INVALID");
    expect(e.details).toEqual({ field: "name" });
    expect(Object.keys(e)).toEqual(["code", "details"]);
  });

  it("cause is carried recursively", () => {
    const e = thrown(() => sa.runSync(url, "fail", ["cause"]));
    expect(e.message).toBe("outer");
    expect(e.cause).toBeInstanceOf(TypeError);
    expect((e.cause as Error).message).toBe("inner");
  });

  it("AggregateError keeps its errors", () => {
    const e = thrown(() => sa.runSync(url, "fail", ["aggregate"])) as unknown as AggregateError;
    expect(e).toBeInstanceOf(AggregateError);
    expect(e.errors).toHaveLength(2);
    expect(e.errors[0]).toBeInstanceOf(RangeError);
    expect(e.errors[1].message).toBe("two");
  });

  it("errors passed as arguments arrive intact, and returned errors come back intact", () => {
    const arg = new RangeError("given", { cause: new Error("why") });
    (arg as RangeError & { code: string }).code = "E_ARG";
    const r = sa.runSync(url, "inspectError", [arg]) as Record<string, unknown>;
    expect(r).toMatchObject({
      isError: true,
      ctor: "RangeError",
      name: "RangeError",
      message: "given",
      code: "E_ARG",
      cause: "Error: why",
    });
    expect(r.err).toBeInstanceOf(Error); // nested in an object: V8's own clone
  });
});

describe("values that cannot cross", () => {
  it("a function argument names the function, the argument path and what to do", () => {
    const e = thrown(() => sa.runSync(url, "echo", [1, () => 2]));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.code).toBe("SMARTASYNC_UNCLONEABLE");
    expect(e.valuePath).toBe("args[1]");
    expect(e.message).toBe(
      "smartasync: cannot send the arguments of echo to a worker: args[1] is a function: functions " +
        "cannot be copied to another thread (pass the data it needs, or call it first)",
    );
  });

  it("a symbol, a class instance, and a nested function are refused where they are", () => {
    expect(thrown(() => sa.runSync(url, "echo", [Symbol("s")])).message).toMatch(
      /: args\[0\] is a symbol: symbols cannot be copied/,
    );
    class Money {
      constructor(public cents: number) {}
      format() {
        return String(this.cents);
      }
    }
    expect(thrown(() => sa.runSync(url, "echo", [1, 2, new Money(3)])).message).toMatch(
      /: args\[2\] is an instance of Money: the copy would be a plain object without Money's prototype/,
    );
    const nested = thrown(() => sa.runSync(url, "echo", [{ ok: 1 }, { deep: { f() {} } }]));
    expect(nested.code).toBe("SMARTASYNC_UNCLONEABLE");
    expect(nested.valuePath).toBe("args[1].deep.f");
  });

  it("cloneable built-ins pass", () => {
    const d = new Date(0);
    const r = sa.runSync(url, "echo", [
      d,
      new Map([[1, 2]]),
      new Uint8Array([1, 2]),
      /x/g,
      null,
      undefined,
      1n,
    ]) as unknown[];
    expect(r[0]).toEqual(d);
    expect(r[1]).toEqual(new Map([[1, 2]]));
    expect(r[2]).toEqual(new Uint8Array([1, 2]));
    expect(r.slice(4)).toEqual([null, undefined, 1n]);
  });

  it("a result that cannot be cloned back names the function and the result path", () => {
    const f = thrown(() => sa.runSync(url, "returnFunction", []));
    expect(f.code).toBe("SMARTASYNC_UNCLONEABLE");
    expect(f.message).toBe(
      "smartasync: returnFunction returned a value that cannot be sent back from its worker: result is " +
        "a function: functions cannot be copied to another thread (pass the data it needs, or call it first)",
    );
    expect(thrown(() => sa.runSync(url, "returnInstance", [])).message).toMatch(
      /: result is an instance of Point/,
    );
    expect(thrown(() => sa.runSync(url, "returnNested", [])).valuePath).toBe("result.f");
    expect(sa.runSync(url, "add", [1, 1])).toBe(2);
  });
});

describe("worker failures", () => {
  // process.exit in the worker ends the calling process with its code (attack 16, F23): run in a
  // real child process, test/reliability/runtime.test.ts ("process.exit in the function").

  // An uncaught throw or unhandled rejection in the worker is the calling process's own, never
  // a call's (attack30 F10): real child processes, test/runtime/process.test.ts.

  it("a call that never settles times out, naming the function and the limit; the next call works", () => {
    sa.runSync(url, "add", [0, 0]); // warm
    sa.configure({ syncTimeoutMs: 300 });
    try {
      for (const fn of ["never", "spin"]) {
        const e = thrown(() => sa.runSync(url, fn, []));
        expect(e.name).toBe("SmartAsyncTimeoutError");
        expect(e.code).toBe("SMARTASYNC_TIMEOUT");
        expect(e.message).toContain(`${fn} (${url}) did not settle within 300 ms`);
        expect(e.message).toContain("configure({ syncTimeoutMs");
        sa.configure({ syncTimeoutMs: 20_000 });
        expect(sa.runSync(url, "add", [4, 4])).toBe(8);
        sa.configure({ syncTimeoutMs: 300 });
        sa.runSync(url, "add", [0, 0]); // warm the replacement
      }
    } finally {
      sa.configure({ syncTimeoutMs: 30_000 });
    }
  });

  it("the timeout counts from the call even when a loopback connection wakes the caller early", async () => {
    const hang = pathToFileURL(join(fixtures, "connect-then-hang.mjs")).href;
    await import(hang);
    const limit = 200;
    /** Per call: when the worker connected (ms after the call) and how late the timeout came. */
    const trials: { connected: number; over: number }[] = [];
    // A deadline counted from the wake a connection causes in the call's first milliseconds is
    // late by at least the time of that connection, every time. Counted from the call, it is
    // late only by scheduling delays (up to ~20 ms at a load of 15 on two cores). A call is
    // telling when its worker connected within 19 ms (on a busy machine a worker thread may not
    // run that soon): one telling call that ends sooner after its limit than its connection came
    // after its start shows the deadline counts from the call; three telling calls without one
    // show it does not (measured: late by at least the connection's time every time with the
    // deadline counted from the wake, within a millisecond from the call on most telling calls).
    const telling = () => trials.filter((t) => t.connected < 19);
    const shown = () => trials.map((t) => `${t.connected.toFixed(1)}/${t.over.toFixed(1)}`).join(", ");
    try {
      for (let i = 0; i < 16 && telling().length < 3; i++) {
        sa.configure({ syncTimeoutMs: 20_000 });
        expect(sa.runSync(hang, "ready", [])).toBe(true); // a warm worker: the start does not count
        sa.configure({ syncTimeoutMs: limit });
        const at = new Float64Array(new SharedArrayBuffer(8));
        const t0 = performance.timeOrigin + performance.now();
        const e = thrown(() => sa.runSync(hang, "connectThenHang", [6, at]));
        const over = performance.timeOrigin + performance.now() - t0 - limit;
        expect(e.code).toBe("SMARTASYNC_TIMEOUT");
        expect(over, shown()).toBeGreaterThanOrEqual(-1); // never early
        trials.push({ connected: at[0]! - t0, over });
        if (telling().some((t) => t.over < t.connected - 1)) break;
      }
    } finally {
      sa.configure({ syncTimeoutMs: 30_000 });
    }
    if (telling().length >= 3)
      expect(
        telling().some((t) => t.over < t.connected - 1),
        `connected/over the limit (ms): ${shown()}`,
      ).toBe(true);
  });

  it("waits for the answer as long as the time left, not in short slices", () => {
    // A wait shorter than the kernel's scheduler tick arms a timer by reprogramming the CPU's
    // timer device on every call: a first wait of at most 1 ms put the round trip with an options
    // object at 1.4–1.6× synckit's (docs/performance.md, "runSync vs synckit"). The waits of the
    // blocked caller, seen through Atomics.wait itself (canBlock's probe waits 0 ms: not counted).
    sa.configure({ syncTimeoutMs: 30_000 });
    expect(sa.runSync(url, "add", [0, 0])).toBe(0); // a warm worker
    const real = Atomics.wait;
    const waits: number[] = [];
    const spy = (ta: Int32Array, i: number, v: number, t?: number) => {
      if (t !== 0) waits.push(t ?? Number.POSITIVE_INFINITY);
      return real(ta, i, v, t);
    };
    (Atomics as { wait: typeof Atomics.wait }).wait = spy as typeof Atomics.wait;
    try {
      for (let i = 0; i < 5; i++) expect(sa.runSync(url, "add", [i, 1])).toBe(i + 1);
    } finally {
      (Atomics as { wait: typeof Atomics.wait }).wait = real;
    }
    expect(waits.length).toBeGreaterThanOrEqual(5);
    // Each wait is the limit less the time already spent: far over any tick (4 ms at HZ=250).
    expect(Math.min(...waits)).toBeGreaterThan(29_000);
  });

  it("shutdown() terminates the worker; the next call starts a fresh one", async () => {
    const a = (sa.runSync(url, "whoAmI", []) as { threadId: number }).threadId;
    await sa.shutdown();
    const b = (sa.runSync(url, "whoAmI", []) as { threadId: number }).threadId;
    expect(b).not.toBe(a);
  });
});
