// Small timing helpers shared by the benches: interleaved rounds, medians, spreads, ratios, and
// the workloads the Babel and SWC benches share. The machine is shared and noisy, so every
// figure is compared with its anchor measured in the same rounds.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, platform, release, totalmem, type } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Linear-interpolated quantile (q in [0, 1]) of a sample. */
export function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** Median and spread of a sample: quartiles (the middle half of the rounds), min, max, n. */
export function summary(xs) {
  return {
    median: median(xs),
    q1: quantile(xs, 0.25),
    q3: quantile(xs, 0.75),
    min: Math.min(...xs),
    max: Math.max(...xs),
    n: xs.length,
  };
}

/** Per-round ratios of two paired samples (a[i] / b[i]): both measured in the same round. */
export function pairedRatios(a, b) {
  return a.map((x, i) => x / b[i]);
}

/**
 * Row `k` of a Williams design for `n` arms: over `n` consecutive rows (2n when n is odd) every
 * arm runs in every position and right after every other arm equally often. A plain rotation
 * (A B C D, B C D A, …) always runs B right after A, so an arm that warms a cache for the next
 * (or pollutes it) would bias the same neighbour every time.
 */
export function balancedOrder(n, k) {
  const first = [0];
  for (let j = 1, lo = 1, hi = n - 1; j < n; j++) first.push(j % 2 ? lo++ : hi--);
  const rows = n % 2 ? 2 * n : n;
  const row = ((k % rows) + rows) % rows;
  const order = first.map((x) => (x + (row % n)) % n);
  return row >= n ? order.reverse() : order;
}

/**
 * Runs each named task once per round, in a balanced order (`balancedOrder`), and returns the
 * per-round times of each (in ms), after `warm` rounds that are not kept. Varying the order keeps
 * warm-up, neighbours and background noise from favouring one side.
 */
export function interleaveSamples(tasks, rounds, warm = 0) {
  const names = Object.keys(tasks);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = -warm; r < rounds; r++) {
    const order = balancedOrder(names.length, r);
    for (let i = 0; i < names.length; i++) {
      const name = names[order[i]];
      const t0 = performance.now();
      tasks[name]();
      const ms = performance.now() - t0;
      if (r >= 0) times[name].push(ms);
    }
  }
  return times;
}

/** As `interleaveSamples`, but the median time of each task (in ms). */
export function interleave(tasks, rounds, warm = 0) {
  const times = interleaveSamples(tasks, rounds, warm);
  return Object.fromEntries(Object.entries(times).map(([n, xs]) => [n, median(xs)]));
}

/** The machine a bench ran on, from `os`, and how loaded it was when the bench started. */
export function machine() {
  return {
    node: process.version,
    cores: availableParallelism(),
    cpu: cpus()[0]?.model?.trim() ?? "unknown",
    os: `${type()} ${release()} (${platform()} ${process.arch})`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    date: new Date().toISOString().slice(0, 10),
    startedAt: new Date().toISOString(),
    loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

export function writeResults(name, data) {
  const dir = join(ROOT, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const { machine: m = machine(), ...rest } = data;
  const out = {
    machine: { ...m, loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100) },
    ...rest,
  };
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(out, null, 2)}\n`);
}

export function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => String(c).padEnd(widths[i])).join("  ")).join("\n");
}

// ——— shared workloads ———

/**
 * A real-world corpus without annotations: every `.js/.cjs/.mjs` file under 400 kB of some
 * installed packages (real code, not generated), in a stable order.
 */
export function corpus() {
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

export const lineCount = (code) => code.split("\n").length;

/** Where the annotated file is said to live (it is never written; only its name matters). */
export const ANNOTATED_FILE = join(ROOT, "bench/.annotated-5000.js");

/**
 * One annotated 5,000-line file: real-looking functions of every kind, with their callers
 * (twins, awaits of other smartasync functions, `Promise.all`, offloads).
 */
export function annotatedFile() {
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
