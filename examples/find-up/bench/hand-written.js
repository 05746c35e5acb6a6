// The same sync API written by hand, as a library keeps it today next to its async half: the
// yardstick of bench/bench.mjs for the generated `findUpSync` & co.
import { statSync } from "node:fs";
import { dirname, join, parse, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const findUpStop = Symbol("findUpStop");

function toPath(p) {
  return p instanceof URL ? fileURLToPath(p) : p;
}

function kindOfSync(path) {
  try {
    const s = statSync(path);
    return s.isDirectory() ? "directory" : s.isFile() ? "file" : "other";
  } catch (error) {
    if (error.code === "ENOENT" || error.code === "ENOTDIR") return undefined;
    throw error;
  }
}

export function pathExistsSync(path) {
  return kindOfSync(path) !== undefined;
}

export function locatePathSync(names, { cwd = process.cwd(), type = "file" } = {}) {
  const dir = resolve(toPath(cwd));
  for (const name of names) if (kindOfSync(join(dir, name)) === type) return join(dir, name);
  return undefined;
}

export function findUpSync(name, { cwd = process.cwd(), stopAt, type = "file" } = {}) {
  let dir = resolve(toPath(cwd));
  const stop = stopAt === undefined ? parse(dir).root : resolve(toPath(stopAt));
  for (;;) {
    let found;
    if (typeof name === "function") {
      const answer = name(dir);
      if (answer === findUpStop) return undefined;
      if (answer !== undefined) found = resolve(dir, answer);
    } else {
      found = locatePathSync(Array.isArray(name) ? name : [name], { cwd: dir, type });
    }
    if (found !== undefined) return found;
    const parent = dirname(dir);
    if (dir === stop || parent === dir) return undefined;
    dir = parent;
  }
}

export function findUpEachSync(names, { concurrency, ...options } = {}) {
  return names.map((name) => findUpSync(name, options));
}
