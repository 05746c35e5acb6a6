// The real files of the real-file benches (bench/real-files.mjs, bench/compare-builds.mjs) and
// the annotated function their annotated variant appends: one list, read by every bench and test
// that needs it (importing this module runs nothing).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./lib.mjs";

/**
 * The files, by path under node_modules. Packages that are not installed, and files a new
 * version renamed (rolldown's chunk names carry a hash), are skipped and listed when the bench
 * runs and in its results.
 */
export const FILES = [
  // vite 8: the dist chunks (build.js imports ./node.js, 1.4 MB, which holds template literals
  // such as `import initWasm from "${wasmHelperId}"` and comments naming `export * from '...'`).
  "vite/dist/node/chunks/build.js",
  "vite/dist/node/chunks/dist.js",
  "vite/dist/node/chunks/lib.js",
  "vite/dist/node/chunks/postcss-import.js",
  "vite/dist/node/cli.js",
  "vite/dist/node/index.js",
  "vite/dist/node/module-runner.js",
  // @babel/core and @babel/traverse 8 (bundled into a few files).
  "@babel/core/lib/index-shared.js",
  "@babel/core/lib/caching-shared.js",
  "@babel/traverse/lib/index.js",
  // @babel/core and @babel/traverse 7 (one file per module, CommonJS).
  "babel7-core/lib/index.js",
  "babel7-core/lib/transform.js",
  "babel7-core/lib/parse.js",
  "babel7-core/lib/transformation/index.js",
  "babel7-core/lib/transformation/normalize-file.js",
  "babel7-core/lib/transformation/file/file.js",
  "babel7-core/lib/config/full.js",
  "babel7-core/lib/config/partial.js",
  "babel7-core/lib/config/config-chain.js",
  "babel7-core/lib/config/config-descriptors.js",
  "babel7-core/lib/config/caching.js",
  "babel7-core/node_modules/@babel/traverse/lib/index.js",
  "babel7-core/node_modules/@babel/traverse/lib/context.js",
  "babel7-core/node_modules/@babel/traverse/lib/path/index.js",
  "babel7-core/node_modules/@babel/traverse/lib/path/conversion.js",
  "babel7-core/node_modules/@babel/traverse/lib/path/modification.js",
  "babel7-core/node_modules/@babel/traverse/lib/scope/index.js",
  // postcss 8 (CommonJS).
  "postcss/lib/lazy-result.js",
  "postcss/lib/parser.js",
  "postcss/lib/node.js",
  "postcss/lib/container.js",
  "postcss/lib/stringifier.js",
  "postcss/lib/map-generator.js",
  "postcss/lib/input.js",
  "postcss/lib/tokenize.js",
  "postcss/lib/processor.js",
  // rolldown (ES modules, hashed chunk names).
  "rolldown/dist/index.mjs",
  "rolldown/dist/utils-index.mjs",
  "rolldown/dist/shared/logger-LvdykevT.mjs",
  "rolldown/dist/shared/bindingify-input-options-BjFSnI07.mjs",
  // lodash-es (ES modules, one function a file).
  "lodash-es/lodash.js",
  "lodash-es/template.js",
  "lodash-es/_baseClone.js",
  "lodash-es/debounce.js",
];

/** What the annotated variant appends: one small smartasync function and a sync caller. */
export const APPENDED = `
// @smartasync
async function smartasyncBenchStep(n) {
  const doubled = n * 2;
  return doubled + 1;
}
function smartasyncBenchRun() {
  return smartasyncBenchStep(20);
}
`;

/** A file's annotated variant: the text with APPENDED after it (on a line of its own). */
export function annotatedVariant(code) {
  return `${code}${code.endsWith("\n") ? "" : "\n"}${APPENDED}`;
}

/**
 * The listed files that are installed: `{ rel, file, code }` (path under the project, absolute
 * path, text as it is), and the others (`missing`, paths under node_modules).
 */
export function installedFiles() {
  const files = [];
  const missing = [];
  for (const rel of FILES) {
    const file = join(ROOT, "node_modules", rel);
    if (existsSync(file)) files.push({ rel: `node_modules/${rel}`, file, code: readFileSync(file, "utf8") });
    else missing.push(`node_modules/${rel}`);
  }
  return { files, missing };
}
