// The Babel plugin's cost, side by side with Babel alone in the same process:
//  1. a real-world corpus from installed npm packages (no annotations): the fast path's overhead;
//  2. one annotated 5,000-line file: what the full pass costs;
//  3. run time of a `sync-inline` call against a hand-written sync function.
// Run: npm run bench (all) or node bench/babel.mjs
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as babel from "@babel/core";
import smartasync from "../dist/babel-plugin/index.js";
import { interleave, median, ROOT, table, writeResults } from "./lib.mjs";

const quick = process.argv.includes("--quick");

function corpus() {
  const files = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(c|m)?js$/.test(e.name) && !e.name.endsWith(".min.js") && statSync(p).size < 400_000)
        files.push(p);
    }
  };
  for (const pkg of ["@babel", "piscina/dist", "tinypool/dist", "synckit/lib", "magic-string/dist"]) {
    try {
      walk(join(ROOT, "node_modules", pkg));
    } catch {}
  }
  return files
    .map((f) => ({ file: f, code: readFileSync(f, "utf8") }))
    .filter((f) => !f.code.includes("@smartasync"));
}

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
  return { babel: median(totals.babel), "babel+smartasync": median(totals["babel+smartasync"]) };
}
const c = corpusRounds(rounds);

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
function annotatedFile() {
  const parts = [
    'import { readFile } from "node:fs/promises";',
    'import { isWorker } from "smartasync/runtime";',
  ];
  let i = 0;
  while (parts.join("\n").split("\n").length < 5000) {
    parts.push(`
// @smartasync
export async function load${i}(path) {
  const text = await readFile(path, "utf8");
  const extra = await step${i}(text.length);
  return JSON.parse(text).value + extra;
}

// @smartasync
export async function step${i}(n) {
  const doubled = n * 2;
  return doubled + 1;
}

// @smartasync
export function hash${i}(s) {
  let h = 0;
  for (let k = 0; k < s.length; k++) h = (h * 31 + s.charCodeAt(k)) | 0;
  return h;
}

export function cli${i}(path) {
  const v = load${i}(path);
  const xs = [1, 2, 3].map((x) => step${i}(x));
  return hash${i}(String(v)) + xs.length;
}

export async function handler${i}(path) {
  const [a, b] = await Promise.all([load${i}(path), step${i}(3)]);
  return (await hash${i}(String(a + b))) + 1;
}`);
    i++;
  }
  parts.push("if (!isWorker) cli0(process.argv[2]);");
  return { code: parts.join("\n"), functions: i * 3 };
}
const big = annotatedFile();
const bigFile = join(ROOT, "bench/.annotated-5000.js");
const bigLines = big.code.split("\n").length;
const one = (plugins) => () => babel.transformSync(big.code, { ...base, filename: bigFile, plugins });
const b = interleave({ babel: one([]), "babel+smartasync": one([smartasync]) }, quick ? 3 : 7);

// 3. Run time of a sync-inline call against a hand-written sync function.
const src = `
// @smartasync
export async function double(v) { return v * 2; }
// @smartasync
export async function add(a, b) { const x = await double(a); return x + b; }
function doubleH(v) { return v * 2; }
export function handWritten(a, b) { const x = doubleH(a); return x + b; }
export function viaPlugin(n) { let s = 0; for (let i = 0; i < n; i++) s += add(i, 1); return s; }
export function direct(n) { let s = 0; for (let i = 0; i < n; i++) s += handWritten(i, 1); return s; }
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
const r = interleave(
  { "hand-written sync": () => mod.direct(N), "sync-inline (addSync)": () => mod.viaPlugin(N) },
  quick ? 5 : 21,
);

const results = {
  corpus: {
    files: files.length,
    lines,
    medianMs: c,
    ratio: c["babel+smartasync"] / c.babel,
    pluginSelfMs: self,
    pluginSelfShare: self / c.babel,
  },
  annotated: {
    lines: bigLines,
    functions: big.functions,
    medianMs: b,
    ratio: b["babel+smartasync"] / b.babel,
  },
  inlineCall: {
    nsPerCall: Object.fromEntries(Object.entries(r).map(([k, v]) => [k, (v * 1e6) / N])),
    ratio: r["sync-inline (addSync)"] / r["hand-written sync"],
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
  ]),
);
