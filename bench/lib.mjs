// Small timing helpers shared by the benches: interleaved rounds, medians, ratios. The machine
// is shared and noisy, so every figure is compared with its anchor measured in the same rounds.
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs each named task once per round, in rotating order, and returns the median time of each
 * (in ms). Rotation keeps warm-up and background noise from favouring one side.
 */
export function interleave(tasks, rounds) {
  const names = Object.keys(tasks);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length];
      const t0 = performance.now();
      tasks[name]();
      times[name].push(performance.now() - t0);
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(times[n])]));
}

export function machine() {
  return {
    node: process.version,
    cores: availableParallelism(),
    date: new Date().toISOString().slice(0, 10),
  };
}

export function writeResults(name, data) {
  const dir = join(ROOT, "bench", "results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify({ machine: machine(), ...data }, null, 2)}\n`);
}

export function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => String(c).padEnd(widths[i])).join("  ")).join("\n");
}
