/**
 * `build`'s rule for the source map a file names itself (`//# sourceMappingURL=…`): Babel and
 * SWC read that file and chain it into the built map, so its `sources` and `sourcesContent`
 * land in the output. A map is read only when it is a regular file inside the source folder
 * (a link inside it that leads out only with --follow-symlinks), the rule for sources themselves;
 * otherwise the file is compiled without its input map and `build` says so (security review: a
 * one-line comment pulled another project's map, with its sources' text, into the build).
 */
import { realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";

const MARK = "sourceMappingURL=";

/** Every URL a `sourceMappingURL=` in the text names (line or block comment, `#` or `@`), in order. */
function mapUrls(src: string): string[] {
  const urls: string[] = [];
  for (let i = src.indexOf(MARK); i !== -1; i = src.indexOf(MARK, i + MARK.length)) {
    let end = i + MARK.length;
    while (end < src.length && !/[\s'"`]/.test(src[end]!)) end++;
    let url = src.slice(i + MARK.length, end);
    const close = url.indexOf("*/");
    if (close >= 0) url = url.slice(0, close);
    if (url !== "") urls.push(url);
  }
  return urls;
}

function inside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/**
 * Why the input map `source` names may not be read, or undefined when it may (or it names none,
 * or only inline `data:` maps). `root`: the source folder.
 */
export function refusedInputMap(
  source: string,
  file: string,
  root: string,
  follow: boolean,
): string | undefined {
  for (const url of mapUrls(source)) {
    if (url.startsWith("data:")) continue;
    // A URL with a scheme (`file:`, `http:`) is never read from the sources' folder.
    if (/^[a-z][a-z0-9+.-]*:/i.test(url) && !/^[a-z]:[\\/]/i.test(url)) return `${url}: not a file path`;
    let decoded = url;
    try {
      decoded = decodeURIComponent(url);
    } catch {
      // as written
    }
    for (const form of new Set([url, decoded])) {
      const target = resolve(dirname(file), form);
      if (!inside(root, target)) return `${url}: outside the source directory`;
      const st = statSync(target, { throwIfNoEntry: false });
      if (st === undefined) continue; // nothing to read
      if (!st.isFile()) return `${url}: not a regular file`;
      if (!follow) {
        let real: string;
        try {
          real = realpathSync(target);
        } catch {
          return `${url}: cannot be resolved`;
        }
        if (!inside(realpathSync(root), real)) return `${url}: a link leading outside the source directory`;
      }
    }
  }
  return undefined;
}

/**
 * Whether `map`, a file beside the source `file` (`a.js.map` beside `a.js`), is that source's
 * own input map: the last `sourceMappingURL` the source names leads to it, and build may read it
 * (`refusedInputMap`). Such a map is read into the built map, never copied: a copy would
 * describe the source, not the compiled file beside it (attack31 F08).
 */
export function isOwnInputMap(
  source: string,
  file: string,
  map: string,
  root: string,
  follow: boolean,
): boolean {
  const url = mapUrls(source).at(-1);
  if (url === undefined || url.startsWith("data:")) return false;
  let decoded = url;
  try {
    decoded = decodeURIComponent(url);
  } catch {
    // as written
  }
  if (resolve(dirname(file), decoded) !== map && resolve(dirname(file), url) !== map) return false;
  return refusedInputMap(source, file, root, follow) === undefined;
}

const MAP_COMMENT = "sourceMappingURL=";

/**
 * `code` without the `//# sourceMappingURL=…` comment that ends it, if any: the compiled file
 * names only the map build writes beside it, or none (`--no-source-maps`) — never the map its
 * source named, which describes the source (attack31 F08: `out/a.js` kept `//# sourceMappingURL=
 * a.js.map` for a copied map of `src/a.js`). Scanned by hand from the last mention: no regex.
 */
export function withoutMapComment(code: string): string {
  const at = code.lastIndexOf(MAP_COMMENT);
  if (at < 4) return code;
  const lead = code.slice(at - 4, at);
  if (lead !== "//# " && lead !== "//@ ") return code;
  let end = at + MAP_COMMENT.length;
  while (end < code.length && !/\s/.test(code[end]!)) end++;
  if (code.slice(end).trim() !== "") return code;
  let start = at - 4;
  while (start > 0 && (code[start - 1] === " " || code[start - 1] === "\t")) start--;
  return `${code.slice(0, start).trimEnd()}\n`;
}

/** `build`'s note for a file whose input map is not read, or undefined (see `inputMapRoot`). */
export function inputMapNote(
  source: string,
  file: string,
  opts: { sourceMaps?: boolean; inputMapRoot?: string; followSymlinks?: boolean },
): string | undefined {
  if (!opts.sourceMaps || opts.inputMapRoot === undefined) return undefined;
  const why = refusedInputMap(source, file, opts.inputMapRoot, opts.followSymlinks ?? false);
  return why === undefined
    ? undefined
    : `the source map it names is not read (${why}); build reads an input map only inside the source directory${opts.followSymlinks ? "" : " (a link inside it that leads out only with --follow-symlinks)"}`;
}
