/**
 * `smartasync build` on a tree whose sources come with their own source maps (attack31 F08): a
 * tree TypeScript compiled, `a.js` beside `a.js.map`, `a.js` naming it. The build refused it
 * ("would be copied to out/a.js.map, where build writes the source map of src/a.js … or pass
 * --no-source-maps"), and with --no-source-maps copied the map beside the compiled file it no
 * longer describes (and the compiled file still named it). A source's own map is its input map:
 * chained into the built map, never copied; with --no-source-maps the compiled file names no
 * map. A `.map` at a compiled file's map place that its source does not name is refused either
 * way. Real TypeScript makes the maps; the real CLI builds under Babel and SWC.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { originalPositionFor, TraceMap } from "@jridgewell/trace-mapping";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { cli, tree } from "./helpers.js";

const ORIGINAL = `// @smartasync
export async function load(x: number): Promise<number> {
  await null;
  return x + 1;
}

export function thrower(): never {
  throw new Error("from the original");
}
`;

/** `orig/a.ts` compiled by TypeScript into `src/a.js` + `src/a.js.map` (naming it, as tsc does). */
function tscTree(name: string): string {
  const dir = tree(name, { "package.json": '{ "type": "module" }\n', "orig/a.ts": ORIGINAL });
  const out = ts.transpileModule(ORIGINAL, {
    fileName: "a.ts",
    compilerOptions: {
      sourceMap: true,
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      sourceRoot: "../orig",
    },
  });
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "src/a.js"), out.outputText);
  writeFileSync(join(dir, "src/a.js.map"), out.sourceMapText!);
  return dir;
}

describe("build: a source's own source map", () => {
  for (const compiler of ["babel", "swc"]) {
    it(`--compiler ${compiler}: is chained into the built map, not copied, and --no-source-maps leaves no map at all`, () => {
      const dir = tscTree(`build-own-maps-${compiler}`);
      expect(readFileSync(join(dir, "src/a.js"), "utf8")).toMatch(/\/\/# sourceMappingURL=a\.js\.map\s*$/);
      const r = cli(["build", "src", "--out-dir", "out", "--compiler", compiler], dir);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/1 compiled, 0 copied/);
      const code = readFileSync(join(dir, "out/a.js"), "utf8");
      expect(code).toContain("export function loadSync");
      // One comment, naming build's map.
      expect(code.match(/sourceMappingURL/g)).toHaveLength(1);
      expect(code.trimEnd().split("\n").at(-1)).toBe("//# sourceMappingURL=a.js.map");
      // The built map leads past src/a.js to the TypeScript original.
      const map = JSON.parse(readFileSync(join(dir, "out/a.js.map"), "utf8"));
      expect(map.file).toBe("a.js");
      const lines = code.split("\n");
      const line = lines.findIndex((l) => l.includes('"from the original"'));
      const pos = originalPositionFor(new TraceMap(map), {
        line: line + 1,
        column: lines[line]!.indexOf("throw"),
      });
      expect(pos.source?.endsWith("orig/a.ts"), JSON.stringify(pos)).toBe(true);
      expect(pos.line).toBe(8);

      const bare = cli(
        ["build", "src", "--out-dir", "out-bare", "--compiler", compiler, "--no-source-maps"],
        dir,
      );
      expect(bare.stderr).toBe("");
      expect(bare.status).toBe(0);
      expect(existsSync(join(dir, "out-bare/a.js.map"))).toBe(false);
      const bareCode = readFileSync(join(dir, "out-bare/a.js"), "utf8");
      expect(bareCode).toContain("export function loadSync");
      expect(bareCode).not.toContain("sourceMappingURL");
    });
  }

  it("a .map at a compiled file's map place that its source does not name is refused, with or without --no-source-maps", () => {
    const dir = tscTree("build-own-maps-unnamed");
    const text = readFileSync(join(dir, "src/a.js"), "utf8");
    writeFileSync(join(dir, "src/a.js"), text.replace(/\/\/# sourceMappingURL=a\.js\.map\s*$/, ""));
    const r = cli(["build", "src", "--out-dir", "out"], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      "smartasync: src/a.js.map: would be copied to out/a.js.map, where build writes the source map of src/a.js; rename or remove it, or name it in src/a.js (`//# sourceMappingURL=`) to chain it into the built map\n",
    );
    const bare = cli(["build", "src", "--out-dir", "out", "--no-source-maps"], dir);
    expect(bare.status).toBe(2);
    expect(bare.stderr).toBe(
      "smartasync: src/a.js.map: would be copied to out/a.js.map, beside out/a.js, compiled from src/a.js, which it would not describe; rename or remove it, or name it in src/a.js (`//# sourceMappingURL=`): a source's own map is not copied\n",
    );
    expect(existsSync(join(dir, "out"))).toBe(false);
  });
});
