/**
 * Imports through package.json "imports" (`#lib/util.js`) are followed like Node follows them
 * (security review 17, finding 10: calls through them were left plain with no diagnostic, and a
 * sync caller silently got a Promise). The resolution (src/core/resolve.ts) is the one the
 * analysis, the register/jest cache key and the bundler plugins' watch list share; a `#` specifier
 * that resolves to nothing is a miss worth SA204 (fixtures modules/subpath-imports and
 * modules/subpath-imports-missing hold the compiled and executed forms).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { clearResolveCache, isLocalSpecifier, resolveImport } from "../../src/core/resolve.js";
import { cacheKey } from "../../src/register/compile.js";
import { clearDependencyCache } from "../../src/register/deps.js";

const DIR = join(import.meta.dirname, "..", "..", ".tmp", "security-subpath-imports");

function write(files: Record<string, string>): void {
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(dirname(join(DIR, f)), { recursive: true });
    writeFileSync(join(DIR, f), text);
  }
  clearResolveCache();
}

const PKG = {
  name: "p",
  type: "module",
  imports: {
    "#lib/*": "./lib/*",
    "#lib/special/*": "./special/*.js",
    "#store": { types: "./types.d.ts", import: "./lib/store.js", default: "./lib/util.js" },
    "#list": ["./missing.js", "./lib/util.js"],
    "#gone": null,
    "#out": "../outside.js",
    "#sneaky/*": "./lib/../../*",
  },
};

describe("package.json imports subpaths resolve as in Node", () => {
  write({
    "package.json": JSON.stringify(PKG),
    "lib/util.js": "export const a = 1;\n",
    "lib/store.js": "export const b = 1;\n",
    "special/x.js": "export const c = 1;\n",
    "src/deep/main.js": "",
    "../outside.js": "export const d = 1;\n",
  });
  const from = join(DIR, "src", "deep", "main.js");
  const path = (spec: string) => {
    const r = resolveImport(spec, from);
    return r?.kind === "file" ? r.path.slice(DIR.length + 1) : r;
  };

  it("a * pattern (the longest prefix wins), conditions in order, arrays", () => {
    expect(path("#lib/util.js")).toBe("lib/util.js");
    expect(path("#lib/special/x")).toBe("special/x.js");
    expect(path("#store")).toBe("lib/store.js");
    expect(path("#list")).toBe("lib/util.js");
  });

  it("null, unknown keys and targets leaving the package resolve to nothing", () => {
    for (const spec of ["#gone", "#nope", "#out", "#sneaky/outside.js", "#", "#/x"])
      expect(path(spec), spec).toBeUndefined();
    expect(isLocalSpecifier("#gone")).toBe(true);
  });

  it("the register cache key follows a #-import: an edit of the imported module changes it", () => {
    const main = 'import { a } from "#lib/util.js";\nexport const v = a;\n';
    write({ "src/deep/main.js": main });
    clearDependencyCache();
    const before = cacheKey(from, main, { sourceMaps: "inline" });
    write({ "lib/util.js": "export const a = 2; // edited\n" });
    clearDependencyCache();
    expect(cacheKey(from, main, { sourceMaps: "inline" })).not.toBe(before);
  });
});
