/**
 * `smartasync build` copies every file that is not code into the out-dir. A copied file whose
 * name is one build writes itself — a source map (`a.js.map`), a declaration file (`a.d.ts` of
 * `a.ts`, `c.d.mts` of `c.mts`), the package manifest (`smartasync.manifest.json`) — would
 * silently replace the generated file or be replaced by it. Such a collision is refused before
 * anything is written, each one named with what build writes there (SECURITY.md, docs/cli.md).
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, tree } from "../cli/helpers.js";

const SOURCES: Record<string, string> = {
  "package.json": '{ "type": "module" }\n',
  "src/a.ts": "// @smartasync\nexport async function load(): Promise<number> {\n  return 1;\n}\n",
  "src/lib/c.mts": "export const c: number = 3;\n",
  "src/b.js": "export const b = 2;\n",
  // A hand-written declaration beside a JavaScript source: nothing generates it, so it is copied.
  "src/b.d.ts": "export declare const b: number;\n",
};
const PLANTED: Record<string, string> = {
  "src/a.js.map": '{"version":3,"planted":true}\n',
  "src/a.d.ts": "export declare const planted: true;\n",
  "src/lib/c.d.mts": "export declare const planted: true;\n",
  "src/smartasync.manifest.json": '{ "version": 1, "planted": true }\n',
};

describe("a copied file never replaces one build writes", () => {
  for (const compiler of ["babel", "swc"]) {
    it(`--compiler ${compiler}: every collision refused, named, nothing written`, () => {
      const dir = tree(`security-build-collisions-${compiler}`, { ...SOURCES, ...PLANTED });
      const r = cli(["build", "src", "-o", "out", "--compiler", compiler], dir);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.split("\n").filter((l) => l !== "")).toEqual([
        "smartasync: src/a.d.ts: would be copied to out/a.d.ts, where build writes the declarations of src/a.ts; rename or remove it, or pass --no-declarations",
        "smartasync: src/a.js.map: would be copied to out/a.js.map, where build writes the source map of src/a.ts; rename or remove it, or name it in src/a.ts (`//# sourceMappingURL=`) to chain it into the built map",
        "smartasync: src/lib/c.d.mts: would be copied to out/lib/c.d.mts, where build writes the declarations of src/lib/c.mts; rename or remove it, or pass --no-declarations",
        "smartasync: src/smartasync.manifest.json: would be copied to out/smartasync.manifest.json, where build writes the package manifest (when a compiled module exports a smartasync function); rename or remove it, build writes that name itself",
      ]);
      expect(existsSync(join(dir, "out"))).toBe(false);
    });
  }

  it("--no-source-maps --no-declarations: the declarations are copied; the manifest, and a map beside a compiled file it does not describe, still refused", () => {
    const dir = tree("security-build-collisions-opts", { ...SOURCES, ...PLANTED });
    const r = cli(["build", "src", "-o", "out", "--no-source-maps", "--no-declarations"], dir);
    expect(r.status).toBe(2);
    // The map would lie beside out/a.js, which it does not describe (attack31 F08: it was copied).
    expect(r.stderr).toBe(
      "smartasync: src/a.js.map: would be copied to out/a.js.map, beside out/a.js, compiled from src/a.ts, which it would not describe; rename or remove it, or name it in src/a.ts (`//# sourceMappingURL=`): a source's own map is not copied\n" +
        "smartasync: src/smartasync.manifest.json: would be copied to out/smartasync.manifest.json, where build writes the package manifest (when a compiled module exports a smartasync function); rename or remove it, build writes that name itself\n",
    );
    rmSync(join(dir, "src/smartasync.manifest.json"));
    rmSync(join(dir, "src/a.js.map"));
    const ok = cli(["build", "src", "-o", "out", "--no-source-maps", "--no-declarations"], dir);
    expect(ok.status, ok.stderr).toBe(0);
    expect(existsSync(join(dir, "out/a.js.map"))).toBe(false);
    expect(readFileSync(join(dir, "out/a.d.ts"), "utf8")).toBe(PLANTED["src/a.d.ts"]);
    // The generated manifest, not a copy.
    expect(
      JSON.parse(readFileSync(join(dir, "out/smartasync.manifest.json"), "utf8")).planted,
    ).toBeUndefined();
  });

  it("without collisions the generated files are written and the other files copied", () => {
    const dir = tree("security-build-collisions-none", SOURCES);
    const r = cli(["build", "src", "-o", "out"], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "out/a.js.map"), "utf8")).sources).toEqual(["../src/a.ts"]);
    expect(readFileSync(join(dir, "out/b.d.ts"), "utf8")).toBe(SOURCES["src/b.d.ts"]);
    expect(readFileSync(join(dir, "out/a.d.ts"), "utf8")).toContain("loadSync");
  });
});
