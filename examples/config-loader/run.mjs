// `node examples/config-loader/run.mjs`: checks that the sync API stays inline, builds the library with
// Babel and with SWC, and runs its test suite (both APIs) on each build.
import { join } from "node:path";
import { root, testLibrary } from "../build.mjs";

export const here = join(root, "examples/config-loader");

export function run(options) {
  return testLibrary(here, options);
}

if (import.meta.url === `file://${process.argv[1]}`) run();
