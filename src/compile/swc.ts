/**
 * The SWC engine of the compile service, synchronous (`smartasync/swc` and register's hooks
 * cannot wait): `@swc/core` parses, smartasync's plan is applied as text edits. This module
 * imports `@swc/core`; index.ts loads it only when the SWC engine is asked for.
 */

import type { ModuleFacts } from "../core/module-facts.js";
import type { Report } from "../core/report.js";
import { syntaxOf } from "../core/syntax.js";
import { compile } from "../swc-plugin/engine.js";
import { resolveFileOptions } from "./options.js";
import { parserFor } from "./parser.js";
import { type CompileRequest, type CompileResult, optionsOf, result, type SourceMapJson } from "./types.js";

/**
 * One file through the SWC engine, synchronously (`smartasync/swc`, register's hooks, which
 * cannot wait). Throws smartasync's diagnostics (SAxxx, with a code frame) and, for a parse
 * error, `@swc/core`'s own error.
 */
export function compileFileSync(req: CompileRequest): CompileResult {
  if (req.engine !== "swc") throw new TypeError("compileFileSync: only the swc engine is synchronous");
  const options = optionsOf(req);
  const out = compile({
    code: req.code,
    filename: req.filename,
    options,
    parser: req.parser ?? parserFor(req.filename ?? ""),
    // A `.cjs` file may `return` at the top level, as Node allows. (A `.cts` file may use
    // `import`/`export`, which TypeScript turns into CommonJS.)
    isModule: (req.isModule ?? (syntaxOf(req.filename).commonjs ? "commonjs" : true)) as never,
    cjsOutput: req.cjsOutput,
    bundler: req.bundler === true,
    root: options.root ?? req.root,
    // The engine holds the file to the limits after its fast path: a file smartasync does not
    // parse is left alone however it nests.
    limitsChecked: req.limitsChecked === true,
    codeImports: req.limitsChecked === true ? req.codeImports : undefined,
    skimBodies: req.skimBodies === true,
    facts: req.facts !== false,
    // An imported file is read with the options it is compiled with: its own project's under
    // the host's (modules/options-per-package).
    // One the host does not compile is read as it is (attack31 F02).
    ownOptions: {
      layer: `${req.compiles?.layer ?? ""}${JSON.stringify(req.options ?? null)}`,
      of: (file) => {
        const why = req.compiles?.notCompiled(file);
        return why !== undefined
          ? { notCompiled: why }
          : resolveFileOptions(file, req.options, req.host ?? "the host's options");
      },
    },
  });
  return result(
    options,
    out as {
      report: Report;
      code?: string;
      map?: SourceMapJson;
      exports?: ModuleFacts;
      urlCallees?: string[];
    },
  );
}
