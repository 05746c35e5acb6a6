// A faulting call (argv[2]: via "sync" = runSync or "pool" = offload; argv[3]: the function),
// then a normal call on the same path; the process must then exit by itself.
import { configure, offload, runSync } from "smartasync/runtime";
import "./funcs.mjs";

const [via, fn, arg] = process.argv.slice(2);
const url = new URL("./funcs.mjs", import.meta.url).href;
const call = (name, args) => (via === "sync" ? runSync(url, name, args) : offload(url, name, args));
// Warm the worker so its start-up does not count against the short limits.
await call(via === "sync" ? "add" : "mul", [1, 2]);
configure({
  syncTimeoutMs: Number(process.env.SYNC_MS ?? 1500),
  offloadTimeoutMs: Number(process.env.OFFLOAD_MS ?? 1500),
});
const t0 = performance.now();
try {
  const v = await call(fn, arg === undefined ? [] : [JSON.parse(arg)]);
  console.log(JSON.stringify({ fault: "none", value: v }));
} catch (err) {
  console.log(
    JSON.stringify({
      fault: "error",
      ctor: err?.constructor?.name,
      name: err?.name,
      code: err?.code,
      message: String(err?.message ?? err),
      ms: Math.round(performance.now() - t0),
    }),
  );
}
configure({ syncTimeoutMs: 20_000, offloadTimeoutMs: 20_000 });
const next = await call(via === "sync" ? "add" : "mul", [20, 22]);
console.log(JSON.stringify({ next }));
