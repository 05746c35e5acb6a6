// callVariant(): how code compiled with the `mockable` option (smartasync/jest) calls an imported
// smartasync function. The fixture strategies/mockable-option runs it on compiled code with the
// real module; examples/jest runs it under real Jest with jest.mock; this covers its edges.
import * as sa from "smartasync/runtime";
import { describe, expect, it } from "vitest";

function marked() {
  async function load(x: number) {
    return `async ${x}`;
  }
  function loadSync(this: unknown, x: number) {
    return `sync ${x} this=${String(this)}`;
  }
  function hash(s: string) {
    return `hash ${s}`;
  }
  async function hashAsync(s: string) {
    return `offloaded ${s}`;
  }
  sa.mark(load, { kind: "async", sync: loadSync });
  sa.mark(hash, { kind: "sync", async: hashAsync });
  return { load, hash };
}

describe("callVariant", () => {
  it("calls the variant the marker names, as a plain call (no receiver)", async () => {
    const { load, hash } = marked();
    expect(sa.callVariant(load, "sync", [1], "a.js:1:1")).toBe("sync 1 this=undefined");
    await expect(sa.callVariant(hash, "async", ["x"], "a.js:1:1")).resolves.toBe("offloaded x");
  });

  it("calls an unmarked function (a mock) itself, with the arguments as given", async () => {
    const calls: unknown[][] = [];
    const mock = (...args: unknown[]) => {
      calls.push(args);
      return "mocked";
    };
    expect(sa.callVariant(mock, "sync", [1, "two"], "a.js:1:1")).toBe("mocked");
    expect(await sa.callVariant(async () => "resolved", "async", [], "a.js:1:1")).toBe("resolved");
    expect(calls).toEqual([[1, "two"]]);
  });

  it("refuses a promise from an unmarked function where sync code takes the value, located", () => {
    const loadSettings = async () => ({ name: "x" });
    expect(() => sa.callVariant(loadSettings, "sync", [], "src/app.ts:5:20")).toThrow(
      expect.objectContaining({
        name: "SmartAsyncError",
        code: "SMARTASYNC_MOCK",
        loc: "src/app.ts:5:20",
        message: expect.stringContaining("loadSettings called at src/app.ts:5:20 returned a promise"),
      }),
    );
  });

  it("names the place when the mocked module lacks the function", () => {
    expect(() => sa.callVariant(undefined, "sync", [], "src/app.ts:5:20")).toThrow(
      "smartasync: the function called at src/app.ts:5:20 is undefined: a mock of its module does not provide it",
    );
  });
});

// pickVariant(): the same choice for the calls that keep their shape (`f.call(t, a)`,
// `f.apply(t, xs)`, `f.bind(t)(a)`, `f?.(a)`, a tagged template): it gives the function to call.
describe("pickVariant", () => {
  it("gives the variant the marker names; the call's receiver reaches it", async () => {
    const { load, hash } = marked();
    const sync = sa.pickVariant(load, "sync", "a.js:1:1") as (this: unknown, x: number) => string;
    expect(sync.call("recv", 1)).toBe("sync 1 this=recv");
    expect(sync.apply(undefined, [2])).toBe("sync 2 this=undefined");
    const offloaded = sa.pickVariant(hash, "async", "a.js:1:1") as (s: string) => Promise<string>;
    await expect(offloaded("x")).resolves.toBe("offloaded x");
  });

  it("gives an unmarked function (a mock) in async mode itself, and in sync mode one that calls it", () => {
    const seen: unknown[] = [];
    function mock(this: unknown, ...args: unknown[]) {
      seen.push(this, args);
      return "mocked";
    }
    expect(sa.pickVariant(mock, "async", "a.js:1:1")).toBe(mock);
    const sync = sa.pickVariant(mock, "sync", "a.js:1:1") as (this: unknown, ...a: unknown[]) => string;
    expect(sync.call("t", 1, 2)).toBe("mocked");
    // A tagged template's strings object reaches the mock as it is.
    const strings = Object.freeze(Object.assign(["a", "b"], { raw: ["a", "b"] }));
    expect(sync(strings, 3)).toBe("mocked");
    expect(seen).toEqual(["t", [1, 2], undefined, [strings, 3]]);
    expect((seen[3] as unknown[])[0]).toBe(strings);
  });

  it("refuses a promise from an unmarked function in sync mode, located", () => {
    const loadSettings = async () => ({ name: "x" });
    const sync = sa.pickVariant(loadSettings, "sync", "src/app.ts:7:3") as () => unknown;
    expect(() => sync()).toThrow(
      expect.objectContaining({
        code: "SMARTASYNC_MOCK",
        loc: "src/app.ts:7:3",
        message: expect.stringContaining("loadSettings called at src/app.ts:7:3 returned a promise"),
      }),
    );
  });

  it("an optional call short-circuits on a missing function; a plain one names the place", () => {
    expect(sa.pickVariant(undefined, "sync", "a.js:2:2", true)).toBeUndefined();
    expect(sa.pickVariant(null, "async", "a.js:2:2", true)).toBeNull();
    expect(() => sa.pickVariant(undefined, "sync", "src/app.ts:5:20")).toThrow(
      "smartasync: the function called at src/app.ts:5:20 is undefined: a mock of its module does not provide it",
    );
    // Not a function, and not nullish: a located error even for an optional call (as `?.()` throws).
    expect(() => sa.pickVariant(42, "sync", "a.js:3:3", true)).toThrow(/a\.js:3:3 is number/);
  });
});
