// The module whose functions smartasync's workers run in the bench (registered, not exported).
import { register } from "../../dist/runtime/index.js";

async function inc(x) {
  return x + 1;
}
function incSync(x) {
  return x + 1;
}
register(import.meta.url, { inc, incSync });
