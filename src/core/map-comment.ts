/**
 * The one reader of the source map a text names (`//# sourceMappingURL=…`), for every host that
 * reads input maps: `smartasync/swc` and register (core/input-map.ts), and `build` (which map is
 * read, refused, or is a source's own map, and which comment a compiled file loses:
 * cli/input-map.ts). Pure: it says which file or text a comment names, never reads it.
 *
 * Two readers had two rules: the compile API read `a%20b.js.map` as a file of that name while
 * `build` decoded it, and `build` writes escaped names (`a b.js` gets `a%20b.js.map`:
 * test/cli/source-map-paths.test.ts), so a built file fed to another host lost its map
 * (test/source-maps-escaped.test.ts). The rules (docs/swc.md, "Which map a file names"):
 * - the comment is the one Node applies (`--enable-source-maps`), which is V8's reading: every
 *   `//# sourceMappingURL=…` or `//@ …` *comment* (one blank after the sigil) replaces the one
 *   before it, so the last one decides, wherever it stands (code after it does not hide it:
 *   attack36 F08); a mention in a string, a template or a block comment is no comment
 *   (`/* old: //# sourceMappingURL=stale.js.map *\/` after the real one hid it: attack36 F12),
 *   nor is `/*# sourceMappingURL=… *\/` (V8 reads no block comment), `//#sourceMappingURL=` or
 *   `// # …`. Which `//` is a comment: the tokenizer of core/import-scan.ts;
 * - the URL is the run of characters after `=` (and blanks) up to white space; a last comment
 *   with nothing there, or more than blanks after it, names no map (V8 empties it);
 * - `data:application/json` (or `text/json`), base64 or escaped: the map is that text;
 * - any other URL is read as a URL relative to the file's own `file:` URL, as Node reads it
 *   (`--enable-source-maps`): escapes decoded (`a%20b.js.map` is `a b.js.map`), a `?query` or
 *   `#fragment` dropped, `\` a separator; a `file:` URL names its file; another scheme (`http:`,
 *   `webpack:`) names no file to read;
 * - a URL whose escapes do not decode to a path (`100%.js.map`: a `%` not followed by two hex
 *   digits; `%FF`, not UTF-8; `%2F`, an escaped separator) names the file as written, whole:
 *   a tool that did not escape `%` meant the file of that name (Node applies no map there);
 *   such a `file:` URL names nothing.
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isWideSpace } from "./chars.js";
import { lineComments } from "./import-scan.js";

const MARK = "sourceMappingURL=";
// An inline map: its media type, then whether it is base64 (anchored, one lazy class: linear).
const DATA_URL = /^data:(?:application|text)\/json[^,]*?(;base64)?,/;
/** A Windows path with a drive letter (`C:\maps\a.js.map`): a path, not a URL with scheme `c:`. */
const DRIVE = /^[a-z]:[\\/]/i;
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** The comment naming a text's map: its URL as written, and where it starts and ends. */
export interface MapComment {
  url: string;
  /** The comment's `//` or `/*`. */
  start: number;
  /** The comment's end: the end of its line, before the line terminator. */
  end: number;
}

/** What a map comment names: the map's text (a `data:` URL), or a file; undefined: no map. */
export type MapTarget = { text: string } | { file: string };

/** V8's white space in a magic comment: ECMAScript's WhiteSpace (not a line terminator). */
function isSpace(c: number): boolean {
  return (
    c === 0x09 || c === 0x0b || c === 0x0c || c === 0x20 || (isWideSpace(c) && c !== 0x2028 && c !== 0x2029)
  );
}

function isLineEnd(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;
}

/**
 * The text's map comment, as V8 reads it for Node (rules above): each `//#`/`//@` comment naming
 * `sourceMappingURL=` replaces the one before, so the last decides, and one whose URL is empty or
 * followed by more than blanks names no map. Undefined: no map comment, or such a last one.
 */
export function lastMapComment(text: string): MapComment | undefined {
  if (!text.includes(MARK)) return undefined;
  // `build` asks up to four times per file (which map, refused?, own map?, the comment to drop),
  // and the tokenizer reads the whole text (about 22 ms a MB): the last answer is kept.
  if (text === memo.text) return memo.comment;
  const comment = endingMapComment(text) ?? readLastMapComment(text);
  memo.text = text;
  memo.comment = comment;
  return comment;
}

const memo: { text?: string; comment?: MapComment } = {};

/**
 * The common case without the tokenizer (issue 16: most built files end so): the text's last
 * `sourceMappingURL=` begins a `//#`/`//@` comment alone on its line, whose URL holds no quote,
 * backtick or `*\/`, and only white space follows it. Such a line is no string, template, regular
 * expression or block comment in a text that parses: each of those would be left open at the
 * end of the text. Undefined: not this case (the tokenizer decides), or no map.
 */
function endingMapComment(text: string): MapComment | undefined {
  const mark = text.lastIndexOf(MARK);
  const start = mark - 4;
  if (start < 0 || text.charCodeAt(start) !== 0x2f || text.charCodeAt(start + 1) !== 0x2f) return undefined;
  for (let i = start - 1; i >= 0 && !isLineEnd(text.charCodeAt(i)); i--)
    if (!isSpace(text.charCodeAt(i))) return undefined;
  const read = magicComment(text, start);
  if (read === undefined || read.url === "" || /["'`]|\*\//.test(read.url)) return undefined;
  for (let i = read.end; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isSpace(c) && !isLineEnd(c)) return undefined;
  }
  return read;
}

function readLastMapComment(text: string): MapComment | undefined {
  let found: MapComment | undefined;
  let last = -1;
  for (const start of [...new Set(lineComments(text))].sort((a, b) => a - b)) {
    if (start <= last) continue;
    const read = magicComment(text, start);
    if (read === undefined) continue;
    last = start;
    found = read.url === "" ? undefined : read;
  }
  return found;
}

/**
 * The `//` comment at `start` read as V8's scanner reads a magic comment: `#` or `@`, one white
 * space, the name up to white space or `=`, then `=`; undefined when it is no `sourceMappingURL=`
 * comment (`//#  sourceMappingURL=`, `// # …`, `//#sourceMappingURL=`: Node ignores these too).
 * The URL: after blanks, up to white space; anything but blanks after it empties it.
 */
function magicComment(text: string, start: number): MapComment | undefined {
  const sigil = text[start + 2];
  if ((sigil !== "#" && sigil !== "@") || !isSpace(text.charCodeAt(start + 3))) return undefined;
  let i = start + 4;
  if (!text.startsWith(MARK, i)) return undefined;
  i += MARK.length;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  const from = i;
  while (i < text.length && !isSpace(text.charCodeAt(i)) && !isLineEnd(text.charCodeAt(i))) i++;
  const to = i;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  const url = i < text.length && !isLineEnd(text.charCodeAt(i)) ? "" : text.slice(from, to);
  return { url, start, end: i };
}

/**
 * What `url`, written in the file `filename`, names (rules above). A `data:` URL needs no file
 * name; any other needs one (a text without a file has no folder to be relative to).
 */
export function mapTarget(url: string, filename: string | undefined): MapTarget | undefined {
  const data = DATA_URL.exec(url);
  if (data) {
    const body = url.slice(data[0].length);
    try {
      return { text: data[1] ? Buffer.from(body, "base64").toString("utf8") : decodeURIComponent(body) };
    } catch {
      return undefined;
    }
  }
  if (url.startsWith("data:") || filename === undefined) return undefined;
  const asWritten = resolve(dirname(filename), url);
  if (DRIVE.test(url)) return { file: asWritten };
  const scheme = !isPathLike(url);
  let parsed: URL;
  try {
    parsed = new URL(url, pathToFileURL(filename));
  } catch {
    return undefined;
  }
  if (parsed.protocol !== "file:") return undefined;
  try {
    return { file: fileURLToPath(parsed) };
  } catch {
    // Escapes that name no path: a relative URL is the file as written; a `file:` URL nothing.
    return scheme ? undefined : { file: asWritten };
  }
}

/** Whether `p` is a path, not a URL with a scheme (`webpack:`, `file:`; a drive letter is a path). */
export function isPathLike(p: string): boolean {
  return !SCHEME.test(p) || DRIVE.test(p);
}

/** The file the text's map comment names, or undefined (none, inline, or not a file). */
export function namedMapFile(text: string, filename: string): string | undefined {
  const comment = lastMapComment(text);
  const target = comment && mapTarget(comment.url, filename);
  return target && "file" in target ? target.file : undefined;
}
