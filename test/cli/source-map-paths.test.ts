/**
 * Where `build` says things are, when the input is not plain LF text of a plain tree (attack32):
 * an input map's `sources` are relative to the map's own folder and `sourceRoot` (F08: they were
 * copied unrebased into a map written in a deeper --out-dir, or resolved from the JS file instead
 * of a map in a subfolder), a byte-order mark is no column (F07), and what build writes as URLs
 * (the `sourceMappingURL` comment, `sources`) is escaped as URLs (F03), a `\\` in a Linux file
 * name included (F02). Real CLI, both compilers.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { originalPositionFor, TraceMap } from "@jridgewell/trace-mapping";
import MagicString from "magic-string";
import { describe, expect, it } from "vitest";
import { cli, tree } from "./helpers.js";

// The "original" the input map points at: the JS with a two-line banner the tool dropped.
const JS = `// @smartasync
export async function load(p) {
  const v = await p;
  return v;
}
export function run() {
  return load(1);
}
`;
/** The input map of JS (as a tool wrote it) to `ts/app.ts`, `sources` as written by that tool. */
function mapOf(sources: string[], sourceRoot?: string): string {
  const ms = new MagicString(`// banner\n// banner\n${JS}`);
  ms.remove(0, 20);
  const map = JSON.parse(ms.generateMap({ source: "x", hires: true }).toString()) as Record<string, unknown>;
  return JSON.stringify({ ...map, sources, ...(sourceRoot === undefined ? {} : { sourceRoot }) });
}
const inline = (map: string) =>
  `${JS}//# sourceMappingURL=data:application/json;base64,${Buffer.from(map).toString("base64")}\n`;

for (const compiler of ["babel", "swc"] as const) {
  describe(`build --compiler ${compiler}: positions and paths (attack32)`, () => {
    it("an input map's sources are rebased from the map's folder to the written map's (F08)", () => {
      const dir = tree(`source-map-paths-${compiler}`, {
        "package.json": '{ "name": "p", "type": "module" }\n',
        "ts/app.ts": `// banner\n// banner\n${JS}`,
        // tsc --inlineSourceMap: relative to the JS file's folder.
        "src/inline.js": inline(mapOf(["../ts/app.ts"])),
        // tsc --sourceMap, the map moved to a subfolder: relative to the map.
        "src/sub.js": `${JS}//# sourceMappingURL=maps/sub.js.map\n`,
        "src/maps/sub.js.map": mapOf(["../../ts/app.ts"]),
        // The same through a sourceRoot.
        "src/root.js": `${JS}//# sourceMappingURL=maps/root.js.map\n`,
        "src/maps/root.js.map": mapOf(["app.ts"], "../../ts/"),
      });
      const r = cli(["build", "src", "--out-dir", "build/deep/out", "--compiler", compiler], dir);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      for (const f of ["inline", "sub", "root"]) {
        const file = join(dir, `build/deep/out/${f}.js`);
        const map = JSON.parse(readFileSync(`${file}.map`, "utf8")) as {
          sources: string[];
          sourceRoot?: string;
        };
        expect({ f, sources: map.sources, root: map.sourceRoot ?? "" }).toEqual({
          f,
          sources: ["../../../ts/app.ts"],
          root: "",
        });
        // The call `load(1)` traced to where it was written in ts/app.ts (line 9: two banner lines).
        const lines = readFileSync(file, "utf8").split("\n");
        const line = lines.findIndex((l) => l.includes("load(1)"));
        const pos = originalPositionFor(new TraceMap(map as never), {
          line: line + 1,
          column: lines[line]!.indexOf("load(1)"),
        });
        expect(resolve(dirname(file), pos.source ?? ""), f).toBe(join(dir, "ts/app.ts"));
        expect(pos.line, f).toBe(9);
      }
    });

    it("a byte-order mark is no column of line 1 (F07)", () => {
      const dir = tree(`source-map-bom-${compiler}`, {
        "package.json": '{ "name": "p", "type": "module" }\n',
        "src/app.js":
          "\uFEFF/* @smartasync */ export async function load(p) { return p; } export async function fl() { load(2); }\n",
      });
      const r = cli(["check", "src", "-f", "json", "--compiler", compiler], dir);
      const found = (JSON.parse(r.stdout) as { findings: { code: string; loc: string }[] }).findings;
      const at =
        "/* @smartasync */ export async function load(p) { return p; } export async function fl() { ".length +
        1;
      expect(found.map((d) => `${d.code} ${d.loc}`)).toEqual([`SA201 src/app.js:1:${at}`]);
      const b = cli(["build", "src", "--out-dir", "out", "--compiler", compiler], dir);
      expect(b.status).toBe(0);
    });

    it("file names with URL characters are escaped in the comment and the sources (F03, F02)", () => {
      const names = ["#1", "v?2", "x:y", "100%", "a b", "back\\slash"];
      const dir = tree(`source-map-urls-${compiler}`, {
        "package.json": '{ "name": "p", "type": "module" }\n',
        "src/back/slash.js": "export const other = 1;\n",
        ...Object.fromEntries(names.map((n) => [`src/${n}.js`, JS])),
      });
      const r = cli(["build", "src", "--out-dir", "out", "--compiler", compiler], dir);
      expect(r.stderr).toBe("");
      for (const n of names) {
        const file = join(dir, `out/${n}.js`);
        // Both are URLs relative to the file holding them: read so, they name the right files.
        const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(file, "utf8"))![1]!;
        const mapFile = fileURLToPath(new URL(url, pathToFileURL(file)));
        expect(mapFile, n).toBe(`${file}.map`);
        const map = JSON.parse(readFileSync(mapFile, "utf8")) as { sources: string[] };
        expect(fileURLToPath(new URL(map.sources[0]!, pathToFileURL(mapFile))), n).toBe(
          join(dir, `src/${n}.js`),
        );
      }
      // The report names the file with the backslash, not src/back/slash.js.
      const c = cli(["check", "src/back\\slash.js", "-f", "json", "--compiler", compiler], dir);
      const reports = (JSON.parse(c.stdout) as { reports: { file: string; functions: { loc: string }[] }[] })
        .reports;
      expect(reports.map((x) => [x.file, x.functions[0]?.loc])).toEqual([
        ["src/back\\slash.js", "src/back\\slash.js:2:1"],
      ]);
    });
  });
}
