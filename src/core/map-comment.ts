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
 * - the comment is the text's last `sourceMappingURL=`, and counts only as a comment at the end
 *   of the text: `//#`, `//@`, `/*# … *\/` or `/*@ … *\/`, blanks after the sigil, nothing but
 *   white space and comments after it (a mention in a string, or a comment with code after it,
 *   names no map: what SWC reads too; `//# sourceURL=x.js` after it does not hide it: attack35
 *   F08);
 * - the URL is the run of characters after `=` up to white space (or a quote: a comment that ends
 *   in a quote is the end of a string, and names no map);
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
import { isRegexSpace } from "./chars.js";

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
  /** Just after the URL (a line comment) or the closing `*\/` (a block comment). */
  end: number;
}

/** What a map comment names: the map's text (a `data:` URL), or a file; undefined: no map. */
export type MapTarget = { text: string } | { file: string };

function isBlank(c: string | undefined): boolean {
  return c === " " || c === "\t";
}

/** Whether the URL ends at `i`: white space, a quote (the mention was in a string), a block's end. */
function endsUrl(text: string, i: number, block: boolean): boolean {
  const c = text[i];
  return (
    isRegexSpace(text.charCodeAt(i)) ||
    c === '"' ||
    c === "'" ||
    c === "`" ||
    (block && text.startsWith("*/", i))
  );
}

/** The text's map comment (rules above), scanned by hand from the last `sourceMappingURL=`. */
export function lastMapComment(text: string): MapComment | undefined {
  const at = text.lastIndexOf(MARK);
  if (at < 0) return undefined;
  let sigil = at;
  while (sigil > 0 && isBlank(text[sigil - 1])) sigil--;
  if (sigil === at || sigil < 3) return undefined;
  if (text[sigil - 1] !== "#" && text[sigil - 1] !== "@") return undefined;
  const opener = text.slice(sigil - 3, sigil - 1);
  if (opener !== "//" && opener !== "/*") return undefined;
  const block = opener === "/*";
  let end = at + MARK.length;
  while (end < text.length && !endsUrl(text, end, block)) end++;
  const url = text.slice(at + MARK.length, end);
  if (url === "") return undefined;
  if (block) {
    while (end < text.length && isRegexSpace(text.charCodeAt(end))) end++;
    if (!text.startsWith("*/", end)) return undefined;
    end += 2;
  }
  if (!onlyComments(text, end)) return undefined;
  return { url, start: sigil - 3, end };
}

/**
 * Whether `text` from `i` holds nothing but white space and comments: a map comment followed by
 * another comment (`//# sourceURL=x.js`, a linter's note) still names the map, as Node and SWC
 * read it; `smartasync/swc` dropped the map of an edited file there (attack35 F08).
 */
function onlyComments(text: string, i: number): boolean {
  while (i < text.length) {
    if (isRegexSpace(text.charCodeAt(i))) i++;
    else if (text.startsWith("//", i)) {
      while (
        i < text.length &&
        text[i] !== "\n" &&
        text[i] !== "\r" &&
        text[i] !== "\u2028" &&
        text[i] !== "\u2029"
      )
        i++;
    } else if (text.startsWith("/*", i)) {
      const close = text.indexOf("*/", i + 2);
      if (close < 0) return false;
      i = close + 2;
    } else return false;
  }
  return true;
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
