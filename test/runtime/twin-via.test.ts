// twinVia(): the callee of an `fs` twin call in an inline copy (fixture twins/promise-api-replaced
// runs it through both compilers with the promise API replaced).
import { promises as fsp, readFileSync } from "node:fs";
import * as sa from "smartasync/runtime";
import { describe, expect, it } from "vitest";

const where = ["loadSync", "a.js:2:9", "readFile(...)"] as const;

describe("twinVia", () => {
  it("gives the twin while the awaited function is Node's own", () => {
    expect(sa.twinVia(fsp.readFile, "readFile", readFileSync, ...where)).toBe(readFileSync);
  });

  it("calls a replacement with the same arguments and gives its value", () => {
    const seen: unknown[] = [];
    const mock = (...args: unknown[]) => {
      seen.push(args);
      return "fake";
    };
    expect(sa.twinVia(mock, "readFile", readFileSync, ...where)("a.txt", "utf8")).toBe("fake");
    expect(seen).toEqual([["a.txt", "utf8"]]);
  });

  it("fails loudly, located, when a replacement answers with a promise", () => {
    const mock = async () => "later";
    expect(() => sa.twinVia(mock, "readFile", readFileSync, ...where)("a.txt")).toThrow(
      expect.objectContaining({ code: "SMARTASYNC_GUARD", message: expect.stringContaining("a.js:2:9") }),
    );
  });

  it("compares with the function of the same name only", () => {
    expect(sa.twinVia(fsp.readFile, "writeFile", readFileSync, ...where)).not.toBe(readFileSync);
  });
});
