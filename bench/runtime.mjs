// Per-call costs of smartasync/runtime, side by side with their anchors, in one process.
// Run: npm run bench:runtime (node bench/runtime.mjs). Needs dist/ (npm run build).
// Contenders of a group are measured in interleaved rounds (A B C A B C ...) so that drift on a
// noisy machine hits them alike; each round times a batch and the figure is the median of the
// per-call times of all rounds. The worker round trips are paired tighter: anchor and subject
// alternate in blocks of a few calls (the order swapped every block), hundreds of blocks, and a
// row's ratio is the median of its per-block ratios. On an idle machine a round trip takes ~20 or
// ~60 µs by whether the blocked thread's core has to be woken, and that mode changes within a
// second: blocks this short put both sides of a block in the same mode.
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Piscina } from "piscina";
import { createSyncFn } from "synckit";
import { Tinypool } from "tinypool";
import * as sa from "../dist/runtime/index.js";
import { balancedOrder, machine, quantile } from "./lib.mjs";

const startMachine = machine();

const here = dirname(fileURLToPath(import.meta.url));
const funcsUrl = pathToFileURL(join(here, "workers/funcs.mjs")).href;
await import(funcsUrl);
const POOL = 2;
sa.configure({ poolSize: POOL, idleTimeoutMs: 60_000 });

let sink = 0;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** contenders: { name, batch(n) -> void|Promise } ; returns ns per call (median over rounds) */
async function group(contenders, { rounds, n, warm = 3, segments = 1, restart }) {
  const samples = contenders.map(() => []);
  const perSegment = Math.ceil(rounds / segments);
  for (let r = -warm; r < rounds; r++) {
    if (restart !== undefined && r > 0 && r % perSegment === 0) {
      // Fresh threads for every arm, then unrecorded warm-up rounds: where the scheduler placed a
      // pool's threads can hold one arm in its slow mode for as long as they live.
      await restart();
      for (let w = 0; w < warm; w++) for (const c of contenders) await c.batch(n);
    }
    // The order changes every round (balancedOrder): with blocks of a few calls, the arm that
    // runs first after the other's block would otherwise always meet the same state.
    for (const i of balancedOrder(contenders.length, r)) {
      const t0 = process.hrtime.bigint();
      const p = contenders[i].batch(n);
      if (p) await p;
      const ns = Number(process.hrtime.bigint() - t0) / n;
      if (r >= 0) samples[i].push(ns);
    }
  }
  return contenders.map((c, i) => ({
    name: c.name,
    ns: median(samples[i]),
    q1: quantile(samples[i], 0.25),
    q3: quantile(samples[i], 0.75),
    samples: samples[i].length,
    perRound: samples[i],
    calls: n,
    segment: restart === undefined ? undefined : perSegment,
  }));
}

/** The pairing of the worker round trips: blocks of BLOCK calls per arm, BLOCKS blocks. */
const BLOCK = 4;
const BLOCKS = 1500;
/**
 * The blocks run in SEGMENTS segments, each with fresh worker threads for every arm: at load, a
 * thread the scheduler placed badly stays in its slow mode for as long as it lives, which held
 * one arm of a whole run there (docs/performance.md), and block pairing cannot undo that.
 */
const SEGMENTS = 6;
/**
 * Unrecorded blocks before a group and after each restart. 50 left the first segment of the
 * options-object group 1.17x-1.26x synckit against 1.00x-1.12x for the later ones: the caller's
 * walk of an object was still being optimised by V8 (synckit's path has no JavaScript to warm).
 */
const WARM = 300;

// --- tiny functions ---------------------------------------------------------------------------
function add(a, b) {
  return a + b;
}
async function addAsync(a, b) {
  return a + b;
}
const obj = {
  k: 1,
  async find(x) {
    return x + this.k;
  },
  findSync(x) {
    return x + this.k;
  },
  plain(x) {
    return x + this.k;
  },
};
sa.mark(obj.find, { kind: "async", sync: obj.findSync });

const rows = [];
function addRows(results, anchorName, goal) {
  const anchor = results.find((r) => r.name === anchorName);
  for (const r of results) {
    // Ratios and differences per round (both arms measured in the same round), then their
    // median, as the rest of docs/performance.md reads them: a drift of the machine between
    // rounds moves both arms of a round alike.
    const ratios = r.perRound.map((x, i) => x / anchor.perRound[i]);
    const diffs = r.perRound.map((x, i) => x - anchor.perRound[i]);
    rows.push({
      path: r.name,
      ns: r.ns,
      // Spread: the quartiles of the per-round figures (the middle half of the rounds).
      q1: r.q1,
      q3: r.q3,
      rounds: r.samples,
      anchor: r === anchor ? "" : anchorName,
      ratio: r === anchor ? 1 : median(ratios),
      ratioQuartiles: r === anchor ? undefined : [quantile(ratios, 0.25), quantile(ratios, 0.75)],
      // The per-round ratios' range: 5th and 95th percentiles, then the extremes.
      ratioRange:
        r === anchor
          ? undefined
          : [quantile(ratios, 0.05), quantile(ratios, 0.95), Math.min(...ratios), Math.max(...ratios)],
      callsPerRound: r.calls,
      // With fresh threads per segment: each segment's median ratio (how much placement moved it).
      segmentNs:
        r.segment === undefined
          ? undefined
          : Array.from({ length: Math.ceil(r.perRound.length / r.segment) }, (_, k) =>
              median(r.perRound.slice(k * r.segment, (k + 1) * r.segment)),
            ),
      segmentRatios:
        r === anchor || r.segment === undefined
          ? undefined
          : Array.from({ length: Math.ceil(ratios.length / r.segment) }, (_, k) =>
              median(ratios.slice(k * r.segment, (k + 1) * r.segment)),
            ),
      ratioOfMedians: r === anchor ? 1 : r.ns / anchor.ns,
      overNs: r === anchor ? 0 : median(diffs),
      goal: r === anchor ? "" : goal,
    });
  }
}

// 1. calls: direct, await, dispatch
const N = 2_000_000;
const calls = await group(
  [
    {
      name: "direct sync call",
      batch(n) {
        let s = 0;
        for (let i = 0; i < n; i++) s += add(i, 1);
        sink += s;
      },
    },
    {
      name: "direct method call obj.findSync(x)",
      batch(n) {
        let s = 0;
        for (let i = 0; i < n; i++) s += obj.findSync(i);
        sink += s;
      },
    },
    // What compiled code emits for `obj.find(x)` in sync code: the member read once, then
    // `callSyncOf` (fixture outputs: `_sa.callSyncOf(_t = obj, _t.find, "find", [x], loc)`).
    // Compiled calls pass the call's place: only the unmarked fallback reads it (its result is
    // checked for a thenable), so the marked row measures the path every dispatch takes.
    {
      name: "callSyncOf(obj, obj.find, 'find', [x]) (dispatch)",
      batch(n) {
        let s = 0;
        for (let i = 0; i < n; i++) {
          const t = obj;
          s += sa.callSyncOf(t, t.find, "find", [i], "bench.js:1:1");
        }
        sink += s;
      },
    },
    {
      name: "callSyncOf(obj, obj.plain, 'plain', [x]) (unmarked)",
      batch(n) {
        let s = 0;
        for (let i = 0; i < n; i++) {
          const t = obj;
          s += sa.callSyncOf(t, t.plain, "plain", [i], "bench.js:1:1");
        }
        sink += s;
      },
    },
    // The runtime's by-name form, for code written by hand (the compiler never emits it): the
    // member is looked up by a name held in a variable.
    {
      name: "callSync(obj, 'find', [x]) (by name)",
      batch(n) {
        let s = 0;
        for (let i = 0; i < n; i++) s += sa.callSync(obj, "find", [i], "bench.js:1:1");
        sink += s;
      },
    },
  ],
  { rounds: 25, n: N },
);
addRows(calls.slice(0, 1), "direct sync call");
addRows(calls.slice(1), "direct method call obj.findSync(x)", "< 20 ns over direct");
// The goal is the compiled call's; the by-name form is shown beside it.
rows[rows.length - 1].goal = "";

const awaited = await group(
  [
    {
      name: "await of an async function",
      async batch(n) {
        let s = 0;
        for (let i = 0; i < n; i++) s += await addAsync(i, 1);
        sink += s;
      },
    },
  ],
  { rounds: 25, n: 200_000 },
);
addRows(awaited, "await of an async function");

// 2. blocking worker call: smartasync runSync vs raw synckit
// synckit keeps one worker per path and cannot end it: a new thread for a new segment is made
// by naming the same file by another path string (`workers/./synckit-worker.mjs`, …), which is
// its cache key. The old thread stays, idle.
let synckitCopies = 0;
const newSynckit = () =>
  createSyncFn(`${here}/workers/${"./".repeat(synckitCopies++)}synckit-worker.mjs`, { timeout: 30_000 });
let synckitInc = newSynckit();
/** New threads for synckit and for runSync (for each segment of the blocking groups). */
async function restartBlocking() {
  await sa.shutdown();
  synckitInc = newSynckit();
  sink += synckitInc(1) + sa.runSync(funcsUrl, "inc", [1]);
}
let t0 = performance.now();
sink += synckitInc(1);
const synckitFirst = performance.now() - t0;
t0 = performance.now();
sink += sa.runSync(funcsUrl, "inc", [1]);
const runSyncFirst = performance.now() - t0;
const blocking = await group(
  [
    {
      name: "synckit createSyncFn round trip",
      batch(n) {
        for (let i = 0; i < n; i++) sink += synckitInc(i);
      },
    },
    {
      name: "runSync (smartasync worker, blocking)",
      batch(n) {
        for (let i = 0; i < n; i++) sink += sa.runSync(funcsUrl, "inc", [i]);
      },
    },
  ],
  { rounds: BLOCKS, n: BLOCK, warm: WARM, segments: SEGMENTS, restart: restartBlocking },
);
addRows(blocking, "synckit createSyncFn round trip", "<= 1.1x");

// The same with an options object as the argument: what the deep check of what crosses a thread
// (src/runtime/clone.ts) costs on a realistic argument, against the same object sent raw.
const payload = {
  id: 1,
  name: "order-1",
  tags: ["a", "b", "c"],
  opts: { cwd: "/srv/app", retries: 3, flags: { dryRun: false, verbose: true } },
  when: new Date(0),
  items: [
    { sku: "x1", qty: 2, price: 9.5 },
    { sku: "y2", qty: 1, price: 20 },
  ],
};
const blockingObject = await group(
  [
    {
      name: "options object: synckit round trip",
      batch(n) {
        for (let i = 0; i < n; i++) sink += synckitInc(payload);
      },
    },
    {
      name: "options object: runSync round trip",
      batch(n) {
        for (let i = 0; i < n; i++) sink += sa.runSync(funcsUrl, "inc", [payload]);
      },
    },
  ],
  { rounds: BLOCKS, n: BLOCK, warm: WARM, segments: SEGMENTS, restart: restartBlocking },
);
addRows(blockingObject, "options object: synckit round trip", "<= 1.2x");

// 3. pool: offload vs piscina vs tinypool, one awaited task at a time (latency) and 64 in flight
const newPiscina = () =>
  new Piscina({ filename: join(here, "workers/pool-worker.mjs"), minThreads: POOL, maxThreads: POOL });
const newTinypool = () =>
  new Tinypool({ filename: join(here, "workers/pool-worker.mjs"), minThreads: POOL, maxThreads: POOL });
let piscina = newPiscina();
let tinypool = newTinypool();
async function warmPools() {
  await Promise.all([1, 2, 3, 4].map((i) => piscina.run(i)));
  await Promise.all([1, 2, 3, 4].map((i) => tinypool.run(i)));
  await Promise.all([1, 2, 3, 4].map((i) => sa.offload(funcsUrl, "incSync", [i])));
}
/** New threads for the three pools (for each segment of the one-at-a-time groups). */
async function restartPools() {
  await Promise.all([piscina.destroy(), tinypool.destroy(), sa.shutdown()]);
  piscina = newPiscina();
  tinypool = newTinypool();
  await warmPools();
}
await warmPools();
const pool = await group(
  [
    {
      name: "piscina run() round trip",
      async batch(n) {
        for (let i = 0; i < n; i++) sink += await piscina.run(i);
      },
    },
    {
      name: "tinypool run() round trip",
      async batch(n) {
        for (let i = 0; i < n; i++) sink += await tinypool.run(i);
      },
    },
    {
      name: "offload round trip (smartasync pool)",
      async batch(n) {
        for (let i = 0; i < n; i++) sink += await sa.offload(funcsUrl, "incSync", [i]);
      },
    },
  ],
  { rounds: BLOCKS, n: BLOCK, warm: WARM, segments: SEGMENTS, restart: restartPools },
);
addRows(pool, "piscina run() round trip", "<= 1.1x");

const poolObject = await group(
  [
    {
      name: "options object: piscina run() round trip",
      async batch(n) {
        for (let i = 0; i < n; i++) sink += await piscina.run(payload);
      },
    },
    {
      name: "options object: offload round trip",
      async batch(n) {
        for (let i = 0; i < n; i++) sink += await sa.offload(funcsUrl, "incSync", [payload]);
      },
    },
  ],
  { rounds: BLOCKS, n: BLOCK, warm: WARM, segments: SEGMENTS, restart: restartPools },
);
addRows(poolObject, "options object: piscina run() round trip", "<= 1.2x");

const burst = (run) => async (n) => {
  const ps = [];
  for (let i = 0; i < n; i++) ps.push(run(i));
  for (const v of await Promise.all(ps)) sink += v;
};
const throughput = await group(
  [
    { name: "piscina, 1000 in flight (per task)", batch: burst((i) => piscina.run(i)) },
    { name: "tinypool, 1000 in flight (per task)", batch: burst((i) => tinypool.run(i)) },
    { name: "offload, 1000 in flight (per task)", batch: burst((i) => sa.offload(funcsUrl, "incSync", [i])) },
  ],
  { rounds: 20, n: 1000 },
);
addRows(throughput, "piscina, 1000 in flight (per task)", "<= 1.1x");

await piscina.destroy();
await tinypool.destroy();
await sa.shutdown();

// --- report -----------------------------------------------------------------------------------
const fmt = (ns) =>
  Math.abs(ns) >= 1e6
    ? `${(ns / 1e6).toFixed(2)} ms`
    : Math.abs(ns) >= 1e3
      ? `${(ns / 1e3).toFixed(2)} µs`
      : `${ns.toFixed(1)} ns`;
const table = rows.map((r) => ({
  path: r.path,
  "per call": fmt(r.ns),
  "vs anchor": r.anchor ? `${r.ratio.toFixed(2)}x (${r.overNs >= 0 ? "+" : ""}${fmt(r.overNs)})` : "anchor",
  "ratio quartiles, 5-95%": r.anchor
    ? `${r.ratioQuartiles.map((x) => x.toFixed(2)).join("-")}, ${r.ratioRange
        .slice(0, 2)
        .map((x) => x.toFixed(2))
        .join("-")}`
    : "",
  goal: r.goal,
}));
const w = [0, 1, 2, 3, 4].map((i) =>
  Math.max(...[Object.keys(table[0])[i], ...table.map((t) => Object.values(t)[i])].map((s) => s.length)),
);
const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join("  ");
console.log(
  `smartasync runtime bench — node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? "?"}), ${new Date().toISOString()}`,
);
console.log(line(Object.keys(table[0])));
for (const t of table) console.log(line(Object.values(t)));
console.log(
  `first call (worker start): synckit ${synckitFirst.toFixed(1)} ms, runSync ${runSyncFirst.toFixed(1)} ms`,
);

const out = {
  date: new Date().toISOString(),
  node: process.version,
  cores: availableParallelism(),
  cpu: cpus()[0]?.model,
  command: "npm run bench:runtime",
  machine: { ...startMachine, loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100) },
  poolSize: POOL,
  pairing: { blockCalls: BLOCK, blocks: BLOCKS, segments: SEGMENTS },
  firstCallMs: { synckit: synckitFirst, runSync: runSyncFirst },
  rows,
  sink: sink > 0,
};
mkdirSync(join(here, "results"), { recursive: true });
writeFileSync(join(here, "results/runtime.json"), JSON.stringify(out, null, 2) + "\n");
console.log("written bench/results/runtime.json");
