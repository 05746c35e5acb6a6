/**
 * The per-file limits every host applies before a compiler sees the file (compileFile,
 * smartasync/swc): one rule, so a file the CLI refuses is refused by the bundler plugins,
 * register and jest alike, with the same located error. A file smartasync parses is always held
 * to them; `smartasync/swc` called directly hands a file it leaves as it is to SWC unread, as
 * `@swc/core` itself would get it, while smartasync's own hosts mark their options so that every
 * file is (swc-plugin/every-file.ts).
 *
 * Nesting: `@swc/core` ends the whole process (a segmentation fault, nothing to catch) on code
 * nested a few thousand deep — brackets, or a bracket-free chain such as `a => a => …`,
 * `if (x) if (x) …` or `1 + 1 + …` — and the analysis recurses as deep as the code nests; a file
 * past the limit (far deeper than anything written by hand: depth.ts) is SA901 at the place it
 * first passes it (depth.ts measures it in one linear pass).
 *
 * Long lines: `@swc/core` aborts the process when it reports a syntax error past column 65,535;
 * a file with a line that long is parsed first (long-lines.ts), and a syntax error in it is
 * SA901 at the error's place, so only files that parse reach SWC.
 */
import { escapeControls } from "../core/escape.js";
import type { ScannedImport } from "../core/import-scan.js";
import { MAX_DEPTH, MAX_NESTING, type PassNotes, tooDeep } from "./depth.js";
import { checkSyntax, lineLength, longLine, MAX_LINE } from "./long-lines.js";

// Reused from call to call (read right after the pass that writes it).
const notes: PassNotes = { longest: 0, imports: undefined };

/**
 * Throws SA901, located (`file:line:column`), for a file nested past the limit (depth.ts).
 * Returns the imports the pass met in code (depth.ts `PassNotes`: every import of the file when
 * the file holds no JSX), or undefined when the pass could not be sure of its reading: what the
 * fast path would otherwise search the whole text for (compile/fast-path.ts).
 */
export function checkLimits(code: string, filename: string | undefined): ScannedImport[] | undefined {
  const deep = tooDeep(code, MAX_DEPTH, MAX_NESTING, notes);
  const imports = notes.imports;
  notes.imports = undefined;
  if (!deep) {
    // The nesting pass bounds the line lengths: only a file where it met a long stretch is
    // measured line by line (long-lines.ts).
    if (notes.longest > MAX_LINE) checkLongLines(code, filename);
    return imports;
  }
  const where = `${filename ?? "<input>"}:${deep.line}:${deep.column}`;
  const what = deep.brackets
    ? `brackets are nested deeper than ${MAX_NESTING} levels`
    : "the code is nested deeper than smartasync allows (brackets, and the operators and keywords of one unbroken expression or statement: an arrow, `if`, a JSX tag, a unary or binary operator, a call)";
  const err = new Error(
    `SA901: ${what} at ${escapeControls(where)}; @swc/core ends the whole process on such input instead of returning an error, so smartasync does not compile the file (the same limit in every host). Split the expression or statement.`,
  );
  Object.assign(err, { code: "SA901", loc: where });
  err.name = "SmartAsyncError";
  throw err;
}

/** SA901 for a syntax error in a file with a line longer than MAX_LINE (see long-lines.ts). */
function checkLongLines(code: string, filename: string | undefined): void {
  const line = longLine(code);
  if (line === undefined) return;
  const check = checkSyntax(code, filename);
  if (check.ok) return;
  // Without @babel/parser (an SWC-only install), or with an error on a line SWC draws safely (a
  // short one: measured, it reports those), the file goes on to SWC as any other: refusing it
  // would turn valid minified files into errors wherever Babel lacks a syntax plugin SWC has.
  if ("noParser" in check || lineLength(code, check.line) <= MAX_LINE) return;
  const file = filename ?? "<input>";
  const why = `@swc/core ends the whole process when it reports a syntax error past column ${MAX_LINE.toLocaleString("en-US")} of a line`;
  const where = `${file}:${check.line}:${check.column}`;
  const message = `SA901: syntax error at ${escapeControls(where)}: ${escapeControls(check.message)} (found by @babel/parser: the file has a line longer than ${MAX_LINE.toLocaleString("en-US")} characters, and ${why}, so smartasync checks such a file first and does not compile it). Fix the syntax error.`;
  const err = new Error(message);
  Object.assign(err, { code: "SA901", loc: where });
  err.name = "SmartAsyncError";
  throw err;
}
