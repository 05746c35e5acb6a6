/**
 * The per-file limits every host applies before a compiler sees the file (compileFile,
 * smartasync/swc): one rule, so a file the CLI refuses is refused by the bundler plugins,
 * register and jest alike, with the same located error.
 *
 * Nesting: `@swc/core` ends the whole process (a segmentation fault, nothing to catch) on
 * brackets nested a few thousand deep, and the analysis recurses as deep as the code nests; a
 * file past MAX_NESTING (far deeper than anything written by hand) is SA901 at the place it
 * first passes the limit (depth.ts measures it in one linear pass).
 */
import { escapeControls } from "../core/escape.js";
import { MAX_NESTING, tooDeep } from "./depth.js";

/** Throws SA901, located (`file:line:column`), for a file nested deeper than MAX_NESTING. */
export function checkLimits(code: string, filename: string | undefined): void {
  const deep = tooDeep(code);
  if (!deep) return;
  const where = `${filename ?? "<input>"}:${deep.line}:${deep.column}`;
  const err = new Error(
    `SA901: brackets are nested deeper than ${MAX_NESTING} levels at ${escapeControls(where)}; @swc/core ends the whole process on such input instead of returning an error, so smartasync does not compile the file (the same limit in every host). Flatten the expression.`,
  );
  Object.assign(err, { code: "SA901", loc: where });
  err.name = "SmartAsyncError";
  throw err;
}
