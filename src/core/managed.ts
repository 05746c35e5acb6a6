/**
 * Files under `node_modules` are checked for change by their package, not one by one: an
 * installed package changes as a whole, by an install that rewrites its `package.json` — the
 * assumption webpack makes of its `managedPaths` and Vite of its optimized dependencies. So a
 * module of a package is stamped by that `package.json` (its modification time and size, taken
 * once per compiled file: compile-run.ts), and what smartasync keeps about the module — its facts, the
 * options of its folder — holds while that stamp does. A file edited by hand inside
 * `node_modules` during a watch session is seen when its package's `package.json` changes or
 * the process restarts (docs/modules.md, "Caching"). A linked package (`npm link`, workspaces)
 * resolves to its real path outside `node_modules` and is checked file by file.
 *
 * The stat per imported module and per folder walked was most of the time smartasync spends on
 * a third-party file compiled as it is (docs/performance.md, "Files as they are").
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { BoundedMap } from "./bounded.js";
import { currentCompile } from "./compile-run.js";

/**
 * How many paths `folders` keeps: a session that meets more (a dev server or watch build over
 * months of edits, test/modules.test.ts) drops the least recently asked, which costs one
 * `packageFolderOf` (string work, no file read) when asked again.
 */
export const FOLDERS_KEPT = 10_000;

/** `packageFolderOf` by path (a function of the text alone, asked for every lookup of a module). */
const folders = new BoundedMap<string, string | undefined>(FOLDERS_KEPT);

/** How many paths `folders` holds now (for tests). */
export function foldersKept(): number {
  return folders.size;
}

/** The stamps taken in the compile running now, by package folder (`undefined`: no package.json). */
const stamps = new Map<string, string | undefined>();
let stampedIn = -1;

/**
 * The stamp of the installed package `path` is in (the folder after its last `node_modules`,
 * scoped names included), or `undefined` when `path` is not under `node_modules` or the
 * package has no readable `package.json` (then the caller stamps the file itself).
 */
export function packageStampOf(path: string): string | undefined {
  let root = folders.get(path);
  if (root === undefined && !folders.has(path)) {
    root = packageFolderOf(path);
    folders.set(path, root);
  }
  if (root === undefined) return undefined;
  if (stampedIn !== currentCompile()) {
    stamps.clear();
    stampedIn = currentCompile();
  }
  if (stamps.has(root)) return stamps.get(root);
  const st = statSync(join(root, "package.json"), { throwIfNoEntry: false });
  const stamp = st?.isFile() ? `${st.mtimeMs}:${st.size}:${st.ino}` : undefined;
  stamps.set(root, stamp);
  return stamp;
}

/** The folder of the installed package `path` belongs to, or `undefined` outside `node_modules`. */
export function packageFolderOf(path: string): string | undefined {
  const slash = path.includes("\\") ? /[\\/]/ : /\//;
  const at = Math.max(path.lastIndexOf("/node_modules/"), path.lastIndexOf("\\node_modules\\"));
  if (at < 0) return undefined;
  const start = at + "/node_modules/".length;
  const rest = path.slice(start).split(slash);
  const segments = rest[0]?.startsWith("@") ? 2 : 1;
  // The path must go below the package's folder (a file in it, or a folder under it).
  if (rest.length < segments || rest.slice(0, segments).some((s) => s === "")) return undefined;
  return path.slice(0, start) + rest.slice(0, segments).join(path[at] ?? "/");
}
