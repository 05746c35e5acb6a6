/**
 * The one list of typed-array classes (src/core/analysis/typed-arrays.ts) is the running Node's:
 * every global whose prototype chain reaches `%TypedArray%` is listed (a class missing would be
 * read as an unknown global: SA210 on `new X([f()])`, an unknown declared return type), and
 * every listed name that this Node has is one. The rules that name them read the list.
 */
import { describe, expect, it } from "vitest";
import { BUILTIN_CONSTRUCTORS } from "../../src/core/analysis/sync-table.js";
import { TYPED_ARRAYS } from "../../src/core/analysis/typed-arrays.js";

const TypedArray = Object.getPrototypeOf(Int8Array) as unknown;

describe("typed arrays: one list", () => {
  it("names every typed-array class of this Node", () => {
    const found = Object.getOwnPropertyNames(globalThis).filter((name) => {
      const v = (globalThis as Record<string, unknown>)[name];
      return typeof v === "function" && Object.getPrototypeOf(v) === TypedArray;
    });
    expect(found.length).toBeGreaterThanOrEqual(11);
    expect(found.filter((n) => !TYPED_ARRAYS.includes(n))).toEqual([]);
  });

  it("lists only typed-array classes (Float16Array where this Node has it)", () => {
    for (const name of TYPED_ARRAYS) {
      const v = (globalThis as Record<string, unknown>)[name];
      if (v === undefined && name === "Float16Array") continue;
      expect(Object.getPrototypeOf(v), name).toBe(TypedArray);
    }
  });

  it("has each class in the built-ins table as a view of its buffer", () => {
    for (const name of TYPED_ARRAYS) expect(BUILTIN_CONSTRUCTORS[name]?.view, name).toBe(true);
  });
});
