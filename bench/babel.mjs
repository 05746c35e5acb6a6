// The Babel plugin's cost, side by side with Babel alone in the same process:
//  1. a real-world corpus from installed npm packages (no annotations): the fast path's overhead;
//  2. one annotated 5,000-line file: what the full pass costs;
//  3. run time of a `sync-inline` call against a hand-written sync function.
// Run: npm run bench (all) or node bench/babel.mjs
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as babel from "@babel/core";
import smartasync from "../dist/babel-plugin/index.js";
import {
  ANNOTATED_FILE,
  annotatedFile,
  corpus,
  interleaveSamples,
  machine,
  median,
  pairedRatios,
  ROOT,
  summary,
  table,
  writeResults,
} from "./lib.mjs";

const quick = process.argv.includes("--quick");
const startMachine = machine();

const base = { babelrc: false, configFile: false, sourceType: "unambiguous", compact: false };

// 1. Corpus without annotations.
const files = corpus();
const lines = files.reduce((n, f) => n + f.code.split("\n").length, 0);
const rounds = quick ? 3 : 21;
// Interleaved per file (A B, then B A for the next file): drifts of a shared, virtualised
// machine hit both arms alike; the figure is the median over rounds of each arm's total.
function corpusRounds(n) {
  const totals = { babel: [], "babel+smartasync": [] };
  const arms = [
    ["babel", []],
    ["babel+smartasync", [smartasync]],
  ];
  for (let r = 0; r < n; r++) {
    const sum = { babel: 0, "babel+smartasync": 0 };
    files.forEach(({ file, code }, i) => {
      for (const [name, plugins] of (i + r) % 2 ? arms : [...arms].reverse()) {
        const t0 = performance.now();
        babel.transformSync(code, { ...base, filename: file, plugins });
        sum[name] += performance.now() - t0;
      }
    });
    totals.babel.push(sum.babel);
    totals["babel+smartasync"].push(sum["babel+smartasync"]);
  }
  return totals;
}
const cSamples = corpusRounds(rounds);
const c = { babel: median(cSamples.babel), "babel+smartasync": median(cSamples["babel+smartasync"]) };

// The plugin's own time on the same corpus, measured inside its Program visitor: what the
// fast path adds, free of the noise between two separate Babel runs.
let selfMs = 0;
const timed = (api, opts) => {
  const p = smartasync(api, opts);
  const inner = p.visitor.Program;
  return {
    ...p,
    visitor: {
      Program(path, state) {
        const t0 = performance.now();
        inner.call(this, path, state);
        selfMs += performance.now() - t0;
      },
    },
  };
};
const selfRounds = [];
for (let r = 0; r < (quick ? 3 : 9); r++) {
  selfMs = 0;
  for (const { file, code } of files)
    babel.transformSync(code, { ...base, filename: file, plugins: [timed] });
  selfRounds.push(selfMs);
}
const self = median(selfRounds);

// 2. One annotated 5,000-line file: real-looking functions of every kind, with their callers.
const big = annotatedFile();
const bigFile = ANNOTATED_FILE;
const bigLines = big.code.split("\n").length;
const one = (plugins) => () => babel.transformSync(big.code, { ...base, filename: bigFile, plugins });
const bRounds = quick ? 3 : 7;
const bSamples = interleaveSamples({ babel: one([]), "babel+smartasync": one([smartasync]) }, bRounds);
const b = { babel: median(bSamples.babel), "babel+smartasync": median(bSamples["babel+smartasync"]) };

// 3. Run time of a sync-inline call against a hand-written sync function; and of an inline
// variant with a run-time guard (an awaited callback result) against the same function written
// by hand, which is what the guard costs per dropped await.
const src = `
// @smartasync
export async function double(v) { return v * 2; }
// @smartasync
export async function add(a, b) { const x = await double(a); return x + b; }
function doubleH(v) { return v * 2; }
export function handWritten(a, b) { const x = doubleH(a); return x + b; }
export function viaPlugin(n) { let s = 0; for (let i = 0; i < n; i++) s += add(i, 1); return s; }
export function direct(n) { let s = 0; for (let i = 0; i < n; i++) s += handWritten(i, 1); return s; }
// @smartasync
export async function addVia(cb, a, b) { const x = await cb(a); return x + b; }
export function handVia(cb, a, b) { const x = cb(a); return x + b; }
export function viaGuard(n) { let s = 0; for (let i = 0; i < n; i++) s += addVia(doubleH, i, 1); return s; }
export function directVia(n) { let s = 0; for (let i = 0; i < n; i++) s += handVia(doubleH, i, 1); return s; }
// this.m() in sync code: the compiled call checks that this.m is the class's own method before it
// calls this.mSync() (an override is dispatched); beside it the same call written by hand as
// this.mSync(), and the dispatch every other receiver gets.
export class Box {
  // @smartasync
  async get(v) { return v + 1; }
  viaCheck(n) { let s = 0; for (let i = 0; i < n; i++) { const x = this.get(i); s += x; } return s; }
}
export function handThis(box, n) { let s = 0; for (let i = 0; i < n; i++) { const x = box.getSync(i); s += x; } return s; }
export function viaDispatch(box, n) { let s = 0; for (let i = 0; i < n; i++) { const x = box.get(i); s += x; } return s; }
`;
const out = babel.transformSync(src, {
  ...base,
  filename: join(ROOT, "bench/inline.mjs"),
  plugins: [smartasync],
}).code;
mkdirSync(join(ROOT, ".tmp/bench"), { recursive: true });
const modFile = join(ROOT, ".tmp/bench/inline.mjs");
writeFileSync(modFile, out);
const mod = await import(pathToFileURL(modFile).href);
const N = 2_000_000;
if (mod.viaPlugin(10) !== mod.direct(10)) throw new Error("inline variant computes something else");
if (mod.viaGuard(10) !== mod.directVia(10)) throw new Error("guarded variant computes something else");
if (!out.includes(".guard(")) throw new Error("the guarded arm has no guard: the bench measures nothing");
if (!out.includes("this.getSync?.[_sa.OF] === (_obj = this.get)"))
  throw new Error("the this.m() arm has no own check");
if (!out.includes("callSyncOf(_obj = box, _obj.get")) throw new Error("the dispatch arm is not dispatched");
const box = new mod.Box();
if (box.viaCheck(10) !== mod.handThis(box, 10) || mod.viaDispatch(box, 10) !== mod.handThis(box, 10))
  throw new Error("this.m() arms compute something else");
const rRounds = quick ? 5 : 21;
const rSamples = interleaveSamples(
  {
    "hand-written sync": () => mod.direct(N),
    "sync-inline (addSync)": () => mod.viaPlugin(N),
    "hand-written sync, callback": () => mod.directVia(N),
    "sync-inline guarded (addViaSync)": () => mod.viaGuard(N),
    "this.getSync() by hand": () => mod.handThis(box, N),
    "this.get() compiled (own check)": () => box.viaCheck(N),
    "box.get() compiled (dispatch)": () => mod.viaDispatch(box, N),
  },
  rRounds,
);
const r = Object.fromEntries(Object.entries(rSamples).map(([k, xs]) => [k, median(xs)]));

const results = {
  machine: startMachine,
  command: quick ? "node bench/babel.mjs --quick" : "node bench/babel.mjs",
  babelVersion: babel.version,
  corpus: {
    files: files.length,
    lines,
    rounds,
    medianMs: c,
    ratio: c["babel+smartasync"] / c.babel,
    // Per-round ratio of the two arms (measured in the same round): its median and quartiles.
    pairedRatio: summary(pairedRatios(cSamples["babel+smartasync"], cSamples.babel)),
    spreadMs: { babel: summary(cSamples.babel), "babel+smartasync": summary(cSamples["babel+smartasync"]) },
    pluginSelfMs: self,
    pluginSelfShare: self / c.babel,
    pluginSelfRounds: selfRounds.length,
  },
  annotated: {
    lines: bigLines,
    functions: big.functions,
    rounds: bRounds,
    medianMs: b,
    ratio: b["babel+smartasync"] / b.babel,
    pairedRatio: summary(pairedRatios(bSamples["babel+smartasync"], bSamples.babel)),
    spreadMs: { babel: summary(bSamples.babel), "babel+smartasync": summary(bSamples["babel+smartasync"]) },
  },
  inlineCall: {
    calls: N,
    rounds: rRounds,
    nsPerCall: Object.fromEntries(Object.entries(r).map(([k, v]) => [k, (v * 1e6) / N])),
    ratio: r["sync-inline (addSync)"] / r["hand-written sync"],
    pairedRatio: summary(pairedRatios(rSamples["sync-inline (addSync)"], rSamples["hand-written sync"])),
    guard: {
      ratio: r["sync-inline guarded (addViaSync)"] / r["hand-written sync, callback"],
      pairedRatio: summary(
        pairedRatios(rSamples["sync-inline guarded (addViaSync)"], rSamples["hand-written sync, callback"]),
      ),
      // One guard per call: the difference of the medians is its cost.
      overNs: ((r["sync-inline guarded (addViaSync)"] - r["hand-written sync, callback"]) * 1e6) / N,
    },
    thisCall: {
      ownCheckOverNs: ((r["this.get() compiled (own check)"] - r["this.getSync() by hand"]) * 1e6) / N,
      dispatchOverNs: ((r["box.get() compiled (dispatch)"] - r["this.getSync() by hand"]) * 1e6) / N,
    },
  },
};
writeResults("babel", results);

const fmt = (x) => x.toFixed(2);
console.log(`\nBabel plugin (${babel.version}), medians of interleaved rounds\n`);
console.log(
  table([
    ["workload", "babel alone", "babel + smartasync", "ratio", "goal"],
    [
      `corpus: ${files.length} files, ${lines} lines, no annotation`,
      `${fmt(c.babel)} ms`,
      `${fmt(c["babel+smartasync"])} ms`,
      `${fmt(results.corpus.ratio)}x`,
      "< 1.02x",
    ],
    [
      "  of which inside the smartasync visitor",
      "",
      `${fmt(self)} ms`,
      `+${(100 * results.corpus.pluginSelfShare).toFixed(2)}%`,
      "< 2%",
    ],
    [
      `annotated file: ${bigLines} lines, ${big.functions} functions`,
      `${fmt(b.babel)} ms`,
      `${fmt(b["babel+smartasync"])} ms`,
      `${fmt(results.annotated.ratio)}x`,
      "-",
    ],
  ]),
);
console.log(`\nsync-inline call vs hand-written sync function (${N} calls)\n`);
console.log(
  table([
    ["path", "ns/call", "ratio", "goal"],
    ["hand-written sync", fmt(results.inlineCall.nsPerCall["hand-written sync"]), "1.00x", "anchor"],
    [
      "sync-inline (addSync)",
      fmt(results.inlineCall.nsPerCall["sync-inline (addSync)"]),
      `${fmt(results.inlineCall.ratio)}x`,
      "< 1.1x",
    ],
    [
      "hand-written sync, callback",
      fmt(results.inlineCall.nsPerCall["hand-written sync, callback"]),
      "1.00x",
      "anchor",
    ],
    [
      "sync-inline guarded (addViaSync)",
      fmt(results.inlineCall.nsPerCall["sync-inline guarded (addViaSync)"]),
      `${fmt(results.inlineCall.guard.ratio)}x (+${fmt(results.inlineCall.guard.overNs)} ns)`,
      "< 2 ns a guard",
    ],
    [
      "this.getSync() by hand",
      fmt(results.inlineCall.nsPerCall["this.getSync() by hand"]),
      "1.00x",
      "anchor",
    ],
    [
      "this.get() compiled (own check)",
      fmt(results.inlineCall.nsPerCall["this.get() compiled (own check)"]),
      `+${fmt(results.inlineCall.thisCall.ownCheckOverNs)} ns`,
      "-",
    ],
    [
      "box.get() compiled (dispatch)",
      fmt(results.inlineCall.nsPerCall["box.get() compiled (dispatch)"]),
      `+${fmt(results.inlineCall.thisCall.dispatchOverNs)} ns`,
      "< 20 ns",
    ],
  ]),
);
