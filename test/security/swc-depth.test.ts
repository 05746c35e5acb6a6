/**
 * `@swc/core` ends the process on brackets nested a few thousand deep; smartasync/swc refuses
 * such a file first, located, when it parses it and, for its own hosts, always — so one file
 * cannot take a whole `check --compiler swc` down (security review). The scan is linear and
 * skips comments, strings and template text.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_NESTING, tooDeep } from "../../src/compile/depth.js";
import { checkingEveryFile } from "../../src/swc-plugin/every-file.js";
import { transformSync } from "../../src/swc-plugin/index.js";
import { cli, tree } from "../cli/helpers.js";
import { listCases } from "../harness.js";

const root = join(import.meta.dirname, "../..");
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

  it("smartasync/swc refuses a file it parses, and every file of a host of its own, with a located SA901 instead of crashing", () => {
    // A file smartasync has to parse (it holds an annotation): refused before any parse.
    const parsed = `// @smartasync\nexport async function f() { return 1; }\n${BOMB}`;
    expect(() => transformSync(parsed, { filename: "/tmp/bomb.js", swcrc: false })).toThrow(
      /^SA901: brackets are nested deeper than 500 levels at \/tmp\/bomb\.js:3:509;/,
    );
    // The CLI, register and jest mark their options: a file smartasync leaves as it is too.
    expect(() => transformSync(BOMB, checkingEveryFile({ filename: "/tmp/bomb.js", swcrc: false }))).toThrow(
      /^SA901: brackets are nested deeper than 500 levels at \/tmp\/bomb\.js:1:509;/,
    );
  });

  it("smartasync/swc hands a file it leaves as it is to SWC unread, as @swc/core itself gets it", () => {
    // Past smartasync's limit (500 brackets), within what SWC survives: SWC compiles it, byte for
    // byte as when called directly; under a host's mark it is refused. (A child process: were
    // the bound wrong, SWC's crash must fail the test, not end vitest.)
    const script = `
      import swc from "@swc/core";
      import { transformSync } from ${JSON.stringify(join(root, "dist/swc-plugin/index.js"))};
      import { checkingEveryFile } from ${JSON.stringify(join(root, "dist/swc-plugin/every-file.js"))};
      const src = "let x = " + "(".repeat(600) + "1" + ")".repeat(600) + ";\\n";
      const opts = { filename: "/tmp/deep.js", swcrc: false };
      const out = { plain: swc.transformSync(src, opts).code, front: transformSync(src, opts).code };
      try { transformSync(src, checkingEveryFile(opts)); out.marked = "compiled"; } catch (e) { out.marked = e.message; }
      console.log(JSON.stringify(out));`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: root,
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, string>;
    expect(out.plain).toBe("var x = 1;\n");
    expect(out.front).toBe(out.plain);
    expect(out.marked).toMatch(
      /^SA901: brackets are nested deeper than 500 levels at \/tmp\/deep\.js:1:509;/,
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
