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
