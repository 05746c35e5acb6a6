// Two builds of smartasync compared in one process: `smartasync/swc` of another checkout's dist/
// (the base) and of this one's, on the same files in the same rounds, with plain `@swc/core`
// beside them. On the shared machine a figure moves with the load from run to run (the real-file
// ratio to plain SWC read 1.26× and 1.54× for the same build under a load average of 12–16),
// while two builds measured in the same rounds compare with each other far better: this is how a
// change is judged before the quiet-machine `npm run bench` renders docs/performance.md.
//
// Each round compiles every file once through each arm, the arms in a balanced order that
// changes from file to file and round to round (`CHAIN` below); the figures are
// per-round totals, their ratios (new ÷ base, each ÷ plain SWC), and smartasync's own time in each
// build (the call minus the time inside @swc/core's transformSync). Without `--stub-swc`, also the
// time inside @swc/core's transformSync in each build's calls ÷ plain SWC's in the same round:
// what a call through the wrapper costs SWC itself (its options, its garbage, its caches), which
// 1.00 means none of.
//
// Run: node bench/compare-builds.mjs --base <dist dir of another checkout> [--rounds N]
//        [--file F ...] [--annotated-5000] [--as-is] [--max-kib N] [--cpu] [--stub-swc]
// The files are bench/real-files.mjs's (bench/real-files-list.mjs), with its annotated function
// appended, unless:
//   --file F          (repeatable) these files instead: a path, or an entry of the list;
//   --annotated-5000  the 5,000-line annotated file of bench/swc.mjs instead;
//   --as-is           the files as they are (no function appended);
//   --max-kib N       only the files of at most N KiB as they are (where a fixed cost per file
//                     shows most: `--max-kib 12` keeps 23 of the 40 installed);
//   --cpu             the process's CPU time (process.cpuUsage) instead of wall time, which the
//                     load moves far less (a loaded 2-core machine stretches wall time by the
//                     slices other jobs take);
//   --stub-swc        inside the two smartasync arms, @swc/core's transformSync returns its input
//                     at once: those arms then measure smartasync's own work alone (plain SWC
//                     still runs for real in its own arm).
// The base is built as usual in a spare checkout (`git worktree add /tmp/base <commit>`,
// `npm run build` there) and its dist/ passed. Prints only; bench/results is not written.
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import swc from "@swc/core";
import * as current from "../dist/swc-plugin/index.js";
import { ANNOTATED_FILE, annotatedFile, machine, median, ROOT, summary, table } from "./lib.mjs";
import { annotatedVariant, FILES, installedFiles } from "./real-files-list.mjs";

const USAGE =
  "usage: node bench/compare-builds.mjs --base <dist dir> [--rounds N] [--file F ...] [--annotated-5000] [--as-is] [--max-kib N] [--cpu] [--stub-swc]";
const args = process.argv.slice(2);
const arg = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const flag = (name) => args.includes(name);
const baseDir = arg("--base");
if (!baseDir) throw new Error(USAGE);
const baseEntry = join(resolve(baseDir), "swc-plugin/index.js");
if (!existsSync(baseEntry))
  throw new Error(`compare-builds: no ${baseEntry} (build the base checkout first)`);
const base = await import(pathToFileURL(baseEntry).href);
const rounds = Number(arg("--rounds") ?? 9);
if (!(rounds >= 1))
  throw new Error(`compare-builds: --rounds takes a positive number, not ${arg("--rounds")}`);
const warm = 2;
const asIs = flag("--as-is");

// ——— the files ———
const chosen = args.flatMap((a, i) => (a === "--file" ? [args[i + 1]] : []));
let files;
if (flag("--annotated-5000")) {
  files = [{ file: ANNOTATED_FILE, code: annotatedFile().code }];
} else if (chosen.length > 0) {
  files = chosen.map((f) => {
    const listed = FILES.includes(f) ? join(ROOT, "node_modules", f) : undefined;
    const file = listed ?? (isAbsolute(f) ? f : resolve(f));
    if (!existsSync(file)) throw new Error(`compare-builds: --file ${f}: not found`);
    return { file, code: readFileSync(file, "utf8") };
  });
} else {
  files = installedFiles().files.map(({ file, code }) => ({ file, code }));
}
const maxKib = arg("--max-kib");
if (maxKib !== undefined) {
  const most = Number(maxKib) * 1024;
  if (!(most > 0)) throw new Error(`compare-builds: --max-kib takes a positive number, not ${maxKib}`);
  files = files.filter((f) => Buffer.byteLength(f.code) <= most);
}
if (!flag("--annotated-5000") && !asIs) for (const f of files) f.code = annotatedVariant(f.code);
if (files.length === 0) throw new Error("compare-builds: no file to compile");

// ——— the arms ———
const cpu = flag("--cpu");
const now = cpu
  ? () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    }
  : () => performance.now();
// The options of bench/real-files.mjs's SWC arms.
const options = (filename) => ({
  filename,
  swcrc: false,
  isModule: "unknown",
  jsc: { parser: { syntax: "ecmascript" }, target: "es2022" },
});
const plain = swc.transformSync;
const stub = flag("--stub-swc");
const inner = stub ? (code) => ({ code }) : plain;
// Both builds call @swc/core through its module object, so one wrapper times SWC inside either;
// the plain arm goes through the same wrapper (of the real SWC), so that every arm pays its clock.
let inside = 0;
const timing = (fn) =>
  function timedTransformSync(...a) {
    const t = now();
    try {
      return fn.apply(this, a);
    } finally {
      inside += now() - t;
    }
  };
const timed = timing(inner);
const timedPlain = timing(plain);
const ARMS = {
  swc: (f) => timedPlain(f.code, options(f.file)),
  base: (f) => base.transformSync(f.code, { ...options(f.file), smartasync: {} }),
  new: (f) => current.transformSync(f.code, { ...options(f.file), smartasync: {} }),
};
const names = Object.keys(ARMS);

/**
 * The arms' order for file i of round r: row (i + r) mod 6 of the six orders, in a sequence that
 * stays balanced read as one chain from file to file (the last arm of a file runs right before
 * the first arm of the next): every arm runs right after each other arm equally often, never
 * right after itself, and in each position equally often. The call right after a real SWC call
 * pays for the caches SWC emptied (its own text passes and look-ups), so who follows whom
 * matters: bench/lib.mjs `balancedOrder(3, k)` balances each row on its own but not the chain,
 * where the third arm ("new") ran right after plain SWC 3 times in 6 files and the second 2 —
 * an A/A run (one build in both arms, SWC stubbed) read new ÷ base 1.07–1.08× with it
 * (docs/performance.md, "Where the as-is excess goes").
 */
const CHAIN = [
  [0, 1, 2],
  [0, 2, 1],
  [2, 1, 0],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
];

// Both builds must give the same output (a speed-up that changes the output is no speed-up).
let differ = 0;
for (const f of files) {
  const b = ARMS.base(f);
  const n = ARMS.new(f);
  if (b.code !== n.code) differ++;
}

// ——— the rounds ———
const start = machine();
const totals = Object.fromEntries(names.map((a) => [a, []]));
const own = { base: [], new: [] };
const insideSwc = { swc: [], base: [], new: [] };
swc.transformSync = timed;
try {
  for (let r = -warm; r < rounds; r++) {
    const sum = Object.fromEntries(names.map((a) => [a, 0]));
    const ownSum = { base: 0, new: 0 };
    const insideSum = { swc: 0, base: 0, new: 0 };
    for (const [i, f] of files.entries()) {
      for (const k of CHAIN[(((i + r) % 6) + 6) % 6]) {
        const a = names[k];
        inside = 0;
        const t = now();
        ARMS[a](f);
        const dt = now() - t;
        sum[a] += dt;
        insideSum[a] += inside;
        if (a !== "swc") ownSum[a] += dt - inside;
        // The event loop turns between two compiles, as between a bundler's files (what a build
        // keeps for one synchronous run is taken again per file: bench/real-files.mjs `between`).
        await new Promise((done) => setImmediate(done));
      }
    }
    if (r < 0) continue;
    for (const a of names) totals[a].push(sum[a]);
    for (const a of Object.keys(own)) own[a].push(ownSum[a]);
    for (const a of names) insideSwc[a].push(insideSum[a]);
  }
} finally {
  swc.transformSync = plain;
}
const end = machine();

// ——— the figures ———
const perRound = (xs, ys) => xs.map((x, i) => x / ys[i]);
const fmt = (s) => `${s.median.toFixed(2)}x (${s.q1.toFixed(2)}–${s.q3.toFixed(2)})`;
const what = flag("--annotated-5000")
  ? "the 5,000-line annotated file"
  : `${files.length} file${files.length === 1 ? "" : "s"}${maxKib !== undefined ? ` of at most ${maxKib} KiB` : ""} ${asIs ? "as they are" : "with one annotated function appended"}`;
console.log(
  `\n${what}, ${cpu ? "CPU time" : "wall time"}${stub ? ", @swc/core stubbed out in the smartasync arms" : ""}, ${rounds} rounds (+${warm} warm-up); load average ${start.loadAverageAtStart.join(" / ")} → ${end.loadAverageAtStart.join(" / ")}`,
);
console.log(`base: ${resolve(baseDir)}; new: ${join(ROOT, "dist")}`);
if (differ > 0) console.log(`NOTE: the two builds' output differs on ${differ} of ${files.length} files`);
console.log("");
console.log(
  table([
    ["arm", "ms a round (median)", "÷ plain SWC (quartiles)", "own time (ms)", "own ÷ plain SWC"],
    ["@swc/core", median(totals.swc).toFixed(1), "1.00x", "", ""],
    ...["base", "new"].map((a) => [
      `smartasync/swc, ${a}`,
      median(totals[a]).toFixed(1),
      fmt(summary(perRound(totals[a], totals.swc))),
      median(own[a]).toFixed(1),
      `${(100 * median(perRound(own[a], totals.swc))).toFixed(1)}%`,
    ]),
  ]),
);
if (!stub) {
  const within = (a) => fmt(summary(perRound(insideSwc[a], insideSwc.swc)));
  console.log(
    `\ntime inside @swc/core's transformSync ÷ plain SWC's, per round: base ${within("base")}, new ${within("new")}`,
  );
}
const ratios = perRound(totals.new, totals.base);
console.log(`\nnew ÷ base, per round: ${ratios.map((x) => x.toFixed(2)).join(" ")}`);
console.log(
  `new ÷ base: median ${fmt(summary(ratios))}; own time ${fmt(summary(perRound(own.new, own.base)))}`,
);
