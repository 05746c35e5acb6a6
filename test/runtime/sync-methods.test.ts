// syncMethods(): the sync face of a factory's object of methods (docs/migrating.md, factories).
// The fixture methods/factory-sync-methods runs it on compiled code; this covers its edges.
import * as sa from "smartasync/runtime";
import { describe, expect, it } from "vitest";

/** An object as the compiler leaves it: `load` annotated async, with its marked `loadSync`. */
function made() {
  const o = {
    prefix: "o",
    async load(id: number) {
      return `${this.prefix}:async:${id}`;
    },
    loadSync(id: number) {
      return `${this.prefix}:sync:${id}:${this.helper()}`;
    },
    helper() {
      return "helped";
    },
    hash(x: string) {
      return `hash:${x}`;
    },
    async hashAsync(x: string) {
      return `offloaded:${x}`;
    },
    [Symbol.iterator]: () => [][Symbol.iterator](),
  };
  sa.mark(o.load, { kind: "async", sync: o.loadSync });
  sa.mark(o.hash, { kind: "sync", async: o.hashAsync });
  return o;
}

describe("syncMethods", () => {
  it("puts each annotated async method's sync variant under the method's name, without the variant's key", () => {
    const face = sa.syncMethods(made());
    expect(Object.keys(face)).toEqual(["prefix", "load", "helper", "hash", "hashAsync"]);
    expect(face.load(1)).toBe("o:sync:1:helped");
    expect(face.prefix).toBe("o");
  });

  it("binds every method to the object the factory made (its `this` reaches that object's methods)", () => {
    const o = made();
    const { load, helper } = sa.syncMethods(o);
    o.prefix = "changed"; // the face reads the object, not a copy of its state
    expect(load(2)).toBe("changed:sync:2:helped");
    expect(helper()).toBe("helped");
  });

  it("leaves sync methods, their async variants and unannotated methods as they are", async () => {
    const face = sa.syncMethods(made());
    expect(face.hash("x")).toBe("hash:x");
    await expect(face.hashAsync("x")).resolves.toBe("offloaded:x");
    const plain = sa.syncMethods({
      async later() {
        return 1;
      },
    });
    await expect(plain.later()).resolves.toBe(1); // not annotated: nothing to make it sync
  });

  it("refuses what is not an object, naming what it got", () => {
    expect(() => sa.syncMethods(null as never)).toThrow(
      "smartasync: syncMethods() expects an object of methods, got null",
    );
    expect(() => sa.syncMethods(42 as never)).toThrow(TypeError);
  });
});
