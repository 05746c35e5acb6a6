/**
 * Turns the paths given on the command line (files, directories, globs) into a sorted list of
 * absolute source files. Directories are walked for code files, skipping node_modules, dist,
 * .git and every dot-folder; globs go through tinyglobby with the same folders ignored. Neither
 * follows a link to a folder; both keep links to files. The walk lists the links to folders it
 * met, for `build` to place in its output (out-dir.ts, `folderLinks`).
 */
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  openSync,
  readFileSync,
  type Stats,
  stat as statCallback,
  statSync,
} from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { extname, join, relative, resolve, sep } from "node:path";
import { glob, isDynamicPattern } from "tinyglobby";
import { UsageErrors } from "./errors.js";

export const CODE_EXTENSIONS = [".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts", ".cts"];
const SKIPPED_DIRS = new Set(["node_modules", "dist", ".git"]);

/** A file smartasync compiles: a code extension, and not a TypeScript declaration file. */
export function isCodeFile(file: string): boolean {
  return CODE_EXTENSIONS.includes(extname(file)) && !/\.d\.[mc]?ts$/.test(file);
}

export function isTypeScript(file: string): boolean {
  return /\.[mc]?tsx?$/.test(file);
}

/** `path` relative to `cwd`, with `/` separators, for messages and reports. */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return (rel === "" ? "." : rel).split(sep).join("/");
}

/** node_modules, dist, .git and dot-folders: never walked. */
export function skippedDir(name: string): boolean {
  return SKIPPED_DIRS.has(name) || name.startsWith(".");
}

export interface Tree {
  /** Files smartasync compiles. */
  code: string[];
  /** Every other file (build copies them). */
  other: string[];
  /** Symbolic links to folders, not walked (a link named as a skipped folder is not listed). */
  folderLinks: string[];
}

/** Every file under `dir`, skipping node_modules, dist, .git and dot-folders. Symlinked folders are not followed. */
export async function walk(dir: string): Promise<Tree> {
  const tree: Tree = { code: [], other: [], folderLinks: [] };
  const visit = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true });
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (!skippedDir(e.name)) await visit(p);
      } else if (e.isFile() || e.isSymbolicLink()) {
        if (e.isSymbolicLink()) {
          // A link to a folder is not followed; a dangling link is kept so reading it reports why.
          const target = await stat(p).catch(() => undefined);
          if (target?.isDirectory()) {
            if (!skippedDir(e.name)) tree.folderLinks.push(p);
            continue;
          }
        }
        (isCodeFile(p) ? tree.code : tree.other).push(p);
      }
    }
  };
  await visit(dir);
  tree.code.sort();
  tree.other.sort();
  tree.folderLinks.sort();
  return tree;
}

/**
 * The glob's file system: as Node's, but a link's target that is a folder is not reported (a
 * folder link is then skipped, never walked). tinyglobby follows links through `fs.stat` of the
 * link's target; its `followSymbolicLinks: false` would drop links to files too. So the two forms
 * of a command read the same files: a link to a file is kept (as the directory walk keeps it), a
 * link to a folder — `src/ext -> ../outside`, `src/root -> /` — is not followed out of the tree
 * (security review 17, finding 11). test/security/glob-links.test.ts.
 */
const NO_FOLDER_LINKS = {
  stat: ((path: string, done: (e: NodeJS.ErrnoException | null, s?: Stats) => void) =>
    statCallback(path, (e, info) => {
      if (e) done(e);
      else if (info.isDirectory()) done(folderLink(path));
      else done(null, info);
    })) as unknown as typeof statCallback,
  statSync: ((path: string) => {
    const info = statSync(path);
    if (info.isDirectory()) throw folderLink(path);
    return info;
  }) as typeof statSync,
};

function folderLink(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${path}: a link to a folder is not followed`), { code: "ENOTDIR" });
}

/**
 * The code files named by `args`. Every argument must name something: a missing path, a glob
 * that matches nothing, a directory without code files or a file that is not code is a usage
 * error (all of them are reported at once, before any work).
 */
export async function collectFiles(args: string[], cwd: string): Promise<string[]> {
  const found = new Set<string>();
  const problems: string[] = [];
  for (const arg of args) {
    const abs = resolve(cwd, arg);
    if (!existsSync(abs) && isDynamicPattern(arg)) {
      const matches = await glob([arg], {
        cwd,
        absolute: true,
        dot: false,
        onlyFiles: true,
        ignore: ["**/node_modules/**", "**/dist/**", "**/.git/**"],
        fs: NO_FOLDER_LINKS,
      });
      const code = matches.filter(isCodeFile);
      if (code.length === 0) {
        problems.push(
          matches.length === 0
            ? `${arg}: the pattern matches no files`
            : `${arg}: the pattern matches no ${CODE_EXTENSIONS.join(" ")} files`,
        );
      }
      for (const f of code) found.add(resolve(f));
      continue;
    }
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(abs);
    } catch (e) {
      problems.push(`${arg}: ${describeFsError(e)}`);
      continue;
    }
    if (info.isDirectory()) {
      let tree: Tree;
      try {
        tree = await walk(abs);
      } catch (e) {
        problems.push(`${arg}: ${describeFsError(e)}`);
        continue;
      }
      if (tree.code.length === 0) {
        problems.push(`${arg}: no ${CODE_EXTENSIONS.join(" ")} files in this directory`);
      }
      for (const f of tree.code) found.add(f);
    } else if (isCodeFile(abs)) {
      found.add(abs);
    } else {
      problems.push(`${arg}: not a JavaScript or TypeScript file (expected ${CODE_EXTENSIONS.join(" ")})`);
    }
  }
  if (problems.length > 0) throw new UsageErrors(problems);
  return [...found].sort();
}

/** A source that is not a regular file: reported as a read-error, never read. */
export class NotRegularFileError extends Error {
  constructor(readonly what: string) {
    super(`not a regular file (${what}): not read`);
  }
}

/**
 * A source file's text, read only if it is a regular file. A FIFO, a device or a socket — a link
 * to `/dev/stdin` can be committed to git, and `check` follows links — would block the read for
 * as long as its writer keeps it open (the worker stuck, the process never ending) or never end
 * (`/dev/zero`). The path is checked first, then opened without blocking (opening a FIFO with no
 * writer would block too) and the open descriptor checked again, so what is read is what was
 * checked even if the path changed in between.
 */
export async function readSource(file: string): Promise<string> {
  // Synchronous calls: the thread reading is a pool worker (or the CLI's thread compiling one
  // file after another) with nothing else to do meanwhile, and each awaited call was a round
  // trip through libuv's thread pool and this thread's event loop — five a file, each a wait
  // for a core on a loaded machine (docs/cli.md, "Parallelism").
  // Checked before opening (a socket cannot even be opened: ENXIO), and again on the descriptor.
  const before = statSync(file);
  if (!before.isFile()) throw new NotRegularFileError(fileKind(before));
  const fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new NotRegularFileError(fileKind(info));
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
}

function fileKind(info: Stats): string {
  if (info.isFIFO()) return "a named pipe";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "a device";
  if (info.isSocket()) return "a socket";
  if (info.isDirectory()) return "a directory";
  return "not a file";
}

/** `no such file or directory`, `permission denied`, … from a Node fs error. */
export function describeFsError(e: unknown): string {
  if (e instanceof NotRegularFileError) return e.message;
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file or directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a directory";
    case "ENOTDIR":
      return "not a directory";
    case "ELOOP":
      return "too many levels of symbolic links";
    default:
      return (e as Error)?.message ?? String(e);
  }
}
