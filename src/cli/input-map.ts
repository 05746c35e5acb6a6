/**
 * `build`'s rule for the source map a file names itself (`//# sourceMappingURL=…`): Babel and
 * SWC read that file and chain it into the built map, so its `sources` and `sourcesContent`
 * land in the output. A map is read only when it is a regular file inside the source folder
 * (a link inside it that leads out only with --follow-symlinks), the rule for sources themselves;
 * otherwise the file is compiled without its input map and `build` says so (security review: a
 * one-line comment pulled another project's map, with its sources' text, into the build).
 */
import { realpathSync, statSync } from "node:fs";
import { isAbsolute, relative } from "node:path";
import { lastMapComment, namedMapFile } from "../core/map-comment.js";

function inside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/**
 * Why the input map `source` names may not be read, or undefined when it may (or it names none,
 * or an inline `data:` map). `root`: the source folder. The file is the one every host reads
 * (core/map-comment.ts): an escaped name is checked as the file it names (`a%20b.js.map`,
 * `a b.js.map`), and no compiler reads another, as the hosts hand the map over themselves
 * (transform-file.ts, swc-plugin/index.ts).
 */
export function refusedInputMap(
  source: string,
  file: string,
  root: string,
  follow: boolean,
): string | undefined {
  const url = lastMapComment(source)?.url;
  const target = namedMapFile(source, file);
  if (url === undefined || target === undefined) return undefined;
  if (!inside(root, target)) return `${url}: outside the source directory`;
  const st = statSync(target, { throwIfNoEntry: false });
  if (st === undefined) return undefined; // nothing to read
  if (!st.isFile()) return `${url}: not a regular file`;
  if (follow) return undefined;
  let real: string;
  try {
    real = realpathSync(target);
  } catch {
    return `${url}: cannot be resolved`;
  }
  return inside(realpathSync(root), real) ? undefined : `${url}: a link leading outside the source directory`;
}

/**
 * Whether `map`, a file beside the source `file` (`a.js.map` beside `a.js`), is that source's
 * own input map: the source's map comment names it, and build may read it (`refusedInputMap`).
 * Such a map is read into the built map, never copied: a copy would describe the source, not
 * the compiled file beside it (attack31 F08).
 */
export function isOwnInputMap(
  source: string,
  file: string,
  map: string,
  root: string,
  follow: boolean,
): boolean {
  return namedMapFile(source, file) === map && refusedInputMap(source, file, root, follow) === undefined;
}

/**
 * `code` without the map comment that ends it (core/map-comment.ts), if any: the compiled file
 * names only the map build writes beside it, or none (`--no-source-maps`) — never the map its
 * source named, which describes the source (attack31 F08: `out/a.js` kept `//# sourceMappingURL=
 * a.js.map` for a copied map of `src/a.js`).
 */
export function withoutMapComment(code: string): string {
  const comment = lastMapComment(code);
  if (comment === undefined) return code;
  let start = comment.start;
  while (start > 0 && (code[start - 1] === " " || code[start - 1] === "\t")) start--;
  // Code after the comment (`void 0;`, attack36 F08: Node reads the comment there too) stays.
  const rest = code.slice(comment.end);
  if (rest.trim() !== "") return `${code.slice(0, start)}${rest}`;
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
