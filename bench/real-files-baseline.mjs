// The real-file bench's files as they are, through three arms in the same rounds: plain
// `@swc/core` transformSync, `smartasync/swc` of a baseline build (another checkout's dist/), and
// `smartasync/swc` of this dist/. On a shared machine the ratio to plain SWC moves with the load
// from run to run (1.26x and 1.54x for the same build under a load average of 12-16); two builds
// measured in the same rounds compare with each other far better than two runs do. Also reports
// smartasync's own time inside each (the whole call minus the time in @swc/core's transformSync).
//
// Run: node bench/real-files-baseline.mjs --baseline <dist dir> [--rounds N] [--annotated] [--cpu]
// [--stub-swc] [--max-kib N]
// (`--annotated`: the files with bench/real-files.mjs's annotated function appended; `--cpu`:
// the process's CPU time (process.cpuUsage) instead of wall time, which the machine's load moves
// far less: a loaded 2-core machine stretches wall time by the time slices other jobs take;
// `--stub-swc`: inside the two smartasync arms, @swc/core's transformSync returns the input at
// once, so those arms measure smartasync's own work alone — against plain SWC, which still runs
// for real in its own arm — without SWC's effect on the caches around it)
// `--max-kib N`: only the files of at most N KiB as they are (the small files, where a fixed cost
// per file shows most: `--max-kib 12` keeps 23 of the 40 installed).
// e.g. build a commit in a spare worktree (`npm run build` there) and pass its dist/.
// Prints only; bench/results is not written (the real-file table is bench/real-files.mjs's).
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import swc from "@swc/core";
import * as current from "../dist/swc-plugin/index.js";
import { balancedOrder, machine, median, ROOT, table } from "./lib.mjs";

const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const baselineDir = arg("--baseline");
if (!baselineDir)
  throw new Error("usage: node bench/real-files-baseline.mjs --baseline <dist dir> [--rounds N]");
const baseline = await import(pathToFileURL(join(resolve(baselineDir), "swc-plugin/index.js")).href);
const rounds = Number(arg("--rounds") ?? 9);
const warm = 2;

// The list is bench/real-files.mjs's, read as text (that module runs its bench when imported).
const text = readFileSync(join(ROOT, "bench/real-files.mjs"), "utf8");
const list = text.slice(text.indexOf("export const FILES = ["));
const files = [...list.slice(0, list.indexOf("];")).matchAll(/^\s*"([^"]+)",/gm)]
  .map((m) => join(ROOT, "node_modules", m[1]))
  .filter((file) => existsSync(file))
  .map((file) => ({ file, code: readFileSync(file, "utf8") }));
const maxKib = arg("--max-kib");
if (maxKib !== undefined) {
  const most = Number(maxKib) * 1024;
  if (!(most > 0)) throw new Error(`real-files-baseline: --max-kib takes a positive number, not ${maxKib}`);
  files.splice(0, files.length, ...files.filter((f) => Buffer.byteLength(f.code) <= most));
}
// `--annotated`: each file with the same annotated function appended as the real-file bench's.
const annotated = process.argv.includes("--annotated");
if (annotated) {
  const appended = /export const APPENDED = `([^`]*)`;/.exec(text)?.[1];
  if (appended === undefined)
    throw new Error("real-files-baseline: APPENDED not found in bench/real-files.mjs");
  for (const f of files) f.code = `${f.code}${f.code.endsWith("\n") ? "" : "\n"}${appended}`;
}

// `--cpu`: milliseconds of the process's CPU time (user + system), else wall time.
const cpu = process.argv.includes("--cpu");
const now = cpu
  ? () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    }
  : () => performance.now();

const options = (filename) => ({
  filename,
  swcrc: false,
  isModule: "unknown",
  jsc: { parser: { syntax: "ecmascript" }, target: "es2022" },
});
const plain = swc.transformSync;
const stub = process.argv.includes("--stub-swc");
const inner = stub ? (code) => ({ code }) : plain;
let inside = 0;
const timed = function timedTransformSync(...args) {
  const t = now();
  try {
    return inner.apply(this, args);
  } finally {
    inside += now() - t;
  }
};
const ARMS = {
  swc: (f) => plain(f.code, options(f.file)),
  baseline: (f) => baseline.transformSync(f.code, { ...options(f.file), smartasync: {} }),
  current: (f) => current.transformSync(f.code, { ...options(f.file), smartasync: {} }),
};
const names = Object.keys(ARMS);
const start = machine();
const totals = Object.fromEntries(names.map((a) => [a, []]));
const own = { baseline: [], current: [] };
swc.transformSync = timed;
try {
  for (let r = -warm; r < rounds; r++) {
    const sum = Object.fromEntries(names.map((a) => [a, 0]));
    const ownSum = { baseline: 0, current: 0 };
    files.forEach((f, i) => {
      for (const k of balancedOrder(names.length, i + r)) {
        const a = names[k];
        inside = 0;
        const t = now();
        ARMS[a](f);
        const dt = now() - t;
        sum[a] += dt;
        if (a !== "swc") ownSum[a] += dt - inside;
      }
    });
    if (r < 0) continue;
    for (const a of names) totals[a].push(sum[a]);
    for (const a of Object.keys(own)) own[a].push(ownSum[a]);
  }
} finally {
  swc.transformSync = plain;
}
const ratio = (a, b) => median(totals[a].map((x, i) => x / totals[b][i]));
const end = machine();
console.log(
  `\n${files.length} files${maxKib !== undefined ? ` of at most ${maxKib} KiB` : ""} ${annotated ? "with one annotated function appended" : "as they are"}, ${cpu ? "CPU time" : "wall time"}${stub ? ", @swc/core stubbed out in the smartasync arms" : ""}, ${rounds} rounds (+${warm} warm-up); load average ${start.loadAverageAtStart.join(" / ")} → ${end.loadAverageAtStart.join(" / ")}\n`,
);
console.log(
  table([
    ["arm", "ms a round (median)", "÷ plain SWC (per round)", "own time (ms)", "own ÷ plain SWC"],
    ["@swc/core", median(totals.swc).toFixed(1), "1.00x", "", ""],
    ...["baseline", "current"].map((a) => [
      `smartasync/swc, ${a}`,
      median(totals[a]).toFixed(1),
      `${ratio(a, "swc").toFixed(2)}x`,
      median(own[a]).toFixed(1),
      `${(100 * median(own[a].map((x, i) => x / totals.swc[i]))).toFixed(1)}%`,
    ]),
  ]),
);
console.log(
  `\ncurrent ÷ baseline, per round: ${ratio("current", "baseline").toFixed(2)}x; own time ${median(own.current.map((x, i) => x / own.baseline[i])).toFixed(3)}x`,
);
