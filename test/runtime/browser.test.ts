/**
 * The browser runtime (dist/runtime/browser.js, what the Vite plugin bundles into a browser
 * build) read in Node: the same exports as the Node runtime, one ES module without imports,
 * inline helpers and dispatch that work, and a located SmartAsyncError where a worker would be
 * needed. test/integrations/browser.test.ts runs it in Chromium.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as node from "smartasync/runtime";
import { describe, expect, it } from "vitest";
import * as browser from "../../dist/runtime/browser.js";
import { scanImports } from "../../src/core/import-scan.js";

// Not from test/harness.ts, which loads Babel 7 (its TypeScript preset requires Babel 8, an ES
// module, which Node 22.11 cannot require: CI runs the runtime's tests there, .ci/run).
const ROOT = join(import.meta.dirname, "../..");

function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error("did not throw");
}

describe("the browser runtime", () => {
  it("has every export of the Node runtime, so code written for either imports the same names", () => {
    expect(Object.keys(browser).sort()).toEqual(Object.keys(node).sort());
  });

  it("is one self-contained ES module: no import, no CommonJS, no Node module, only the files it shares", () => {
    // scripts/build.mjs bundles browser.ts and the runtime files it imports (CommonJS sources for
    // the Node runtime) with esbuild, so a browser bundler needs no CommonJS plugin for it.
    const file = join(ROOT, "dist/runtime/browser.js");
    const code = readFileSync(file, "utf8");
    expect(scanImports(code)).toEqual([]);
    expect(code).not.toMatch(/\brequire\(|\bmodule\.exports\b|\bexports\.|__commonJS|__toESM|\bnode:/);
    expect(code).toMatch(/^export \{$/m);
    // The files it is made of (and not the Node runtime, its workers or the codec).
    const parts = [...code.matchAll(/^\/\/ src\/runtime\/(\S+)$/gm)].map((m) => m[1]).sort();
    expect(parts).toEqual([
      "browser.ts",
      "inline.cts",
      "later.cts",
      "mockable.cts",
      "portable.cts",
      "settings.cts",
      "wrapper.cts",
    ]);
  });

  it("shares markers with the Node runtime: a function marked by one is dispatched by the other", () => {
    async function load(x: number) {
      return x;
    }
    const loadSync = (x: number) => x + 1;
    node.mark(load, { kind: "async", sync: loadSync });
    expect(browser.getMarker(load)?.sync).toBe(loadSync);
    expect(browser.callSync({ load }, "load", [1])).toBe(2);
    // The other way round: the marker is a registered symbol, not a module's own value.
    const quick = (x: number) => x;
    browser.mark(quick, { kind: "sync", async: async (x: number) => x });
    expect(node.isSmartAsync(quick)).toBe(true);
    expect(browser.SMARTASYNC).toBe(node.SMARTASYNC);
    expect(browser.guard(3, "fSync", "src/a.ts:1:1", "x")).toBe(3);
    const guardError = thrown(() => browser.guard(Promise.resolve(3), "fSync", "src/a.ts:1:1", "x"));
    expect(guardError.code).toBe("SMARTASYNC_GUARD");
    expect(browser.isWorker).toBe(false);
  });

  it("fails a worker variant reached at run time with a SmartAsyncError naming the function and the way out", async () => {
    const e = thrown(() => browser.runSync("https://example.test/assets/index.js", "shout", []));
    expect(e.name).toBe("SmartAsyncError");
    expect(e.code).toBe("SMARTASYNC_BROWSER");
    expect(e.message).toBe(
      "smartasync: shout (https://example.test/assets/index.js) was called for its value in sync code, and its sync variant runs it on a worker thread while the caller blocks: a browser's main thread may not block (Atomics.wait), and smartasync's browser runtime starts no workers. Call it from async code with `await shout(...)`, or give each await in shout a sync form so that its sync variant is inline (docs/integrations.md#browser-builds)",
    );
    const rejected: Error = await browser
      .offload<never>("https://example.test/a.js", "checksum", [])
      .catch((err: Error) => err);
    expect(rejected).toMatchObject({ name: "SmartAsyncError", code: "SMARTASYNC_BROWSER" });
    expect(rejected.message).toContain("checksum (https://example.test/a.js) was awaited");
    expect(rejected.message).toContain("Call checksum(...) without await");
  });

  it("checks register() and configure() as the Node runtime does", () => {
    expect(() => browser.register("https://example.test/a.js", { f: () => 1 })).not.toThrow();
    expect(thrown(() => browser.register("", {})).message).toContain("moduleUrl must be import.meta.url");
    expect(thrown(() => browser.register("x", { f: 1 } as never)).message).toBe(
      "smartasync: register(): f is not a function",
    );
    expect(() => browser.configure({ syncTimeoutMs: 5 })).not.toThrow();
    expect(thrown(() => browser.configure({ syncTimeoutMS: 5 } as never)).message).toBe(
      thrown(() => node.configure({ syncTimeoutMS: 5 } as never)).message,
    );
  });

  it("runs the typed form uncompiled: plain and awaited calls work, .sync() of an async function fails located", async () => {
    const twice = browser.smartasync(async (x: number) => x * 2);
    expect(await twice(2)).toBe(4);
    const e = thrown(() => twice.sync(2));
    expect(e.code).toBe("SMARTASYNC_BROWSER");
    const length = browser.smartasync((s: string) => s.length);
    expect(length("abc")).toBe(3);
    await expect(length.async("abc")).rejects.toMatchObject({ code: "SMARTASYNC_BROWSER" });
  });
});
