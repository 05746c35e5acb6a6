/**
 * Text from files nobody vetted — file names, import specifiers, identifiers, source lines in a
 * code frame — reaches what smartasync prints: the CLI's output, and the messages of the errors
 * its compilers, `smartasync/register` and `smartasync/jest` throw (which Node, Jest or a bundler
 * print). Printed raw, a line break in a file name starts a line of its own (a forged
 * `::error …` workflow command on a CI log), ESC, BEL or an OSC sequence rewrites the terminal
 * (its title, a hyperlink, the screen), and a bidirectional override reorders what a reader sees.
 * This module is the one rule for showing such characters as visible escapes (`\x1b`, `\n`,
 * `\u202e`); the CLI's formats add their own grammar on top (src/cli/escape.ts). SECURITY.md,
 * "What the CLI prints" and "What the compilers' errors print".
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

/**
 * An error's `message` with every control character shown as an escape, its line breaks kept (a
 * message and its code frame are several lines) but CR, U+2028/9 and the rest escaped, so a
 * file name or a quoted excerpt cannot start a line. `stack`, which Node prints for an uncaught
 * error and which copied the message when the error was made, is rewritten to match. The same
 * error is returned (its class, `code`, `loc` and `cause` kept); `loc` and other fields stay
 * data, unescaped. Colour codes are kept only when `colours` says the text's own were made by a
 * tool (never for a message quoting a file that holds ESC itself).
 */
export function escapeErrorMessage<T>(error: T, opts: { colours?: boolean } = {}): T {
  if (!(error instanceof Error)) return error;
  const message = error.message;
  const safe = escapeControls(message, { newlines: true, colours: opts.colours === true });
  if (safe === message) return error;
  error.message = safe;
  const stack = error.stack;
  if (typeof stack === "string") {
    const at = stack.indexOf(message);
    error.stack =
      at >= 0
        ? stack.slice(0, at) + safe + stack.slice(at + message.length)
        : escapeControls(stack, { newlines: true });
  }
  return error;
}
