/**
 * `@swc/core` ends the process on brackets nested a few thousand deep; smartasync/swc refuses
 * such a file first, located, so one file cannot take a whole `check --compiler swc` down
 * (security review). The scan is linear and skips comments, strings and template text.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MAX_NESTING, tooDeep } from "../../src/compile/depth.js";
import { transformSync } from "../../src/swc-plugin/index.js";
import { cli, tree } from "../cli/helpers.js";
import { listCases } from "../harness.js";

const BOMB = `let x = ${"(".repeat(3000)}1${")".repeat(3000)};\n`;

describe("nesting SWC would crash on", () => {
  it("is found where it first passes the limit, with its line and column", () => {
    expect(tooDeep(`\n  ${"(".repeat(MAX_NESTING + 1)}`)).toEqual({
      line: 2,
      column: 3 + MAX_NESTING,
      brackets: true,
    });
    expect(tooDeep("[".repeat(MAX_NESTING))).toBeUndefined();
    // Lines continued inside a string, and a regex holding a quote, still count.
    expect(tooDeep(`const s = "a\\\n b";\nconst r = /"/;\n${"{".repeat(MAX_NESTING + 1)}`)).toEqual({
      line: 4,
      column: 1 + MAX_NESTING,
      brackets: true,
    });
    // Template substitutions nest too.
    expect(tooDeep("`${`".repeat(MAX_NESTING + 1))).toBeDefined();
  });

  it("does not count brackets in comments, strings and template text", () => {
    const text = "(".repeat(5000);
    for (const src of [`// ${text}\n`, `/* ${text} */`, `\`${text}\``]) {
      expect(tooDeep(src), src.slice(0, 8)).toBeUndefined();
    }
    // In a string, up to the bracket limit; past it, one literal holding them is refused too:
    // a quote misread in JSX text (\`<a>'</a>\`) would otherwise hide the rest of its line.
    const some = "(".repeat(MAX_NESTING - 1);
    for (const src of [`"${some}"`, `'${some}'`, `"${text.replaceAll("(", "()")}"`]) {
      expect(tooDeep(src), src.slice(0, 8)).toBeUndefined();
    }
    expect(tooDeep(`"${text}"`)?.brackets).toBe(true);
    expect(tooDeep(`x = <a>'</a>; v = ${text}1${")".repeat(5000)}; //'`)).toBeDefined();
  });

  it("finds nothing in any fixture input (real code passes untouched)", () => {
    for (const c of listCases()) expect(tooDeep(readFileSync(c.input, "utf8")), c.name).toBeUndefined();
  });

  it("smartasync/swc refuses the file with a located SA901 instead of crashing", () => {
    expect(() => transformSync(BOMB, { filename: "/tmp/bomb.js", swcrc: false })).toThrow(
      /^SA901: brackets are nested deeper than 500 levels at \/tmp\/bomb\.js:1:509;/,
    );
  });

  it("check --compiler swc reports it and goes on with the other files", () => {
    const dir = tree("security-swc-depth", {
      "package.json": '{ "name": "seg", "type": "module" }\n',
      "src/a_good.js":
        "// @smartasync\nexport async function f() {\n  return 1;\n}\nexport function g() {\n  return f();\n}\n",
      "src/bomb.js": BOMB,
    });
    const r = cli(["check", "src", "--compiler", "swc", "--format", "github"], dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("SA901");
    // The annotation points at the place, not only the file (the error's own loc).
    expect(r.stdout).toMatch(/::error file=src\/bomb\.js,line=\d+,col=\d+,title=SA901::/);
    expect(r.stdout).toMatch(/smartasync check: failed: 1 error.*2 files/);
  });
});
