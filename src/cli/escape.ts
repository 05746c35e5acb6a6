/**
 * What the CLI prints comes partly from files nobody vetted: file names, import specifiers,
 * identifiers and code excerpts inside messages. Printed raw, a newline in a file name starts a
 * line of its own (`::error …`, a GitHub workflow command, on a CI log), and ESC, BEL or an OSC
 * sequence rewrites the terminal (its title, a hyperlink, the screen). So every text that can
 * hold such a value is escaped on its way out, by the rules of where it goes:
 *
 * - a terminal or a log (text, table, diff, stderr): `escapeControls` shows each control
 *   character as a visible escape (`\x1b`, `\n`, `\u2028`), keeping only the tabs, the line
 *   breaks the CLI itself writes, and (with colour on) its own colour codes;
 * - GitHub workflow commands: format-github.ts, `%`, CR and LF percent-encoded, the rest as above;
 * - JSON and SARIF: JSON's own escapes, plus `\u` escapes for the characters JSON leaves raw
 *   that a terminal may act on (`jsonForTerminal`).
 *
 * See SECURITY.md ("What the CLI prints").
 */

/**
 * C0 controls but tab, DEL, C1 controls (U+0080–U+009F, which some terminals read as ESC
 * sequences), the Unicode line and paragraph separators, and every bidirectional control
 * (Bidi_Control: the marks U+061C, U+200E, U+200F, the overrides and the isolates) that
 * reorders what a reader sees ("Trojan Source").
 */
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are what it finds
  /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const TOKEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: an SGR colour code, or one unsafe character
  /\u001b\[[0-9;]*m|[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** One character as a visible escape: `\n`, `\r`, `\x1b`, `\u2028`. */
export function visibleEscape(ch: string): string {
  if (ch === "\n") return "\\n";
  if (ch === "\r") return "\\r";
  const code = ch.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

export interface EscapeOptions {
  /** Keep LF as a line break (a multi-line message with its code frame); else shown as `\n`. */
  newlines?: boolean;
  /** Keep SGR colour codes (`ESC [ … m`): only for text the CLI or the compiler coloured itself. */
  colours?: boolean;
}

/** `text` with every control character shown as a visible escape (see UNSAFE). */
export function escapeControls(text: string, opts: EscapeOptions = {}): string {
  if (!UNSAFE.test(text)) return text;
  return text.replace(TOKEN, (m) => {
    if (m.length > 1) return opts.colours ? m : visibleEscape(m[0]!) + m.slice(1);
    if (m === "\n" && opts.newlines) return m;
    return visibleEscape(m);
  });
}

/** Does `text` hold a control character besides tab, CR, LF and the line separators (ESC, BEL, C1, bidi)? */
export function hasTerminalControls(text: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are what it finds
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(
    text,
  );
}

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
