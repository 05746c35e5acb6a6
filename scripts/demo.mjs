// `npm start`: a short tour of smartasync/runtime on scripts/demo/example.mjs.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
if (!existsSync(join(root, "dist/runtime/index.js"))) {
  execFileSync(process.execPath, [join(root, "scripts/build.mjs")], { stdio: "inherit" });
}
const sa = await import("../dist/runtime/index.js");
const ex = await import("./demo/example.mjs");

const tty = process.stdout.isTTY;
const c = (code) => (s) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
const bold = c(1);
const dim = c(2);
const green = c(32);
const cyan = c(36);
const ms = (t) => `${t.toFixed(1)} ms`;
const step = (title) => console.log(`\n${bold(cyan("▸ " + title))}`);
const row = (label, value, extra = "") => console.log(`  ${label.padEnd(34)} ${green(value)} ${dim(extra)}`);
const time = (f) => {
  const t0 = performance.now();
  const v = f();
  return [v, performance.now() - t0];
};
const timeAsync = async (f) => {
  const t0 = performance.now();
  const v = await f();
  return [v, performance.now() - t0];
};

console.log(
  bold("smartasync runtime demo") + dim(`  node ${process.version}, ${availableParallelism()} cores`),
);
console.log(dim("  one function, two colours: the call site decides which one runs"));

step("markers and dispatch (callSync / callAsync)");
const store = new ex.Store("cfg");
row("marker on fetchGreeting", JSON.stringify({ ...sa.getMarker(ex.fetchGreeting), sync: "fn" }));
row(
  "callSync(store, 'load', ['db'])",
  JSON.stringify(sa.callSync(store, "load", ["db"])),
  "sync variant, `this` kept",
);
row(
  "await callAsync(store, 'load', …)",
  JSON.stringify(await sa.callAsync(store, "load", ["db"])),
  "plain call",
);

step("sync variant of an async function (runSync: worker + Atomics.wait)");
let [v, t] = time(() => ex.fetchGreetingSync("Ada"));
row("fetchGreetingSync('Ada')  first", JSON.stringify(v), `${ms(t)} (starts the worker)`);
[v, t] = time(() => ex.fetchGreetingSync("Grace"));
row("fetchGreetingSync('Grace') again", JSON.stringify(v), `${ms(t)} (20 ms of it is the awaited delay)`);
row("this thread", `isWorker=${sa.isWorker}`, `canBlock=${sa.canBlock()}`);

step("async variant of a sync function (offload: worker pool)");
sa.configure({ poolSize: 2 });
const pws = ["correct", "horse", "battery", "staple"];
const [seq, tSeq] = time(() => pws.map((p) => ex.hashPassword(p)));
row("4 × hashPassword, on this thread", `${seq.length} hashes`, ms(tSeq));
await ex.hashPasswordAsync("warm-up");
let ticks = 0;
const timer = setInterval(() => ticks++, 5);
const [par, tPar] = await timeAsync(() => Promise.all(pws.map((p) => ex.hashPasswordAsync(p))));
clearInterval(timer);
row(
  "4 × hashPasswordAsync, pool of 2",
  `${par.length} hashes`,
  `${ms(tPar)}; event loop ticked ${ticks}× meanwhile`,
);
row("same results", String(par.every((h, i) => h === seq[i])), par[0]);

step("errors and limits");
try {
  sa.runSync(import.meta.url, "nothing", []);
} catch (err) {
  row("unregistered function", "refused", err.message.slice(0, 60) + "…");
}
try {
  await sa.offload(new URL("./demo/example.mjs", import.meta.url).href, "hashPassword", [() => "pw"]);
} catch (err) {
  row("a function as an argument", err.code, err.message.replace("smartasync: ", ""));
}
try {
  sa.configure({ syncTimeout: 5 });
} catch (err) {
  row("configure({ syncTimeout })", "TypeError", err.message.match(/did you mean "[^"]+"/)?.[0] ?? "");
}

console.log(dim("\n  idle workers are unref'd: the process exits by itself."));
