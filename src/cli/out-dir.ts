/**
 * What `smartasync build` reads and writes, and never through a symbolic link it did not expect
 * (SECURITY.md, "What `build` reads and writes"):
 *
 * - **Writing** into `--out-dir`: a file is written beside its target under a fresh name
 *   (exclusive create) and renamed over it, so a symbolic link already standing at the target
 *   is *replaced* by the file — its target is never opened — and a reader never sees half a
 *   file. A temporary file left by a build killed mid-write is removed by the next build
 *   (sweepStaleTemps). A symbolic link where a *folder* of the output must be (`out/lib -> /elsewhere`) is
 *   refused before anything is written: following it would write outside the out-dir, and
 *   removing it might delete something the user put there on purpose. The out-dir itself may be
 *   a link: it is the folder the user named.
 * - **Reading** `<src>`: a file that is a symbolic link (or lies under a linked folder) is read
 *   only if it resolves inside `<src>`; one that leads outside is refused before anything is
 *   compiled, unless `--follow-symlinks` says to follow it. A link to a folder is never dropped
 *   (attack31 F06: the built program could not find the modules under it): one to a folder
 *   build compiles is placed in the output as a link to that folder's output; one leading
 *   outside `<src>` is refused, or with `--follow-symlinks` walked, its files built at their
 *   place under the link (`folderLinks`).
 */
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { abandoned } from "../compile/stale-temps.js";
import { scanImports } from "../core/import-scan.js";
import { type Resolution, resolveImport } from "../core/resolve.js";
import { describeFsError, displayPath, NotRegularFileError, skippedDir, type Tree, walk } from "./files.js";

/** `child` is `parent` or lies under it (both absolute, normalised). */
export function within(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

/**
 * The files of `<src>` that resolve outside it through a symbolic link: `path → where it leads`
 * (or why it cannot be resolved, for a dangling link, which reading will report anyway).
 */
export function linksLeavingSrc(srcDir: string, files: string[]): { file: string; target: string }[] {
  const root = realpathSync(srcDir);
  const out: { file: string; target: string }[] = [];
  for (const file of files) {
    let real: string;
    try {
      real = realpathSync(file);
    } catch {
      continue; // dangling: the read fails with its own message
    }
    if (!within(real, root)) out.push({ file, target: real });
  }
  return out;
}

/** What becomes of the links to folders in `<src>` (`folderLinks`). */
export interface FolderLinks {
  /** Link → the folder of `<src>` it leads to (relative to `<src>`'s real path; "" for `<src>`). */
  placed: Map<string, string>;
  /** The files of followed folders (`--follow-symlinks`), named at their place under the link. */
  code: string[];
  other: string[];
  /** One message a link that can be neither placed nor followed. */
  refused: string[];
}

/**
 * The links to folders a walk of `<src>` met (files.ts). Node resolves an import through such a
 * link (`./lib-link/a.js`), so the built tree needs one too (attack31 F06: the link was
 * dropped without a word and the built program failed with ERR_MODULE_NOT_FOUND):
 * - a link to a folder of `<src>` that build compiles is placed as a link to that folder's
 *   output (`out/lib-link -> lib`): one module per file, as Node loads it by its real path;
 * - a link to a folder build skips (under node_modules, dist, .git or a dot-folder) is refused:
 *   there is no output for it to lead to;
 * - a link leading outside `<src>` is refused as a file's link is, unless `--follow-symlinks`:
 *   then its folder is walked and its files built at their place under the link, as a followed
 *   file is (rerootedImports checks their imports). A link kept as is would lead the built
 *   program to the uncompiled files, whose generated variants its callers import.
 * A followed folder's links are handled the same way; one leading back to a folder it lies in
 * is refused (it would be walked for ever). test/cli/build-folder-links.test.ts.
 */
export async function folderLinks(
  srcDir: string,
  outDir: string,
  links: string[],
  follow: boolean,
  srcArg: string,
  cwd: string,
): Promise<FolderLinks> {
  const root = realpathSync(srcDir);
  let outReal = outDir;
  try {
    outReal = realpathSync(outDir);
  } catch {
    // not made yet: nothing of it can be walked
  }
  const out: FolderLinks = { placed: new Map(), code: [], other: [], refused: [] };
  // The real folders holding the link: <src>, and each followed folder on the way to it.
  const queue = links.map((link) => ({ link, chain: [root] }));
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const { link, chain } = next;
    const shown = displayPath(link, cwd);
    let real: string;
    try {
      real = realpathSync(link);
    } catch {
      continue; // gone meanwhile: nothing to place
    }
    if (within(real, root)) {
      const rel = relative(root, real);
      if (rel.split(sep).some((part) => part !== "" && skippedDir(part))) {
        out.refused.push(
          `${shown}: a symbolic link to ${displayPath(real, cwd)}, a folder build does not compile (node_modules, dist, .git and dot-folders are skipped), so the built tree has nothing for it to lead to; link a folder build compiles, or remove it`,
        );
      } else out.placed.set(link, rel);
      continue;
    }
    if (!follow) {
      out.refused.push(
        `${shown}: a symbolic link to ${real}, outside ${srcArg}; build reads only files inside the source directory (pass --follow-symlinks to read its files)`,
      );
      continue;
    }
    if (chain.some((walked) => within(walked, real))) {
      out.refused.push(
        `${shown}: a symbolic link to ${real}, a folder it lies in; build does not follow a link loop`,
      );
      continue;
    }
    // A followed link into the out-dir would build the last build's output into this one.
    if (within(real, outReal) || within(outReal, real)) {
      out.refused.push(
        `${shown}: a symbolic link to ${real}, which holds or lies in the out-dir; build does not read its own output`,
      );
      continue;
    }
    let tree: Tree;
    try {
      tree = await walk(link);
    } catch (e) {
      out.refused.push(`${shown}: ${describeFsError(e)}`);
      continue;
    }
    out.code.push(...tree.code);
    out.other.push(...tree.other);
    queue.push(...tree.folderLinks.map((l) => ({ link: l, chain: [...chain, real] })));
  }
  out.code.sort();
  out.other.sort();
  return out;
}

/**
 * The relative imports of followed links (`--follow-symlinks`) that would change meaning in the
 * output: Node runs the source by its real path, so `./dep.js` in `src/ext.js -> ../shared/ext.js`
 * is `shared/dep.js`; build writes the compiled file at the link's place (`out/ext.js`), where
 * `./dep.js` is the output of `src/dep.js`, another module (attack31 F13; test/cli/build.test.ts
 * "--follow-symlinks"). One line each: the link, where its specifier is written, and both files.
 * A specifier that resolves from neither place fails the same way in both, and is left alone.
 */
export function rerootedImports(links: { file: string; target: string }[], cwd: string): string[] {
  const out: string[] = [];
  const realOf = (r: Resolution | undefined): string | undefined => {
    if (r?.kind !== "file") return undefined;
    try {
      return realpathSync(r.path);
    } catch {
      return r.path;
    }
  };
  for (const { file, target } of links) {
    let text: string;
    try {
      text = readFileSync(target, "utf8");
    } catch {
      continue; // reading it reports why
    }
    const seen = new Set<string>();
    for (const { specifier, kind } of scanImports(text)) {
      if (!specifier.startsWith("./") && !specifier.startsWith("../")) continue;
      if (seen.has(specifier)) continue;
      seen.add(specifier);
      const how = kind === "require" ? "require" : "import";
      const there = realOf(resolveImport(specifier, target, how));
      const here = realOf(resolveImport(specifier, file, how));
      if (there === here || (there === undefined && here === undefined)) continue;
      const at = specifierLine(text, specifier);
      const shown = (f: string | undefined) => (f === undefined ? "no file" : displayPath(f, cwd));
      out.push(
        `${displayPath(file, cwd)}${at ? `:${at}` : ""}: "${specifier}" is ${shown(there)} from where the link leads (${displayPath(target, cwd)}), as Node resolves it, but ${shown(here)} from the link's place, where build writes the compiled file; link the folder that holds both, or import a path that leads to the same file from both places`,
      );
    }
  }
  return out;
}

/** The line where `specifier` is first written as a string (1-based), or 0 when not found. */
function specifierLine(text: string, specifier: string): number {
  for (const q of ['"', "'", "`"]) {
    const i = text.indexOf(q + specifier + q);
    if (i >= 0) return text.slice(0, i).split("\n").length;
  }
  return 0;
}

/**
 * The files of `<src>` that are symbolic links to another file of the same list (one that is not
 * a link itself): `link → that file`. Node loads a module through its real path, so an import of
 * the link and one of its target are one module with one state; build writes the link as a link
 * to the target's output rather than compiling it again as a second module (attack20 F9;
 * test/cli/build.test.ts "a link to a file of the tree").
 */
export function linksWithinTree(files: string[]): Map<string, string> {
  const real = new Map<string, string>();
  const links: string[] = [];
  for (const file of files) {
    if (lstatSync(file, { throwIfNoEntry: false })?.isSymbolicLink()) links.push(file);
    else {
      try {
        real.set(realpathSync(file), file);
      } catch {
        // unreadable: reading it reports why
      }
    }
  }
  const out = new Map<string, string>();
  for (const link of links) {
    let to: string | undefined;
    try {
      to = real.get(realpathSync(link));
    } catch {
      continue; // dangling: the read fails with its own message
    }
    if (to !== undefined) out.set(link, to);
  }
  return out;
}

/**
 * The folders between `outDir` and each target that are symbolic links (`out/lib` → …): where
 * writing would leave the out-dir. Checked before anything is written.
 */
export function linkedOutputFolders(outDir: string, targets: string[]): string[] {
  const found = new Set<string>();
  const seen = new Set<string>();
  for (const target of targets) {
    const parts = relative(outDir, dirname(target))
      .split(sep)
      .filter((p) => p !== "");
    let dir = outDir;
    for (const part of parts) {
      dir = join(dir, part);
      if (seen.has(dir)) continue;
      seen.add(dir);
      const st = lstatSync(dir, { throwIfNoEntry: false });
      if (st?.isSymbolicLink()) found.add(dir);
      if (!st?.isDirectory()) break; // missing (created later) or a link (reported): nothing below to check
    }
  }
  return [...found].sort();
}

export class LinkedFolderError extends Error {}

/** Creates `dir` under `outDir` folder by folder, refusing any that is a symbolic link. */
function ensureFolder(outDir: string, dir: string): void {
  let at = outDir;
  for (const part of relative(outDir, dir)
    .split(sep)
    .filter((p) => p !== "")) {
    at = join(at, part);
    const st = lstatSync(at, { throwIfNoEntry: false });
    if (st?.isSymbolicLink()) {
      throw new LinkedFolderError(`${at}: a symbolic link inside --out-dir; build does not write through it`);
    }
    if (!st) {
      try {
        mkdirSync(at);
      } catch (e) {
        // Made meanwhile by another worker writing beside it (`--jobs`): checked like any other.
        if ((e as { code?: unknown }).code !== "EEXIST") throw e;
        const now = lstatSync(at);
        if (now.isSymbolicLink())
          throw new LinkedFolderError(
            `${at}: a symbolic link inside --out-dir; build does not write through it`,
          );
      }
    }
  }
}

/**
 * A temporary file's name: `.<pid>-<12 hex>.smartasync-tmp`. The process id says whose it is, so
 * that a later build can tell a temporary file left by a build that was killed mid-write (its
 * process gone) from one a build running now is about to rename (sweepStaleTemps).
 */
function tempName(): string {
  return `.${process.pid}-${randomBytes(6).toString("hex")}${TEMP_SUFFIX}`;
}

const TEMP_SUFFIX = ".smartasync-tmp";
/** Our temporary files' names: this version's (with the writer's process id) and the earlier one's. */
const TEMP_NAME = /^\.(?:(\d+)-)?[0-9a-f]{12}\.smartasync-tmp$/;
/**
 * Removes, from the folders of the out-dir build is about to write into, the temporary files an
 * earlier build left when it was killed between writing one and renaming it over its target (a
 * SIGKILL, a machine that went down, a worker stopped by the per-file budget mid-write): regular
 * files of exactly our temporary name whose writing process is gone, is this one (nothing of this
 * build is being written yet), or wrote them long ago (compile/stale-temps.ts). Nothing else is touched —
 * a user's file is never one of ours by name unless it copies our name to the hex digit, and a
 * live build's temporary file is left to it. Returns the files removed.
 */
export function sweepStaleTemps(folders: Iterable<string>): string[] {
  const removed: string[] = [];
  const now = Date.now();
  for (const dir of folders) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue; // not made yet: nothing left in it
    }
    for (const name of names) {
      if (!name.endsWith(TEMP_SUFFIX)) continue;
      const m = TEMP_NAME.exec(name);
      if (!m) continue;
      const path = join(dir, name);
      const st = lstatSync(path, { throwIfNoEntry: false });
      // A link of our name is a link to an output build was placing (linkOutput).
      if (!st?.isFile() && !st?.isSymbolicLink()) continue;
      const pid = m[1] === undefined ? undefined : Number(m[1]);
      // This process writes nothing into the out-dir yet: a file of its id is a dead namesake's.
      const stale = pid === process.pid || abandoned(pid, st.mtimeMs, now);
      if (!stale) continue;
      try {
        unlinkSync(path);
        removed.push(path);
      } catch {
        // gone meanwhile, or not ours to remove: the build goes on
      }
    }
  }
  return removed;
}

export interface Written {
  /** A symbolic link stood at the target and was replaced by the file. */
  replacedLink: boolean;
}

/**
 * Writes `data` to `file` under `outDir` without following a symbolic link: a fresh file
 * beside it, renamed over it (a link at `file` is replaced, its target untouched). `mode`, the
 * permission bits of the source the file comes from, is set exactly (not narrowed by the umask,
 * as a copy with its modes kept would be); without it, a new file's default.
 */
export function writeOutput(outDir: string, file: string, data: string | Buffer, mode?: number): Written {
  if (!within(file, outDir)) throw new LinkedFolderError(`${file}: outside --out-dir`);
  ensureFolder(outDir, dirname(file));
  const before = lstatSync(file, { throwIfNoEntry: false });
  const tmp = join(dirname(file), tempName());
  try {
    writeFileSync(tmp, data, { flag: "wx" });
    if (mode !== undefined) chmodSync(tmp, mode);
    renameSync(tmp, file);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    throw e;
  }
  return { replacedLink: before?.isSymbolicLink() === true };
}

/**
 * Places at `file` under `outDir` a symbolic link to `to` (another output), relative so the
 * out-dir can move: made under a fresh name and renamed over `file`, as writeOutput writes.
 */
export function linkOutput(outDir: string, file: string, to: string): Written {
  if (!within(file, outDir) || !within(to, outDir)) throw new LinkedFolderError(`${file}: outside --out-dir`);
  ensureFolder(outDir, dirname(file));
  const before = lstatSync(file, { throwIfNoEntry: false });
  if (before?.isDirectory())
    throw new LinkedFolderError(`${file}: a folder stands where build places a link`);
  const tmp = join(dirname(file), tempName());
  try {
    symlinkSync(relative(dirname(file), to), tmp);
    renameSync(tmp, file);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    throw e;
  }
  return { replacedLink: false };
}

/** Copies a source file's bytes (and permission bits) to `file` under `outDir`, as writeOutput. */
export function copyOutput(outDir: string, from: string, file: string): Written {
  const info = statSync(from);
  // Only a regular file's bytes are copied: a link (inside <src>) to a FIFO or a device would
  // block the read or never end (files.ts, readSource).
  if (!info.isFile()) throw new NotRegularFileError(info.isFIFO() ? "a named pipe" : "not a file");
  const mode = info.mode & 0o777;
  return writeOutput(outDir, file, readFileSync(from), mode);
}

/** `out/app.js was a symbolic link: replaced by the built file (its target untouched)`. */
export function replacedNote(file: string): string {
  return `${displayPath(file, process.cwd())} was a symbolic link: replaced by the built file (its target untouched)`;
}
