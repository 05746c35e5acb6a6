// A find-up-like directory walker, written once: each function is async and annotated, and the
// build generates the sync API (`findUpSync`, `locatePathSync`, …) from it.
import { stat } from "node:fs/promises";
import { dirname, join, parse, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import pMap from "p-map";

/** Returned by a matcher to end the walk without a result. */
export const findUpStop = Symbol("findUpStop");

/** `cwd`/`stopAt` may be URLs (`import.meta.url`-style), as Node's fs APIs accept. */
function toPath(p) {
  return p instanceof URL ? fileURLToPath(p) : p;
}

/**
 * "file", "directory" or undefined when nothing is there (a missing parent is nothing too).
 * @smartasync
 */
async function kindOf(path) {
  try {
    const s = await stat(path);
    return s.isDirectory() ? "directory" : s.isFile() ? "file" : "other";
  } catch (error) {
    if (error.code === "ENOENT" || error.code === "ENOTDIR") return undefined;
    throw error;
  }
}

/**
 * True when `path` exists (any type). Handy inside a matcher: `pathExistsSync(join(dir, x))`.
 * @smartasync
 */
export async function pathExists(path) {
  return (await kindOf(path)) !== undefined;
}

/**
 * The first of `names` that exists in `cwd` with the given `type`, in the order of `names`.
 * Every name is checked at once (the sync variant checks them one after another).
 * @smartasync
 */
export async function locatePath(names, { cwd = process.cwd(), type = "file" } = {}) {
  const dir = resolve(toPath(cwd));
  const kinds = await Promise.all(names.map(async (name) => kindOf(join(dir, name))));
  const i = kinds.indexOf(type);
  return i === -1 ? undefined : join(dir, names[i]);
}

/**
 * Walks up from `cwd` (default: the process's) to `stopAt` (default: the root) and returns the
 * path of the first match, or undefined. `name` is a file name, a list of them (the first that
 * exists in a directory wins), or a matcher `(dir) => name | undefined | findUpStop`, which the
 * async API may make async and the sync API calls synchronously.
 * @smartasync
 */
export async function findUp(name, { cwd = process.cwd(), stopAt, type = "file" } = {}) {
  let dir = resolve(toPath(cwd));
  const stop = stopAt === undefined ? parse(dir).root : resolve(toPath(stopAt));
  for (;;) {
    let found;
    if (typeof name === "function") {
      const answer = await name(dir);
      if (answer === findUpStop) return undefined;
      if (answer !== undefined) found = resolve(dir, answer);
    } else {
      found = await locatePath(Array.isArray(name) ? name : [name], { cwd: dir, type });
    }
    if (found !== undefined) return found;
    const parent = dirname(dir);
    if (dir === stop || parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Several searches at once: the path found for each of `names` (undefined where none), up to
 * `concurrency` searches at a time (p-map). The sync variant searches one name after another and
 * ignores `concurrency`.
 * @smartasync
 */
export async function findUpEach(names, { concurrency = 4, ...options } = {}) {
  return await pMap(names, async (name) => findUp(name, options), { concurrency });
}
