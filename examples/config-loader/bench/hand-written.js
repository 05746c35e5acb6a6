// The same sync API written by hand, as a library keeps it today next to its async half: the
// yardstick of bench/bench.mjs for the generated `createLoaderSync`.
import { readFileSync } from "node:fs";
import { basename, dirname, extname, join, parse, resolve } from "node:path";
import { defaultLoaders, loadJson } from "../src/index.js";

function readIfFileSync(filepath) {
  try {
    return readFileSync(filepath, "utf8");
  } catch (error) {
    if (error.code === "ENOENT" || error.code === "EISDIR" || error.code === "ENOTDIR") return undefined;
    throw error;
  }
}

function parseFileSync(state, filepath, content) {
  const ext = extname(filepath) || "noExt";
  const loader = state.loaders[ext];
  if (typeof loader !== "function") {
    throw new Error(
      `${state.name}: no loader for files ending in ${ext} (${filepath}); add one to \`loaders\``,
    );
  }
  if (content.trim() === "") return { filepath, config: undefined, isEmpty: true };
  const config = loader(filepath, content);
  return { filepath, config, isEmpty: config === undefined };
}

function searchDirSync(state, dir) {
  for (const place of state.searchPlaces) {
    const filepath = join(dir, place);
    const content = readIfFileSync(filepath);
    if (content === undefined) continue;
    if (basename(place) === "package.json") {
      const config = loadJson(filepath, content)[state.packageProp];
      if (config !== undefined) return { filepath, config, isEmpty: false };
      continue;
    }
    const result = parseFileSync(state, filepath, content);
    if (!result.isEmpty || !state.ignoreEmptySearchPlaces) return result;
  }
  return null;
}

function searchFromSync(state, from) {
  let dir = resolve(from);
  const visited = [];
  let result = null;
  for (;;) {
    if (state.searchCache?.has(dir)) {
      result = state.searchCache.get(dir);
      break;
    }
    visited.push(dir);
    result = searchDirSync(state, dir);
    const parent = dirname(dir);
    if (result !== null || dir === state.stopDir || parent === dir) break;
    dir = parent;
  }
  for (const d of visited) state.searchCache?.set(d, result);
  return result;
}

function loadFileSync(state, filepath) {
  const abs = resolve(filepath);
  if (state.loadCache?.has(abs)) return state.loadCache.get(abs);
  const content = readIfFileSync(abs);
  if (content === undefined) {
    throw Object.assign(new Error(`${state.name}: no config file at ${abs}`), { code: "ENOENT" });
  }
  const result =
    basename(abs) === "package.json"
      ? { filepath: abs, config: loadJson(abs, content)[state.packageProp], isEmpty: false }
      : parseFileSync(state, abs, content);
  state.loadCache?.set(abs, result);
  return result;
}

export function createLoaderSync(name, options = {}) {
  const cache = options.cache ?? true;
  const state = {
    name,
    searchPlaces: options.searchPlaces ?? [
      "package.json",
      `.${name}rc`,
      `.${name}rc.json`,
      `${name}.config.js`,
      `${name}.config.cjs`,
      `${name}.config.mjs`,
    ],
    loaders: { ...defaultLoaders, ...options.loaders },
    packageProp: options.packageProp ?? name,
    stopDir: resolve(options.stopDir ?? parse(resolve(".")).root),
    ignoreEmptySearchPlaces: options.ignoreEmptySearchPlaces ?? true,
    searchCache: cache ? new Map() : undefined,
    loadCache: cache ? new Map() : undefined,
  };
  return {
    search(from = process.cwd()) {
      return searchFromSync(state, from);
    },
    load(filepath) {
      return loadFileSync(state, filepath);
    },
    clearSearchCache() {
      state.searchCache?.clear();
    },
    clearLoadCache() {
      state.loadCache?.clear();
    },
    clearCaches() {
      state.searchCache?.clear();
      state.loadCache?.clear();
    },
  };
}
