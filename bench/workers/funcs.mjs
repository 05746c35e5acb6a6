// The module whose functions smartasync's workers run in the bench (registered, not exported).
import { register } from "../../dist/runtime/index.js";

// A number, or the options object of the payload rows (bench/runtime.mjs).
async function inc(x) {
  return typeof x === "number" ? x + 1 : x.id + 1;
}
function incSync(x) {
  return typeof x === "number" ? x + 1 : x.id + 1;
}
register(import.meta.url, { inc, incSync });
