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
 * Is `line` a caret row of a code frame as Babel and smartasync's own frames draw it (`    | ^^^`):
 * a gutter, then blanks and carets? Its carets stand under the row above, one column per UTF-16
 * unit. (SWC's rows, `   : ^^^`, measure a line holding control characters by rules of their
 * own, often misplaced already: they are escaped and left where SWC drew them.) Scanned by hand
 * (a pattern with two runs of blanks backtracks over a long one).
 */
function isCaretRow(line: string): boolean {
  let i = 0;
  while (line[i] === " " || line[i] === ">") i++;
  while (line[i] !== undefined && line[i]! >= "0" && line[i]! <= "9") i++;
  while (line[i] === " ") i++;
  if (line[i] !== "|") return false;
  i++;
  while (line[i] === " " || line[i] === "\t") i++;
  return line[i] === "^";
}

/**
 * `text` — a message, often with a code frame under it — with every control character shown as
 * an escape and its line breaks kept; where a source line of a frame grows by its escapes, the
 * caret row under it is widened to match, so the carets still stand under what they marked
 * (`const s = "\x1b[2J";` with the carets under the string, not four columns early).
 */
export function escapeMessage(text: string, opts: { colours?: boolean } = {}): string {
  const esc = (t: string) => escapeControls(t, { colours: opts.colours === true });
  if (!UNSAFE.test(text)) return text;
  const lines = text.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const shown = esc(line);
    out.push(shown);
    const next = lines[i + 1];
    if (shown === line || next === undefined || !isCaretRow(next)) continue;
    // Carets at [from, to) of the row above: each column moved by the escapes before it.
    const from = next.indexOf("^");
    let to = from;
    while (next[to] === "^") to++;
    const start = esc(line.slice(0, from)).length;
    const end = Math.max(start + 1, esc(line.slice(0, to)).length);
    out.push(esc(next.slice(0, from) + " ".repeat(start - from) + "^".repeat(end - start) + next.slice(to)));
    i++;
  }
  return out.join("\n");
}

/**
 * A message (lines, a code frame) through `escapeMessage`, each of `names` (a file's path, as the
 * message quotes it) first escaped whole, line breaks too: a name's own line breaks are not the
 * message's (SWC writes the path inside its frame's header; a bundler's error names the module).
 */
export function escapeNamed(
  text: string,
  names: readonly string[],
  opts: { colours?: boolean } = {},
): string {
  let named = text;
  // Longest first: an absolute path holds its relative form.
  for (const name of [...names].sort((a, b) => b.length - a.length)) {
    if (name && UNSAFE.test(name)) named = named.split(name).join(escapeControls(name));
  }
  return escapeMessage(named, opts);
}

/**
 * An error's `message` through `escapeMessage` (each of `names` — the file's path — first escaped
 * whole, line breaks too; with `fields`, its string fields too): control characters escaped, line breaks kept (a
 * message and its code frame are several lines) but CR, U+2028/9 and the rest escaped, so a file
 * name or a quoted excerpt cannot start a line or act on a terminal; carets realigned. `stack`,
 * which Node prints for an uncaught error and which copied the message when the error was made,
 * is rewritten to match. The same error comes back (its class, `code`, `loc` and `cause` kept;
 * `loc` and other fields stay data, unescaped). Colour codes are kept only with `colours` (text a
 * tool coloured, never a message quoting a file that holds ESC itself).
 */
export function escapeErrorMessage<T>(
  error: T,
  opts: { colours?: boolean; names?: readonly string[]; fields?: boolean } = {},
): T {
  if (!(error instanceof Error)) return error;
  // Node prints an uncaught error's own fields too (`loc`, `smartasync: { loc }`), escaping C0
  // there but not C1 or the bidirectional controls: for a host that only prints, they are text.
  if (opts.fields) escapeFields(error as unknown as Record<string, unknown>, 2);
  const message = error.message;
  const safe = escapeNamed(message, opts.names ?? [], opts);
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

/** String fields of `o` (and of the plain objects it holds, `depth` levels down) escaped in place. */
function escapeFields(o: Record<string, unknown>, depth: number): void {
  for (const key of Object.keys(o)) {
    const v = o[key];
    if (typeof v === "string") {
      if (UNSAFE.test(v)) o[key] = escapeControls(v);
    } else if (
      depth > 1 &&
      v !== null &&
      typeof v === "object" &&
      Object.getPrototypeOf(v) === Object.prototype
    ) {
      escapeFields(v as Record<string, unknown>, depth - 1);
    }
  }
}
