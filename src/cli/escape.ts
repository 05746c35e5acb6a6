import { escapeControls, visibleEscape } from "../core/escape.js";

export { type EscapeOptions, escapeControls, hasTerminalControls, visibleEscape } from "../core/escape.js";

/**
 * What the CLI prints comes partly from files nobody vetted: file names, import specifiers,
 * identifiers and code excerpts inside messages. Printed raw, a newline in a file name starts a
 * line of its own (`::error …`, a GitHub workflow command, on a CI log), and ESC, BEL or an OSC
 * sequence rewrites the terminal (its title, a hyperlink, the screen). So every text that can
 * hold such a value is escaped on its way out, by the rules of where it goes:
 *
 * - a terminal or a log (text, table, diff, stderr): `escapeControls` (src/core/escape.ts) shows each control
 *   character as a visible escape (`\x1b`, `\n`, `\u2028`), keeping only the tabs, the line
 *   breaks the CLI itself writes, and (with colour on) its own colour codes;
 * - GitHub workflow commands: format-github.ts, `%`, CR and LF percent-encoded, the rest as above;
 * - JSON and SARIF: JSON's own escapes, plus `\u` escapes for the characters JSON leaves raw
 *   that a terminal may act on (`jsonForTerminal`).
 *
 * See SECURITY.md ("What the CLI prints").
 */

/** One line of output: every control character escaped, line breaks included. */
export const oneLine = (text: string): string => escapeControls(text);

/**
 * JSON text (already valid: JSON.stringify escapes C0) with DEL, C1, the line separators and the
 * bidirectional controls written as `\u` escapes too: the same JSON value, nothing raw for a
 * terminal or a log to act on.
 */
export function jsonForTerminal(json: string): string {
  return json.replace(/[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) =>
    visibleEscape(c).replace("\\x", "\\u00"),
  );
}

/**
 * A line of human-readable output never starts a GitHub workflow command: a path that begins
 * with `::` (a file named `::error title=…::x.js` at the project's root) is shown as `./::…`,
 * still the same path (security review: `check .` printed such a name at the start of a line).
 */
export function noCommands(text: string): string {
  return text.replace(/^([ \t]*)::/gm, "$1./::");
}
