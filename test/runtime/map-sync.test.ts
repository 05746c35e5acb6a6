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
