/**
 * Runs `smartasync/swc` (the public front end, real `@swc/core`) on fixture inputs, configured as
 * the Babel harness configures Babel: TypeScript stripped, ES modules kept unless the case asks
 * for CommonJS output, no `.swcrc` from the repository.
 */
import { readFileSync } from "node:fs";
import type { Report } from "../../src/core/report.js";
import { parserFor } from "../../src/swc-plugin/engine.js";
import { transformSync } from "../../src/swc-plugin/index.js";
import { type Case, normaliseError, type Outcome } from "../harness.js";

export function transformCaseSwc(c: Case, source?: string, file = c.input): Outcome {
  try {
    const r = transformSync(source ?? readFileSync(file, "utf8"), {
      filename: file,
      cwd: c.dir,
      swcrc: false,
      configFile: false,
      // A `.cts` with `export =` or exports inside a namespace is a module (fixture
      // typescript/export-equals-namespace), as the Babel harness reads it.
      isModule: /\.cjs$/.test(file) ? false : /\.cts$/.test(file) ? "unknown" : true,
      // As the CLI and the register hook compile: `with { type: "json" }` is kept.
      jsc: {
        parser: { ...parserFor(file), ...c.harness.swcParser } as never,
        target: "esnext",
        experimental: { keepImportAttributes: true },
      },
      ...(c.harness.commonjs ? { module: { type: "commonjs" } } : {}),
      smartasync: { root: c.dir, ...c.options },
    });
    return { code: r.code, report: r.smartasync as Report };
  } catch (e) {
    return { error: normaliseError((e as Error).message, c.dir) };
  }
}
