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
