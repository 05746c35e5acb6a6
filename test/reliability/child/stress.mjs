// 10,000 consecutive runSync calls or 10,000 offload calls: correct results and flat memory.
// Run with --expose-gc. Prints one JSON line.
import { offload, runSync } from "smartasync/runtime";
import { add, mul } from "./funcs.mjs";

const mode = process.argv[2];
const calls = Number(process.argv[3] ?? 10_000);
const url = new URL("./funcs.mjs", import.meta.url).href;
void add;
void mul;

async function batch(n, base) {
  let wrong = 0;
  if (mode === "runSync") {
    for (let i = 0; i < n; i++) if (runSync(url, "add", [base + i, 1]) !== base + i + 1) wrong++;
  } else {
    // Sequential groups of 100 in flight, so the queue stays short and the test bounded.
    for (let i = 0; i < n; i += 100) {
      const group = [];
      for (let k = i; k < Math.min(n, i + 100); k++) group.push(offload(url, "mul", [base + k, 2]));
      const got = await Promise.all(group);
      got.forEach((v, k) => {
        if (v !== (base + i + k) * 2) wrong++;
      });
    }
  }
  return wrong;
}

function mem() {
  global.gc();
  global.gc();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, rss: m.rss };
}

await batch(1000, 0); // warm-up: worker start, JIT
await new Promise((r) => setTimeout(r, 50));
const before = mem();
const t0 = performance.now();
const wrong = await batch(calls, 1_000_000);
const ms = performance.now() - t0;
await new Promise((r) => setTimeout(r, 50));
const after = mem();
console.log(JSON.stringify({ mode, calls, wrong, ms: Math.round(ms), before, after }));
