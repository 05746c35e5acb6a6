// `node examples/find-up/run.mjs`: checks that the sync API stays inline, builds the library with
// Babel and with SWC, and runs its test suite (both APIs) on each build.
import { join } from "node:path";
import { root, testLibrary } from "../build.mjs";

export const here = join(root, "examples/find-up");
/** What the library depends on besides smartasync (package.json), installed beside it. */
export const packages = { "p-map": "7.1.1" };

export function run(options) {
  // locatePath uses p-map (its own dependency, installed beside the example).
  return testLibrary(here, { packages, ...options });
}

if (import.meta.url === `file://${process.argv[1]}`) run();
