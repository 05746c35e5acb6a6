/**
 * The process-wide memos a long session would otherwise grow without end (issue 16): bounded,
 * the least recently used entry dropped first, the answers the same after a drop.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BoundedMap } from "../../src/core/bounded.js";
import { FOLDERS_KEPT, foldersKept, packageStampOf } from "../../src/core/managed.js";
import { ROOT } from "../harness.js";

const dir = join(ROOT, ".tmp", "bounded-test");
rmSync(dir, { recursive: true, force: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("BoundedMap", () => {
  it("keeps at most its limit, dropping the least recently used first", () => {
    const m = new BoundedMap<string, number>(3);
    m.set("a", 1).set("b", 2).set("c", 3);
    expect(m.get("a")).toBe(1); // a is now the most recent: b goes first
    m.set("d", 4);
    expect(m.size).toBe(3);
    expect(m.has("b")).toBe(false);
    expect([m.get("a"), m.get("c"), m.get("d")]).toEqual([1, 3, 4]);
    m.set("c", 30); // set again: the most recent, its value replaced
    m.set("e", 5);
    expect(m.has("a")).toBe(false);
    expect(m.get("c")).toBe(30);
  });

  it("keeps an undefined value apart from a missing key", () => {
    const m = new BoundedMap<string, string | undefined>(2);
    m.set("x", undefined);
    expect(m.has("x")).toBe(true);
    expect(m.get("y")).toBeUndefined();
    expect(m.has("y")).toBe(false);
  });

  it("refuses a limit below 1", () => {
    expect(() => new BoundedMap(0)).toThrow(RangeError);
  });
});

describe("managed.ts: the package folder of each module path", () => {
  it("is kept for at most FOLDERS_KEPT paths, and answers the same once dropped", () => {
    const pkg = join(dir, "node_modules/shop");
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, "package.json"), '{ "name": "shop" }\n');
    const first = join(pkg, "lib/index.js");
    const stamp = packageStampOf(first);
    expect(stamp).toMatch(/^\d/);
    // A session that meets more module paths than that (outside node_modules: no stat each).
    for (let i = 0; i < FOLDERS_KEPT + 100; i++) packageStampOf(join(dir, `src/m${i}.js`));
    expect(foldersKept()).toBeLessThanOrEqual(FOLDERS_KEPT);
    // `first` was dropped (the least recently asked): asked again, the same stamp.
    expect(packageStampOf(first)).toBe(stamp);
  });
});
