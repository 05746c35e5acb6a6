/**
 * The compilers parse what they read and never run it (SECURITY.md, "The compilers"): a file and
 * the modules it imports, each of which would write a marker file if evaluated — at the top
 * level, in a getter of its exports, in a `Symbol.toPrimitive` — are compiled by Babel 8 with the
 * plugin, by smartasync/swc, by the CLI under both compilers, and by the build-tool plugin in
 * real Rollup (both engines): the imported module's facts are read (the call is rewritten), and
 * no marker exists afterwards; the compilers and `check` leave the project's files as they were.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import * as babel8 from "@babel/core";
import { describe, expect, it } from "vitest";
import smartasync from "../../src/babel-plugin/index.js";
import { transformSync as swcTransform } from "../../src/swc-plugin/index.js";
import { cli, tree } from "../cli/helpers.js";
import { build } from "./bundlers.js";

/** A statement that leaves `marker-<name>` in the project folder when it runs. */
const mark = (name: string) =>
  `require("node:fs").writeFileSync(require("node:path").join(__dirname, "marker-${name}"), "ran");`;

const FILES: Record<string, string> = {
  "package.json": '{ "type": "commonjs" }\n',
  // CommonJS, so that evaluating it by `require` (what a careless analysis would do) would run it.
  "lib.js": `${mark("lib")}
// @smartasync
async function load() {
  return 1;
}
module.exports = { load, get other() { ${mark("getter")} return 2; } };
module.exports[Symbol.toPrimitive] = () => { ${mark("primitive")} return 0; };
`,
  "main.js": `${mark("main")}
const { load } = require("./lib.js");
function run() {
  return load() * 1;
}
module.exports = { run };
`,
};

describe("nothing the compilers read is run", () => {
  const dir = tree("security-no-evaluation", FILES);
  const markers = () => readdirSync(dir).filter((f) => f.startsWith("marker-"));
  /** Every entry under the project (a bundler's output folder aside) with its size and time. */
  const listing = () =>
    readdirSync(dir, { recursive: true, encoding: "utf8" })
      .filter((f) => !f.startsWith("dist-"))
      .sort()
      .map((f) => {
        const st = statSync(join(dir, f));
        return `${f} ${st.size} ${st.mtimeMs}`;
      });
  const before = listing();
  const main = join(dir, "main.js");
  const code = FILES["main.js"]!;

  it("Babel 8 with the plugin, and smartasync/swc", () => {
    const b = babel8.transformSync(code, {
      filename: main,
      configFile: false,
      babelrc: false,
      plugins: [smartasync],
    });
    expect(b?.code).toContain("loadSync()");
    const s = swcTransform(code, { filename: main, swcrc: false, configFile: false });
    expect(s.code).toContain("loadSync()");
    expect(markers()).toEqual([]);
    // Nor do they write anything (SECURITY.md: the compilers do not write files).
    expect(listing()).toEqual(before);
  });

  for (const compiler of ["babel", "swc"]) {
    it(`smartasync check --compiler ${compiler}`, () => {
      const r = cli(["check", ".", "--compiler", compiler], dir);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/1 function, 1 call/);
      expect(markers()).toEqual([]);
      expect(listing()).toEqual(before);
    });
  }

  for (const engine of ["swc", "babel"]) {
    it(`the Rollup plugin, ${engine} engine`, () => {
      const r = build("rollup", dir, "main.js", { engine });
      expect(r.errors).toEqual([]);
      expect(readFileSync(join(dir, "dist-rollup", "main.js"), "utf8")).toContain("loadSync()");
      expect(markers()).toEqual([]);
    });
  }

  it("(the markers work: running the program leaves each of them)", () => {
    const r = spawnSync(
      process.execPath,
      ["-e", 'const lib = require("./lib.js"); require("./main.js"); lib.other; `${lib}`;'],
      { cwd: dir, encoding: "utf8" },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(markers().sort()).toEqual(["marker-getter", "marker-lib", "marker-main", "marker-primitive"]);
  });
});
