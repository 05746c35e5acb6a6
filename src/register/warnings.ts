/**
 * smartasync's warnings (SA204, SA206, …) of the files `smartasync/register` and `smartasync/jest`
 * compile, printed on stderr as one line each, `smartasync: src/a.ts:3:13: warning SA206: …`: the
 * CLI's `path:line:col: warning CODE: message` behind the prefix every smartasync line on stderr
 * carries. Without them a program run through the hook never saw the warnings a build or
 * `smartasync check` prints for the same file (fixture-less: test/integrations/register.test.ts).
 */
import type { Diagnostic } from "../core/diagnostics.js";
import { escapeControls } from "../core/escape.js";

/** The warning's line (no line break). Escaped: a specifier in the message comes from the file (core/escape.ts). */
export function warningLine(w: Pick<Diagnostic, "loc" | "code" | "message">): string {
  return `smartasync: ${escapeControls(`${w.loc}: warning ${w.code}: ${w.message}`)}`;
}

/** `SMARTASYNC_WARNINGS=0` (or `false`, as SMARTASYNC_CACHE): the hook prints none (docs/register.md). */
function silenced(): boolean {
  const v = process.env.SMARTASYNC_WARNINGS;
  return v === "0" || v === "false";
}

let quiet = false;

/**
 * This thread prints none: a smartasync worker imports a function's module that the thread
 * which called it loaded, and printed the warnings of, already (hooks.ts `initialize`, index.ts).
 */
export function quietThread(): void {
  quiet = true;
}

/** Per thread: the lines printed, so a file loaded twice (imported and required) prints them once. */
const printed = new Set<string>();

/** Prints `warnings` (of one compiled file, fresh or from the cache) on stderr, each line once per thread. */
export function printWarnings(
  warnings: readonly Pick<Diagnostic, "loc" | "code" | "message">[] | undefined,
): void {
  if (!warnings?.length || quiet || silenced()) return;
  let text = "";
  for (const w of warnings) {
    const line = warningLine(w);
    if (printed.has(line)) continue;
    printed.add(line);
    text += `${line}\n`;
  }
  if (text) process.stderr.write(text);
}
