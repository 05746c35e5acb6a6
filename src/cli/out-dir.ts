/**
 * What `smartasync build` reads and writes, and never through a symbolic link it did not expect
 * (SECURITY.md, "What `build` reads and writes"):
 *
 * - **Writing** into `--out-dir`: a file is written beside its target under a fresh name
 *   (exclusive create) and renamed over it, so a symbolic link already standing at the target
 *   is *replaced* by the file — its target is never opened — and a reader never sees half a
 *   file. A symbolic link where a *folder* of the output must be (`out/lib -> /elsewhere`) is
 *   refused before anything is written: following it would write outside the out-dir, and
 *   removing it might delete something the user put there on purpose. The out-dir itself may be
 *   a link: it is the folder the user named.
 * - **Reading** `<src>`: a file that is a symbolic link (or lies under a linked folder) is read
 *   only if it resolves inside `<src>`; one that leads outside is refused before anything is
 *   compiled, unless `--follow-symlinks` says to follow it. Linked folders are not walked
 *   (files.ts).
 */
import { randomBytes } from "node:crypto";
import {
  lstatSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { displayPath, NotRegularFileError } from "./files.js";

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

export interface Written {
  /** A symbolic link stood at the target and was replaced by the file. */
  replacedLink: boolean;
}

/**
 * Writes `data` to `file` under `outDir` without following a symbolic link: a fresh file
 * beside it, renamed over it (a link at `file` is replaced, its target untouched).
 */
export function writeOutput(outDir: string, file: string, data: string | Buffer, mode?: number): Written {
  if (!within(file, outDir)) throw new LinkedFolderError(`${file}: outside --out-dir`);
  ensureFolder(outDir, dirname(file));
  const before = lstatSync(file, { throwIfNoEntry: false });
  const tmp = join(dirname(file), `.${randomBytes(6).toString("hex")}.smartasync-tmp`);
  try {
    writeFileSync(tmp, data, { flag: "wx", ...(mode !== undefined ? { mode } : {}) });
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
