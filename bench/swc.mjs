// The SWC integration's cost, side by side in one process on the same files as bench/babel.mjs:
//  1. the real-world corpus without annotations: plain `@swc/core` transformSync,
//     `smartasync/swc` transformSync, Babel (+ preset-typescript) with and without the plugin,
//     interleaved file by file; then smartasync's own time inside `smartasync/swc` (what it
//     adds around SWC's transform, measured from the inside, free of the noise between two runs);
//  2. the annotated 5,000-line file: the same four arms, interleaved round by round;
//  3. where the time of `smartasync/swc` goes on the annotated file: parseSync, lowering to
//     Babel's shape, the core's analysis, the text edits, the final transformSync, measured
//     stage by stage with the internal modules of dist/, next to the whole `compile` and the
//     whole public `transformSync`.
// Run: npm run bench (all), npm run bench:swc, or node bench/swc.mjs [--quick]. Needs dist/.
import { createRequire } from "node:module";
import * as babel from "@babel/core";
import presetTypescript from "@babel/preset-typescript";
import swc from "@swc/core";
import smartasync from "../dist/babel-plugin/index.js";
import { resolveFileOptions } from "../dist/compile/options.js";
import { analyse } from "../dist/core/analysis/analyse.js";
import { readSwcConfig } from "../dist/swc-plugin/config.js";

/** The options step of the front end (the compile service's, src/compile/options.ts). */
const smartasyncOptions = (given, file) => resolveFileOptions(file, given, "opts.smartasync");

import { emit } from "../dist/swc-plugin/emit.js";
import { compile, graphFor } from "../dist/swc-plugin/engine.js";
import * as smartasyncSwc from "../dist/swc-plugin/index.js";
import { lower } from "../dist/swc-plugin/lower.js";
import {
  ANNOTATED_FILE,
  annotatedFile,
  balancedOrder,
  corpus,
  interleaveSamples,
  lineCount,
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
const require = createRequire(import.meta.url);
const swcVersion = require("@swc/core/package.json").version;

// The same options for every SWC arm; smartasync's are added for its arm only (it removes them
// before SWC sees them). `isModule: "unknown"` is SWC's counterpart of Babel's "unambiguous".
const swcOptions = (filename) => ({
  filename,
  swcrc: false,
  isModule: "unknown",
  jsc: { parser: { syntax: "ecmascript" }, target: "es2022" },
});
const SMARTASYNC_OPTIONS = {};
// Babel as bench/babel.mjs runs it, plus preset-typescript (the setup of a TypeScript project;
// on these .js files the preset applies no transform: its plugins are scoped to .ts/.tsx).
const babelBase = {
  babelrc: false,
  configFile: false,
  sourceType: "unambiguous",
  compact: false,
  presets: [presetTypescript],
};

const plainSwc = swc.transformSync; // taken before the self-time pass wraps it
const ARMS = {
  swc: (code, filename) => plainSwc(code, swcOptions(filename)),
  "smartasync/swc": (code, filename) =>
    smartasyncSwc.transformSync(code, { ...swcOptions(filename), smartasync: SMARTASYNC_OPTIONS }),
  babel: (code, filename) => babel.transformSync(code, { ...babelBase, filename }),
  "babel+smartasync": (code, filename) =>
    babel.transformSync(code, { ...babelBase, filename, plugins: [smartasync] }),
};
const names = Object.keys(ARMS);

// Every arm must accept every file (the corpus is real code; a file one arm rejects would make
// the arms compile different sets).
const files = corpus().filter(({ file, code }) => {
  try {
    for (const name of names) ARMS[name](code, file);
    return true;
  } catch (e) {
    console.warn(`skipped ${file}: ${String(e?.message ?? e).split("\n")[0]}`);
    return false;
  }
});
const lines = files.reduce((n, f) => n + lineCount(f.code), 0);

// 1. Corpus without annotations: per file, the four arms in a balanced order that changes from
// file to file and round to round (each arm runs right after each other arm equally often: SWC
// right after SWC would find its caches warm); each round sums each arm's time over the corpus.
function corpusRounds(rounds, warm) {
  const totals = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = -warm; r < rounds; r++) {
    const sum = Object.fromEntries(names.map((n) => [n, 0]));
    files.forEach(({ file, code }, i) => {
      const order = balancedOrder(names.length, i + r);
      for (let k = 0; k < names.length; k++) {
        const name = names[order[k]];
        const t0 = performance.now();
        ARMS[name](code, file);
        sum[name] += performance.now() - t0;
      }
    });
    if (r >= 0) for (const n of names) totals[n].push(sum[n]);
  }
  return totals;
}
const corpusRoundsN = quick ? 4 : 16;
const c = corpusRounds(corpusRoundsN, quick ? 1 : 2);

// The two SWC arms alone, file by file (A B, then B A): what an SWC build sees. With the Babel
// arms in between, whichever arm allocates next pays for the garbage Babel leaves, and SWC
// finds its caches cold; without them, the ratio is smartasync's own cost.
function swcOnlyRounds(rounds, warm) {
  const pair = ["swc", "smartasync/swc"];
  const totals = { swc: [], "smartasync/swc": [] };
  for (let r = -warm; r < rounds; r++) {
    const sum = { swc: 0, "smartasync/swc": 0 };
    files.forEach(({ file, code }, i) => {
      for (const k of balancedOrder(2, i + r)) {
        const t0 = performance.now();
        ARMS[pair[k]](code, file);
        sum[pair[k]] += performance.now() - t0;
      }
    });
    if (r >= 0) for (const n of pair) totals[n].push(sum[n]);
  }
  return totals;
}
const swcOnly = swcOnlyRounds(corpusRoundsN, quick ? 1 : 2);

// smartasync's own time inside `smartasync/swc` on the corpus: the whole call minus the time
// spent in @swc/core's transformSync, which the wrapper calls through the module object.
let insideSwcMs = 0;
swc.transformSync = function timedTransformSync(...args) {
  const t0 = performance.now();
  try {
    return plainSwc.apply(this, args);
  } finally {
    insideSwcMs += performance.now() - t0;
  }
};
const selfSamples = [];
const selfShareSamples = [];
const selfPerFile = files.map(() => []);
const reports = [];
try {
  for (let r = 0; r < (quick ? 3 : 9); r++) {
    let inside = 0;
    let total = 0;
    files.forEach(({ file, code }, i) => {
      insideSwcMs = 0;
      const t0 = performance.now();
      const out = ARMS["smartasync/swc"](code, file);
      const ms = performance.now() - t0;
      total += ms;
      inside += insideSwcMs;
      selfPerFile[i].push(ms - insideSwcMs);
      reports[i] = out.smartasync;
    });
    selfSamples.push(total - inside);
    selfShareSamples.push((total - inside) / inside);
  }
} finally {
  swc.transformSync = plainSwc;
}
// The files where smartasync spends most of its own time: those that leave the fast path
// (the text mentions an annotation, or an import that leads somewhere worth a look).
const selfMedianPerFile = selfPerFile.map((xs) => median(xs));
const selfTotalMedian = selfMedianPerFile.reduce((n, x) => n + x, 0);
const topSelf = selfMedianPerFile
  .map((ms, i) => ({
    file: files[i].file.slice(ROOT.length + 1),
    lines: lineCount(files[i].code),
    selfMs: ms,
    share: ms / selfTotalMedian,
    diagnostics: reports[i].diagnostics.map((d) => d.code),
  }))
  .sort((p, q) => q.selfMs - p.selfMs)
  .slice(0, 5);

// The same own time, by step of `smartasync/swc`'s front end (index.ts `prepare`): smartasync's
// options (opts.smartasync over the nearest package.json's field), the SWC configuration
// (.swcrc rules), and engine.ts `compile` (the fast path's text scans and import checks, or the
// whole analysis for a file that leaves it).
const FRONT = ["smartasyncOptions", "readSwcConfig", "compile"];
const front = Object.fromEntries(FRONT.map((k) => [k, []]));
for (let r = 0; r < (quick ? 3 : 9); r++) {
  const sum = Object.fromEntries(FRONT.map((k) => [k, 0]));
  for (const { file, code } of files) {
    const o = swcOptions(file);
    let t0 = performance.now();
    const fileOptions = smartasyncOptions(SMARTASYNC_OPTIONS, file);
    let t1 = performance.now();
    sum.smartasyncOptions += t1 - t0;
    t0 = t1;
    const fileConfig = readSwcConfig(o);
    t1 = performance.now();
    sum.readSwcConfig += t1 - t0;
    t0 = t1;
    compile({
      code,
      filename: file,
      options: fileOptions,
      parser: fileConfig.parser,
      isModule: fileConfig.isModule,
      cjsOutput: fileConfig.cjsOutput,
      root: ROOT,
    });
    sum.compile += performance.now() - t0;
  }
  for (const k of FRONT) front[k].push(sum[k]);
}

// 2. The annotated 5,000-line file, the four arms interleaved round by round.
const big = annotatedFile();
const bigLines = lineCount(big.code);
const annotatedRoundsN = quick ? 4 : 16;
const a = interleaveSamples(
  Object.fromEntries(names.map((n) => [n, () => ARMS[n](big.code, ANNOTATED_FILE)])),
  annotatedRoundsN,
  quick ? 1 : 2,
);

// 3. Where the time of `smartasync/swc` goes on the annotated file. The stages are those of
// engine.ts `compile` (parseToBabelShape = parseSync + lower), then index.ts's final transform.
const opts = swcOptions(ANNOTATED_FILE);
const options = smartasyncOptions(SMARTASYNC_OPTIONS, ANNOTATED_FILE);
const config = readSwcConfig(opts);
const engineInput = {
  code: big.code,
  filename: ANNOTATED_FILE,
  options,
  parser: config.parser,
  isModule: config.isModule,
  cjsOutput: config.cjsOutput,
  root: ROOT,
};
const STAGES = ["parseSync", "lower", "analyse", "emit", "transformSync"];
const stage = Object.fromEntries(STAGES.map((s) => [s, []]));
let edited = { code: "", map: null };
function pipeline() {
  const code = big.code;
  let t0 = performance.now();
  const program = swc.parseSync(code, {
    ...config.parser,
    target: "esnext",
    comments: false,
    isModule: config.isModule,
  });
  let t1 = performance.now();
  stage.parseSync.push(t1 - t0);
  t0 = t1;
  const file = lower(program, code, { typescript: config.parser.syntax === "typescript" });
  t1 = performance.now();
  stage.lower.push(t1 - t0);
  t0 = t1;
  const analysis = analyse({
    parsed: { program: file.program, comments: file.comments ?? [] },
    code,
    filename: ANNOTATED_FILE,
    fileName: "bench/.annotated-5000.js",
    options,
    graph: graphFor(options, ROOT),
    cjsTransform: config.cjsOutput,
    error: (message) => new Error(message),
  });
  t1 = performance.now();
  stage.analyse.push(t1 - t0);
  t0 = t1;
  const out = emit(analysis.plan, code, ANNOTATED_FILE);
  t1 = performance.now();
  stage.emit.push(t1 - t0);
  t0 = t1;
  plainSwc(out.code, opts);
  t1 = performance.now();
  stage.transformSync.push(t1 - t0);
  edited = out;
}
const breakdownRoundsN = quick ? 4 : 16;
const whole = interleaveSamples(
  {
    stages: pipeline,
    compile: () => compile(engineInput),
    "smartasync/swc": () => ARMS["smartasync/swc"](big.code, ANNOTATED_FILE),
    swc: () => ARMS.swc(big.code, ANNOTATED_FILE),
  },
  breakdownRoundsN,
  quick ? 1 : 2,
);
// The warm-up rounds of `pipeline` pushed samples too: keep the last `breakdownRoundsN`.
for (const s of STAGES) stage[s] = stage[s].slice(-breakdownRoundsN);

// ——— results ———
const armSummary = (samples) => Object.fromEntries(names.map((n) => [n, summary(samples[n])]));
const ratio = (samples, x, y) => summary(pairedRatios(samples[x], samples[y]));
const ratios = (samples) => ({
  "smartasync/swc / swc": ratio(samples, "smartasync/swc", "swc"),
  "babel+smartasync / babel": ratio(samples, "babel+smartasync", "babel"),
  "smartasync/swc / babel+smartasync": ratio(samples, "smartasync/swc", "babel+smartasync"),
  "babel / swc": ratio(samples, "babel", "swc"),
});
const stageMedians = Object.fromEntries(STAGES.map((s) => [s, median(stage[s])]));
const stageSum = STAGES.reduce((n, s) => n + stageMedians[s], 0);
const totalMs = median(whole["smartasync/swc"]);
const compileMs = median(whole.compile);
const corpusRatio = ratios(c);
const swcOnlyRatio = () => median(pairedRatios(swcOnly["smartasync/swc"], swcOnly.swc));
const annotatedRatio = ratios(a);

const results = {
  machine: startMachine,
  command: quick ? "node bench/swc.mjs --quick" : "node bench/swc.mjs",
  versions: { swc: swcVersion, babel: babel.version },
  setup: {
    swcOptions: { ...swcOptions("<file>"), smartasync: SMARTASYNC_OPTIONS },
    babelOptions: { ...babelBase, presets: ["@babel/preset-typescript"] },
    arms: names,
  },
  corpus: {
    files: files.length,
    lines,
    rounds: corpusRoundsN,
    // Each arm's total over the corpus per round (ms): median, quartiles, min, max.
    totalMs: armSummary(c),
    perFileMs: Object.fromEntries(names.map((n) => [n, median(c[n]) / files.length])),
    // Per-round ratios of two arms measured in the same round.
    ratios: corpusRatio,
    // The two SWC arms alone, without Babel in between (the goal's figure).
    swcOnly: {
      rounds: corpusRoundsN,
      totalMs: { swc: summary(swcOnly.swc), "smartasync/swc": summary(swcOnly["smartasync/swc"]) },
      ratio: summary(pairedRatios(swcOnly["smartasync/swc"], swcOnly.swc)),
    },
    smartasyncSelf: {
      rounds: selfSamples.length,
      totalMs: summary(selfSamples),
      shareOfSwc: summary(selfShareSamples),
      // The five files with the most of smartasync's own time (median per file over the rounds).
      topFiles: topSelf,
      // The front end's steps over the whole corpus, per round (ms).
      stepsMs: Object.fromEntries(FRONT.map((k) => [k, summary(front[k])])),
    },
  },
  annotated: {
    lines: bigLines,
    functions: big.functions,
    rounds: annotatedRoundsN,
    ms: armSummary(a),
    ratios: annotatedRatio,
  },
  breakdown: {
    rounds: breakdownRoundsN,
    stagesMs: Object.fromEntries(STAGES.map((s) => [s, summary(stage[s])])),
    stagesSumMs: stageSum,
    compileMs: summary(whole.compile),
    smartasyncSwcMs: summary(whole["smartasync/swc"]),
    swcMs: summary(whole.swc),
    // What `transformSync` does besides compile and SWC's final transform: options, .swcrc
    // reading, the package.json field, the result object.
    frontEndMs: totalMs - compileMs - stageMedians.transformSync,
    inputBytes: big.code.length,
    editedBytes: edited.code.length,
    editMapBytes: JSON.stringify(edited.map).length,
  },
  goals: [
    {
      id: "swc-no-annotation",
      what: "smartasync/swc on files with no annotation, vs plain SWC (corpus, the SWC arms alone, per-round ratio)",
      figure: swcOnlyRatio(),
      limit: 1.05,
      met: swcOnlyRatio() <= 1.05,
    },
    {
      id: "swc-annotated",
      what: "smartasync/swc on the annotated file, vs plain SWC (per-round ratio)",
      figure: annotatedRatio["smartasync/swc / swc"].median,
      limit: 3,
      stretch: 1.5,
      met: annotatedRatio["smartasync/swc / swc"].median <= 3,
      stretchMet: annotatedRatio["smartasync/swc / swc"].median <= 1.5,
    },
    {
      id: "swc-vs-babel",
      what: "smartasync/swc on the annotated file, vs Babel + smartasync (per-round ratio)",
      figure: annotatedRatio["smartasync/swc / babel+smartasync"].median,
      limit: 1,
      met: annotatedRatio["smartasync/swc / babel+smartasync"].median < 1,
    },
  ],
};
writeResults("swc", results);

// ——— console ———
const ms = (x) => `${x.toFixed(2)} ms`;
const x = (s) => `${s.median.toFixed(2)}x (${s.q1.toFixed(2)}–${s.q3.toFixed(2)})`;
console.log(
  `\nSWC integration (@swc/core ${swcVersion}, Babel ${babel.version}), medians of interleaved rounds, quartiles in brackets\n`,
);
console.log(
  table([
    ["workload", ...names],
    [
      `corpus: ${files.length} files, ${lines} lines (total)`,
      ...names.map((n) => ms(results.corpus.totalMs[n].median)),
    ],
    [`annotated file: ${bigLines} lines`, ...names.map((n) => ms(results.annotated.ms[n].median))],
  ]),
);
console.log("");
console.log(
  table([
    ["ratio", "corpus", "annotated"],
    ...Object.keys(corpusRatio).map((k) => [k, x(corpusRatio[k]), x(annotatedRatio[k])]),
    ["smartasync/swc / swc, the SWC arms alone", x(results.corpus.swcOnly.ratio), ""],
    [
      "smartasync's own time in smartasync/swc / SWC's",
      `+${(100 * results.corpus.smartasyncSelf.shareOfSwc.median).toFixed(2)}%`,
      "",
    ],
  ]),
);
console.log("\nfiles with the most of smartasync's own time (corpus)\n");
console.log(
  table([
    ["file", "lines", "own time", "share", "diagnostics"],
    ...topSelf.map((f) => [
      f.file,
      f.lines,
      ms(f.selfMs),
      `${(100 * f.share).toFixed(1)}%`,
      f.diagnostics.join(" "),
    ]),
  ]),
);
console.log(`\nannotated file through smartasync/swc, stage by stage (${breakdownRoundsN} rounds)\n`);
console.log(
  table([
    ["stage", "median", "share of the stages"],
    ...STAGES.map((s) => [s, ms(stageMedians[s]), `${((100 * stageMedians[s]) / stageSum).toFixed(1)}%`]),
    ["sum of the stages", ms(stageSum), ""],
    ["compile() as a whole", ms(compileMs), ""],
    ["smartasync/swc transformSync", ms(totalMs), ""],
    ["plain swc transformSync", ms(median(whole.swc)), ""],
  ]),
);
console.log("");
for (const g of results.goals)
  console.log(
    `goal ${g.id}: ${g.figure.toFixed(2)}x vs ${g.limit}x${g.stretch ? ` (stretch ${g.stretch}x)` : ""}: ${g.met ? "met" : "NOT met"}${g.stretch ? `, stretch ${g.stretchMet ? "met" : "not met"}` : ""}`,
  );
console.log("written bench/results/swc.json");
