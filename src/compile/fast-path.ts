/**
 * The one answer to "is there anything to do in this file?", asked before any parse by every
 * engine (the SWC engine's `compile`, the Babel engine of compileFile): no annotation, no
 * misspelt one, and nothing imported that holds smartasync functions (or fails to be analysed,
 * which is worth an SA204) → the file is left as it is, with an empty report. A match inside a
 * string or a comment only costs a parse, never a wrong answer.
 */
import type { ModuleGraph } from "../core/analysis/module-graph.js";
import { mayContainMisspelling, mayContainTypedForm } from "../core/annotation.js";
import {
  importCandidates,
  mayMakeRequire,
  mayRequireOpaquely,
  type ScannedImport,
  scanImports,
} from "../core/import-scan.js";
import { hasFacts, hasProblem, quietProblems } from "../core/module-facts.js";
import type { Options } from "../core/options.js";

/**
 * True when smartasync has nothing to do in `code`. Without a module graph yet (the Babel
 * plugin's is made on its first run), only a file that imports nothing can be skipped.
 */
export function nothingToDo(
  code: string,
  filename: string | undefined,
  options: Options,
  graph: ModuleGraph | undefined,
  codeImports?: readonly ScannedImport[],
  /** A CommonJS transform runs after smartasync: imports are read as the analysis reads them. */
  cjsTransform = false,
): boolean {
  // Every `@smart…` word (the tag itself among them: one search for the rare `@`, no search
  // for the tag of its own).
  if (mayContainMisspelling(code)) return false;
  // No `@smart…` word, so no tag either: the checks below ask only for the typed form, without a
  // second search for the `@`s (annotation.ts `mayContainTypedForm`).
  if (filename === undefined || !graph) {
    if (mayContainTypedForm(code, options.runtime)) return false;
    if (filename === undefined) return true;
    return !/\b(?:import|export|require)\b/.test(code);
  }
  // Third-party code that never asked for smartasync (a path and two searches, no scan).
  const quiet = quietProblems(filename, code, options.runtime, true);
  // A module required by a computed path may hold smartasync functions: its calls are checked
  // (SA206 where sync code wants a value) — not in third-party code that never asked for it,
  // whose text is then not searched for such a `require` at all.
  if (!quiet && (mayRequireOpaquely(code) || mayMakeRequire(code))) return false;
  // The typed form, `smartasync(…)` imported from the runtime, is asked with the imports: the
  // analysis reads it only through an import of the runtime, which is among the candidates.
  return !importsAnythingKnown(code, filename, graph, options.runtime, codeImports, quiet, cjsTransform);
}

/** The typed form's call, as core/annotation.ts `mayContainAnnotation` looks for it. */
const WRAPPER_CALL = /\bsmartasync\s*\(/;

/**
 * Does anything this file imports hold smartasync functions, or (for a static import) fail to
 * be analysed, which is worth an SA204 if a call goes through it? Or does it import the
 * runtime and call `smartasync(…)` (the typed form)? The scan (core/import-scan.ts)
 * reads the file as a tokenizer does, so an import written inside a string, a template literal,
 * a comment or JSX text is none; `import("x")` is not analysed.
 *
 * The imports the scan would find are among `importCandidates` (the same reading at the same
 * places, and the words written in text too), found by one native search at a fraction of the
 * scan's cost: when none of those leads anywhere, neither does any import, and the scan is not
 * run. When one does, it may be text, and the scan decides. When the caller's nesting pass
 * already met every import written in code (`codeImports`, compile/depth.ts `PassNotes`), those
 * stand in for the candidates: no search of the text at all.
 */
function importsAnythingKnown(
  code: string,
  filename: string,
  graph: ModuleGraph,
  runtime: string,
  codeImports: readonly ScannedImport[] | undefined,
  quiet: boolean,
  cjsTransform: boolean,
): boolean {
  const leadAnywhere = (imports: readonly ScannedImport[]): boolean => {
    for (const { specifier, kind } of imports) {
      if (specifier === runtime) {
        if (WRAPPER_CALL.test(code)) return true;
        continue;
      }
      if (kind === "dynamic") continue;
      const facts = graph.ofImport(
        specifier,
        filename,
        "facts",
        kind === "require" ? kind : undefined,
        cjsTransform,
      );
      if (hasFacts(facts)) return true;
      // A `require` of a module with a problem too, as an `import` of it (attack23 F9: the
      // analysis's `reportProblems` reads `const lib = require(…)` routes).
      if (!hasProblem(facts)) continue;
      // Third-party code that never asked for smartasync gets no SA204: no parse to look for one.
      if (!quiet) return true;
    }
    return false;
  };
  // The nesting pass reads no `req("./x")` of `const req = createRequire(…)`: the candidates do.
  const candidates =
    codeImports !== undefined && !code.includes("createRequire") ? codeImports : importCandidates(code);
  return leadAnywhere(candidates) && leadAnywhere(scanImports(code));
}
