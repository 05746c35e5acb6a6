/**
 * `build` reads the source map a file names (`//# sourceMappingURL=`) only when it is a regular
 * file inside <src> (finding 3 of the adversarial review: a map of another project, named by a
 * relative or an absolute path, had its `sourcesContent` and `sources` copied into the built
 * map). Real files, the real CLI, Babel and SWC.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, ROOT, tree } from "../cli/helpers.js";

const SECRET = "outside-secret-from-another-project";
const outsideMap = JSON.stringify({
  version: 3,
  file: "app.js",
  sources: ["/home/dev/private/app.ts"],
  sourcesContent: [
    `const PRIVATE_KEY = '${SECRET}';\n// @smartasync\nexport async function x() { return 1; }\n`,
  ],
  names: [],
  mappings: "AAAA;AACA;AACA",
});
const insideMap = JSON.stringify({
  version: 3,
  file: "z.js",
  sources: ["original-inside.ts"],
  sourcesContent: ["// @smartasync\nexport async function z() { return 1; }\n"],
  names: [],
  mappings: "AAAA;AACA;AACA",
});
const fn = (name: string) => `// @smartasync\nexport async function ${name}() { return 1; }\n`;

describe("build --compiler babel under the project's Babel 7: input source maps", () => {
  it("a comment before the code, which Babel 7 reads too, reads no map outside <src>", () => {
    // Babel 7 takes a `sourceMappingURL` comment anywhere in the file; build's one reader the
    // one Node reads (core/map-comment.ts: code after it does not hide it, attack36 F08), and
    // build hands Babel the map, or none, itself: this one is outside <src>, refused with a note.
    const dir = tree("security-input-maps-babel7", {
      "package.json": '{ "name": "p7", "type": "module" }\n',
      "other-project/dist/app.js.map": outsideMap,
      "src/x.js": `${fn("x")}//# sourceMappingURL=../other-project/dist/app.js.map\nexport const after = 1;\n`,
    });
    mkdirSync(join(dir, "node_modules/@babel"), { recursive: true });
    symlinkSync(join(ROOT, "node_modules/babel7-core"), join(dir, "node_modules/@babel/core"), "dir");
    const r = cli(["build", "src", "--out-dir", "out", "--compiler", "babel"], dir);
    expect(r.stderr).toMatch(
      /^smartasync build: src\/x\.js: the source map it names is not read \(.*outside the source directory\)/,
    );
    expect(r.status).toBe(0);
    const map = readFileSync(join(dir, "out/x.js.map"), "utf8");
    expect(map).not.toContain(SECRET);
    expect(JSON.parse(map).sources).toEqual(["../src/x.js"]);
  });
});

for (const compiler of ["babel", "swc"] as const) {
  describe(`build --compiler ${compiler}: input source maps`, () => {
    it("ignores a map outside <src> (relative, absolute), with a note; uses one inside; a folder link leading out is refused", () => {
      const dir = tree(`security-input-maps-${compiler}`, {
        "package.json": '{ "name": "p3", "type": "module" }\n',
        "other-project/dist/app.js.map": outsideMap,
        "src/x.js": `${fn("x")}//# sourceMappingURL=../other-project/dist/app.js.map\n`,
        "src/w.js": `${fn("w")}/*# sourceMappingURL=../other-project/dist/app.js.map */\n`,
        "src/z.js": `${fn("z")}//# sourceMappingURL=maps/z.js.map\n`,
        "src/maps/z.js.map": insideMap,
        "src/e.js": `${fn("e")}//# sourceMappingURL=../\u001b]0;T\u0007.map\n`,
      });
      const abs = join(dir, "other-project/dist/app.js.map");
      // y.js names the outside map by its absolute path.
      writeFileSync(join(dir, "src/y.js"), `${fn("y")}//# sourceMappingURL=${abs}\n`);
      const r = cli(["build", "src", "--out-dir", "out", "--compiler", compiler], dir);
      expect(r.stderr).not.toContain("\u001b");
      expect(r.status).toBe(0);
      for (const f of ["x", "w", "y"]) {
        const map = readFileSync(join(dir, `out/${f}.js.map`), "utf8");
        expect(map, f).not.toContain(SECRET);
        expect(map, f).not.toContain("/home/dev/private");
        expect(JSON.parse(map).sources, f).toEqual([`../src/${f}.js`]);
        // w.js's `/*# … *\/` names no map at all, as Node reads it (attack36 F08): nothing to note.
        if (f === "w") expect(r.stderr).not.toContain("src/w.js:");
        else
          expect(r.stderr).toMatch(
            new RegExp(`^smartasync build: src/${f}\\.js: the source map it names is not read \\(`, "m"),
          );
      }
      expect(r.stderr).toContain(
        "src/e.js: the source map it names is not read (../\\x1b]0;T\\x07.map: outside the source directory)",
      );
      // Inside <src>, a regular file: chained as before (each compiler names its source its way).
      const z = JSON.parse(readFileSync(join(dir, "out/z.js.map"), "utf8")) as { sources: string[] };
      expect(z.sources).toHaveLength(1);
      expect(z.sources[0]).toMatch(/original-inside\.ts$/);
      expect(r.stderr).not.toContain("src/z.js:");
      // A map named through a link to a folder outside <src>: the link is refused, so nothing
      // is read through it (attack31 F06: build no longer drops such a link without a word).
      writeFileSync(join(dir, "src/v.js"), `${fn("v")}//# sourceMappingURL=lnk/app.js.map\n`);
      symlinkSync("../other-project/dist", join(dir, "src/lnk"), "dir");
      const linked = cli(["build", "src", "--out-dir", "out-linked", "--compiler", compiler], dir);
      expect(linked.status).toBe(2);
      expect(linked.stderr).toBe(
        `smartasync: src/lnk: a symbolic link to ${join(dir, "other-project/dist")}, outside src; build reads only files inside the source directory (pass --follow-symlinks to read its files)\n`,
      );
    });
  });
}
