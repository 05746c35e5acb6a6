// mapSync(): `await pMap(xs, async (x, i) => …, options)` in a sync copy (fixture inline/p-map;
// examples/find-up runs it with the real p-map under both compilers).
import * as sa from "smartasync/runtime";
import { describe, expect, it } from "vitest";

const where = ["fSync", "a.js:3:9", "each result of pMap(xs, ...)"] as const;

describe("mapSync", () => {
  it("calls the callback with each element and its index, in order, one after another", () => {
    const seen: string[] = [];
    const out = sa.mapSync(
      new Set(["a", "b", "c"]),
      (x: string, i: number) => {
        seen.push(`${x}${i}`);
        return x.toUpperCase();
      },
      { concurrency: 2 },
      ...where,
      undefined,
    );
    expect(out).toEqual(["A", "B", "C"]);
    expect(seen).toEqual(["a0", "b1", "c2"]);
  });

  it("leaves out results equal to p-map's skip symbol, and only when it is a symbol", () => {
    const skip = Symbol("skip");
    expect(sa.mapSync([1, 2, 3], (x: number) => (x === 2 ? skip : x), undefined, ...where, skip)).toEqual([
      1, 3,
    ]);
    expect(sa.mapSync([1, undefined], (x) => x, undefined, ...where, undefined)).toEqual([1, undefined]);
  });

  it("refuses p-map's pMapStop, which the sequential copy does not follow, and a lazy input; keeps pMap's concurrency check", async () => {
    const { pMapSkip, pMapStop } = (await import("p-map")) as unknown as {
      pMapSkip: symbol;
      pMapStop: symbol;
    };
    let calls = 0;
    const stopAt2 = (x: number) => {
      calls++;
      return x === 2 ? pMapStop : x;
    };
    expect(() => sa.mapSync([1, 2, 3], stopAt2, undefined, ...where, pMapSkip)).toThrow(/pMapStop/);
    expect(calls).toBe(2);
    expect(() => sa.mapDone([1, pMapStop], pMapSkip)).toThrow(/pMapStop/);
    // A registered symbol is not p-map's: kept as a value.
    expect(sa.mapSync([1], () => Symbol.for("stop"), undefined, ...where, pMapSkip)).toEqual([
      Symbol.for("stop"),
    ]);
    function* gen() {
      yield 1;
    }
    expect(() => sa.mapSync(gen(), (x: number) => x, undefined, ...where, pMapSkip)).toThrow(/iterator/);
    expect(() => sa.mapSync([1], (x: number) => x, { concurrency: 0 }, ...where, pMapSkip)).toThrow(
      /Expected `concurrency` to be an integer from 1 and up or `Infinity`, got `0` \(number\)/,
    );
  });

  it("throws the first error in index order and runs no callback after it", () => {
    const ran: number[] = [];
    const cb = (x: number) => {
      ran.push(x);
      if (x > 1) throw new Error(`bad ${x}`);
      return x;
    };
    expect(() => sa.mapSync([1, 2, 3], cb, undefined, ...where, undefined)).toThrow("bad 2");
    expect(ran).toEqual([1, 2]);
  });

  it("refuses, located, a promise as a result or as an element, and an input it cannot iterate", () => {
    const guard = expect.objectContaining({
      name: "SmartAsyncError",
      code: "SMARTASYNC_GUARD",
      loc: "a.js:3:9",
    });
    expect(() => sa.mapSync([1], async (x: number) => x, undefined, ...where, undefined)).toThrow(guard);
    expect(() => sa.mapSync([Promise.resolve(1)], (x) => x, undefined, ...where, undefined)).toThrow(
      expect.objectContaining({
        message: expect.stringContaining("an element of the input of pMap(xs, ...)"),
      }),
    );
    const asyncIterable = { async *[Symbol.asyncIterator]() {} };
    expect(() => sa.mapSync(asyncIterable as never, (x) => x, undefined, ...where, undefined)).toThrow(
      expect.objectContaining({
        code: "SMARTASYNC_GUARD",
        message: expect.stringContaining("an async iterable needs the async function"),
      }),
    );
  });
});

// allSync(xs.map((x) => { try { … } catch (e) { return failed(e); } })) and
// allOf([attempt(() => …)]): `Promise.all` over a map or an array literal in a sync copy (fixtures
// inline/promise-all-map, inline/promise-all-map-held-errors, inline/promise-all-runs-every-element).
describe("sequential Promise.all (attack 13, F8)", () => {
  const at = ["fSync", "a.js:4:9", "each result of xs.map(...)"] as const;

  it("runs every callback of a map to its end, each holding its error, then throws the first by index", () => {
    const ran: number[] = [];
    const cb = (x: number) => {
      try {
        ran.push(x);
        if (x % 2 === 0) throw new Error(`bad ${x}`);
        return x * 10;
      } catch (error) {
        return sa.failed(error);
      }
    };
    expect(() => sa.allSync([1, 2, 3, 4].map(cb), ...at)).toThrow("bad 2");
    expect(ran).toEqual([1, 2, 3, 4]);
    expect(sa.allSync([1, 3].map(cb), ...at)).toEqual([10, 30]);
  });

  it("lets a guard's failure out of failed at once: it is smartasync's refusal, not a rejection", () => {
    const ran: number[] = [];
    const cb = (x: number) => {
      try {
        ran.push(x);
        return sa.guard(x === 1 ? Promise.resolve(x) : x, ...at);
      } catch (error) {
        return sa.failed(error);
      }
    };
    expect(() => [0, 1, 2].map(cb)).toThrow(expect.objectContaining({ code: "SMARTASYNC_GUARD" }));
    expect(ran).toEqual([0, 1]);
  });

  // `caught` is what builds before `failed` emitted; packages built with them keep working.

  it("runs every callback of a map to its end, then throws the first error by index", () => {
    const ran: number[] = [];
    const cb = sa.caught((x: number) => {
      ran.push(x);
      if (x % 2 === 0) throw new Error(`bad ${x}`);
      return x * 10;
    });
    expect(() => sa.allSync([1, 2, 3, 4].map(cb), ...at)).toThrow("bad 2");
    expect(ran).toEqual([1, 2, 3, 4]);
    expect(sa.allSync([1, 3].map(cb), ...at)).toEqual([10, 30]);
  });

  it("runs every element of an array literal, then throws the first error by index", () => {
    const ran: string[] = [];
    const fail = (name: string) => {
      ran.push(name);
      throw new Error(name);
    };
    expect(() =>
      sa.allOf([sa.attempt(() => ran.push("a")), sa.attempt(() => fail("b")), sa.attempt(() => fail("c"))]),
    ).toThrow("b");
    expect(ran).toEqual(["a", "b", "c"]);
    expect(sa.allOf([sa.attempt(() => 1), sa.attempt(() => "two")])).toEqual([1, "two"]);
  });

  it("lets a guard's failure through at once: it is smartasync's refusal, not a rejection", () => {
    const ran: number[] = [];
    const cb = sa.caught((x: number) => {
      ran.push(x);
      return sa.guard(x === 1 ? Promise.resolve(x) : x, ...at);
    });
    expect(() => [0, 1, 2].map(cb)).toThrow(expect.objectContaining({ code: "SMARTASYNC_GUARD" }));
    expect(ran).toEqual([0, 1]);
  });
  it("stopOnError: stops at the first error when true or absent; collects them as pMap does when falsy", () => {
    const run = (options: unknown) => {
      const seen: number[] = [];
      try {
        return {
          value: sa.mapSync(
            [1, -1, 2, -3, 4],
            (x: number, i: number) => {
              seen.push(i);
              if (x < 0) throw new Error(`bad ${x}`);
              return x;
            },
            options,
            ...where,
            undefined,
          ),
          seen,
        };
      } catch (e) {
        return { error: e, seen };
      }
    };
    for (const options of [
      undefined,
      null,
      {},
      { stopOnError: true },
      { stopOnError: undefined },
      { stopOnError: 1 },
    ]) {
      const r = run(options);
      expect(r.seen, JSON.stringify(options)).toEqual([0, 1]);
      expect((r.error as Error).message).toBe("bad -1");
    }
    for (const options of [
      { stopOnError: false },
      { stopOnError: 0 },
      { stopOnError: null },
      { stopOnError: "" },
    ]) {
      const r = run(options);
      expect(r.seen, JSON.stringify(options)).toEqual([0, 1, 2, 3, 4]);
      expect(r.error).toBeInstanceOf(AggregateError);
      expect((r.error as AggregateError).errors.map((e: Error) => e.message)).toEqual(["bad -1", "bad -3"]);
    }
    // No error: the results, nothing thrown.
    expect(sa.mapSync([1, 2], (x: number) => x * 2, { stopOnError: false }, ...where, undefined)).toEqual([
      2, 4,
    ]);
  });

  it("stopOnError: false lets a guard's failure in the callback through at once, not inside an AggregateError", () => {
    // The callback's inline copy guards an `await` that met a promise: smartasync cannot compute
    // what the plain program does, so a caller's `catch (e) { if (e instanceof AggregateError) … }`
    // must not take it for one element's ordinary failure.
    const seen: number[] = [];
    let error: unknown;
    try {
      sa.mapSync(
        [1, -1, 2, 3],
        (x: number, i: number) => {
          seen.push(i);
          if (x < 0) throw new Error(`bad ${x}`);
          return sa.guard(x === 2 ? Promise.resolve(x) : x, "fSync", "a.js:4:5", "the await of fetchOne(x)");
        },
        { stopOnError: false },
        ...where,
        undefined,
      );
    } catch (e) {
      error = e;
    }
    expect(error).not.toBeInstanceOf(AggregateError);
    expect(error).toMatchObject({ code: "SMARTASYNC_GUARD" });
    expect(seen).toEqual([0, 1, 2]);
  });
});

// mapLimitSync(): `await mapLimit(xs, n, async (x) => …)` / `eachLimit` of the async package (v3)
// in a sync copy (fixture inline/async-map-limit). The package is not installed here: each rule
// below is async's own (lib/internal/eachOfLimit.js, iterator.js, asyncify.js), written down.
describe("mapLimitSync", () => {
  const at = ["fSync", "a.js:3:9", "each result of mapLimit(xs, ...)"] as const;

  it("calls the callback with the element only, in order, and keeps the results in order", () => {
    const seen: unknown[][] = [];
    const out = sa.mapLimitSync(
      ["a", "b"],
      4,
      (...args: unknown[]) => {
        seen.push(args);
        return String(args[0]).toUpperCase();
      },
      false,
      ...at,
    );
    expect(out).toEqual(["A", "B"]);
    expect(seen).toEqual([["a"], ["b"]]);
    expect(sa.mapLimitSync(["a"], 1, (x) => x, true, ...at)).toBeUndefined();
  });

  it("reads inputs as async does: array-likes by index, iterables, an object's values, nothing for a falsy one", () => {
    const id = (x: unknown) => x;
    expect(sa.mapLimitSync({ length: 2, 0: "x", 1: "y" }, 2, id, false, ...at)).toEqual(["x", "y"]);
    expect(sa.mapLimitSync(new Set([1, 2]), 2, id, false, ...at)).toEqual([1, 2]);
    expect(sa.mapLimitSync({ a: 1, b: 2 }, 2, id, false, ...at)).toEqual([1, 2]);
    expect(sa.mapLimitSync(null, 2, id, false, ...at)).toEqual([]);
    expect(sa.mapLimitSync(undefined, 2, id, true, ...at)).toBeUndefined();
  });

  it("stops at the first error, wraps a thrown value that is no error, and refuses a limit below 1", () => {
    const ran: number[] = [];
    const cb = (x: number) => {
      ran.push(x);
      if (x === 2) throw new Error("bad 2");
      if (x === 3) throw "plain";
      return x;
    };
    expect(() => sa.mapLimitSync([1, 2, 3], 2, cb, false, ...at)).toThrow("bad 2");
    expect(ran).toEqual([1, 2]);
    expect(() => sa.mapLimitSync([3], 2, cb, false, ...at)).toThrow(
      expect.objectContaining({ name: "Error", message: "plain" }),
    );
    expect(() => sa.mapLimitSync([1], 0, cb, false, ...at)).toThrow(RangeError);
  });

  it("refuses, located, a promise as a result and an async iterable as the input", () => {
    const guard = expect.objectContaining({ code: "SMARTASYNC_GUARD", loc: "a.js:3:9" });
    expect(() => sa.mapLimitSync([1], 1, async (x: number) => x, false, ...at)).toThrow(guard);
    const asyncIterable = { async *[Symbol.asyncIterator]() {} };
    expect(() => sa.mapLimitSync(asyncIterable, 1, (x) => x, false, ...at)).toThrow(guard);
  });
});

describe("limited", () => {
  it("runs the function a p-limit limiter would run in its turn, now, and gives its result or error", () => {
    expect(sa.limited(() => 42)).toBe(42);
    expect(() =>
      sa.limited(() => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
  });
});

describe("pMapLoop and mapDone (the loop form of pMap, core loop-copy.ts)", () => {
  it("takes the loop for an array read by the array iterator, with stopOnError absent or truthy", () => {
    expect(sa.pMapLoop([1, 2], undefined)).toBe(true);
    expect(sa.pMapLoop([], { concurrency: 2 })).toBe(true);
    expect(sa.pMapLoop([1], { stopOnError: true })).toBe(true);
    expect(sa.pMapLoop([1], { stopOnError: undefined })).toBe(true);
    expect(sa.pMapLoop([1], null)).toBe(true);
  });

  it("leaves to mapSync what the loop would not reproduce", () => {
    // Not an array: another iterator.
    expect(sa.pMapLoop(new Set([1]), undefined)).toBe(false);
    expect(sa.pMapLoop("ab", undefined)).toBe(false);
    expect(sa.pMapLoop({ length: 1, 0: "a" }, undefined)).toBe(false);
    // An array with its own iterator: pMap reads that one.
    const own = [1, 2];
    (own as unknown as { [Symbol.iterator]: () => Iterator<number> })[Symbol.iterator] = function* () {
      yield 9;
    };
    expect(sa.pMapLoop(own, undefined)).toBe(false);
    // stopOnError turned off: every callback runs and the errors are gathered (mapSync).
    expect(sa.pMapLoop([1], { stopOnError: false })).toBe(false);
    expect(sa.pMapLoop([1], { stopOnError: 0 })).toBe(false);
  });

  it("mapDone leaves out p-map's skip symbol only, in order, and returns the array itself otherwise", () => {
    const skip = Symbol("skip");
    const kept = [1, 2];
    expect(sa.mapDone(kept, skip)).toBe(kept);
    expect(sa.mapDone([1, skip, 2, skip], skip)).toEqual([1, 2]);
    // Older p-map versions have no skip symbol.
    expect(sa.mapDone([1, undefined], undefined)).toEqual([1, undefined]);
  });
});
