// Real files, as a build meets them: about 40 built sources of installed npm packages (vite's
// dist chunks, @babel/core and @babel/traverse, postcss, rolldown, lodash-es when installed),
// each compiled twice — as it is, and with one small annotated function appended (plus a call of
// it from sync code) — through
//   plain `@swc/core` transformSync  vs  `smartasync/swc` transformSync, and
//   Babel (the same preset-less config)  vs  Babel + smartasync.
// Each pair runs file by file in a balanced order (A B, then B A for the next file and round),
// in its own pass (Babel's garbage would otherwise land on the SWC arm that runs after it); each
// round sums each arm's time per variant, and the figures are per-round ratios and medians.
// The files keep their real paths, so their imports are followed as a bundler would follow them
// (`./node.js` of vite's chunks, and so on).
//
// Run: node bench/real-files.mjs [--quick] [--rounds N] [--only babel|swc] [--swc-annotated]
// (part of `npm run bench`). Needs dist/. `--only` runs one pair of arms and prints its figures
// without writing the results file (the rendered page needs both pairs); `--swc-annotated` runs
// only the SWC pair on the annotated files and prints its per-round ratios — quicker checks while
// working on one path.
import { createRequire } from "node:module";
import * as babel from "@babel/core";
import swc from "@swc/core";
import smartasync from "../dist/babel-plugin/index.js";
import * as smartasyncSwc from "../dist/swc-plugin/index.js";
import {
  balancedOrder,
  lineCount,
  machine,
  median,
  pairedRatios,
  summary,
  table,
  writeResults,
} from "./lib.mjs";
import { APPENDED, annotatedVariant, installedFiles } from "./real-files-list.mjs";

const quick = process.argv.includes("--quick");
const swcAnnotatedOnly = process.argv.includes("--swc-annotated");
const roundsArg = process.argv.indexOf("--rounds");
const onlyArg = process.argv.indexOf("--only");
const only = onlyArg > 0 ? process.argv[onlyArg + 1] : undefined;
if (only !== undefined && only !== "babel" && only !== "swc")
  throw new Error(`real-files: --only takes "babel" or "swc", not ${JSON.stringify(only)}`);
const startMachine = machine();
const require = createRequire(import.meta.url);

// Both SWC arms get the same options (smartasync's own are removed before SWC sees them);
// `isModule: "unknown"` is SWC's counterpart of Babel's "unambiguous".
const swcOptions = (filename) => ({
  filename,
  swcrc: false,
  isModule: "unknown",
  jsc: { parser: { syntax: "ecmascript" }, target: "es2022" },
});
const babelOptions = { babelrc: false, configFile: false, sourceType: "unambiguous", compact: false };

const plainSwc = swc.transformSync;
const ARMS = {
  swc: (code, filename) => plainSwc(code, swcOptions(filename)),
  "smartasync/swc": (code, filename) =>
    smartasyncSwc.transformSync(code, { ...swcOptions(filename), smartasync: {} }),
  babel: (code, filename) => babel.transformSync(code, { ...babelOptions, filename }),
  "babel+smartasync": (code, filename) =>
    babel.transformSync(code, { ...babelOptions, filename, plugins: [smartasync] }),
};
const PAIRS = {
  swc: ["swc", "smartasync/swc"],
  babel: ["babel", "babel+smartasync"],
};
const VARIANTS = swcAnnotatedOnly ? ["annotated"] : ["plain", "annotated"];
const CHECKED_ARMS = swcAnnotatedOnly ? PAIRS.swc : Object.keys(ARMS);

// ——— the files ———
const installed = installedFiles();
const skipped = installed.missing.map((file) => ({ file, why: "not installed" }));
const files = [];
for (const { rel, file, code } of installed.files) {
  const variants = { plain: code, annotated: annotatedVariant(code) };
  // Every arm must accept both variants (else the arms would compile different sets), and the
  // annotated variant must really be analysed: its report lists the appended function.
  const problem = (() => {
    try {
      for (const v of VARIANTS) for (const arm of CHECKED_ARMS) ARMS[arm](variants[v], file);
      const report = ARMS["smartasync/swc"](variants.annotated, file).smartasync;
      if (!report.functions.some((f) => f.name === "smartasyncBenchStep"))
        return "the appended function is not in the report";
    } catch (e) {
      return String(e?.message ?? e).split("\n")[0];
    }
    return undefined;
  })();
  if (problem) skipped.push({ file: rel, why: problem });
  else files.push({ rel, file, variants });
}
for (const s of skipped) console.warn(`skipped ${s.file}: ${s.why}`);
if (!files.length) throw new Error("real-files: none of the listed files is installed");
const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.variants.plain), 0);
const lines = files.reduce((n, f) => n + lineCount(f.variants.plain), 0);

// ——— the rounds ———
/**
 * The event loop turns between two compiles, outside the timings, as it does between the files a
 * bundler or `smartasync build` hands over (each its own `transform`, each its own synchronous
 * run): what a host keeps for one synchronous run only (the options walk, the stamps of imported
 * modules) is then taken again for each file, as in those hosts, rather than once for the whole
 * bench.
 */
const between = () => new Promise((done) => setImmediate(done));

/**
 * One pass over the files for a pair of arms: per file and variant, both arms in a balanced
 * order that changes from file to file and round to round. Returns, per variant and arm, each
 * round's total, and per file each round's ratio (second arm ÷ first).
 */
async function pass(pair, rounds, warm) {
  const totals = Object.fromEntries(VARIANTS.map((v) => [v, { [pair[0]]: [], [pair[1]]: [] }]));
  const perFile = files.map(() => Object.fromEntries(VARIANTS.map((v) => [v, []])));
  for (let r = -warm; r < rounds; r++) {
    const sum = Object.fromEntries(VARIANTS.map((v) => [v, { [pair[0]]: 0, [pair[1]]: 0 }]));
    for (const [i, { file, variants }] of files.entries()) {
      for (const [k, v] of VARIANTS.entries()) {
        const t = {};
        for (const a of balancedOrder(2, i + r + k)) {
          const t0 = performance.now();
          ARMS[pair[a]](variants[v], file);
          t[pair[a]] = performance.now() - t0;
          await between();
        }
        sum[v][pair[0]] += t[pair[0]];
        sum[v][pair[1]] += t[pair[1]];
        if (r >= 0) perFile[i][v].push(t[pair[1]] / t[pair[0]]);
      }
    }
    if (r >= 0) for (const v of VARIANTS) for (const a of pair) totals[v][a].push(sum[v][a]);
  }
  return { totals, perFile };
}

const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : quick ? 3 : 9;
const warm = quick ? 1 : 2;
const t0 = performance.now();
if (only) {
  // One pair only: its per-round totals and ratios on the console, no results file.
  const p = await pass(PAIRS[only], rounds, warm);
  const pair = PAIRS[only];
  const f = (s) => `${s.median.toFixed(2)} (${s.q1.toFixed(2)}–${s.q3.toFixed(2)})`;
  console.log(
    `\nReal files, ${only} arms only: ${files.length} files; ${rounds} rounds (+${warm} warm-up), ${((performance.now() - t0) / 1000).toFixed(0)} s; load average ${startMachine.loadAverageAtStart.join(" / ")} → ${machine().loadAverageAtStart.join(" / ")}`,
  );
  for (const v of VARIANTS) {
    const ratios = pairedRatios(p.totals[v][pair[1]], p.totals[v][pair[0]]);
    console.log(
      `${v}: ${pair[0]} ${f(summary(p.totals[v][pair[0]]))} ms, ${pair[1]} ${f(summary(p.totals[v][pair[1]]))} ms, ratio ${f(summary(ratios))}; per round ${ratios.map((r) => r.toFixed(2)).join(" ")}`,
    );
  }
  process.exit(0);
}
const swcPass = await pass(PAIRS.swc, rounds, warm);
if (swcAnnotatedOnly) {
  const ratios = pairedRatios(swcPass.totals.annotated[PAIRS.swc[1]], swcPass.totals.annotated.swc);
  const s = summary(ratios);
  console.log(
    `smartasync/swc ÷ @swc/core, ${files.length} annotated files, ${rounds} rounds: per round ${ratios.map((r) => r.toFixed(2)).join(" ")}; median ${s.median.toFixed(2)}x (${s.q1.toFixed(2)}–${s.q3.toFixed(2)}); load ${startMachine.loadAverageAtStart.join(" ")} → ${machine().loadAverageAtStart.join(" ")}`,
  );
  process.exit(0);
}
const babelPass = await pass(PAIRS.babel, rounds, warm);

// smartasync's own time inside `smartasync/swc`: the whole call minus the time spent in
// @swc/core's transformSync (which the wrapper calls through the module object, wrapped for this
// pass only), per variant and round, over SWC's time in the same calls. Measured inside one
// call, it is far less exposed to the load than the ratio of two separate calls.
let insideSwcMs = 0;
swc.transformSync = function timedTransformSync(...args) {
  const t = performance.now();
  try {
    return plainSwc.apply(this, args);
  } finally {
    insideSwcMs += performance.now() - t;
  }
};
const own = Object.fromEntries(VARIANTS.map((v) => [v, { ownMs: [], share: [] }]));
try {
  for (let r = -warm; r < rounds; r++) {
    for (const v of VARIANTS) {
      let total = 0;
      let inside = 0;
      for (const { file, variants } of files) {
        insideSwcMs = 0;
        const t = performance.now();
        ARMS["smartasync/swc"](variants[v], file);
        total += performance.now() - t;
        inside += insideSwcMs;
        await between();
      }
      if (r >= 0) {
        own[v].ownMs.push(total - inside);
        own[v].share.push((total - inside) / inside);
      }
    }
  }
} finally {
  swc.transformSync = plainSwc;
}
const seconds = (performance.now() - t0) / 1000;

// What each file's report says (diagnostics of smartasync/swc and of Babel, by variant).
const diagnostics = files.map(({ file, variants }) =>
  Object.fromEntries(
    VARIANTS.map((v) => {
      const s = ARMS["smartasync/swc"](variants[v], file).smartasync.diagnostics.map((d) => d.code);
      const b = ARMS["babel+smartasync"](variants[v], file).metadata.smartasync.diagnostics.map(
        (d) => d.code,
      );
      return [v, { swc: s, babel: b }];
    }),
  ),
);

// ——— results ———
const pairSummary = (p, pair) =>
  Object.fromEntries(
    VARIANTS.map((v) => [
      v,
      {
        totalMs: { [pair[0]]: summary(p.totals[v][pair[0]]), [pair[1]]: summary(p.totals[v][pair[1]]) },
        ratio: summary(pairedRatios(p.totals[v][pair[1]], p.totals[v][pair[0]])),
      },
    ]),
  );
const swcResult = pairSummary(swcPass, PAIRS.swc);
const babelResult = pairSummary(babelPass, PAIRS.babel);
const perFile = files.map((f, i) => ({
  file: f.rel,
  bytes: Buffer.byteLength(f.variants.plain),
  lines: lineCount(f.variants.plain),
  swcRatio: Object.fromEntries(VARIANTS.map((v) => [v, median(swcPass.perFile[i][v])])),
  babelRatio: Object.fromEntries(VARIANTS.map((v) => [v, median(babelPass.perFile[i][v])])),
  diagnostics: diagnostics[i],
}));
const goal = (id, what, figure, limit) => ({ id, what, figure, limit, met: figure <= limit });
const command = `node bench/real-files.mjs${quick ? " --quick" : ""}${roundsArg > 0 ? ` --rounds ${rounds}` : ""}`;
const results = {
  machine: startMachine,
  command,
  versions: { swc: require("@swc/core/package.json").version, babel: babel.version },
  setup: {
    swcOptions: { ...swcOptions("<file>"), smartasync: {} },
    babelOptions,
    appended: APPENDED,
  },
  files: files.length,
  bytes,
  lines,
  skipped,
  rounds,
  warm,
  seconds,
  swc: swcResult,
  // smartasync's own time inside smartasync/swc (ms per round) and its share of SWC's time.
  swcOwn: Object.fromEntries(
    VARIANTS.map((v) => [v, { ownMs: summary(own[v].ownMs), shareOfSwc: summary(own[v].share) }]),
  ),
  babel: babelResult,
  perFile,
  goals: [
    goal(
      "real-swc-plain",
      "smartasync/swc ÷ @swc/core, files as they are",
      swcResult.plain.ratio.median,
      1.05,
    ),
    goal(
      "real-swc-annotated",
      "smartasync/swc ÷ @swc/core, one annotated function appended",
      swcResult.annotated.ratio.median,
      3,
    ),
    goal(
      "real-babel-plain",
      "Babel + smartasync ÷ Babel, files as they are",
      babelResult.plain.ratio.median,
      1.3,
    ),
    goal(
      "real-babel-annotated",
      "Babel + smartasync ÷ Babel, one annotated function appended",
      babelResult.annotated.ratio.median,
      1.3,
    ),
  ],
};
writeResults("real-files", results);

// ——— console ———
const ms = (x) => `${x.toFixed(1)} ms`;
const x = (s) => `${s.median.toFixed(2)}x (${s.q1.toFixed(2)}–${s.q3.toFixed(2)})`;
console.log(
  `\nReal files: ${files.length} files, ${(bytes / 1024).toFixed(0)} KiB, ${lines} lines; ${rounds} rounds (+${warm} warm-up), ${seconds.toFixed(0)} s; medians of per-round totals and ratios\n`,
);
console.log(
  table([
    ["variant", "swc", "smartasync/swc", "ratio", "babel", "babel+smartasync", "ratio"],
    ...VARIANTS.map((v) => [
      v,
      ms(swcResult[v].totalMs.swc.median),
      ms(swcResult[v].totalMs["smartasync/swc"].median),
      x(swcResult[v].ratio),
      ms(babelResult[v].totalMs.babel.median),
      ms(babelResult[v].totalMs["babel+smartasync"].median),
      x(babelResult[v].ratio),
    ]),
  ]),
);
console.log(
  `\nsmartasync's own time inside smartasync/swc, over SWC's time in the same calls: ${VARIANTS.map((v) => `${v} +${(100 * results.swcOwn[v].shareOfSwc.median).toFixed(1)}% (${ms(results.swcOwn[v].ownMs.median)})`).join(", ")}`,
);
console.log(
  "\nper file (median of per-round ratios), highest smartasync/swc ratio on the file as it is first\n",
);
console.log(
  table([
    [
      "file",
      "KiB",
      "swc plain",
      "swc annotated",
      "babel plain",
      "babel annotated",
      "diagnostics (swc, plain)",
    ],
    ...[...perFile]
      .sort((p, q) => q.swcRatio.plain - p.swcRatio.plain)
      .map((f) => [
        f.file,
        (f.bytes / 1024).toFixed(0),
        f.swcRatio.plain.toFixed(2),
        f.swcRatio.annotated.toFixed(2),
        f.babelRatio.plain.toFixed(2),
        f.babelRatio.annotated.toFixed(2),
        f.diagnostics.plain.swc.join(" "),
      ]),
  ]),
);
console.log("");
for (const g of results.goals)
  console.log(`goal ${g.id}: ${g.figure.toFixed(2)}x vs ${g.limit}x: ${g.met ? "met" : "NOT met"}`);
console.log("written bench/results/real-files.json");
