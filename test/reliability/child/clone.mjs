// Un-cloneable arguments and results, SharedArrayBuffer and ArrayBuffer arguments.
import { offload, runSync } from "smartasync/runtime";
import "./funcs.mjs";

const url = new URL("./funcs.mjs", import.meta.url).href;
class Money {
  constructor(v) {
    this.v = v;
  }
  add(o) {
    return new Money(this.v + o.v);
  }
}
const out = {};
const describe = (err) => ({
  ctor: err?.constructor?.name,
  code: err?.code,
  message: String(err?.message ?? err),
});
async function attempt(key, fn) {
  try {
    out[key] = { value: await fn() };
  } catch (err) {
    out[key] = describe(err);
  }
}
const args = {
  function: [1, () => 1],
  instance: [new Money(1)],
  symbol: ["a", "b", Symbol("s")],
  nestedFunction: [{ ok: 1, f: () => 1 }],
  promise: [Promise.resolve(1)],
};
for (const [k, a] of Object.entries(args)) {
  await attempt(`runSync.arg.${k}`, () => runSync(url, "echo", a));
  await attempt(`offload.arg.${k}`, () => offload(url, "echoSync", a));
}
for (const k of ["returnFunction", "returnInstance", "returnSymbol"]) {
  await attempt(`runSync.result.${k}`, () => runSync(url, k, []));
  await attempt(`offload.result.${k}`, () => offload(url, k, []));
}
// Plain values that must pass.
await attempt("runSync.plain", () =>
  runSync(url, "echo", [
    1n,
    new Date(0),
    /x/g,
    new Map([[1, 2]]),
    new Set([3]),
    { a: [1] },
    null,
    undefined,
  ]).map((v) => Object.prototype.toString.call(v)),
);
// SharedArrayBuffer: shared memory, so the worker's write is visible to the caller.
const sab = new SharedArrayBuffer(4);
await attempt("offload.sab", async () => [
  await offload(url, "writeShared", [sab, 7]),
  new Int32Array(sab)[0],
]);
const sab2 = new SharedArrayBuffer(4);
await attempt("runSync.sab", () => [runSync(url, "writeSharedAsync", [sab2, 9]), new Int32Array(sab2)[0]]);
// ArrayBuffer: copied (not transferred): the caller's buffer is unchanged and still usable.
const buf = new ArrayBuffer(8);
await attempt("offload.arrayBuffer", async () => [
  await offload(url, "writeBuffer", [buf]),
  buf.byteLength,
  new Uint8Array(buf)[0],
]);
await attempt("after", () => runSync(url, "add", [1, 1]));
console.log(JSON.stringify(out));
