// The worker only runs registered functions of registered module URLs.
import { pathToFileURL } from "node:url";
import { offload, register, runSync } from "smartasync/runtime";
import "./funcs.mjs";

const url = new URL("./funcs.mjs", import.meta.url).href;
const out = {};
async function attempt(key, fn) {
  try {
    out[key] = { value: await fn() };
  } catch (err) {
    out[key] = { message: String(err?.message ?? err) };
  }
}
const other = pathToFileURL(new URL("./evil.mjs", import.meta.url).pathname).href;
const dataUrl = "data:text/javascript,globalThis.pwned=1;export const x=1";
await attempt("runSync.otherUrl", () => runSync(other, "x", []));
await attempt("offload.otherUrl", () => offload(other, "x", []));
await attempt("runSync.dataUrl", () => runSync(dataUrl, "x", []));
await attempt("runSync.httpUrl", () => runSync("https://example.com/x.mjs", "x", []));
await attempt("runSync.unregisteredName", () => runSync(url, "notRegistered", []));
await attempt("offload.unregisteredName", () => offload(url, "notRegistered", []));
await attempt("runSync.protoName", () => runSync(url, "__proto__", []));
await attempt("runSync.constructorName", () => runSync(url, "constructor", []));
await attempt("runSync.relativePath", () => runSync("./funcs.mjs", "add", [1, 2]));
// Registered here but not by the module itself: the worker, which trusts only the module's own
// register() call, refuses it.
register(url, { sneaky: async () => "ran" });
await attempt("runSync.registeredOnlyByCaller", () => runSync(url, "sneaky", []));
await attempt("offload.registeredOnlyByCaller", () => offload(url, "sneaky", []));
await attempt("ok", () => runSync(url, "add", [2, 3]));
console.log(JSON.stringify(out));
console.log(JSON.stringify({ evilRan: globalThis.evilRan === true }));
