/**
 * Code without semicolons, as `prettier --no-semi` writes it. The SWC adapter edits the source as
 * text, so an edit that makes a statement start with `(`, `[` or a template (the `this.m()`
 * override check, a removed `await`) must not join it to the line before it; Babel prints from
 * the tree and cannot (fixture methods/this-override-no-semicolons). Every executed fixture,
 * reformatted so:
 * - compiles under SWC to the same program as the same layout with semicolons (an ASI join would
 *   change the tree), and Babel and SWC report the same;
 * - runs and prints what the fixture prints (or, where that depends on a place, what Babel's
 *   output of the same text prints).
 */
import { existsSync, readFileSync } from "node:fs";
import { transformSync } from "@babel/core";
import { format } from "prettier";
import { describe, expect, it } from "vitest";
import { type Case, caseFile, execCase, listCases, transformCase } from "../harness.js";
import { transformCaseSwc } from "./harness-swc.js";

const executed = listCases().filter((c) => existsSync(caseFile(c, "stdout.txt")));

/** The input reformatted, with or without semicolons (the same lines either way). */
async function reformat(c: Case, semi: boolean): Promise<string> {
  const parser = /\.[mc]?tsx?$/.test(c.input) ? "typescript" : "babel";
  return format(readFileSync(c.input, "utf8"), { parser, semi, filepath: c.input });
}

/**
 * Places in generated code (`"input.js:3:7"`): the two layouts wrap long lines differently (a
 * `;` takes a column), so a place may move; the code around it may not.
 */
// A guard's message quotes the source (`"(() => {\n try {\n return JSON.parse(k);\n …"`, fixture
// inline/iife-returned-call): its semicolons are the source's, not the program's.
const withoutPlaces = (code: string): string =>
  code.replace(/\.[cm]?[jt]sx?:\d+:\d+/g, ":<place>").replace(/;\\n/g, "\\n");

/**
 * The program, printed from its tree without comments: SWC places a `;` after a trailing comment
 * where the source had none (`return f() // c` then `;`), which is layout, not a different program.
 */
function program(code: string): string {
  const out = transformSync(withoutPlaces(code), {
    babelrc: false,
    configFile: false,
    comments: false,
    compact: true,
    sourceType: "unambiguous",
    // A `;` prettier writes before a line that starts with `(` is the source's own empty statement.
    plugins: [() => ({ visitor: { EmptyStatement: (p: { remove(): void }) => p.remove() } })],
    parserOpts: { plugins: ["decorators-legacy", "explicitResourceManagement"] as never },
  });
  return out?.code ?? "";
}

describe("fixtures without semicolons: compiled as with them, Babel and SWC agree", () => {
  it("has executed cases to reformat", () => {
    expect(executed.length).toBeGreaterThan(100);
  });
  for (const c of executed) {
    it(c.name, async () => {
      const bare = await reformat(c, false);
      const swc = transformCaseSwc(c, bare);
      const babel = transformCase(c, 8, bare);
      expect(swc.error).toBe(babel.error);
      if (babel.error !== undefined) return;
      expect(JSON.stringify(swc.report, null, 2)).toBe(JSON.stringify(babel.report, null, 2));
      const withSemi = transformCaseSwc(c, await reformat(c, true));
      expect(withSemi.error).toBeUndefined();
      expect(program(swc.code!)).toBe(program(withSemi.code!));
      const run = execCase(c, swc.code!, "swc", (file) => transformCaseSwc(c, undefined, file), "no-semi-");
      // What the fixture prints; where that depends on a place (`input.js:8:10`, or a check
      // of one), what Babel's output of the same text prints.
      const expected = readFileSync(caseFile(c, "stdout.txt"), "utf8");
      if (run.stdout !== expected)
        expect(run.stdout).toBe(execCase(c, babel.code!, 8, undefined, "no-semi-").stdout);
      expect(run.status).toBe(0);
    }, 60_000);
  }
});
