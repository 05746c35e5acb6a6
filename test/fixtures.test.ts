/**
 * The fixture tree is the specification (DESIGN §8): every case is transformed by Babel 8 and
 * Babel 7 and must match its expected output, report and (for error cases) message with code
 * frame; cases with `stdout.txt` are also run under plain `node`.
 *
 * Update expectations: `npm run fixtures:update` (SMARTASYNC_UPDATE=1). Expected stdout is
 * written by hand; `SMARTASYNC_UPDATE=exec` records it too.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  type BabelVersion,
  type Case,
  caseFile,
  execCase,
  listCases,
  type Outcome,
  transformCase,
} from "./harness.js";

const UPDATE = process.env.SMARTASYNC_UPDATE;
const cases = listCases();

function read(c: Case, name: string): string | undefined {
  const f = caseFile(c, name);
  return existsSync(f) ? readFileSync(f, "utf8") : undefined;
}

function expectationsOf(c: Case): { output?: string; report?: string; error?: string } {
  return { output: read(c, "output.babel.js"), report: read(c, "report.json"), error: read(c, "error.txt") };
}

/** A case folder with no expected files must fail, never pass silently. */
function checkHasExpectations(c: Case): void {
  const e = expectationsOf(c);
  if (e.error === undefined && (e.output === undefined || e.report === undefined)) {
    throw new Error(
      `fixture ${c.name} has no expectations (output.babel.js + report.json, or error.txt): run \`npm run fixtures:update\` and review the diff`,
    );
  }
}

function compare(c: Case, got: Outcome, version: BabelVersion): void {
  if (UPDATE && version === 8) {
    if (got.error !== undefined) writeFileSync(caseFile(c, "error.txt"), got.error);
    else {
      writeFileSync(caseFile(c, "output.babel.js"), got.code!.endsWith("\n") ? got.code! : `${got.code}\n`);
      writeFileSync(caseFile(c, "report.json"), `${JSON.stringify(got.report, null, 2)}\n`);
    }
  }
  checkHasExpectations(c);
  const e = expectationsOf(c);
  if (e.error !== undefined) {
    expect(got.error, "expected the transform to fail").toBe(e.error);
    return;
  }
  expect(got.error, `transform failed: ${got.error}`).toBeUndefined();
  expect(`${JSON.stringify(got.report, null, 2)}\n`).toBe(e.report);
  const output = version === 7 ? (read(c, "output.babel7.js") ?? e.output) : e.output;
  expect(got.code!.endsWith("\n") ? got.code : `${got.code}\n`).toBe(output);
}

describe("fixtures", () => {
  it("finds at least one case", () => {
    expect(cases.length).toBeGreaterThan(0);
  });
  for (const c of cases) {
    describe(c.name, () => {
      for (const version of [8, 7] as const) {
        it(`babel ${version}`, () => {
          const got = transformCase(c, version);
          compare(c, got, version);
          const stdout = read(c, "stdout.txt");
          if (stdout !== undefined && got.code !== undefined && got.error === undefined) {
            const run = execCase(c, got.code, version);
            if (UPDATE === "exec" && version === 8) writeFileSync(caseFile(c, "stdout.txt"), run.stdout);
            expect(run.stderr, "the program wrote to stderr").toBe(read(c, "stderr.txt") ?? "");
            expect(run.stdout).toBe(read(c, "stdout.txt"));
            expect(run.status).toBe(0);
          }
        });
      }
    });
  }
});
