// Babel with a real config file (issue 16). bench/real-files.mjs passes `configFile: false` and
// every option itself; a project has a `babel.config.json`, and then the plugin reads each module
// an importer reaches as Babel compiles it: Babel's `loadPartialConfigSync` for that file
// (babel-plugin/host-config.ts). This bench puts files in real project folders, each with a
// `package.json`, a `babel.config.json` and `node_modules/smartasync` (a link to this checkout),
// and compiles them with nothing but `filename` and `cwd` — Babel finds the config itself:
//
//   .tmp/bench-babel-config/babel/        babel.config.json: the presets and plugins below
//   .tmp/bench-babel-config/smartasync/   the same, plus "smartasync/babel"
//
// Both folders hold the same files, so Babel's own config work is the same in both arms:
//
// - **real files**: the files of bench/real-files-list.mjs with the folders they sit in (vite's
//   dist, @babel/core's lib, postcss's lib, …, `node_modules` renamed `deps`: project files, not
//   installed ones), so their relative imports lead to other files of the project, which the
//   config compiles too. Each listed file is compiled as it is and with the annotated function
//   appended, both arms per file in a balanced order, a turn of the event loop between compiles;
//   per-round totals and ratios, as bench/real-files.mjs does.
// - **whole project**: bench/whole-project-tree.mjs's tree (`--files`, 300 by default: one file
//   in ten with an exported annotated function, two in ten importing one and calling it from
//   sync code), every file compiled once a round per arm, in the same way. The first pass (a
//   fresh process: no config, no module read yet) is reported apart from the warm rounds.
//
// The config: `sourceType: "unambiguous"`, `compact: false`, `@babel/preset-typescript` (it
// leaves .js files alone: Babel's own work is that of bench/real-files.mjs, and the figures
// compare with its `configFile: false` ones); `--cjs` adds `@babel/plugin-transform-modules-commonjs`.
//
// `--base <checkout>`: a third folder whose `node_modules/smartasync` links to another checkout
// (built: its dist/), run in the same rounds — build against build, with the ratio new ÷ base per
// round.
//
// Run: node bench/babel-config.mjs [--quick] [--rounds N] [--files N] [--only real|whole] [--cjs]
// [--base <checkout>] (`npm run bench:babel-config`; part of `npm run bench`). Needs dist/.
// `--only`, `--cjs` or `--base` prints the figures without writing the results file.
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import * as babel from "@babel/core";
import { balancedOrder, machine, pairedRatios, ROOT, summary, table, writeResults } from "./lib.mjs";
import { annotatedVariant, installedFiles } from "./real-files-list.mjs";
import { makeTree } from "./whole-project-tree.mjs";

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const quick = args.includes("--quick");
const cjs = args.includes("--cjs");
const rounds = Number(arg("--rounds", quick ? "3" : "7"));
const warm = quick ? 1 : 2;
const treeFiles = Number(arg("--files", "300"));
const only = arg("--only", undefined);
if (only !== undefined && only !== "real" && only !== "whole")
  throw new Error(`babel-config: --only takes "real" or "whole", not ${JSON.stringify(only)}`);
const startMachine = machine();

const BASE = join(ROOT, ".tmp", "bench-babel-config");
const config = (withPlugin) => ({
  sourceType: "unambiguous",
  compact: false,
  presets: ["@babel/preset-typescript"],
  plugins: [
    ...(cjs ? ["@babel/plugin-transform-modules-commonjs"] : []),
    ...(withPlugin ? ["smartasync/babel"] : []),
  ],
});
const base = arg("--base", undefined);
const ARMS = ["babel", "babel+smartasync", ...(base ? ["base"] : [])];
const projects = {
  babel: join(BASE, "babel"),
  "babel+smartasync": join(BASE, "smartasync"),
  ...(base ? { base: join(BASE, "base") } : {}),
};
/** The checkout each folder's `node_modules/smartasync` links to. */
const linked = (arm) => (arm === "base" ? base : ROOT);

// ——— the projects ———
rmSync(BASE, { recursive: true, force: true });
const installed = installedFiles();
/** A listed file's path in the project: `node_modules` renamed, so that it is a project file. */
const inProject = (rel) =>
  join("src", rel.replace(/^node_modules\//, "").replaceAll("/node_modules/", "/deps/"));
/** The folder a listed file is copied with: its path up to its first `lib` or `dist` folder. */
const rootOfListed = (rel) => {
  const parts = rel.split("/");
  const i = parts.findIndex((p, k) => k > 0 && (p === "lib" || p === "dist"));
  return i < 0 ? dirname(rel) : parts.slice(0, i + 1).join("/");
};
for (const [arm, dir] of Object.entries(projects)) {
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: "bench-project", private: true })}\n`);
  writeFileSync(join(dir, "babel.config.json"), `${JSON.stringify(config(arm !== "babel"), null, 2)}\n`);
  symlinkSync(linked(arm), join(dir, "node_modules", "smartasync"));
  const roots = new Set(installed.files.map((f) => rootOfListed(f.rel)));
  for (const r of roots) {
    cpSync(join(ROOT, r), join(dir, inProject(r)), {
      recursive: true,
      // Code and package.json files (a package's "type" says how Node reads its .js files).
      filter: (src) => !/\.(map|d\.ts|d\.mts|d\.cts|md|wasm|node)$/.test(src),
    });
    // The package's own package.json, beside the copied folder's parent where it was.
    const pkg = join(ROOT, r, "..", "package.json");
    if (existsSync(pkg)) cpSync(pkg, join(dir, inProject(r), "..", "package.json"));
  }
}
const realFiles = installed.files.map(({ rel, code }) => ({
  rel: inProject(rel),
  variants: { plain: code, annotated: annotatedVariant(code) },
}));
const trees = Object.fromEntries(
  Object.entries(projects).map(([arm, dir]) => [arm, makeTree(join(dir, "whole"), treeFiles)]),
);
const wholeRels = [];
{
  const walk = (d, rel) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p, `${rel}/${e.name}`);
      else wholeRels.push(`${rel}/${e.name}`);
    }
  };
  walk(trees.babel.out, "whole");
}
const wholeFiles = wholeRels.map((rel) => ({
  rel,
  variants: { asBuilt: readFileSync(join(projects.babel, rel), "utf8") },
}));

// ——— the rounds ———
const compile = (arm, rel, code) => {
  const cwd = projects[arm];
  return babel.transformSync(code, { filename: join(cwd, rel), cwd });
};
/** The event loop turns between two compiles, as between the files a bundler hands over. */
const between = () => new Promise((done) => setImmediate(done));

/**
 * Every file and variant through both arms, in a balanced order that changes from file to file
 * and round to round; per round and variant each arm's total. Round -warm is the process's first
 * pass over these files (`first`); the others after the warm-up are the rounds.
 */
async function pass(files, variants) {
  const zero = (x) => () => Object.fromEntries(ARMS.map((a) => [a, x()]));
  const totals = Object.fromEntries(variants.map((v) => [v, zero(() => [])()]));
  const first = Object.fromEntries(variants.map((v) => [v, zero(() => 0)()]));
  for (let r = -warm; r < rounds; r++) {
    const sum = Object.fromEntries(variants.map((v) => [v, zero(() => 0)()]));
    for (const [i, f] of files.entries()) {
      for (const [k, v] of variants.entries()) {
        for (const a of balancedOrder(ARMS.length, i + r + k)) {
          const t0 = performance.now();
          compile(ARMS[a], f.rel, f.variants[v]);
          sum[v][ARMS[a]] += performance.now() - t0;
          await between();
        }
      }
    }
    if (r === -warm) for (const v of variants) Object.assign(first[v], sum[v]);
    if (r >= 0) for (const v of variants) for (const a of ARMS) totals[v][a].push(sum[v][a]);
  }
  return Object.fromEntries(
    variants.map((v) => [
      v,
      {
        totalMs: Object.fromEntries(ARMS.map((a) => [a, summary(totals[v][a])])),
        ratio: summary(pairedRatios(totals[v][ARMS[1]], totals[v][ARMS[0]])),
        perRound: pairedRatios(totals[v][ARMS[1]], totals[v][ARMS[0]]),
        firstPass: { ...first[v], ratio: first[v][ARMS[1]] / first[v][ARMS[0]] },
        ...(base
          ? {
              baseRatio: summary(pairedRatios(totals[v].base, totals[v][ARMS[0]])),
              newOverBase: summary(pairedRatios(totals[v][ARMS[1]], totals[v].base)),
              newOverBasePerRound: pairedRatios(totals[v][ARMS[1]], totals[v].base),
            }
          : {}),
      },
    ]),
  );
}

// Each file must compile in both arms, and the annotated variant must be analysed there.
for (const f of realFiles) {
  for (const arm of ARMS) compile(arm, f.rel, f.variants.plain);
  for (const arm of ARMS.slice(1)) {
    const r = compile(arm, f.rel, f.variants.annotated);
    if (!r.metadata.smartasync?.functions.some((fn) => fn.name === "smartasyncBenchStep"))
      throw new Error(`babel-config: ${f.rel}: the appended function is not in the report (${arm})`);
  }
}
// (That check compiled every real file once: the real files' first pass is not a fresh process.)
const t0 = performance.now();
const whole = only === "real" ? undefined : await pass(wholeFiles, ["asBuilt"]);
const real = only === "whole" ? undefined : await pass(realFiles, ["plain", "annotated"]);
const seconds = (performance.now() - t0) / 1000;

// ——— results ———
const ms = (x) => `${x.toFixed(0)} ms`;
const x = (s) => `${s.median.toFixed(2)}x (${s.q1.toFixed(2)}–${s.q3.toFixed(2)})`;
const endMachine = machine();
console.log(
  `\nBabel ${babel.version} with a babel.config.json (${config(true).presets.concat(config(true).plugins).join(", ")}): ${realFiles.length} real files, a ${wholeFiles.length}-file tree; ${rounds} rounds (+${warm} warm-up), ${seconds.toFixed(0)} s; load average ${startMachine.loadAverageAtStart.join(" / ")} → ${endMachine.loadAverageAtStart.join(" / ")}\n`,
);
const rows = [["files", "babel", "babel+smartasync", "ratio", "per round", "first pass"]];
for (const [name, p] of [
  ["real files, as they are", real?.plain],
  ["real files, annotated", real?.annotated],
  [`whole project (${wholeFiles.length} files)`, whole?.asBuilt],
]) {
  if (!p) continue;
  rows.push([
    name,
    ms(p.totalMs.babel.median),
    ms(p.totalMs["babel+smartasync"].median),
    x(p.ratio),
    p.perRound.map((r) => r.toFixed(2)).join(" "),
    `${p.firstPass.ratio.toFixed(2)}x`,
  ]);
}
console.log(table(rows));
if (base) {
  console.log("\nbuild against build (base: the checkout given)");
  const brows = [["files", "base ÷ babel", "new ÷ babel", "new ÷ base", "new ÷ base per round"]];
  for (const [name, p] of [
    ["real files, as they are", real?.plain],
    ["real files, annotated", real?.annotated],
    [`whole project (${wholeFiles.length} files)`, whole?.asBuilt],
  ]) {
    if (!p) continue;
    brows.push([
      name,
      x(p.baseRatio),
      x(p.ratio),
      x(p.newOverBase),
      p.newOverBasePerRound.map((r) => r.toFixed(2)).join(" "),
    ]);
  }
  console.log(table(brows));
}
if (only || cjs || base) process.exit(0);
writeResults("babel-config", {
  machine: startMachine,
  command: `node bench/babel-config.mjs${quick ? " --quick" : ""}${args.includes("--rounds") ? ` --rounds ${rounds}` : ""}${args.includes("--files") ? ` --files ${treeFiles}` : ""}`,
  versions: { babel: babel.version },
  config: config(true),
  realFiles: realFiles.length,
  treeFiles: wholeFiles.length,
  skipped: installed.missing,
  rounds,
  warm,
  seconds,
  real,
  whole,
  goals: [
    {
      id: "config-babel-annotated",
      what: "Babel + smartasync ÷ Babel with a babel.config.json, one annotated function appended",
      figure: real.annotated.ratio.median,
      limit: 1.3,
      met: real.annotated.ratio.median <= 1.3,
    },
  ],
});
console.log("written bench/results/babel-config.json");
