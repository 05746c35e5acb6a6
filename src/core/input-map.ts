/**
 * The source map a file names itself (`//# sourceMappingURL=…`, inline or a file), as both
 * compilers' hosts chain it. A map's `sources` are relative to the map's own location (and its
 * `sourceRoot`), not to the file that names it (the source map spec): a map kept in a subfolder
 * (`//# sourceMappingURL=maps/app.js.map`) named files one folder too high, and `build` copied
 * the paths unchanged into a map written elsewhere (attack32 F08; test/source-maps.test.ts).
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";

// The comment's URL first, then what kind it is (one pattern over the file's tail: linear).
const MAP_URL = /\/\/[#@] sourceMappingURL=(\S+)\s*$/;
const DATA_URL = /^data:application\/json[^,]*?(;base64)?,/;
/** A URL with a scheme (`webpack:`, `file:`): not a path to rebase (a drive letter `C:\` is one). */
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** The input's own map: its text and the folder its `sources` are relative to, or undefined. */
export function namedInputMap(
  src: string,
  filename: string | undefined,
): { text: string; dir?: string } | undefined {
  const url = MAP_URL.exec(src.slice(-100_000))?.[1];
  if (url === undefined) return undefined;
  const data = DATA_URL.exec(url);
  const here = filename ? dirname(filename) : undefined;
  if (data) {
    const body = url.slice(data[0].length);
    try {
      return {
        text: data[1] ? Buffer.from(body, "base64").toString("utf8") : decodeURIComponent(body),
        dir: here,
      };
    } catch {
      return undefined;
    }
  }
  if (url.startsWith("data:") || here === undefined) return undefined;
  const file = resolve(here, url);
  try {
    return { text: readFileSync(file, "utf8"), dir: dirname(file) };
  } catch {
    return undefined;
  }
}

function isPath(p: string): boolean {
  return !SCHEME.test(p) || /^[a-z]:[\\/]/i.test(p);
}

/**
 * The map's `sources` made relative to `to` (a folder) from the folder `from` the map is relative
 * to, its path `sourceRoot` folded in; URLs (`webpack://…`) and a URL `sourceRoot` stay as they are.
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
  if (!isPath(root)) return text;
  if (from === to && root === "") return text;
  const sources = map.sources.map((s: unknown) =>
    typeof s === "string" && isPath(s) && !isAbsolute(s)
      ? relative(to, resolve(from, root, s))
          .split(sep)
          .join("/")
      : s,
  );
  const { sourceRoot: _, ...rest } = map;
  return JSON.stringify({ ...rest, sources });
}
