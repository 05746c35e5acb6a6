// twinVia(): the callee of an `fs` twin call in an inline copy (fixture twins/promise-api-replaced
// runs it through both compilers with the promise API replaced).
import { promises as fsp, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
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

  it("a replacement gets the arguments after the twin's checks, as the compiled call applies them first", async () => {
    // The shape the compiler emits (fixture twins/promise-api-replaced):
    // `twinVia(readFile, …)(twinPath(path, …), …)` — the checks run whichever function is called.
    const seen: unknown[] = [];
    const mock = (p: unknown) => {
      seen.push(p);
      return typeof p === "number" ? "fd" : "path";
    };
    // Compiled code is untyped: the arguments are whatever the program passes.
    type Untyped = (...args: unknown[]) => unknown;
    const call = (path: unknown) =>
      sa.twinVia(
        mock,
        "readFile",
        readFileSync as Untyped,
        ...where,
      )(sa.twinPath(path, "readFileSync", "a.js:2:18"), "utf8");
    // A FileHandle reaches the replacement as its numeric descriptor, not as the handle.
    const handle = await fsp.open(fileURLToPath(import.meta.url), "r");
    try {
      expect(call(handle)).toBe("fd");
      expect(seen).toEqual([handle.fd]);
    } finally {
      await handle.close();
    }
    // A numeric path fails as it does for the twin, before the replacement is called, where the
    // async function would have passed it to the replacement.
    expect(() => call(3)).toThrow(expect.objectContaining({ code: "ERR_INVALID_ARG_TYPE" }));
    expect(seen).toHaveLength(1);
    // Data and options checks run the same way.
    const write = sa.twinVia(mock, "writeFile", writeFileSync as Untyped, ...where);
    expect(() => write("a.txt", sa.twinData(["a", "b"], "writeFileSync", "a.js:3:20"))).toThrow(
      expect.objectContaining({ code: "SMARTASYNC_TWIN_ARGUMENT" }),
    );
    expect(() =>
      write(
        "a.txt",
        "x",
        sa.twinOptions({ signal: new AbortController().signal }, ["signal"], "writeFileSync", "a.js:3:25"),
      ),
    ).toThrow(expect.objectContaining({ code: "SMARTASYNC_TWIN_ARGUMENT" }));
    expect(seen).toHaveLength(1);
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
