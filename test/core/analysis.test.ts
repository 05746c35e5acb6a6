/**
 * The core's analysis, run on Babel's own AST of every fixture, gives the golden report (or the
 * golden error's first line): the rules in `src/core/analysis` are the specification both
 * compilers share, checked here apart from any emitter.
 */
import { existsSync, readFileSync } from "node:fs";
import { relative } from "node:path";
import { parseSync, type types as t } from "@babel/core";
import { describe, expect, it } from "vitest";
import { analyse, type ParsedFile } from "../../src/core/analysis/analyse.js";
import { ModuleGraph } from "../../src/core/analysis/module-graph.js";
import { validateOptions } from "../../src/core/options.js";
import { listCases } from "../harness.js";

function babelParse(
  code: string,
  filename: string,
  sourceType: "module" | "script" | "unambiguous",
): ParsedFile {
  const plugins = /\.[cm]?tsx$/.test(filename)
    ? ["typescript", "jsx"]
    : /\.[cm]?ts$/.test(filename)
      ? ["typescript"]
      : [];
  const file = parseSync(code, {
    babelrc: false,
    configFile: false,
    filename,
    sourceType,
    parserOpts: { plugins: plugins as never },
  }) as t.File;
  return { program: file.program, comments: file.comments ?? [] };
}

describe("core analysis over Babel's AST", () => {
  for (const c of listCases()) {
    it(c.name, () => {
      const code = readFileSync(c.input, "utf8");
      const options = (() => {
        try {
          return validateOptions(c.options);
        } catch {
          return undefined;
        }
      })();
      if (!options) return; // SA104 cases are about options, not analysis
      const graph = new ModuleGraph(
        (src, path) => babelParse(src, path, "unambiguous"),
        options,
        () => c.dir,
      );
      const sourceType = /\.c[jt]s$/.test(c.input) ? "script" : "module";
      let report: unknown;
      let error: string | undefined;
      try {
        report = analyse({
          parsed: babelParse(code, c.input, sourceType),
          code,
          filename: c.input,
          fileName: relative(options.root ?? c.dir, c.input),
          options,
          graph,
          cjsTransform: c.harness.commonjs === true,
          error: (message) => new Error(message),
        }).report;
      } catch (e) {
        error = (e as Error).message;
      }
      const errFile = `${c.dir}/error.txt`;
      if (existsSync(errFile)) {
        const first = readFileSync(errFile, "utf8").split("\n")[0];
        expect(error, "expected an error").toBeDefined();
        expect(`${relative(c.dir, c.input)}: ${error}`).toBe(first);
        return;
      }
      expect(error).toBeUndefined();
      expect(`${JSON.stringify(report, null, 2)}\n`).toBe(readFileSync(`${c.dir}/report.json`, "utf8"));
    });
  }
});
