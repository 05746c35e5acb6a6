/**
 * Babel and SWC answer to the same fixture tree (DESIGN §8): for every case, the SWC engine's
 * report is byte-identical to the golden report Babel produces, and an error case fails with the
 * same message and code frame.
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { resolveFileOptions } from "../../src/compile/options.js";
import { validateOptions } from "../../src/core/options.js";
import { compile, parserFor } from "../../src/swc-plugin/engine.js";
import { listCases, normaliseError } from "../harness.js";

describe("SWC engine reports what Babel reports", () => {
  for (const c of listCases()) {
    it(c.name, () => {
      const code = readFileSync(c.input, "utf8");
      let out: ReturnType<typeof compile> | undefined;
      let error: string | undefined;
      const errFile = `${c.dir}/error.txt`;
      let options: ReturnType<typeof validateOptions>;
      try {
        options = validateOptions(c.options);
      } catch (e) {
        // SA104: the same words; Babel wraps them in its own "[BABEL] file: … (While processing)".
        expect(readFileSync(errFile, "utf8")).toContain(`: ${(e as Error).message} (While processing`);
        return;
      }
      try {
        out = compile({
          code,
          filename: c.input,
          options,
          parser: { ...parserFor(c.input), ...c.harness.swcParser } as never,
          isModule: !/\.c[jt]s$/.test(c.input),
          cjsOutput: c.harness.commonjs === true,
          root: c.dir,
          // As the compile service does: an imported file under its own project's options.
          ownOptions: {
            layer: JSON.stringify(c.options ?? null),
            of: (file) => resolveFileOptions(file, c.options, "options.json"),
          },
        });
      } catch (e) {
        error = normaliseError((e as Error).message, c.dir);
      }
      if (existsSync(errFile)) {
        expect(error).toBe(readFileSync(errFile, "utf8"));
        return;
      }
      expect(error).toBeUndefined();
      expect(`${JSON.stringify(out!.report, null, 2)}\n`).toBe(readFileSync(`${c.dir}/report.json`, "utf8"));
    });
  }
});
