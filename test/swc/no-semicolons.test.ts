/**
 * Code without semicolons, as `prettier --no-semi` writes it. The SWC adapter edits the source as
 * text, so an edit that makes a statement start with `(`, `[` or a template (the `this.m()`
 * override check, a removed `await`) must not join it to the line before it; Babel prints from
 * the tree and cannot (fixture methods/this-override-no-semicolons). Every executed fixture,
 * reformatted so:
 * - compiles under SWC to the same program as the same layout with semicolons (an ASI join would
 *   change the tree SWC prints), and Babel and SWC report the same;
 * - runs and prints what the fixture prints (or, where that names a place, what Babel's output
 *   of the same text prints).
 */
import { existsSync, readFileSync } from "node:fs";
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

/** Places in generated code (`"input.js:3:7"`): a leading `;` moves a column, not a line. */
const withoutColumns = (code: string): string => code.replace(/(\.[cm]?[jt]sx?:\d+):\d+/g, "$1");

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
      expect(withoutColumns(swc.code!)).toBe(withoutColumns(withSemi.code!));
      const run = execCase(c, swc.code!, "swc", (file) => transformCaseSwc(c, undefined, file), "no-semi-");
      const expected = readFileSync(caseFile(c, "stdout.txt"), "utf8");
      // Output that names a place (`input.js:8:10`) names the reformatted file's places.
      const want = /[cm]?[jt]sx?:\d+:\d+/.test(expected)
        ? execCase(c, babel.code!, 8, undefined, "no-semi-").stdout
        : expected;
      expect(run.stdout).toBe(want);
      expect(run.status).toBe(0);
    }, 60_000);
  }
});
