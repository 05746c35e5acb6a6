// A config loader written once: `createLoader(name, options)` returns `{ search, load, … }` whose
// `search` and `load` are async and annotated; `createLoaderSync`, generated from the factory
// (`@smartasync factory`), returns the same object with their sync variants under the same names.
// Loaders are pluggable per extension.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, extname, join, parse, resolve } from "node:path";

const require = createRequire(import.meta.url);

/** `.json` and extensionless rc files; the error names the file. */
export function loadJson(filepath, content) {
  try {
    return JSON.parse(content);
  } catch (error) {
    error.message = `JSON error in ${filepath}: ${error.message}`;
    throw error;
  }
}

/**
 * `.js`, `.cjs`, `.mjs`: through `require`, which loads ES modules too on Node ≥ 20.19 (without
 * top-level await); their default export, else the module. A CommonJS file is read afresh after
 * `clearCaches()`; Node keeps an ES module once loaded.
 */
export function loadModule(filepath) {
  delete require.cache[filepath];
  const mod = require(filepath);
  return mod?.__esModule || mod?.[Symbol.toStringTag] === "Module" ? (mod.default ?? mod) : mod;
}

export const defaultLoaders = Object.freeze({
  ".json": loadJson,
  ".js": loadModule,
  ".cjs": loadModule,
  ".mjs": loadModule,
  noExt: loadJson,
});

/** The file's text, or undefined when there is no file there. */
// @smartasync
async function readIfFile(filepath) {
  try {
    return await readFile(filepath, "utf8");
  } catch (error) {
    if (error.code === "ENOENT" || error.code === "EISDIR" || error.code === "ENOTDIR") return undefined;
    throw error;
  }
}

/**
 * Runs the loader for the file's extension. A loader is the caller's: the async API may be given
 * async loaders, the sync API calls them synchronously (and fails, located, on a promise).
 */
// @smartasync
async function parseFile(state, filepath, content) {
  const ext = extname(filepath) || "noExt";
  const loader = state.loaders[ext];
  if (typeof loader !== "function") {
    throw new Error(
      `${state.name}: no loader for files ending in ${ext} (${filepath}); add one to \`loaders\``,
    );
  }
  if (content.trim() === "") return { filepath, config: undefined, isEmpty: true };
  const config = await loader(filepath, content);
  return { filepath, config, isEmpty: config === undefined };
}

/** The config in one directory: the first search place with one, or null. */
// @smartasync
async function searchDir(state, dir) {
  for (const place of state.searchPlaces) {
    const filepath = join(dir, place);
    const content = await readIfFile(filepath);
    if (content === undefined) continue;
    if (basename(place) === "package.json") {
      const config = loadJson(filepath, content)[state.packageProp];
      if (config !== undefined) return { filepath, config, isEmpty: false };
      continue;
    }
    const result = await parseFile(state, filepath, content);
    if (!result.isEmpty || !state.ignoreEmptySearchPlaces) return result;
  }
  return null;
}

/** Walks up from `from` to `stopDir`; every directory visited remembers the answer. */
// @smartasync
async function searchFrom(state, from) {
  let dir = resolve(from);
  const visited = [];
  let result = null;
  for (;;) {
    if (state.searchCache?.has(dir)) {
      result = state.searchCache.get(dir);
      break;
    }
    visited.push(dir);
    result = await searchDir(state, dir);
    const parent = dirname(dir);
    if (result !== null || dir === state.stopDir || parent === dir) break;
    dir = parent;
  }
  for (const d of visited) state.searchCache?.set(d, result);
  return result;
}

/** One named file, through its loader; cached by absolute path. */
// @smartasync
async function loadFile(state, filepath) {
  const abs = resolve(filepath);
  if (state.loadCache?.has(abs)) return state.loadCache.get(abs);
  const content = await readIfFile(abs);
  if (content === undefined) {
    throw Object.assign(new Error(`${state.name}: no config file at ${abs}`), { code: "ENOENT" });
  }
  const result =
    basename(abs) === "package.json"
      ? { filepath: abs, config: loadJson(abs, content)[state.packageProp], isEmpty: false }
      : await parseFile(state, abs, content);
  state.loadCache?.set(abs, result);
  return result;
}

/**
 * A loader for the config of `name` (`.namerc`, `name.config.js`, a `name` key in package.json…).
 * Options: `searchPlaces`, `loaders` (merged over `defaultLoaders`, by extension or `noExt`),
 * `packageProp`, `stopDir` (default: the root), `cache` (default true),
 * `ignoreEmptySearchPlaces` (default true). `createLoaderSync(name, options)` is the same loader
 * with a sync `search` and `load`: generated, a copy of this factory with the methods' sync variants
 * under their own names.
 */
// @smartasync factory
export function createLoader(name, options = {}) {
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
    /** The nearest config from `from` (default: the process's directory) up, or null. */
    // @smartasync
    async search(from = process.cwd()) {
      return await searchFrom(state, from);
    },
    /** The config in `filepath`. */
    // @smartasync
    async load(filepath) {
      return await loadFile(state, filepath);
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
