/**
 * Every fixture through `smartasync/swc`: the report is the one Babel gives (report.json), the
 * output matches `output.swc.js`, errors match `error.txt` (SA104's text inside Babel's own
 * wrapper), and executed cases print the same `stdout.txt` under plain `node`.
 *
 * Update the SWC goldens: `SMARTASYNC_UPDATE=1 npx vitest run test/swc/fixtures-swc.test.ts`.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { caseFile, execCase, listCases } from "../harness.js";
import { transformCaseSwc } from "./harness-swc.js";

const UPDATE = process.env.SMARTASYNC_UPDATE;

function read(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, "utf8") : undefined;
}

describe("fixtures through smartasync/swc", () => {
  for (const c of listCases()) {
    it(c.name, () => {
      const got = transformCaseSwc(c);
      const error = read(caseFile(c, "error.txt"));
      if (error !== undefined) {
        expect(got.error, "expected the transform to fail").toBeDefined();
        if (error.startsWith("[BABEL] ")) {
          // SA104: the words are the core's; the wrapper around them is each compiler's own.
          // smartasync/swc also says where the options came from (`opts.smartasync: …`).
          const words = error
            .replace(/^\[BABEL\] [^:]+: SA104: /, "")
            .replace(/ \(While processing.*\n$/, "");
          expect(got.error).toMatch(/^SA104: /);
          expect(got.error).toContain(words);
        } else {
          expect(got.error).toBe(error);
        }
        return;
      }
      expect(got.error, `transform failed: ${got.error}`).toBeUndefined();
      expect(`${JSON.stringify(got.report, null, 2)}\n`).toBe(read(caseFile(c, "report.json")));
      const golden = caseFile(c, "output.swc.js");
      const code = got.code!.endsWith("\n") ? got.code! : `${got.code}\n`;
      if (UPDATE) writeFileSync(golden, code);
      expect(code).toBe(read(golden));
      const stdout = read(caseFile(c, "stdout.txt"));
      if (stdout !== undefined) {
        const run = execCase(c, got.code!, "swc", (file) => transformCaseSwc(c, undefined, file));
        expect(run.stderr, "the program wrote to stderr").toBe(read(caseFile(c, "stderr.txt")) ?? "");
        expect(run.stdout).toBe(stdout);
        expect(run.status).toBe(0);
      }
    });
  }
});
