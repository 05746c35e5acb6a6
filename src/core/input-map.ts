/**
 * The source map a file names itself (`//# sourceMappingURL=…`, inline or a file), as both
 * compilers' hosts chain it. A map's `sources` are relative to the map's own location (and its
 * `sourceRoot`), not to the file that names it (the source map spec): a map kept in a subfolder
 * (`//# sourceMappingURL=maps/app.js.map`) named files one folder too high, and `build` copied
 * the paths unchanged into a map written elsewhere (attack32 F08; test/source-maps.test.ts).
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { isPathLike, lastMapComment, mapTarget } from "./map-comment.js";

/**
 * The input's own map: its text and the folder its `sources` are relative to, or undefined.
 * Which comment and which file: the one reader, core/map-comment.ts.
 */
export function namedInputMap(
  src: string,
  filename: string | undefined,
): { text: string; dir?: string } | undefined {
  const comment = lastMapComment(src);
  const target = comment && mapTarget(comment.url, filename);
  if (target === undefined) return undefined;
  if ("text" in target) return { text: target.text, dir: filename ? dirname(filename) : undefined };
  try {
    return { text: readFileSync(target.file, "utf8"), dir: dirname(target.file) };
  } catch {
    return undefined;
  }
}

/** An escaped separator: `%2F` decodes to no path segment of the name (as map-comment.ts reads it). */
const ESCAPED_SEPARATOR = /%2f|%5c/i;

/**
 * A map's source (a URL relative to the map) as the path it names: `main%20x.ts` is `main x.ts`,
 * as Node reads it and as `build` writes it. Register named `main%20x.ts` in stack traces, a file
 * that does not exist (attack35 F12). A `%` that decodes to no path (`100%.ts`, `%2F`) stays.
 */
function unescaped(s: string): string {
  if (!s.includes("%") || ESCAPED_SEPARATOR.test(s)) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * A path-like source (or `sourceRoot`) as the URL parser reads it relative to the map: a `?query`
 * or `#fragment` is no part of the path, and `\` is a separator (`../ts/lib.ts?v=1`,
 * `..\\ts\\lib.ts` name `ts/lib.ts`, as Node's stack traces say; register named files that do
 * not exist: attack36 F07). Escapes are decoded after (`%23` stays a `#` of the name).
 */
function urlPath(s: string): string {
  const cut = s.search(/[?#]/);
  return unescaped((cut < 0 ? s : s.slice(0, cut)).replaceAll("\\", "/"));
}

/** Whether reading `s` as a URL changes it (an escape, a query, a fragment, a backslash). */
const URL_SYNTAX = /[%?#\\]/;

/**
 * The map's `sources` made relative to `to` (a folder) from the folder `from` the map is relative
 * to, its path `sourceRoot` folded in, escapes decoded (`main%20x.ts` names `main x.ts`); URLs (`webpack://…`) and a URL `sourceRoot` stay as they are.
 * Text that is no JSON map comes back unchanged (the caller decides what an unreadable map is).
 */
export function rebaseSources(text: string, from: string, to: string): string {
  let map: { sources?: unknown; sourceRoot?: unknown };
  try {
    map = JSON.parse(text) as typeof map;
  } catch {
    return text;
  }
  if (typeof map !== "object" || map === null || !Array.isArray(map.sources)) return text;
  const root = typeof map.sourceRoot === "string" ? map.sourceRoot : "";
  if (!isPathLike(root)) return text;
  const escaped = map.sources.some((s: unknown) => typeof s === "string" && URL_SYNTAX.test(s));
  if (from === to && root === "" && !escaped) return text;
  const sources = map.sources.map((s: unknown) =>
    typeof s === "string" && isPathLike(s) && !isAbsolute(s)
      ? relative(to, resolve(from, urlPath(root), urlPath(s)))
          .split(sep)
          .join("/")
      : s,
  );
  const { sourceRoot: _, ...rest } = map;
  return JSON.stringify({ ...rest, sources });
}
